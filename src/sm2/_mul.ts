/**
 * Variable-base scalar multiplication on sm2p256v1 with the limb field (./_field.ts,
 * ./_point.ts), constant time in the scalar and the point: a fixed window of W = 5 bits with
 * regular signed odd digits (every window: 5 doublings and exactly one addition), the table entry
 * chosen by scanning all 16 entries with arithmetic masks, its sign applied by an arithmetic
 * conditional negation, and the last addition computed both as an addition and as a doubling and
 * selected (the only step where P + Q with P = Q can occur for a scalar in [1, n − 1]).
 * @module
 */
import * as F from './_field.js';
import type { Fe } from './_field.js';
import { add, dbl, jac, lastH, lastR, oddScalar, recode, selectJ, type Jac } from './_point.js';

const W = 5;
const HALF = 1 << (W - 1);
const COUNT = Math.ceil(256 / W); // 52 digits, the top one ≥ 1
const NL = 11;

// table of the odd multiples P, 3P, …, 31P: flat storage, Jacobian views
const store = new Float64Array(HALF * 3 * NL);
const table: Jac[] = Array.from({ length: HALF }, (_, j) => ({
  X: store.subarray((3 * j + 0) * NL, (3 * j + 1) * NL),
  Y: store.subarray((3 * j + 1) * NL, (3 * j + 2) * NL),
  Z: store.subarray((3 * j + 2) * NL, (3 * j + 3) * NL),
}));
const selStore = new Float64Array(3 * NL);
const sel: Jac = {
  X: selStore.subarray(0, NL),
  Y: selStore.subarray(NL, 2 * NL),
  Z: selStore.subarray(2 * NL, 3 * NL),
};
const P2 = jac();
const acc = jac();
const alt = jac();
const digits = new Int32Array(COUNT);
const kb = new Uint8Array(32);

/** sel = table[idx], reading every entry (mask 1 only at idx). */
function lookup(idx: number): void {
  selStore.fill(0);
  for (let j = 0; j < HALF; j++) {
    const m = ((j ^ idx) - 1) >>> 31; // 1 iff j === idx
    const base = 3 * NL * j;
    for (let l = 0; l < 3 * NL; l++) selStore[l] = selStore[l]! + m * store[base + l]!;
  }
}

/** sel = table[|d|] with the sign of the odd digit d applied. */
function lookupSigned(d: number): void {
  const s = d >>> 31;
  const abs = (d ^ -s) + s;
  lookup((abs - 1) >> 1);
  F.condNeg(sel.Y, sel.Y, s);
}

/**
 * out = [k]P for k in [1, n − 1] and a Jacobian point P ≠ ∞ (out may alias P). The scalar is
 * made odd (k or n − k, result negated back) before the regular recoding.
 * @example mulCT(out, k, P); toAffine(out, x, y)
 */
export function mulCT(out: Jac, k: bigint, P: Jac): void {
  const flip = oddScalar(k, kb); // k or n − k, whichever is odd
  recode(kb, W, COUNT, digits);
  // table
  selectJ(table[0]!, P, P, 0);
  dbl(P2, table[0]!);
  for (let j = 1; j < HALF; j++) add(table[j]!, table[j - 1]!, P2);
  lookupSigned(digits[COUNT - 1]!);
  selectJ(acc, sel, sel, 0);
  for (let i = COUNT - 2; i >= 0; i--) {
    for (let r = 0; r < W; r++) dbl(acc, acc);
    lookupSigned(digits[i]!);
    if (i > 0) {
      add(acc, acc, sel);
    } else {
      dbl(alt, acc);
      add(acc, acc, sel);
      const same = F.isZero(lastH) & F.isZero(lastR); // acc was equal to the added point
      selectJ(acc, acc, alt, same);
    }
  }
  F.condNeg(out.Y, acc.Y, flip);
  out.X.set(acc.X);
  out.Z.set(acc.Z);
}

/**
 * The Jacobian point (x, y, 1) from affine limbs.
 * @example fromAffine(P, x, y)
 */
export function fromAffine(P: Jac, x: Fe, y: Fe): Jac {
  P.X.set(x);
  P.Y.set(y);
  F.fromBig(1n, P.Z);
  return P;
}
