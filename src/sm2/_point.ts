/**
 * SM2 (a = −3) point arithmetic on the limb field of ./_field.ts: Jacobian coordinates
 * (x = X/Z², y = Y/Z³), doubling dbl-2001-b (3M + 5S), addition add-2007-bl (11M + 5S), mixed
 * addition madd-2007-bl (7M + 4S), all straight-line (no branch on coordinates), and a
 * constant-time variable-base scalar multiplication with a fixed signed odd window.
 *
 * The straight-line formulas are not complete: adding P to ±P (or to the point at infinity)
 * gives a wrong result. The scalar multiplication below is arranged so that this cannot happen
 * for a scalar in [1, n − 1] except in its last addition, which is computed both ways (addition
 * and doubling) and selected arithmetically.
 * @module
 */
import * as F from './_field.js';
import type { Fe } from './_field.js';

/** A Jacobian point (Z ≡ 0 is the point at infinity). */
export interface Jac {
  X: Fe;
  Y: Fe;
  Z: Fe;
}

/**
 * A new Jacobian point (all zero).
 * @example const P = jac()
 */
export const jac = (): Jac => ({ X: F.fe(), Y: F.fe(), Z: F.fe() });

/** The SM2 group order n. */
export const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

const t1 = F.fe(),
  t2 = F.fe(),
  t3 = F.fe(),
  t4 = F.fe(),
  t5 = F.fe(),
  t6 = F.fe(),
  t7 = F.fe();

/**
 * R = 2P (R may alias P); the point at infinity stays at infinity.
 * @example dbl(R, P)
 */
export function dbl(R: Jac, P: Jac): void {
  const { X, Y, Z } = P;
  F.sqr(t1, Z); // δ
  F.sqr(t2, Y); // γ
  F.mul(t3, X, t2); // β
  F.mulDiffSum(t4, X, t1);
  F.mulSmall(t4, t4, 3); // α = 3(X − δ)(X + δ)
  F.mul(t6, Y, Z);
  F.mulSmall(R.Z, t6, 2); // Z3 = 2YZ
  F.sqr(t5, t4);
  F.subMul(R.X, t5, t3, 8); // X3 = α² − 8β
  F.mulSubLin(t3, t3, 4, R.X);
  F.mul(t3, t4, t3);
  F.sqr(t2, t2);
  F.subMul(R.Y, t3, t2, 8); // Y3 = α(4β − X3) − 8γ²
}

/**
 * R = P + (x2, y2) for an affine point (R may alias P). Wrong when P = ±(x2, y2) or P = ∞.
 * Returns nothing; `lastH`/`lastR` keep H and r for the exceptional-case check.
 * @example addMixed(R, P, x, y)
 */
export function addMixed(R: Jac, P: Jac, x2: Fe, y2: Fe): void {
  const { X, Y, Z } = P;
  F.sqr(t1, Z); // Z1Z1
  F.mul(t2, x2, t1); // U2
  F.mul(t3, y2, Z);
  F.mul(t3, t3, t1); // S2
  F.sub(lastH, t2, X); // H
  F.sub(t3, t3, Y);
  F.mulSmall(lastR, t3, 2); // r = 2(S2 − Y1)
  F.mul(R.Z, Z, lastH);
  F.mulSmall(R.Z, R.Z, 2); // Z3 = 2·Z1·H
  F.sqr(t4, lastH);
  F.mulSmall(t4, t4, 4); // I
  F.mul(t5, lastH, t4); // J
  F.mul(t6, X, t4); // V
  F.mul(t7, Y, t5); // Y1·J
  F.sqr(t3, lastR);
  F.sub(t3, t3, t5);
  F.mulSmall(t2, t6, 2);
  F.sub(R.X, t3, t2); // X3 = r² − J − 2V
  F.sub(t6, t6, R.X);
  F.mul(t6, lastR, t6);
  F.mulSmall(t7, t7, 2);
  F.sub(R.Y, t6, t7); // Y3 = r(V − X3) − 2·Y1·J
}

/** H and r of the last addition (zero both: the inputs were equal, the result must be 2P). */
export const lastH = F.fe();
export const lastR = F.fe();

const u1 = F.fe(),
  s1 = F.fe(),
  z1z1 = F.fe(),
  z2z2 = F.fe();
/**
 * R = P + Q, both Jacobian (R may alias P or Q). Wrong when P = ±Q or either is ∞.
 * @example add(R, P, Q)
 */
export function add(R: Jac, P: Jac, Q: Jac): void {
  F.sqr(z1z1, P.Z);
  F.sqr(z2z2, Q.Z);
  F.mul(u1, P.X, z2z2);
  F.mul(t2, Q.X, z1z1); // U2
  F.mul(s1, P.Y, Q.Z);
  F.mul(s1, s1, z2z2); // S1
  F.mul(t3, Q.Y, P.Z);
  F.mul(t3, t3, z1z1); // S2
  F.sub(lastH, t2, u1); // H
  F.sub(t3, t3, s1);
  F.mulSmall(lastR, t3, 2); // r
  F.mul(t1, P.Z, Q.Z);
  F.mul(t1, t1, lastH);
  F.mulSmall(R.Z, t1, 2); // Z3 = 2·Z1·Z2·H
  F.mulSmall(t4, lastH, 2);
  F.sqr(t4, t4); // I
  F.mul(t5, lastH, t4); // J
  F.mul(t6, u1, t4); // V
  F.mul(t7, s1, t5); // S1·J
  F.sqr(t3, lastR);
  F.sub(t3, t3, t5);
  F.mulSmall(t2, t6, 2);
  F.sub(R.X, t3, t2);
  F.sub(t6, t6, R.X);
  F.mul(t6, lastR, t6);
  F.mulSmall(t7, t7, 2);
  F.sub(R.Y, t6, t7);
}

/**
 * R = P.
 * @example copyJ(R, P)
 */
export function copyJ(R: Jac, P: Jac): void {
  R.X.set(P.X);
  R.Y.set(P.Y);
  R.Z.set(P.Z);
}

/**
 * R = s ? Q : P (s ∈ {0, 1}), arithmetic select.
 * @example selectJ(R, P, Q, s)
 */
export function selectJ(R: Jac, P: Jac, Q: Jac, s: number): void {
  F.select(R.X, P.X, Q.X, s);
  F.select(R.Y, P.Y, Q.Y, s);
  F.select(R.Z, P.Z, Q.Z, s);
}

const zi = F.fe(),
  zi2 = F.fe();
/**
 * Affine coordinates (x, y) of P ≠ ∞ by one constant-time inversion.
 * @example toAffine(P, x, y)
 */
export function toAffine(P: Jac, x: Fe, y: Fe): void {
  F.inv(zi, P.Z);
  F.sqr(zi2, zi);
  F.mul(x, P.X, zi2);
  F.mul(zi2, zi2, zi);
  F.mul(y, P.Y, zi2);
}

/**
 * x = X/Z² only (one inversion, two multiplications).
 * @example toAffineX(P, x)
 */
export function toAffineX(P: Jac, x: Fe): void {
  F.inv(zi, P.Z);
  F.sqr(zi2, zi);
  F.mul(x, P.X, zi2);
}

const ka = new Uint8Array(32),
  kn = new Uint8Array(32);
/**
 * Writes into `out` the odd one of k and n − k as 32 big-endian bytes and returns 1 when it is
 * n − k. Both candidates are always computed (same-size bigint operations) and selected byte by
 * byte with an arithmetic mask: no branch and no operation that depends on the parity of k.
 * @example const flip = oddScalar(k, kb)
 */
export function oddScalar(k: bigint, out: Uint8Array): number {
  let a = k;
  let b = N - k;
  for (let i = 31; i >= 0; i--, a >>= 8n, b >>= 8n) {
    ka[i] = Number(a & 0xffn);
    kn[i] = Number(b & 0xffn);
  }
  const flip = (ka[31]! & 1) ^ 1;
  const mask = -flip & 0xff;
  for (let i = 0; i < 32; i++) out[i] = ka[i]! ^ (mask & (ka[i]! ^ kn[i]!));
  return flip;
}

/**
 * Regular signed odd-digit recoding of an odd scalar k < 2^256 (32 big-endian bytes) into
 * `count` digits of W bits: digit i = c_i − 2^W·(1 − bit0(c_{i+1})) with c_{i+1} forced odd,
 * the top digit c_top | 1; every digit odd, |d| < 2^W, the top one positive. Branch-free.
 * @example recode(kBytes, 5, 53)
 */
export function recode(k: Uint8Array, W: number, count: number, out: Int32Array): void {
  const mask = (1 << W) - 1;
  const chunk = (i: number): number => {
    // bits [W·i, W·i + W) of the big-endian 256-bit k
    let v = 0;
    for (let b = W - 1; b >= 0; b--) {
      const bit = W * i + b;
      const byte = bit < 256 ? k[31 - (bit >>> 3)]! : 0;
      v = (v << 1) | ((byte >>> (bit & 7)) & 1);
    }
    return v & mask;
  };
  let c = chunk(0);
  for (let i = 0; i < count - 1; i++) {
    const next = chunk(i + 1);
    out[i] = c - (1 - (next & 1)) * (1 << W);
    c = next | 1;
  }
  out[count - 1] = c;
}
