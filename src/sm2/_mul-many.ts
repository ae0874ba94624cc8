/**
 * Many points times ONE secret scalar (the PSI blinding k·P_i over a chunk of items), on the limb
 * field of ./_field.ts, in lockstep: every item runs the same operation sequence (the same signed
 * window-5 digits as ./_mul.ts), so the points stay in affine coordinates and each step's
 * divisions share one inversion across the batch (Montgomery's trick: 3 multiplications per item
 * plus one Fermat inversion per step). An affine doubling is then 7 products instead of the
 * Jacobian 8, an affine addition 6 instead of 16, the per-item tables of odd multiples are built
 * by batched affine additions and read at 22 limbs instead of 33, and the final conversion to
 * affine x shares one inversion too.
 *
 * Constant time in the scalar: the digits are the same for every item, every table entry of a
 * window is read with an arithmetic mask, the sign is applied arithmetically, and the last
 * addition (the only one where acc = ±table point can occur for k in [1, n − 1], see ./_mul.ts)
 * is done in Jacobian coordinates both as an addition and as a doubling and selected. A zero
 * denominator elsewhere cannot occur for points of the prime-order group; if the batch product of
 * a step is zero anyway (an invalid input point), {@link mulManyX} returns false and the caller
 * recomputes the batch item by item with ./_mul.ts — a branch taken only on such inputs.
 * @module
 */
import * as F from './_field.js';
import type { Fe } from './_field.js';
import { addMixed, dbl, jac, lastH, lastR, oddScalar, recode, selectJ } from './_point.js';

const W = 5;
const HALF = 1 << (W - 1);
const COUNT = Math.ceil(256 / W);
const NL = 11;
const PT = 2 * NL;

/** Largest batch handled at once (memory: 2.8 KB of table per item). */
export const MAX_BATCH = 1024;

const ONE = F.fromBig(1n);

/** Scratch views of one batch: input/accumulator (ax, ay), second operand (sx, sy), divisors. */
export interface Views {
  readonly ax: Fe[];
  readonly ay: Fe[];
  readonly sx: Fe[];
  readonly sy: Fe[];
  readonly den: Fe[];
}

let cap = 0;
let tab = new Float64Array(0);
let views: Views & { pre: Fe[]; dx: Fe[]; dy: Fe[] };

function viewsOf(n: number): Fe[] {
  const s = new Float64Array(n * NL);
  return Array.from({ length: n }, (_, i) => s.subarray(i * NL, (i + 1) * NL));
}

/**
 * The scratch views for a batch of m ≤ MAX_BATCH items (reused between calls).
 * @example const v = scratch(m); v.ax[0].set(x)
 */
export function scratch(m: number): Views {
  if (m > cap) {
    cap = Math.max(m, 64);
    tab = new Float64Array(cap * HALF * PT);
    views = {
      ax: viewsOf(cap),
      ay: viewsOf(cap),
      sx: viewsOf(cap),
      sy: viewsOf(cap),
      den: viewsOf(cap),
      pre: viewsOf(cap),
      dx: viewsOf(cap),
      dy: viewsOf(cap),
    };
  }
  return views;
}

const B = 16777216;
const INV = 1 / 16777216;
const TWO_M16 = 1 / 65536;
const MAGIC = 6755399441055744; // carries without Math.floor: see ./_field.ts
const OFF = 8388607.5;

/**
 * o = ka·a − kb·b − c (small integers ka ≤ 9, kb ≤ 2; c may be ZERO) with the top limb's bits
 * above 2^256 folded down (2^256 ≡ 2^224 + 2^96 − 2^64 + 1) and one carry round side by side:
 * limbs 0–9 in [−16, 2^24 + 16) and |o| < 2^257 for inputs below 2^258 (products, and outputs
 * of lin itself: so chains of lin never grow). Straight-line.
 */
function lin(o: Fe, a: Fe, ka: number, b: Fe, kb: number, c: Fe): void {
  const top = ka * a[10]! - kb * b[10]! - c[10]!;
  const hi = (top - 32767.5) * TWO_M16 + MAGIC - MAGIC; // floor(top / 2^16), as in ./_field.ts
  const v0 = ka * a[0]! - kb * b[0]! - c[0]! + hi;
  const v1 = ka * a[1]! - kb * b[1]! - c[1]!;
  const v2 = ka * a[2]! - kb * b[2]! - c[2]! - hi * 65536;
  const v3 = ka * a[3]! - kb * b[3]! - c[3]!;
  const v4 = ka * a[4]! - kb * b[4]! - c[4]! + hi;
  const v5 = ka * a[5]! - kb * b[5]! - c[5]!;
  const v6 = ka * a[6]! - kb * b[6]! - c[6]!;
  const v7 = ka * a[7]! - kb * b[7]! - c[7]!;
  const v8 = ka * a[8]! - kb * b[8]! - c[8]!;
  const v9 = ka * a[9]! - kb * b[9]! - c[9]! + hi * 256;
  const c0 = (v0 - OFF) * INV + MAGIC - MAGIC;
  const c1 = (v1 - OFF) * INV + MAGIC - MAGIC;
  const c2 = (v2 - OFF) * INV + MAGIC - MAGIC;
  const c3 = (v3 - OFF) * INV + MAGIC - MAGIC;
  const c4 = (v4 - OFF) * INV + MAGIC - MAGIC;
  const c5 = (v5 - OFF) * INV + MAGIC - MAGIC;
  const c6 = (v6 - OFF) * INV + MAGIC - MAGIC;
  const c7 = (v7 - OFF) * INV + MAGIC - MAGIC;
  const c8 = (v8 - OFF) * INV + MAGIC - MAGIC;
  const c9 = (v9 - OFF) * INV + MAGIC - MAGIC;
  o[0] = v0 - c0 * B;
  o[1] = v1 - c1 * B + c0;
  o[2] = v2 - c2 * B + c1;
  o[3] = v3 - c3 * B + c2;
  o[4] = v4 - c4 * B + c3;
  o[5] = v5 - c5 * B + c4;
  o[6] = v6 - c6 * B + c5;
  o[7] = v7 - c7 * B + c6;
  o[8] = v8 - c8 * B + c7;
  o[9] = v9 - c9 * B + c8;
  o[10] = top - hi * 65536 + c9;
}

/**
 * o = a − b limb by limb, no carry: only as a factor of the next product (limbs below
 * 2^24 + 32 in absolute value keep its column sums below 2^53, see ./_field.ts).
 */
function diff(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < NL; i++) o[i] = a[i]! - b[i]!;
}

/**
 * o = 2a limb by limb, no carry: only as a factor of the next product (limbs of a in
 * [−16, 2^24 + 16) give limbs below 2^25 + 32, and the other factor's below 2^24 + 16 keep the
 * column sums below 11·2^49.1 < 2^53).
 */
function twice(o: Fe, a: Fe): void {
  for (let i = 0; i < NL; i++) o[i] = 2 * a[i]!;
}

const ZERO = F.fe();
const acc = F.fe(),
  iv = F.fe(),
  t = F.fe(),
  l = F.fe(),
  nx = F.fe();

/** den[i] ← den[i]⁻¹ for i < m with one inversion; returns 0 when some den[i] ≡ 0. */
function batchInv(m: number): number {
  const { den, pre } = views;
  acc.set(ONE);
  for (let i = 0; i < m; i++) {
    pre[i]!.set(acc);
    F.mul(acc, acc, den[i]!);
  }
  const ok = 1 - F.isZero(acc);
  F.inv(iv, acc);
  for (let i = m - 1; i >= 0; i--) {
    F.mul(t, iv, pre[i]!);
    F.mul(iv, iv, den[i]!);
    den[i]!.set(t);
  }
  return ok;
}

/** (X, Y)[i] ← 2·(X, Y)[i], affine (λ = 3μ, μ = (x² − 1)/2y); 0 when a y is 0. */
function dblAll(X: Fe[], Y: Fe[], m: number): number {
  const { den } = views;
  for (let i = 0; i < m; i++) twice(den[i]!, Y[i]!);
  const ok = batchInv(m);
  for (let i = 0; i < m; i++) {
    const x = X[i]!,
      y = Y[i]!;
    F.sqr(l, x);
    diff(l, l, ONE);
    F.mul(l, l, den[i]!); // μ
    F.sqr(t, l);
    lin(nx, t, 9, x, 2, ZERO); // x3 = 9μ² − 2x
    diff(t, x, nx);
    F.mul(t, l, t);
    lin(y, t, 3, y, 1, ZERO); // y3 = 3μ(x − x3) − y
    x.set(nx);
  }
  return ok;
}

/** (X, Y)[i] ← (X, Y)[i] + (X2, Y2)[i], affine; 0 when some x equals its partner's. */
function addAll(X: Fe[], Y: Fe[], X2: Fe[], Y2: Fe[], m: number): number {
  const { den } = views;
  for (let i = 0; i < m; i++) diff(den[i]!, X2[i]!, X[i]!);
  const ok = batchInv(m);
  for (let i = 0; i < m; i++) {
    const x = X[i]!,
      y = Y[i]!;
    diff(t, Y2[i]!, y);
    F.mul(l, t, den[i]!); // λ = (y2 − y)/(x2 − x)
    F.sqr(t, l);
    lin(nx, t, 1, x, 1, X2[i]!); // x3 = λ² − x − x2
    diff(t, x, nx);
    F.mul(t, l, t);
    lin(y, t, 1, y, 1, ZERO); // y3 = λ(x − x3) − y
    x.set(nx);
  }
  return ok;
}

/** (ox, oy) = sign(d)·table_i[|d|] for an odd digit d, reading all 16 entries with masks. */
function lookup(i: number, d: number, ox: Fe, oy: Fe): void {
  const s = d >>> 31;
  const idx = ((d ^ -s) + s - 1) >> 1;
  ox.fill(0);
  oy.fill(0);
  let base = i * HALF * PT;
  for (let j = 0; j < HALF; j++, base += PT) {
    const mk = ((j ^ idx) - 1) >>> 31; // 1 iff j === idx
    for (let q = 0; q < NL; q++) {
      ox[q] = ox[q]! + mk * tab[base + q]!;
      oy[q] = oy[q]! + mk * tab[base + NL + q]!;
    }
  }
  F.condNeg(oy, oy, s);
}

/**
 * Jacobian (sx, sy, den)[i] → affine (ax, ay)[i] for i < m with one inversion; false when some
 * Z is 0 (a point at infinity).
 * @example if (!normalize(m)) ... // per-item fallback
 */
export function normalize(m: number): boolean {
  const { ax, ay, sx, sy, den } = views;
  const ok = batchInv(m);
  for (let i = 0; i < m; i++) {
    F.sqr(t, den[i]!);
    F.mul(ax[i]!, sx[i]!, t);
    F.mul(t, t, den[i]!);
    F.mul(ay[i]!, sy[i]!, t);
  }
  return ok === 1;
}

const kb = new Uint8Array(32);
const digits = new Int32Array(COUNT);
const J = jac(),
  alt = jac();

/**
 * x([k]P_i) as 32 big-endian bytes at out[off + 32i], for the m affine points (ax, ay)[i] of
 * the scratch views (m ≤ MAX_BATCH, k in [1, n − 1]). Returns false when a step met a zero
 * divisor (only possible for invalid points): the caller then recomputes item by item.
 * @example if (!mulManyX(k, m, out, 0)) fallback()
 */
export function mulManyX(k: bigint, m: number, out: Uint8Array, off: number): boolean {
  const { ax, ay, sx, sy, den, dx, dy } = views;
  // x([k]P) = x([n − k]P): the parity flip needs no correction for x-only output
  oddScalar(k, kb);
  recode(kb, W, COUNT, digits);
  // tables of P, 3P, …, 31P per item: T_j = T_{j−1} + 2P by batched affine additions
  let ok = 1;
  for (let i = 0; i < m; i++) {
    dx[i]!.set(ax[i]!);
    dy[i]!.set(ay[i]!);
  }
  ok &= dblAll(dx, dy, m);
  for (let j = 0; j < HALF; j++) {
    if (j > 0) ok &= addAll(ax, ay, dx, dy, m);
    for (let i = 0; i < m; i++) {
      const base = (i * HALF + j) * PT;
      tab.set(ax[i]!, base);
      tab.set(ay[i]!, base + NL);
    }
  }
  for (let i = 0; i < m; i++) lookup(i, digits[COUNT - 1]!, ax[i]!, ay[i]!);
  for (let w = COUNT - 2; w >= 0; w--) {
    for (let r = 0; r < W; r++) ok &= dblAll(ax, ay, m);
    for (let i = 0; i < m; i++) lookup(i, digits[w]!, sx[i]!, sy[i]!);
    if (w > 0) ok &= addAll(ax, ay, sx, sy, m);
  }
  if (!ok) return false;
  // last addition: Jacobian, computed as addition and as doubling, selected (acc = table point)
  for (let i = 0; i < m; i++) {
    J.X.set(sx[i]!);
    J.Y.set(sy[i]!);
    J.Z.set(ONE);
    dbl(alt, J);
    J.X.set(ax[i]!);
    J.Y.set(ay[i]!);
    addMixed(J, J, sx[i]!, sy[i]!);
    selectJ(J, J, alt, F.isZero(lastH) & F.isZero(lastR));
    sx[i]!.set(J.X);
    den[i]!.set(J.Z);
  }
  if (!batchInv(m)) return false;
  for (let i = 0; i < m; i++) {
    F.sqr(t, den[i]!);
    F.mul(t, sx[i]!, t);
    F.toBytes(t, out, off + 32 * i);
  }
  return true;
}
