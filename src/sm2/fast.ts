/**
 * Fast scalar multiplication for curves with a = −3 (sm2p256v1), written for this module:
 * Jacobian coordinates (x = X/Z², y = Y/Z³) with the a = −3 doubling (dbl-2001-b, 3M+5S) and mixed
 * Jacobian+affine addition (madd-2007-bl, 7M+4S), all in `bigint` mod p; tables are affine (one
 * batch inversion), so every table addition is a cheap mixed addition.
 *
 * Secret scalars (`mulBaseSecret`, `mulSecret`) use *regular* signed odd-digit recoding: every
 * window adds exactly one table point (no zero digits, no skipped or fake additions, no
 * data-dependent branch except in the negligible exceptional cases of the addition formula),
 * table entries are selected by scanning the whole window, and the final inversion of Z is
 * blinded with a random factor. JavaScript `bigint` arithmetic itself is not constant time:
 * this is "constant-time-ish" and documented as such. Public scalars (`mulBasePublic`,
 * `mulAddPublic`) use the same tables without the scan.
 * @module
 */
import { invert } from '@noble/curves/abstract/modular.js';
import { brokenSource, freshBytes, MAX_DRAWS } from '../_random.js';
import type { CurveParams } from './curve.js';

/** Jacobian point; Z = 0 is the point at infinity. */
export interface Jac {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

/** Affine table: windows × half odd multiples (2j+1)·2^(W·w)·P, as flat coordinate arrays. */
export interface Table {
  W: number;
  windows: number;
  half: number;
  xs: bigint[];
  ys: bigint[];
}

/** An engine for one curve (a = p − 3). */
export interface FastCurve {
  /** [k]G for a secret k in [1, n−1] → affine (x, y). */
  mulBaseSecret(k: bigint): { x: bigint; y: bigint };
  /** [k]P for a secret k in [1, n−1] and an affine public point P → affine (x, y). */
  mulSecret(k: bigint, px: bigint, py: bigint): { x: bigint; y: bigint };
  /** [k]P for a secret k in [1, n−1] and P given by its table (see `tableFor`) → affine (x, y). */
  mulSecretTable(k: bigint, T: Table): { x: bigint; y: bigint };
  /** [s]G + [t]P for public s, t; P given by its table or (cold) by affine coordinates. Jacobian result. */
  mulAddPublic(s: bigint, t: bigint, P: Table | { x: bigint; y: bigint }): Jac;
  /** A variable-base table for a public point, window W. */
  tableFor(px: bigint, py: bigint, W: number): Table;
  /** Is X/Z² ≡ x (mod p)? (checks without inverting Z). */
  xEquals(R: Jac, x: bigint): boolean;
}

/**
 * Builds the engine for `params` (which must have a = p − 3).
 * @example
 * const fast = createFast(SM2P256V1); const { x } = fast.mulBaseSecret(k)
 */
export function createFast(params: CurveParams, baseWindow = 10): FastCurve {
  const { p, n, Gx, Gy } = params;
  if (params.a !== p - 3n) throw new Error('fast engine needs a = p - 3');
  const bits = n.toString(2).length;

  const mul = (a: bigint, b: bigint): bigint => (a * b) % p;
  const sub = (a: bigint, b: bigint): bigint => {
    const r = a - b;
    return r < 0n ? r + p : r;
  };

  // BigInt `%` costs ~25× a 256-bit multiplication here, so the formulas below reduce as late as
  // possible: intermediate sums, differences and small multiples stay unreduced (and possibly
  // negative), and `red` brings a value back to [0, p).
  const red = (x: bigint): bigint => {
    const r = x % p;
    return r < 0n ? r + p : r;
  };

  function double(P: Jac): Jac {
    const { X, Y, Z } = P;
    if (Z === 0n) return P;
    const delta = (Z * Z) % p;
    const gamma = (Y * Y) % p;
    const beta = (X * gamma) % p;
    const alpha = red(3n * (X - delta) * (X + delta));
    const X3 = red(alpha * alpha - 8n * beta);
    const Z3 = (2n * Y * Z) % p; // = (Y + Z)² − γ − δ
    const Y3 = red(alpha * (4n * beta - X3) - 8n * gamma * gamma);
    return { X: X3, Y: Y3, Z: Z3 };
  }

  function addMixed(P: Jac, x2: bigint, y2: bigint): Jac {
    const { X, Y, Z } = P;
    if (Z === 0n) return { X: x2, Y: y2, Z: 1n };
    const Z1Z1 = (Z * Z) % p;
    const H = ((x2 * Z1Z1) % p) - X; // U2 − X1, in (−p, p)
    const rr = 2n * (((y2 * Z * Z1Z1) % p) - Y); // 2(S2 − Y1), in (−2p, 2p)
    if (H === 0n) {
      // exceptional: same x (negligible for random scalars): doubling or infinity
      if (rr === 0n) return double({ X: x2, Y: y2, Z: 1n });
      return { X: 1n, Y: 1n, Z: 0n };
    }
    const I = 4n * ((H * H) % p);
    const J = (H * I) % p; // sign of H carried: J may be negative
    const V = (X * I) % p;
    const X3 = red(rr * rr - J - 2n * V);
    const Y3 = red(rr * (V - X3) - 2n * Y * J);
    const Z3 = red(2n * Z * H); // = (Z1 + H)² − Z1Z1 − HH
    return { X: X3, Y: Y3, Z: Z3 };
  }

  /** General Jacobian addition (add-2007-bl), used only while building tables. */
  function add(P: Jac, Q: Jac): Jac {
    if (P.Z === 0n) return Q;
    if (Q.Z === 0n) return P;
    const Z1Z1 = (P.Z * P.Z) % p;
    const Z2Z2 = (Q.Z * Q.Z) % p;
    const U1 = (P.X * Z2Z2) % p;
    const U2 = (Q.X * Z1Z1) % p;
    const S1 = (((P.Y * Q.Z) % p) * Z2Z2) % p;
    const S2 = (((Q.Y * P.Z) % p) * Z1Z1) % p;
    const H = sub(U2, U1);
    const rr = (2n * sub(S2, S1)) % p;
    if (H === 0n) return rr === 0n ? double(P) : { X: 1n, Y: 1n, Z: 0n };
    const h2 = (2n * H) % p;
    const I = (h2 * h2) % p;
    const J = (H * I) % p;
    const V = (U1 * I) % p;
    const X3 = sub(sub((rr * rr) % p, J), (2n * V) % p);
    const Y3 = sub((rr * sub(V, X3)) % p, (((2n * S1) % p) * J) % p);
    const zz = P.Z + Q.Z;
    const Z3 = (sub(sub((zz * zz) % p, Z1Z1), Z2Z2) * H) % p;
    return { X: X3, Y: Y3, Z: Z3 };
  }

  /** Affine coordinates of many Jacobian points with one inversion (Montgomery's trick). */
  function normalizeAll(pts: Jac[]): { xs: bigint[]; ys: bigint[] } {
    const acc: bigint[] = new Array(pts.length);
    let a = 1n;
    for (let i = 0; i < pts.length; i++) {
      acc[i] = a;
      a = mul(a, pts[i]!.Z);
    }
    let inv = invert(a, p);
    const xs: bigint[] = new Array(pts.length);
    const ys: bigint[] = new Array(pts.length);
    for (let i = pts.length - 1; i >= 0; i--) {
      const zi = mul(inv, acc[i]!);
      inv = mul(inv, pts[i]!.Z);
      const zi2 = mul(zi, zi);
      xs[i] = mul(pts[i]!.X, zi2);
      ys[i] = mul(pts[i]!.Y, mul(zi2, zi));
    }
    return { xs, ys };
  }

  function tableFor(px: bigint, py: bigint, W: number): Table {
    const half = 1 << (W - 1);
    const windows = Math.ceil(bits / W) + 1;
    const pts: Jac[] = [];
    let B: Jac = { X: px, Y: py, Z: 1n };
    for (let w = 0; w < windows; w++) {
      const B2 = double(B);
      let acc = B;
      for (let j = 0; j < half; j++) {
        pts.push(acc); // (2j+1)·B
        acc = add(acc, B2);
      }
      for (let i = 0; i < W; i++) B = double(B);
    }
    const { xs, ys } = normalizeAll(pts);
    return { W, windows, half, xs, ys };
  }

  /** Regular recoding of an odd k into `windows` odd digits in [−(2^W−1), 2^W−1]. */
  function oddDigits(k: bigint, W: number, windows: number): Int32Array {
    const d = new Int32Array(windows);
    const mod2 = BigInt(1 << (W + 1));
    const twoW = 1 << W;
    const w = BigInt(W);
    for (let i = 0; i < windows - 1; i++) {
      const di = Number(k % mod2) - twoW;
      d[i] = di;
      k = (k - BigInt(di)) >> w;
    }
    d[windows - 1] = Number(k);
    return d;
  }

  /** Negates the result when k was replaced by n − k to make it odd. */
  function makeOdd(k: bigint): { k: bigint; flip: boolean } {
    const flip = (k & 1n) === 0n;
    return { k: flip ? n - k : k, flip };
  }

  /** Constant-time-ish table multiplication (every window one mixed addition, full-window scan). */
  function mulTableCT(T: Table, k0: bigint): Jac {
    const { k, flip } = makeOdd(k0);
    const d = oddDigits(k, T.W, T.windows);
    let acc: Jac = { X: 1n, Y: 1n, Z: 0n };
    for (let w = 0; w < T.windows; w++) {
      const di = d[w]!;
      const idx = ((di < 0 ? -di : di) - 1) >> 1;
      const start = w * T.half;
      let x = T.xs[start]!;
      let y = T.ys[start]!;
      for (let j = 1; j < T.half; j++) {
        const hit = j === idx;
        x = hit ? T.xs[start + j]! : x;
        y = hit ? T.ys[start + j]! : y;
      }
      const yn = p - y;
      acc = addMixed(acc, x, di < 0 ? yn : y);
    }
    const yf = p - acc.Y;
    return { X: acc.X, Y: flip ? yf : acc.Y, Z: acc.Z };
  }

  /** Adds [k]·(table point) into `acc` by table additions only (public k; zero-digit free). */
  function mulTablePublicInto(acc: Jac, T: Table, k0: bigint): Jac {
    if (k0 === 0n) return acc;
    const { k, flip } = makeOdd(k0);
    const d = oddDigits(k, T.W, T.windows);
    for (let w = 0; w < T.windows; w++) {
      const di = d[w]!;
      const i = w * T.half + (((di < 0 ? -di : di) - 1) >> 1);
      const neg = di < 0 !== flip;
      acc = addMixed(acc, T.xs[i]!, neg ? p - T.ys[i]! : T.ys[i]!);
    }
    return acc;
  }

  /** Small odd-multiple table [1,3,…,2^W−1]·P (affine) for one-off variable-base multiplication. */
  function smallTable(px: bigint, py: bigint, W: number): { xs: bigint[]; ys: bigint[] } {
    const P: Jac = { X: px, Y: py, Z: 1n };
    const P2 = double(P);
    const pts: Jac[] = [P];
    for (let j = 1; j < 1 << (W - 1); j++) pts.push(add(pts[j - 1]!, P2));
    return normalizeAll(pts);
  }

  const VW = 5; // window of one-off variable-base multiplication
  const vWindows = Math.ceil(bits / VW) + 1;

  /** [k]P by doublings and a small table; secret=true scans the table. Digits MSB first. */
  function mulVar(k0: bigint, px: bigint, py: bigint, secret: boolean): Jac {
    const { k, flip } = makeOdd(k0);
    const d = oddDigits(k, VW, vWindows);
    const { xs, ys } = smallTable(px, py, VW);
    const half = xs.length;
    let acc: Jac = { X: 1n, Y: 1n, Z: 0n };
    for (let w = vWindows - 1; w >= 0; w--) {
      for (let i = 0; i < VW && acc.Z !== 0n; i++) acc = double(acc);
      const di = d[w]!;
      const idx = ((di < 0 ? -di : di) - 1) >> 1;
      let x = xs[0]!;
      let y = ys[0]!;
      if (secret) {
        for (let j = 1; j < half; j++) {
          const hit = j === idx;
          x = hit ? xs[j]! : x;
          y = hit ? ys[j]! : y;
        }
      } else {
        x = xs[idx]!;
        y = ys[idx]!;
      }
      acc = addMixed(acc, x, di < 0 ? p - y : y);
    }
    return flip ? { X: acc.X, Y: p - acc.Y, Z: acc.Z } : acc;
  }

  function toAffineBlinded(P: Jac): { x: bigint; y: bigint } {
    // 1/Z = β / (Z·β) with a random β: the variable-time inversion never sees Z itself.
    // rejection sampling in [1, p): each attempt starts from zero (a draw ≥ p, probability ~2^-32
    // here, must not be shifted further left, or it stays ≥ p and the loop never ends); at most
    // MAX_DRAWS attempts, and a stuck source (all-equal bytes) throws UNSUPPORTED (_random.ts)
    let beta = 0n;
    for (let i = 0; beta === 0n || beta >= p; i++) {
      if (i === MAX_DRAWS) brokenSource();
      beta = 0n;
      for (const b of freshBytes(32)) beta = (beta << 8n) | BigInt(b);
    }
    const zi = mul(invert(mul(P.Z, beta), p), beta);
    const zi2 = mul(zi, zi);
    return { x: mul(P.X, zi2), y: mul(P.Y, mul(zi2, zi)) };
  }

  let gTable: Table | undefined;
  const G = (): Table => (gTable ??= tableFor(Gx, Gy, baseWindow));

  return Object.freeze({
    mulBaseSecret: (k: bigint) => toAffineBlinded(mulTableCT(G(), k)),
    mulSecret: (k: bigint, px: bigint, py: bigint) => toAffineBlinded(mulVar(k, px, py, true)),
    mulSecretTable: (k: bigint, T: Table) => toAffineBlinded(mulTableCT(T, k)),
    mulAddPublic(s: bigint, t: bigint, P: Table | { x: bigint; y: bigint }): Jac {
      let acc: Jac =
        'xs' in P
          ? mulTablePublicInto({ X: 1n, Y: 1n, Z: 0n }, P, t)
          : t === 0n
            ? { X: 1n, Y: 1n, Z: 0n }
            : mulVar(t, P.x, P.y, false);
      acc = mulTablePublicInto(acc, G(), s);
      return acc;
    },
    tableFor,
    xEquals(R: Jac, x: bigint): boolean {
      if (R.Z === 0n) return false;
      return mul(x, mul(R.Z, R.Z)) === R.X;
    },
  });
}
