/**
 * `SM2_XMD:SM3_SSWU_RO_` hash-to-curve (see src/psi/groups/sm2.ts for the suite) on the limb field:
 * RFC 9380 hash_to_field (expand_message_xmd with SM3, via @noble/curves), then the straight-line
 * simplified SWU map of RFC 9380 Appendix F.2 with sqrt_ratio for q ≡ 3 (mod 4) (F.2.1.2), both
 * map outputs kept in Jacobian coordinates (no inversion) and added. The result is the same point
 * as the bigint path (differential tests in test/sm2-field.test.ts).
 * @module
 */
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import type { CHash } from '@noble/curves/utils.js';
import * as F from './_field.js';
import { add, dbl, jac, lastH, lastR, selectJ, type Jac } from './_point.js';

const A = F.fromBig(-3n);
const Bc = F.fromBig(0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n);
const Z = F.fromBig(-9n);
const C2 = F.fromBig(3n); // sqrt(−Z) = sqrt(9)
const ONE = F.fromBig(1n);

const t = Array.from({ length: 8 }, () => F.fe());
const xy = F.fe(),
  y1 = F.fe(),
  y2 = F.fe(),
  v2 = F.fe(),
  x31 = F.fe(),
  x62 = F.fe(),
  x128 = F.fe(),
  w = F.fe();

/** o = a^(2^n). */
function sqrN(o: F.Fe, a: F.Fe, n: number): void {
  F.sqr(o, a);
  for (let i = 1; i < n; i++) F.sqr(o, o);
}

/** o = a^((p − 3)/4): [31 ones][0][128 ones][32 zeros][62 ones] from the top bit. */
function powC1(o: F.Fe, a: F.Fe): void {
  const [x2, x3, x6, x12, x24, x32, x64] = [t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, t[6]!];
  F.sqr(x2, a);
  F.mul(x2, x2, a);
  F.sqr(x3, x2);
  F.mul(x3, x3, a);
  sqrN(x6, x3, 3);
  F.mul(x6, x6, x3);
  sqrN(x12, x6, 6);
  F.mul(x12, x12, x6);
  sqrN(x24, x12, 12);
  F.mul(x24, x24, x12);
  sqrN(x31, x24, 6);
  F.mul(x31, x31, x6);
  sqrN(x31, x31, 1);
  F.mul(x31, x31, a);
  F.sqr(x32, x31);
  F.mul(x32, x32, a);
  sqrN(x62, x31, 31);
  F.mul(x62, x62, x31);
  sqrN(x64, x32, 32);
  F.mul(x64, x64, x32);
  sqrN(x128, x64, 64);
  F.mul(x128, x128, x64);
  sqrN(o, x31, 1);
  sqrN(o, o, 128);
  F.mul(o, o, x128);
  sqrN(o, o, 32);
  sqrN(o, o, 62);
  F.mul(o, o, x62);
}

const u2 = F.fe(),
  tv1 = F.fe(),
  tv2 = F.fe(),
  tv3 = F.fe(),
  tv4 = F.fe(),
  tv5 = F.fe(),
  tv6 = F.fe(),
  xn = F.fe(),
  yy = F.fe(),
  ng = F.fe();

/**
 * The simplified SWU map of one field element u (Montgomery limbs) → out = (X : Y : Z).
 * @example mapSSWU(u, P)
 */
export function mapSSWU(u: F.Fe, out: Jac): void {
  F.sqr(tv1, u);
  F.mul(tv1, Z, tv1);
  F.sqr(tv2, tv1);
  F.add(tv2, tv2, tv1);
  F.add(tv3, tv2, ONE);
  F.mul(tv3, Bc, tv3);
  F.neg(ng, tv2);
  F.select(tv4, Z, ng, 1 - F.isZero(tv2)); // tv4 = tv2 ≠ 0 ? −tv2 : Z
  F.mul(tv4, A, tv4);
  F.sqr(tv2, tv3);
  F.sqr(tv6, tv4);
  F.mul(tv5, A, tv6);
  F.add(tv2, tv2, tv5);
  F.mul(tv2, tv2, tv3);
  F.mul(tv6, tv6, tv4);
  F.mul(tv5, Bc, tv6);
  F.add(tv2, tv2, tv5);
  F.mul(xn, tv1, tv3);
  // sqrt_ratio_3mod4(tv2, tv6)
  F.sqr(v2, tv6);
  F.mul(w, tv2, tv6); // u·v
  F.mul(v2, v2, w); // v²·(u·v)
  powC1(y1, v2);
  F.mul(y1, y1, w);
  F.mul(y2, y1, C2);
  F.sqr(xy, y1);
  F.mul(xy, xy, tv6);
  const isQR = F.equal(xy, tv2);
  F.select(y1, y2, y1, isQR);
  // back in the map
  F.mul(yy, tv1, u);
  F.mul(yy, yy, y1);
  F.select(xn, xn, tv3, isQR);
  F.select(yy, yy, y1, isQR);
  const e1 = 1 - (F.isOdd(u) ^ F.isOdd(yy));
  F.condNeg(yy, yy, 1 - e1);
  // (x, y) = (xn / tv4, yy) → Jacobian (xn·tv4, yy·tv4³, tv4)
  F.mul(out.X, xn, tv4);
  F.sqr(u2, tv4);
  F.mul(u2, u2, tv4);
  F.mul(out.Y, yy, u2);
  out.Z.set(tv4);
}

const q0 = jac(),
  q1 = jac(),
  alt = jac(),
  uf = F.fe();

/**
 * H(msg) as a Jacobian point for the domain separation tag `dst` (hash_to_curve, RFC 9380 §3:
 * map(u0) + map(u1); the rare u0-map = u1-map case is handled by a selected doubling).
 * @example hashToJac(msg, dst, sm3Hash, out)
 */
export function hashToJac(msg: Uint8Array, dst: string, hash: CHash, out: Jac): void {
  const u = hash_to_field(msg, 2, { DST: dst, p: F.P, m: 1, k: 128, expand: 'xmd', hash });
  F.fromBig(u[0]![0]!, uf);
  mapSSWU(uf, q0);
  F.fromBig(u[1]![0]!, uf);
  mapSSWU(uf, q1);
  dbl(alt, q0);
  add(out, q0, q1);
  selectJ(out, out, alt, F.isZero(lastH) & F.isZero(lastR));
}
