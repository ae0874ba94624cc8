/**
 * A bounded LRU of parsed, validated public-key points. A key seen `PRECOMPUTE_AFTER` times gets a
 * window table for variable-time (public-scalar) multiplication, so repeated verification
 * against the same signer costs only point additions. Only public data is cached.
 * @module
 */
import { sm2Curve, type Sm2Curve, type Sm2PointType } from './curve.js';
import type { Table } from './fast.js';
import { publicPoint } from './keys.js';

/**
 * Window size of per-key tables: 2^(W−1)·(⌈256/W⌉+1) points (W = 7: 2,432 points ≈ 250 KB,
 * ~20 ms to build; a cached-key verification then costs 38 + 27 mixed additions).
 * @example fast.tableFor(x, y, KEY_WINDOW)
 */
export const KEY_WINDOW = 7;
/**
 * A key gets its table on its fourth use (a table costs about as much as 15–20 cold verifications).
 * @example if (entry.uses === PRECOMPUTE_AFTER) buildTable(entry)
 */
export const PRECOMPUTE_AFTER = 4;

/** A cached public key: validated point, affine coordinates, and the fast table once warm. */
export interface Entry {
  point: Sm2PointType;
  x: bigint;
  y: bigint;
  uses: number;
  table: Table | null;
}

/**
 * An LRU map from encoded public key to validated point (with a table once warm).
 * @example const cache = new PointCache(sm2Curve, 32); const { point, table } = cache.get(publicKey)
 */
export class PointCache {
  private map = new Map<string, Entry>();
  constructor(
    private readonly curve: Sm2Curve,
    public capacity: number,
  ) {}

  /** The validated entry for `publicKey` (throws INVALID_POINT like `publicPoint`). */
  get(publicKey: Uint8Array): Entry {
    let id = '';
    if (this.capacity > 0) {
      for (let i = 0; i < publicKey.length; i++) id += String.fromCharCode(publicKey[i]!);
      const e = this.map.get(id);
      if (e) {
        this.map.delete(id);
        this.map.set(id, e);
        if (++e.uses === PRECOMPUTE_AFTER) {
          if (this.curve.fast) e.table = this.curve.fast.tableFor(e.x, e.y, KEY_WINDOW);
          else e.point.precompute(KEY_WINDOW, true);
        }
        return e;
      }
    }
    const point = publicPoint(publicKey, this.curve);
    const { x, y } = point.toAffine();
    const entry: Entry = { point, x, y, uses: 1, table: null };
    if (this.capacity > 0) {
      this.map.set(id, entry);
      if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    }
    return entry;
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

/**
 * The module's LRU of sm2p256v1 public keys (32 keys), shared by verification and encryption:
 * a key used `PRECOMPUTE_AFTER` times gets a window table, so later verifications and encryptions to it cost
 * table additions instead of 256 doublings.
 * @example const entry = publicKeyCache.get(publicKey) // throws INVALID_POINT for a bad key
 */
export const publicKeyCache = /* @__PURE__ */ new PointCache(sm2Curve, 32);
