/**
 * x-only Weierstrass groups for ECDH-PSI (P-256, SM2). An element is the 32-byte big-endian
 * x-coordinate of a point of the prime-order curve, i.e. a point up to sign: x(k·P) depends only
 * on x(P), so `k·` is well defined on the quotient and commutes. This is what OpenSSL's ECDH
 * (`crypto.createECDH(curve).computeSecret(02‖x)`) computes natively, which gives a real
 * node:crypto fast path; the pure-TS path (noble weierstrass) lifts x to the point with even y,
 * multiplies, and keeps x — the results are identical (checked in test/psi-groups.test.ts).
 *
 * Decoding checks x < p and that x³ + ax + b is a square (the point exists); cofactor 1, so every
 * such point is in the group, and the identity has no x-only encoding.
 * @module
 */
import type { WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { BukejianError } from '../../errors.js';
import { nodeCrypto } from '../../native.js';
import type { GroupName, KeyOps, PsiGroup } from './types.js';
import { randomScalar } from '../../_random.js';
import { beToNumber, invertMod, numberToBe } from './scalar.js';
import { jacobi } from './jacobi.js';

/** Parameters of one x-only group. */
export interface XOnlyParams {
  name: GroupName;
  id: number;
  suite: string;
  Point: WeierstrassPointCons<bigint>;
  /** Hash-to-curve returning the affine x-coordinate. */
  hashToX(msg: Uint8Array): bigint;
  /** OpenSSL curve name for the node:crypto fast path, if any. */
  opensslCurve?: string;
}

type NativeEcdh = {
  setPrivateKey(k: Uint8Array): void;
  computeSecret(pub: Uint8Array): Uint8Array;
};

/**
 * True when node:crypto offers ECDH on `curve`.
 * @example
 * hasNativeEcdh('SM2') // true on Node with OpenSSL 3
 */
export function hasNativeEcdh(curve: string): boolean {
  const c = nodeCrypto();
  if (!c) return false;
  try {
    return c.getCurves().includes(curve);
  } catch {
    return false;
  }
}

/**
 * Builds an x-only PSI group over a short-Weierstrass curve of prime order.
 * @example
 * const g = xOnlyGroup({ name: 'p256', id: 2, suite, Point: p256.Point, hashToX }, true)
 */
export function xOnlyGroup(P: XOnlyParams, useNative: boolean): PsiGroup {
  const { Point } = P;
  const Fp = Point.Fp;
  const p = Fp.ORDER;
  const n = Point.Fn.ORDER;
  const { a, b } = Point.CURVE();
  const LEN = 32;
  const crypto = useNative && P.opensslCurve && hasNativeEcdh(P.opensslCurve) ? nodeCrypto() : null;

  const rhs = (x: bigint): bigint => Fp.add(Fp.add(Fp.mul(Fp.sqr(x), x), Fp.mul(a, x)), b);
  function decodeX(e: Uint8Array): bigint {
    if (e.length !== LEN)
      throw new BukejianError('INVALID_POINT', `${P.name} element must be ${LEN} bytes`);
    const x = beToNumber(e);
    if (x >= p) throw new BukejianError('INVALID_POINT', `${P.name} x-coordinate out of range`);
    if (jacobi(rhs(x), p) !== 1)
      throw new BukejianError('INVALID_POINT', `${P.name} x-coordinate is not on the curve`);
    return x;
  }
  function lift(x: bigint) {
    let y = Fp.sqrt(rhs(x));
    if (y & 1n) y = Fp.neg(y);
    return Point.fromAffine({ x, y });
  }
  const mulJs = (x: bigint, k: bigint): Uint8Array =>
    numberToBe(lift(x).multiply(k).toAffine().x, LEN);

  function nativeOps(k: bigint, inv: bigint): KeyOps {
    const mk = (s: bigint): NativeEcdh => {
      const e = crypto!.createECDH(P.opensslCurve!) as unknown as NativeEcdh;
      e.setPrivateKey(numberToBe(s, LEN));
      return e;
    };
    const ek = mk(k);
    const ei = mk(inv);
    const pub = new Uint8Array(LEN + 1);
    pub[0] = 2;
    const run = (ecdh: NativeEcdh, x: Uint8Array): Uint8Array => {
      pub.set(x, 1);
      let out: Uint8Array;
      try {
        out = ecdh.computeSecret(pub);
      } catch {
        throw new BukejianError('INVALID_POINT', `${P.name} x-coordinate is not on the curve`);
      }
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    };
    const check = (e: Uint8Array): Uint8Array => {
      // OpenSSL reduces nothing silently for SEC1 points, but keep the length/range check ours.
      if (e.length !== LEN || beToNumber(e) >= p)
        throw new BukejianError('INVALID_POINT', `${P.name} element out of range`);
      return e;
    };
    return Object.freeze({
      hashMultiply: (msg: Uint8Array) => run(ek, numberToBe(P.hashToX(msg), LEN)),
      multiply: (e: Uint8Array) => run(ek, check(e)),
      unblind: (e: Uint8Array) => run(ei, check(e)),
    });
  }

  return Object.freeze({
    name: P.name,
    id: P.id,
    elementLength: LEN,
    suite: P.suite,
    native: crypto !== null,
    randomKey: (): Uint8Array => numberToBe(randomScalar(n - 1n), LEN),
    hashToGroup: (msg: Uint8Array): Uint8Array => numberToBe(P.hashToX(msg), LEN),
    isElement(e: Uint8Array): boolean {
      try {
        decodeX(e);
        return true;
      } catch {
        return false;
      }
    },
    withKey(key: Uint8Array): KeyOps {
      const k = key.length === LEN ? beToNumber(key) : 0n;
      if (k === 0n || k >= n)
        throw new BukejianError('INVALID_KEY', `${P.name} PSI key out of range`);
      const inv = invertMod(k, n);
      if (crypto) return nativeOps(k, inv);
      return Object.freeze({
        hashMultiply: (msg: Uint8Array) => mulJs(P.hashToX(msg), k),
        multiply: (e: Uint8Array) => mulJs(decodeX(e), k),
        unblind: (e: Uint8Array) => mulJs(decodeX(e), inv),
      });
    },
  });
}
