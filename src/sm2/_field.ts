/**
 * The SM2 prime field p = 2^256 − 2^224 − 2^96 + 2^64 − 1 on fixed-width number limbs (no bigint
 * in the hot path), written for this module.
 *
 * Representation: 11 limbs of 24 bits in a `Float64Array` (264 bits), Montgomery form with
 * R = 2^264. Because p ≡ −1 (mod 2^64), −p⁻¹ ≡ 1 (mod 2^24) and m·p is the sparse sum
 * m·(2^256 − 2^224 − 2^96 + 2^64 − 1): each of the 11 reduction steps is five additions
 * (./_field-mul.ts, generated). Every operation leaves limbs 0–9 in [−16, 2^24 + 16) (products
 * carry serially into [0, 2^24); sums and differences carry one round side by side, which keeps
 * the dependency chain short) and a signed top limb 10; the value V is congruent to the element
 * and |V| < 2^262 ("loosely reduced"), which keeps every column sum of a product below
 * 11·(2^24 + 16)² + 2^43 < 2^53 (exact in float64). Only `toBytes` /
 * `toBig` / `isZero` / `equal` / `isOdd` produce the canonical value in [0, p).
 *
 * Constant time: mul, sqr, add, sub, neg, mulSmall, inv (Fermat, fixed addition chain), sqrt,
 * select and the canonical reduction are straight-line float arithmetic: no branch and no memory
 * index depends on a value (selection is arithmetic: r = a + s·(b − a), s ∈ {0, 1}).
 * `toBig`/`fromBig` (bigint conversions at the module boundaries) are not constant time.
 * @module
 */
import {
  add,
  carry as carryInto,
  mul,
  mulDiffSum,
  mulSmall,
  mulSubLin,
  neg,
  sqr,
  sub,
  subMul,
} from './_field-mul.js';

export { add, mul, mulDiffSum, mulSmall, mulSubLin, neg, sqr, sub, subMul };

const carry = (o: Fe): void => carryInto(o, o);

/** A field element (11 limbs, Montgomery form). */
export type Fe = Float64Array;

const NL = 11;
const B = 16777216;
const INV = 1 / 16777216;
/**
 * Carries without Math.floor: floor(v / 2^24) = round((v − 2^23 + 1/2) / 2^24) for an integer
 * |v| < 2^52 (no tie: the fraction stays inside (−1/2, 1/2)), and round(y) = (y + 1.5·2^52) −
 * 1.5·2^52. Math.floor's result looked like a small integer to V8, which then compiled its uses
 * as int32 arithmetic with minus-zero checks: a branch on each carry being 0, which the branch
 * predictor learns for repeated inputs (the dudect difference of benchmarks/sm2-dudect.mjs).
 */
const MAGIC = 6755399441055744;
const OFF = 8388607.5;
const OFF30 = 536870911.5;

/** The SM2 prime. */
export const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const R = 1n << 264n;
const R2 = (R * R) % P;

/**
 * A new element set to 0.
 * @example const t = fe()
 */
export const fe = (): Fe => new Float64Array(NL);

export function limbsOf(x: bigint, o: Fe): Fe {
  for (let i = 0; i < NL; i++, x >>= 24n) o[i] = Number(x & 0xffffffn);
  return o;
}
function bigOf(a: Fe): bigint {
  let x = 0n;
  for (let i = NL - 1; i >= 0; i--) x = (x << 24n) + BigInt(a[i]!);
  return x;
}

const PL = limbsOf(P, fe());
const R2L = limbsOf(R2, fe());
const ONE_PLAIN = limbsOf(1n, fe());

/**
 * o = a.
 * @example copy(o, a)
 */
export function copy(o: Fe, a: Fe): void {
  o.set(a);
}

/**
 * o = s ? b : a for s ∈ {0, 1}, without a branch or a data-dependent index.
 * @example select(o, a, b, bit)
 */
export function select(o: Fe, a: Fe, b: Fe, s: number): void {
  for (let i = 0; i < NL; i++) o[i] = a[i]! + s * (b[i]! - a[i]!);
}

/**
 * o = (s ? −a : a) without a branch (s ∈ {0, 1}).
 * @example condNeg(o, a, 1)
 */
export function condNeg(o: Fe, a: Fe, s: number): void {
  const f = 1 - 2 * s;
  let c = 0;
  for (let i = 0; i < NL - 1; i++) {
    const v = a[i]! * f + c;
    c = (v - OFF) * INV + MAGIC - MAGIC;
    o[i] = v - c * B;
  }
  o[NL - 1] = a[NL - 1]! * f + c;
}

const tc = fe();
const SIGN = 1 / 1073741824; // 2^−30: floor(top·2^−30) is −1 for a negative top limb, else 0

/**
 * The canonical plain value of a (out of Montgomery form, in [0, p)) as limbs, branch-free.
 * @example canonical(o, a)
 */
export function canonical(o: Fe, a: Fe): void {
  // a·R⁻¹ = (a + m·p)/R with |a| < 2^262 and m < R: an integer in (−1/4, p + 1/4), i.e. [0, p]
  mul(o, a, ONE_PLAIN);
  sub(tc, o, PL);
  carry(tc);
  const neg = 0 - ((tc[NL - 1]! - OFF30) * SIGN + MAGIC - MAGIC); // 1 when o − p < 0 (keep o), else 0
  select(o, tc, o, neg);
}

const tb = fe();
/**
 * The canonical value as a bigint in [0, p) (module boundaries; not constant time).
 * @example toBig(a) // 5n
 */
export function toBig(a: Fe): bigint {
  canonical(tb, a);
  return bigOf(tb);
}

/**
 * x (any bigint, reduced mod p) in Montgomery form.
 * @example fromBig(5n)
 */
export function fromBig(x: bigint, o: Fe = fe()): Fe {
  x %= P;
  if (x < 0n) x += P;
  limbsOf(x, o);
  mul(o, o, R2L);
  return o;
}

/**
 * 32-byte big-endian encoding of the canonical value.
 * @example toBytes(a) // Uint8Array(32)
 */
export function toBytes(a: Fe, out: Uint8Array = new Uint8Array(32), off = 0): Uint8Array {
  canonical(tb, a);
  // 24-bit limbs → bytes: limb i holds bits 24i..24i+23, i.e. big-endian bytes 31−3i−k
  for (let i = 0; i < NL; i++) {
    const v = tb[i]!;
    const b0 = 31 - 3 * i;
    out[off + b0] = v & 0xff;
    if (b0 >= 1) out[off + b0 - 1] = (v >>> 8) & 0xff;
    if (b0 >= 2) out[off + b0 - 2] = (v >>> 16) & 0xff;
  }
  return out;
}

/**
 * Decodes 32 big-endian bytes into o; returns 0 when the value is ≥ p (o then holds garbage),
 * 1 otherwise. The range check is branch-free.
 * @example if (!fromBytes(o, bytes)) throw ...
 */
export function fromBytes(o: Fe, bytes: Uint8Array, off = 0): number {
  for (let i = 0; i < NL; i++) {
    const b0 = 31 - 3 * i;
    let v = bytes[off + b0]!;
    if (b0 >= 1) v |= bytes[off + b0 - 1]! << 8;
    if (b0 >= 2) v |= bytes[off + b0 - 2]! << 16;
    tb[i] = v;
  }
  sub(tc, tb, PL);
  carry(tc);
  const ok = 0 - ((tc[NL - 1]! - OFF30) * SIGN + MAGIC - MAGIC); // 1 when value − p < 0
  mul(o, tb, R2L);
  return ok;
}

/**
 * 1 when a ≡ 0 (mod p), else 0.
 * @example isZero(a)
 */
export function isZero(a: Fe): number {
  canonical(tb, a);
  let acc = 0;
  for (let i = 0; i < NL; i++) acc += tb[i]!;
  return ((acc - 1) >>> 31) & 1; // acc ∈ [0, 11·2^24): 1 iff acc = 0, without a branch
}

/**
 * 1 when a ≡ b (mod p).
 * @example equal(a, b)
 */
export function equal(a: Fe, b: Fe): number {
  sub(tc, a, b);
  return isZero(tc);
}

/**
 * The parity (sgn0, RFC 9380 §4.1) of the canonical value: 0 or 1.
 * @example isOdd(y)
 */
export function isOdd(a: Fe): number {
  canonical(tb, a);
  return tb[0]! & 1;
}

/** o = a^(2^n) (o may alias a). */
function sqrN(o: Fe, a: Fe, n: number): void {
  sqr(o, a);
  for (let i = 1; i < n; i++) sqr(o, o);
}

const x2 = fe(),
  x3 = fe(),
  x6 = fe(),
  x12 = fe(),
  x24 = fe(),
  x31 = fe(),
  x32 = fe(),
  x62 = fe(),
  x64 = fe(),
  x128 = fe(),
  ta = fe();

/** x31 = a^(2^31−1), x62, x128 = a^(2^62−1), a^(2^128−1): the shared prefix of inv and sqrt. */
function powers(a: Fe): void {
  sqr(x2, a);
  mul(x2, x2, a);
  sqr(x3, x2);
  mul(x3, x3, a);
  sqrN(x6, x3, 3);
  mul(x6, x6, x3);
  sqrN(x12, x6, 6);
  mul(x12, x12, x6);
  sqrN(x24, x12, 12);
  mul(x24, x24, x12);
  sqrN(x31, x24, 6);
  mul(x31, x31, x6);
  sqrN(x31, x31, 1);
  mul(x31, x31, a);
  sqr(x32, x31);
  mul(x32, x32, a);
  sqrN(x62, x31, 31);
  mul(x62, x62, x31);
  sqrN(x64, x32, 32);
  mul(x64, x64, x32);
  sqrN(x128, x64, 64);
  mul(x128, x128, x64);
}

/**
 * o = a⁻¹ = a^(p−2) (0 ↦ 0) by a fixed addition chain (255 squarings, 15 multiplications).
 * p − 2 = [31 ones][0][128 ones][32 zeros][62 ones][0][1] from the top bit.
 * @example inv(o, a)
 */
export function inv(o: Fe, a: Fe): void {
  copy(ta, a);
  powers(ta);
  sqrN(o, x31, 1);
  sqrN(o, o, 128);
  mul(o, o, x128);
  sqrN(o, o, 32);
  sqrN(o, o, 62);
  mul(o, o, x62);
  sqrN(o, o, 2);
  mul(o, o, ta);
}

/**
 * o = a^((p+1)/4), a square root of a when one exists (p ≡ 3 mod 4); returns 1 when o² ≡ a.
 * (p + 1)/4 = [31 ones][0][128 ones][31 zeros][1][62 zeros] from the top bit.
 * @example if (sqrt(y, rhs)) ...
 */
export function sqrt(o: Fe, a: Fe): number {
  copy(ta, a);
  powers(ta);
  sqrN(o, x31, 1);
  sqrN(o, o, 128);
  mul(o, o, x128);
  sqrN(o, o, 31);
  sqr(o, o);
  mul(o, o, ta);
  sqrN(o, o, 62);
  sqr(tc, o);
  return equal(tc, ta);
}
