/**
 * SM2 elliptic-curve group (GB/T 32918.1-2016 §3-4, recommended parameters GB/T 32918.5-2017 §2).
 * Points are projective (X:Y:Z) on top of `@noble/curves/abstract/weierstrass`: its `multiply` is
 * the constant-time-ish path (fixed windows, scalar blinding) used for every secret scalar; its
 * `multiplyUnsafe` / `mulAddUnsafe` are variable time and only ever get public scalars.
 *
 * The curve is a parameter (`createCurve`) so the GB/T 32918 test curves (Fp-256, Fp-192) run
 * through the same code as the recommended curve `sm2p256v1`.
 * @module
 */
import {
  weierstrass,
  type WeierstrassPoint,
  type WeierstrassPointCons,
} from '@noble/curves/abstract/weierstrass.js';
import { Field } from '@noble/curves/abstract/modular.js';
import { BukejianError } from '../errors.js';
import { randomBytes } from '../utils.js';
import { bytesToNumberBE, numberToBytesBE } from '../_number.js';
import { createFast, type FastCurve } from './fast.js';
import { createFastLimb } from './_fast-limb.js';
import { P as SM2_P } from './_field.js';

/** Curve parameters y² = x³ + ax + b over Fp with a base point G of prime order n (cofactor 1). */
export interface CurveParams {
  readonly name: string;
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly Gx: bigint;
  readonly Gy: bigint;
}

/** A point of an SM2 curve (projective coordinates; see `@noble/curves` WeierstrassPoint). */
export type Sm2PointType = WeierstrassPoint<bigint>;

/** One SM2 curve: its parameters, point class, field sizes and precomputed constants. */
export interface Sm2Curve {
  readonly params: CurveParams;
  /** Point class: `fromBytes`, `fromHex`, `BASE`, `ZERO`, and on points `multiply`, `add`, `toBytes`. */
  readonly Point: WeierstrassPointCons<bigint>;
  /** Byte length of a field element (32 for sm2p256v1). */
  readonly fieldBytes: number;
  /** Byte length of a scalar mod n. */
  readonly scalarBytes: number;
  /** w = ⌈⌈log2 n⌉ / 2⌉ − 1 of the key exchange (GB/T 32918.3 §6.1). */
  readonly w: number;
  /** The encoded parameters a ‖ b ‖ xG ‖ yG that enter Z_A (GB/T 32918.2 §5.5). */
  readonly zaParams: Uint8Array;
  /** The a = −3 Jacobian engine: limbs (./_fast-limb.ts) for sm2p256v1, else bigint (./fast.ts). */
  readonly fast: FastCurve | null;
}

const toFixed = numberToBytesBE;

/**
 * Builds a curve from its parameters (used for sm2p256v1 and the GB/T 32918 test curves).
 * @example
 * const c = createCurve({ name: 'x', p, a, b, n, Gx, Gy });
 * c.Point.BASE.multiply(3n).toBytes(false)
 */
export function createCurve(params: CurveParams): Sm2Curve {
  const Fp = Field(params.p);
  const Fn = Field(params.n);
  const Point = weierstrass(
    { p: params.p, n: params.n, h: 1n, a: params.a, b: params.b, Gx: params.Gx, Gy: params.Gy },
    { Fp, Fn, randomBytes: (len?: number) => randomBytes(len ?? 32) as Uint8Array<ArrayBuffer> },
  );
  const fieldBytes = Fp.BYTES;
  const nBits = params.n.toString(2).length;
  const zaParams = new Uint8Array(4 * fieldBytes);
  [params.a, params.b, params.Gx, params.Gy].forEach((v, i) =>
    zaParams.set(toFixed(v, fieldBytes), i * fieldBytes),
  );
  return Object.freeze({
    params: Object.freeze({ ...params }),
    Point,
    fieldBytes,
    scalarBytes: Fn.BYTES,
    w: Math.ceil(nBits / 2) - 1,
    zaParams,
    fast:
      params.p === SM2_P && params.a === params.p - 3n
        ? createFastLimb()
        : params.a === params.p - 3n
          ? createFast(params)
          : null,
  });
}

/**
 * sm2p256v1 (OID 1.2.156.10197.1.301), GB/T 32918.5-2017 §2.
 * @example createCurve(SM2P256V1).Point.BASE
 */
export const SM2P256V1: CurveParams = /* @__PURE__ */ Object.freeze({
  name: 'sm2p256v1',
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});

/**
 * The SM2 recommended curve. `Sm2Point.BASE` gets a lazily built 8-bit window table on its first
 * noble `multiply`; sign/encrypt/decrypt/verify use the limb engine of _fast-limb.ts (own 7-bit comb).
 * Internal (psi groups and the sm2 engine import it from this file); users get its point class as
 * `sm2.Point` and its parameters as `sm2.CURVE`.
 * @example
 * const P = sm2Curve.Point.BASE.multiply(5n);
 * sm2Curve.Point.fromHex(P.toHex(true)).equals(P) // true
 */
export const sm2Curve: Sm2Curve = /* @__PURE__ */ createCurve(SM2P256V1);

/**
 * The point class of sm2p256v1 (`Sm2Point.BASE`, `Sm2Point.fromBytes/fromHex`, `p.multiply(k)`
 * (constant-time-ish), `p.multiplyUnsafe(k)` (public k only), `p.add(q)`, `p.toBytes(compressed?)`).
 * @example
 * const pub = Sm2Point.BASE.multiply(secretScalar).toBytes(false) // 04 ‖ x ‖ y
 */
export const Sm2Point: WeierstrassPointCons<bigint> = sm2Curve.Point;

const BASE_WINDOW = 8;
const tuned = new WeakSet<object>();

/**
 * The curve's base point with its fixed-base window table registered (built lazily).
 * @example base(sm2Curve).multiplyUnsafe(s)
 */
export function base(curve: Sm2Curve): Sm2PointType {
  const G = curve.Point.BASE;
  if (!tuned.has(G)) {
    G.precompute(BASE_WINDOW, true);
    tuned.add(G);
  }
  return G;
}

/**
 * Big-endian fixed-length encoding of a field element or scalar (`numberToBytesBE` of utils:
 * INVALID_RANGE instead of silent truncation when the value does not fit).
 * @example numberToFixed(255n, 2) // Uint8Array [0, 255]
 */
export function numberToFixed(n: bigint, len: number): Uint8Array {
  return toFixed(n, len);
}

/**
 * Big-endian bytes → bigint (`bytesToNumberBE` of utils).
 * @example fixedToNumber(Uint8Array.of(1, 0)) // 256n
 */
export function fixedToNumber(b: Uint8Array): bigint {
  return bytesToNumberBE(b);
}

/**
 * x mod m for a possibly negative x.
 * @example mod(-1n, 7n) // 6n
 */
export function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/**
 * a^(m−2) mod m by a fixed square-and-multiply chain over the public exponent m − 2 (Fermat):
 * the sequence of operations does not depend on `a`. Used to invert 1 + d when signing.
 * @example invertFermat(3n, 7n) // 5n
 */
export function invertFermat(a: bigint, m: bigint): bigint {
  const e = m - 2n;
  let r = 1n;
  for (let i = BigInt(e.toString(2).length - 1); i >= 0n; i--) {
    r = (r * r) % m;
    if ((e >> i) & 1n) r = (r * a) % m;
  }
  return r;
}

/**
 * Parses a SEC1 point (04‖x‖y, or 02/03‖x) on `curve`; anything else throws INVALID_POINT.
 * @example pointFromBytes(sm2Curve, publicKey).toAffine()
 */
export function pointFromBytes(
  curve: Sm2Curve,
  bytes: Uint8Array,
  name = 'publicKey',
): Sm2PointType {
  const L = curve.fieldBytes;
  if (
    !(bytes.length === 2 * L + 1 && bytes[0] === 4) &&
    !(bytes.length === L + 1 && (bytes[0] === 2 || bytes[0] === 3))
  ) {
    throw new BukejianError(
      'INVALID_POINT',
      `"${name}" expected SEC1 point of length ${2 * L + 1} (04) or ${L + 1} (02|03), got length=${bytes.length}`,
    );
  }
  try {
    const P = curve.Point.fromBytes(bytes);
    P.assertValidity();
    return P;
  } catch {
    throw new BukejianError(
      'INVALID_POINT',
      `"${name}" expected point on the curve, got invalid point`,
    );
  }
}

/**
 * Affine coordinates → SEC1 uncompressed bytes 04 ‖ x ‖ y.
 * @example affineToBytes(sm2Curve, x, y) // 04 ‖ x ‖ y
 */
export function affineToBytes(curve: Sm2Curve, x: bigint, y: bigint): Uint8Array {
  const L = curve.fieldBytes;
  const out = new Uint8Array(1 + 2 * L);
  out[0] = 4;
  out.set(toFixed(x, L), 1);
  out.set(toFixed(y, L), 1 + L);
  return out;
}

/**
 * [k]G for a secret k in [1, n − 1] (constant-time-ish), affine.
 * @example const { x } = mulBase(sm2Curve, k)
 */
export function mulBase(curve: Sm2Curve, k: bigint): { x: bigint; y: bigint } {
  if (curve.fast) return curve.fast.mulBaseSecret(k);
  return base(curve).multiply(k).toAffine();
}

/**
 * [k]P for a secret k in [1, n − 1] and a validated point P (constant-time-ish), affine.
 * @example const S = mulPoint(sm2Curve, k, P)
 */
export function mulPoint(curve: Sm2Curve, k: bigint, P: Sm2PointType): { x: bigint; y: bigint } {
  if (curve.fast) {
    const a = P.toAffine();
    return curve.fast.mulSecret(k, a.x, a.y);
  }
  return P.multiply(k).toAffine();
}

/**
 * [k]G as a point object (secret k, constant-time-ish).
 * @example mulBasePoint(sm2Curve, d).toBytes(false) // public key of d
 */
export function mulBasePoint(curve: Sm2Curve, k: bigint): Sm2PointType {
  return curve.Point.fromAffine(mulBase(curve, k));
}
