/**
 * A bounded LRU of parsed, validated public-key points. A key seen `PRECOMPUTE_AFTER` times gets a
 * window table for variable-time (public-scalar) multiplication, so repeated verification
 * against the same signer costs only point additions. Only public data is cached.
 * @module
 */
import type { Sm2Curve, Sm2PointType } from './curve.js';
import { publicPoint } from './keys.js';

/** Window size of per-key tables: 2^(W−1)·(⌈256/W⌉+1) points (W = 6: 1,408 points ≈ 150 KB). */
export const KEY_WINDOW = 6;
/** A key gets its table on its second use. */
export const PRECOMPUTE_AFTER = 2;

interface Entry {
  point: Sm2PointType;
  uses: number;
}

/** An LRU map from encoded public key to validated point (with a table once warm). */
export class PointCache {
  private map = new Map<string, Entry>();
  constructor(
    private readonly curve: Sm2Curve,
    public capacity: number,
  ) {}

  /** The validated point for `publicKey` (throws INVALID_POINT like `publicPoint`). */
  get(publicKey: Uint8Array): Sm2PointType {
    if (this.capacity <= 0) return publicPoint(publicKey, this.curve);
    let id = '';
    for (let i = 0; i < publicKey.length; i++) id += String.fromCharCode(publicKey[i]!);
    const e = this.map.get(id);
    if (e) {
      this.map.delete(id);
      this.map.set(id, e);
      if (++e.uses === PRECOMPUTE_AFTER) e.point.precompute(KEY_WINDOW, true);
      return e.point;
    }
    const point = this.curve.Point.fromAffine(publicPoint(publicKey, this.curve).toAffine());
    this.map.set(id, { point, uses: 1 });
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return point;
  }

  /** Number of cached keys. */
  get size(): number {
    return this.map.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.map.clear();
  }
}
