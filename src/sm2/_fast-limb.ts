/**
 * The SM2 engine of sign/verify/encrypt/decrypt/key exchange on the limb field (./_field.ts),
 * with the interface of ./fast.ts (which stays for curves with another p, i.e. the GB/T 32918
 * test curves). Fixed-base and public-key tables are combs of affine odd multiples
 * (2j+1)·2^(Ww)·P (W = 6 for G on the secret path, 8 for G on the public path, 7 for cached
 * keys), normalized with one inversion (Montgomery's trick); every window adds
 * one table point by a mixed addition, no doublings.
 *
 * Secret scalars (`mulBaseSecret`, `mulSecret`, `mulSecretTable`): regular odd digits, every
 * table entry of a window read with arithmetic masks, sign applied arithmetically, the last
 * window's addition computed both as addition and doubling and selected; one constant-time
 * inversion. Public scalars (`mulAddPublic`): direct table indices and explicit branches for the
 * exceptional cases (P = ±Q, infinity), variable time.
 * @module
 */
import * as F from './_field.js';
import type { Fe } from './_field.js';
import {
  add,
  addMixed,
  copyJ,
  dbl,
  jac,
  lastH,
  lastR,
  N,
  oddScalar,
  recode,
  selectJ,
  toAffine,
  type Jac,
} from './_point.js';
import { fromAffine, mulCT } from './_mul.js';
import { createFast, type FastCurve, type Jac as BigJac, type Table } from './fast.js';

const NL = 11;
// the sm2p256v1 parameters (GB/T 32918.5 §2), repeated here: ./curve.ts imports this module
/** The sm2p256v1 parameters (for the timing script's comparison with ./fast.ts). */
export const SM2_PARAMS = {
  name: 'sm2p256v1',
  p: F.P,
  a: F.P - 3n,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: N,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};
let big: FastCurve | undefined;
const GX = SM2_PARAMS.Gx;
const GY = SM2_PARAMS.Gy;

/** A comb table in limbs (opaque to the callers of FastCurve). */
interface Comb extends Table {
  readonly limb: true;
  readonly count: number;
  /** count·half affine points, 22 limbs each (x then y). */
  readonly store: Float64Array;
  /** The table's point (for the rare exceptional-case recomputation). */
  readonly px: bigint;
  readonly py: bigint;
}

/** Batch conversion of Jacobian points to affine limbs with one inversion (Montgomery's trick). */
function normalizeInto(pts: Jac[], store: Float64Array): void {
  const m = pts.length;
  const prefix = new Float64Array(m * NL);
  const acc = F.fromBig(1n);
  for (let i = 0; i < m; i++) {
    prefix.set(acc, i * NL);
    F.mul(acc, acc, pts[i]!.Z);
  }
  const inv = F.fe();
  F.inv(inv, acc);
  const zi = F.fe(),
    zi2 = F.fe(),
    t = F.fe();
  for (let i = m - 1; i >= 0; i--) {
    F.mul(zi, inv, prefix.subarray(i * NL, (i + 1) * NL));
    F.mul(inv, inv, pts[i]!.Z);
    F.sqr(zi2, zi);
    F.mul(t, pts[i]!.X, zi2);
    store.set(t, i * 2 * NL);
    F.mul(zi2, zi2, zi);
    F.mul(t, pts[i]!.Y, zi2);
    store.set(t, i * 2 * NL + NL);
  }
}

function buildComb(px: bigint, py: bigint, W: number): Comb {
  const half = 1 << (W - 1);
  const count = Math.ceil(256 / W);
  const pts: Jac[] = [];
  const B = fromAffine(jac(), F.fromBig(px), F.fromBig(py));
  const B2 = jac();
  for (let w = 0; w < count; w++) {
    dbl(B2, B);
    let cur = jac();
    copyJ(cur, B);
    for (let j = 0; j < half; j++) {
      pts.push(cur);
      const next = jac();
      if (j + 1 < half) add(next, cur, B2);
      cur = next;
    }
    for (let i = 0; i < W; i++) dbl(B, B);
  }
  const store = new Float64Array(pts.length * 2 * NL);
  normalizeInto(pts, store);
  return { W, windows: count, half, xs: [], ys: [], limb: true, count, store, px, py };
}

const kb = new Uint8Array(32);
const digits = new Int32Array(64);
const sx = F.fe(),
  sy = F.fe();
const acc = jac(),
  alt = jac();

/** (sx, sy) = sign(d)·table[w][|d|], scanning the whole window. */
function lookupCT(T: Comb, w: number, d: number): void {
  const s = d >>> 31;
  const idx = ((d ^ -s) + s - 1) >> 1;
  sx.fill(0);
  sy.fill(0);
  const st = T.store;
  let base = w * T.half * 2 * NL;
  for (let j = 0; j < T.half; j++, base += 2 * NL) {
    const m = ((j ^ idx) - 1) >>> 31;
    for (let l = 0; l < NL; l++) {
      sx[l] = sx[l]! + m * st[base + l]!;
      sy[l] = sy[l]! + m * st[base + NL + l]!;
    }
  }
  F.condNeg(sy, sy, s);
}

/** acc = [k]·(table point), constant time in k. */
function combCT(T: Comb, k: bigint): void {
  const flip = oddScalar(k, kb);
  recode(kb, T.W, T.count, digits);
  lookupCT(T, 0, digits[0]!);
  fromAffine(acc, sx, sy);
  for (let w = 1; w < T.count; w++) {
    lookupCT(T, w, digits[w]!);
    if (w < T.count - 2) {
      addMixed(acc, acc, sx, sy);
    } else {
      // |partial sum| < 2^(Ww): only the last windows can meet acc = table point (mod n)
      fromAffine(alt, sx, sy);
      dbl(alt, alt);
      addMixed(acc, acc, sx, sy);
      selectJ(acc, acc, alt, F.isZero(lastH) & F.isZero(lastR));
    }
  }
  F.condNeg(acc.Y, acc.Y, flip);
}

/**
 * acc (+)= [k]·(table point) for a public k by unchecked mixed additions (`first`: acc starts at
 * the first table point). An exceptional case (acc = ±table point) makes Z ≡ 0, and Z stays 0
 * through every later mixed addition: the caller checks Z once at the end and recomputes then.
 */
function combPublicInto(T: Comb, k: bigint, first: boolean): void {
  const flip = oddScalar(k, kb);
  recode(kb, T.W, T.count, digits);
  const st = T.store;
  for (let w = 0; w < T.count; w++) {
    const d = digits[w]!;
    const i = (w * T.half + (((d < 0 ? -d : d) - 1) >> 1)) * 2 * NL;
    sx.set(st.subarray(i, i + NL));
    sy.set(st.subarray(i + NL, i + 2 * NL));
    if (d < 0 !== (flip === 1)) F.neg(sy, sy);
    if (first && w === 0) fromAffine(acc, sx, sy);
    else addMixed(acc, acc, sx, sy);
  }
}

const ax = F.fe(),
  ay = F.fe();

/**
 * [k]G → affine limbs (x, y), all constant time (the bigint conversion of the result is left to
 * the caller); the dudect script (benchmarks/sm2-dudect.mjs) times this.
 * @example mulBaseLimbs(engineComb, k, x, y)
 */
export function mulBaseLimbs(T: Table, k: bigint, x: Fe, y: Fe): void {
  combCT(T as Comb, k);
  toAffine(acc, x, y);
}

/**
 * A comb table of G with window W (for tests and the timing script).
 * @example mulBaseLimbs(baseComb(6), k, x, y)
 */
export const baseComb = (W: number): Table => buildComb(GX, GY, W);
function affineBig(P: Jac): { x: bigint; y: bigint } {
  toAffine(P, ax, ay);
  return { x: F.toBig(ax), y: F.toBig(ay) };
}

/** The result of mulAddPublic: a Jacobian point in limbs, or infinity. */
interface LimbJac {
  readonly X: Fe;
  readonly Z: Fe;
  readonly inf: boolean;
}

const vP = jac();
const xv = F.fe(),
  z2 = F.fe();

/**
 * The limb engine for sm2p256v1 (same contract as `createFast(SM2P256V1)`).
 * @example createFastLimb().mulBaseSecret(k)
 */
export function createFastLimb(secretWindow = 6, publicWindow = 8): FastCurve {
  // two combs of G, each built on first use: a small window for the constant-time path (every
  // entry of a window is read), a larger one for the public path (one entry read per window)
  let gs: Comb | undefined;
  let gp: Comb | undefined;
  const GS = (): Comb => (gs ??= buildComb(GX, GY, secretWindow));
  const G = (): Comb => (gp ??= buildComb(GX, GY, publicWindow));
  const asComb = (T: Table): Comb => {
    if (!(T as Comb).limb) throw new Error('table of another engine');
    return T as Comb;
  };
  return Object.freeze({
    mulBaseSecret(k: bigint) {
      combCT(GS(), k);
      return affineBig(acc);
    },
    mulSecret(k: bigint, px: bigint, py: bigint) {
      fromAffine(vP, F.fromBig(px, ax), F.fromBig(py, ay));
      mulCT(acc, k, vP);
      return affineBig(acc);
    },
    mulSecretTable(k: bigint, T: Table) {
      combCT(asComb(T), k);
      return affineBig(acc);
    },
    mulAddPublic(s: bigint, t: bigint, P: Table | { x: bigint; y: bigint }): never {
      const a: { x: bigint; y: bigint } =
        'store' in P ? { x: (P as Comb).px, y: (P as Comb).py } : (P as { x: bigint; y: bigint });
      s %= N;
      t %= N;
      let first = true;
      if (t !== 0n) {
        if ('store' in P) combPublicInto(P as Comb, t, true);
        else {
          fromAffine(vP, F.fromBig(a.x, ax), F.fromBig(a.y, ay));
          mulCT(acc, t, vP);
        }
        first = false;
      }
      if (s !== 0n) combPublicInto(G(), s, first);
      const r: LimbJac = { X: F.fe(), Z: F.fe(), inf: false };
      if ((s === 0n && t === 0n) || F.isZero(acc.Z)) {
        // infinity, or an exceptional addition on the way (e.g. [s]G = ±[t]P): recompute exactly
        // (the bigint engine of ./fast.ts handles every case with branches)
        const R: BigJac = (big ??= createFast(SM2_PARAMS)).mulAddPublic(s, t, a);
        if (R.Z === 0n) return { X: r.X, Z: r.Z, inf: true } as never;
        F.fromBig(R.X, r.X);
        F.fromBig(R.Z, r.Z);
        return r as never;
      }
      r.X.set(acc.X);
      r.Z.set(acc.Z);
      return r as never;
    },
    tableFor: (px: bigint, py: bigint, W: number) => buildComb(px, py, W),
    xEquals(R: unknown, x: bigint): boolean {
      const J = R as LimbJac;
      if (J.inf || F.isZero(J.Z)) return false;
      F.sqr(z2, J.Z);
      F.fromBig(x, xv);
      F.mul(z2, z2, xv);
      return F.equal(z2, J.X) === 1;
    },
  });
}
