/**
 * Poseidon over the BN254 scalar field with exactly circomlib's parameters (the hash the circuits
 * compute and circomlibjs's `buildPoseidon` returns): width t = n + 1 for n = 1..16 inputs,
 * state[0] = 0 (capacity), inputs in state[1..n], x⁵ S-box, 8 full rounds (4 + 4) around
 * circomlib's partial-round counts, output state[0].
 *
 * The round constants and the Cauchy MDS matrix of each width are not shipped: they are derived
 * on first use of that width (then cached) with the Grain LFSR procedure of the Poseidon
 * reference (`generate_parameters_grain.sage 1 0 254 t 8 R_P p`, the script circomlib's
 * constants come from): seed = field 1 (prime), S-box 0 (x^α), n = 254, t, R_F = 8, R_P, then
 * thirty 1 bits; 160 warm-up clocks; a shrinking generator (a bit pair b1 b2 emits b2 when b1 = 1);
 * 254-bit big-endian samples, rejected when ≥ p for the round constants, reduced mod p for the 2t
 * Cauchy points x, y (M[i][j] = 1 / (x_i + y_j)). circomlib uses the first candidate matrix of
 * every width (test/zk-babyjub.test.ts checks the constants against circomlibjs's own tables).
 *
 * Speed: the permutation is evaluated in the equivalent "sparse" form of the Poseidon paper
 * (eprint 2019/458, appendix B): constants moved past the linear layers so that a partial round
 * adds one scalar, and each partial round's dense MDS factored into a sparse matrix (first row +
 * first column + identity) whose dense remainder is pushed into the previous round, so a partial
 * round costs 2t − 1 multiplications instead of t². Sums of products are reduced once (lazy
 * reduction); the state outside position 0 is left unreduced through the partial rounds.
 *
 * Not constant time: bigint arithmetic in JavaScript has data-dependent timing. Poseidon here
 * hashes public data and commitments; a holder secret hashed into its commitment goes through
 * the same non-constant-time arithmetic (as it does in circomlibjs).
 * @module
 */
import { BukejianError } from '../errors.js';
import { FIELD_ORDER as P } from './field.js';

/** Full rounds (4 before and 4 after the partial rounds), as in circomlib. @example POSEIDON_FULL_ROUNDS // 8 */
export const POSEIDON_FULL_ROUNDS = 8;
/**
 * circomlib's partial-round counts for t = 2..17 (index t − 2).
 * @example POSEIDON_PARTIAL_ROUNDS[5 - 2] // 60 (t = 5, four inputs)
 */
export const POSEIDON_PARTIAL_ROUNDS: readonly number[] = Object.freeze([
  56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68,
]);
/** Most inputs one Poseidon call takes (t = 17). @example poseidon(new Array(POSEIDON_MAX_INPUTS).fill(0n)) */
export const POSEIDON_MAX_INPUTS = POSEIDON_PARTIAL_ROUNDS.length;

const HALF = POSEIDON_FULL_ROUNDS / 2;

/** The reference parameters of one width: flat round constants (round r, lane i at r·t + i) and the MDS matrix. */
export interface PoseidonConstants {
  readonly t: number;
  /** (8 + R_P)·t round constants, added before each round's S-box in the reference description. */
  readonly C: readonly bigint[];
  /** t × t MDS matrix: new state[i] = Σ_j M[i][j]·state[j]. */
  readonly M: readonly (readonly bigint[])[];
}

// ---------------------------------------------------------------------------------------------
// field and matrix helpers (setup only; the hot path inlines its arithmetic)

const mod = (a: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

/** a⁻¹ mod p by the extended Euclidean algorithm (a ≢ 0). */
function inv(a: bigint): bigint {
  let r0 = mod(a);
  let r1 = P;
  let s0 = 1n;
  let s1 = 0n;
  if (r0 === 0n) throw new Error('poseidon: inverse of zero');
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

type Matrix = bigint[][];

const identity = (n: number): Matrix =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n)));

function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const out: Matrix = [];
  for (let i = 0; i < n; i++) {
    const row: bigint[] = [];
    for (let j = 0; j < n; j++) {
      let acc = 0n;
      for (let k = 0; k < n; k++) acc += a[i]![k]! * b[k]![j]!;
      row.push(acc % P);
    }
    out.push(row);
  }
  return out;
}

/** m·v (v a column vector). */
function matVec(m: Matrix, v: readonly bigint[]): bigint[] {
  return m.map((row) => row.reduce((acc, x, j) => acc + x * v[j]!, 0n) % P);
}

/** vᵀ·m (v a row vector). */
function vecMat(v: readonly bigint[], m: Matrix): bigint[] {
  return m[0]!.map((_, j) => v.reduce((acc, x, i) => acc + x * m[i]![j]!, 0n) % P);
}

function matPow(m: Matrix, e: number): Matrix {
  let result = identity(m.length);
  let base = m;
  for (; e > 0; e >>= 1) {
    if (e & 1) result = matMul(result, base);
    if (e > 1) base = matMul(base, base);
  }
  return result;
}

/** Gauss–Jordan inverse (the matrices here are Cauchy matrices and their minors: always invertible). */
function matInv(m: Matrix): Matrix {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...identity(n)[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    while (p < n && a[p]![c] === 0n) p++;
    if (p === n) throw new Error('poseidon: singular matrix');
    [a[c], a[p]] = [a[p]!, a[c]!];
    const iv = inv(a[c]![c]!);
    a[c] = a[c]!.map((x) => (x * iv) % P);
    for (let r = 0; r < n; r++) {
      const f = a[r]![c]!;
      if (r === c || f === 0n) continue;
      a[r] = a[r]!.map((x, k) => mod(x - f * a[c]![k]!));
    }
  }
  return a.map((row) => row.slice(n));
}

// ---------------------------------------------------------------------------------------------
// Grain LFSR constants (the Poseidon reference's generate_parameters_grain.sage)

/** The reference's Grain LFSR for one width, as a shrinking-generator bit source. */
function grainBits(t: number, partialRounds: number): () => number {
  const SIZE = 80 + 8192; // sliding window over a buffer: no modulo per clock
  const b = new Uint8Array(SIZE);
  let n = 0;
  const put = (v: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) b[n++] = (v >>> i) & 1;
  };
  put(1, 2); // field: prime
  put(0, 4); // S-box: x^alpha
  put(254, 12); // field size in bits
  put(t, 12);
  put(POSEIDON_FULL_ROUNDS, 10);
  put(partialRounds, 10);
  put(0x3fffffff, 30);
  let i = 0; // the 80-bit state is b[i .. i + 80), oldest bit first
  const clock = (): number => {
    if (i + 80 === SIZE) {
      b.copyWithin(0, i, SIZE);
      i = 0;
    }
    const bit = b[i]! ^ b[i + 13]! ^ b[i + 23]! ^ b[i + 38]! ^ b[i + 51]! ^ b[i + 62]!;
    b[i + 80] = bit;
    i++;
    return bit;
  };
  for (let k = 0; k < 160; k++) clock();
  return () => {
    for (;;) {
      const keep = clock();
      const bit = clock();
      if (keep) return bit;
    }
  };
}

const HEX = '0123456789abcdef';

/** 254-bit big-endian samples from a bit source. */
function sampler(next: () => number): () => bigint {
  return () => {
    let s = HEX[next() * 2 + next()]!; // 254 = 2 + 63·4 bits
    for (let k = 0; k < 63; k++) s += HEX[(next() << 3) | (next() << 2) | (next() << 1) | next()]!;
    return BigInt('0x' + s);
  };
}

function deriveConstants(t: number): PoseidonConstants {
  const rp = POSEIDON_PARTIAL_ROUNDS[t - 2]!;
  const sample = sampler(grainBits(t, rp));
  const C: bigint[] = [];
  for (let k = 0; k < (POSEIDON_FULL_ROUNDS + rp) * t; k++) {
    let v = sample();
    while (v >= P) v = sample(); // rejection sampling
    C.push(v);
  }
  // Cauchy MDS: 2t points reduced mod p; the reference draws again when two coincide or some
  // x_i + y_j = 0 (never happens for circomlib's widths, kept for fidelity).
  for (;;) {
    const pts = Array.from({ length: 2 * t }, () => sample() % P);
    if (new Set(pts).size !== pts.length) continue;
    const xs = pts.slice(0, t);
    const ys = pts.slice(t);
    if (xs.some((x) => ys.some((y) => (x + y) % P === 0n))) continue;
    const M = xs.map((x) => Object.freeze(ys.map((y) => inv(x + y))));
    return Object.freeze({ t, C: Object.freeze(C), M: Object.freeze(M) });
  }
}

const constantsCache: (PoseidonConstants | undefined)[] = [];

function awidth(t: unknown): number {
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 2 || t > POSEIDON_MAX_INPUTS + 1) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"t" expected integer in [2, ${POSEIDON_MAX_INPUTS + 1}], got ${String(t)}`,
    );
  }
  return t;
}

/**
 * circomlib's Poseidon constants of width t (2..17), derived with the Grain LFSR on first use and
 * cached. The same values as circomlibjs's `poseidon_constants` C[t − 2] and M[t − 2].
 * @example poseidonConstants(3).C[0] // 0x0ee9a592ba9a9518d05986d656f40c2114c4993c11bb29938d21d47304cd8e6en
 */
export function poseidonConstants(t: number): PoseidonConstants {
  awidth(t);
  return (constantsCache[t] ??= deriveConstants(t));
}

// ---------------------------------------------------------------------------------------------
// the sparse ("optimised") schedule of one width

interface Schedule {
  readonly t: number;
  readonly rp: number;
  /** Reference round constants by round, moved to after each round's linear layer (c[r] added before round r). */
  readonly c: readonly (readonly bigint[])[];
  readonly M: Matrix;
  /** Matrix and post-constant of the last full round before the partial rounds. */
  readonly mid: Matrix;
  readonly midK: readonly bigint[];
  /** Scalar constant added after the S-box of each partial round. */
  readonly u: readonly bigint[];
  /** Sparse matrices of the partial rounds, in order: first row tail w and first column tail col, (t − 1) each. */
  readonly w: readonly bigint[];
  readonly col: readonly bigint[];
  readonly m00: bigint;
}

function buildSchedule(t: number): Schedule {
  const { C, M: M0 } = poseidonConstants(t);
  const rp = POSEIDON_PARTIAL_ROUNDS[t - 2]!;
  const R = POSEIDON_FULL_ROUNDS + rp;
  const M = M0.map((r) => [...r]);
  const c = Array.from({ length: R }, (_, r) => C.slice(r * t, r * t + t));
  // Reference: s += c[r]; S-box; s = M·s. Equivalently s0 = in + c[0], then s = M·S(s) + c[r + 1]
  // (c[R] = 0). Walking the partial rounds backwards, M·S₀(s) + k = M·(S₀(s + v̂) + v₀·e₀) with
  // v = M⁻¹·k: the partial round keeps the scalar v₀ after its S-box and v̂ (v with v₀ = 0) joins
  // the previous round's constant, because S₀ only touches lane 0.
  const Minv = matInv(M);
  const u: bigint[] = new Array(rp);
  let k = [...c[HALF + rp]!];
  for (let r = HALF + rp - 1; r >= HALF; r--) {
    const v = matVec(Minv, k);
    u[r - HALF] = v[0]!;
    k = c[r]!.map((x, i) => (i === 0 ? x : (x + v[i]!) % P));
  }
  // Sparse factorisation, from the last partial round (step 1) back to the first (step rp):
  // with M = [[m00, mr], [mc, M̂]], the step-j matrix D_j = diag(1, M̂^(j−1))·M equals
  // B_j·diag(1, M̂^j) where B_j = [[m00, mr·M̂^(−j)], [M̂^(j−1)·mc, I]]. diag(1, M̂^j) commutes
  // with S₀ and with adding a lane-0 scalar, so it moves into the previous round; what reaches
  // the last full round of the first half is diag(1, M̂^rp).
  const Mhat = M.slice(1).map((r) => r.slice(1));
  const MhatInv = matInv(Mhat);
  const mr = M[0]!.slice(1);
  const ws: bigint[][] = [];
  const cols: bigint[][] = [];
  let w = mr;
  let col = M.slice(1).map((r) => r[0]!);
  for (let j = 1; j <= rp; j++) {
    w = vecMat(w, MhatInv);
    ws.push(w);
    cols.push(col);
    col = matVec(Mhat, col);
  }
  ws.reverse(); // forward order: first partial round first
  cols.reverse();
  const Apow = matPow(Mhat, rp);
  const A: Matrix = identity(t).map((row, i) => (i === 0 ? row : [0n, ...Apow[i - 1]!]));
  return {
    t,
    rp,
    c,
    M,
    mid: matMul(A, M),
    midK: matVec(A, k),
    u,
    w: ws.flat(),
    col: cols.flat(),
    m00: M[0]![0]!,
  };
}

const schedules: (Schedule | undefined)[] = [];

/** y = x⁵ mod p (x ≥ 0, any size up to a few p). */
const pow5 = (x: bigint): bigint => {
  const x2 = (x * x) % P;
  return (x2 * x2 * x) % P;
};

/** One full round in post-constant form: x ← m·S(x) + k (k omitted: no constant). */
function fullRound(
  x: bigint[],
  y: bigint[],
  m: Matrix,
  k: readonly bigint[] | undefined,
  t: number,
): void {
  for (let i = 0; i < t; i++) y[i] = pow5(x[i]!);
  for (let i = 0; i < t; i++) {
    const row = m[i]!;
    let acc = k ? k[i]! : 0n;
    for (let j = 0; j < t; j++) acc += row[j]! * y[j]!;
    x[i] = acc % P;
  }
}

function permute(s: Schedule, inputs: readonly bigint[]): bigint {
  const { t, rp, c, M, u, w, col, m00 } = s;
  const x: bigint[] = new Array(t);
  const y: bigint[] = new Array(t);
  const c0 = c[0]!;
  x[0] = c0[0]!;
  for (let i = 1; i < t; i++) x[i] = inputs[i - 1]! + c0[i]!;
  for (let r = 0; r < HALF - 1; r++) fullRound(x, y, M, c[r + 1], t);
  fullRound(x, y, s.mid, s.midK, t);
  // partial rounds: lane 0 reduced every round, the other lanes only at the end (< p + rp·p²)
  let x0 = x[0]!;
  for (let r = 0, o = 0; r < rp; r++, o += t - 1) {
    const x2 = (x0 * x0) % P;
    const y0 = (x2 * x2 * x0 + u[r]!) % P; // x0⁵ + u with one reduction
    let acc = m00 * y0;
    for (let j = 1; j < t; j++) {
      acc += w[o + j - 1]! * x[j]!;
      x[j] = x[j]! + col[o + j - 1]! * y0;
    }
    x0 = acc % P;
  }
  x[0] = x0;
  for (let j = 1; j < t; j++) x[j] = x[j]! % P;
  const R = POSEIDON_FULL_ROUNDS + rp;
  for (let r = HALF + rp; r < R - 1; r++) fullRound(x, y, M, c[r + 1], t);
  // last round: only lane 0 of the output is needed
  for (let i = 0; i < t; i++) y[i] = pow5(x[i]!);
  const row = M[0]!;
  let acc = 0n;
  for (let j = 0; j < t; j++) acc += row[j]! * y[j]!;
  return acc % P;
}

function ainputs(inputs: unknown): readonly bigint[] {
  if (!Array.isArray(inputs))
    throw new BukejianError('INVALID_TYPE', '"inputs" expected array of bigints');
  if (inputs.length < 1 || inputs.length > POSEIDON_MAX_INPUTS) {
    throw new BukejianError(
      'INVALID_LENGTH',
      `"inputs" expected 1..${POSEIDON_MAX_INPUTS} field elements, got length=${inputs.length}`,
    );
  }
  for (let i = 0; i < inputs.length; i++) {
    const v: unknown = inputs[i];
    if (typeof v !== 'bigint')
      throw new BukejianError('INVALID_TYPE', `"inputs[${i}]" expected bigint, got ${typeof v}`);
    if (v < 0n || v >= P)
      throw new BukejianError('INVALID_RANGE', `"inputs[${i}]" expected field element in [0, r)`);
  }
  return inputs as readonly bigint[];
}

/**
 * Poseidon(inputs) as circomlib computes it: 1..16 field elements (bigints in [0, r); unlike
 * circomlibjs, values ≥ r are rejected rather than reduced), result a field element.
 * Synchronous; the first call of each input count derives and caches that width's constants.
 * @example poseidon([1n, 2n]) // 0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an
 */
export function poseidon(inputs: readonly bigint[]): bigint {
  const xs = ainputs(inputs);
  const t = xs.length + 1;
  return permute((schedules[t] ??= buildSchedule(t)), xs);
}

/**
 * The textbook evaluation (add constants, S-box on every lane or lane 0, dense MDS) of the same
 * permutation: slow, kept as an in-house cross-check of the sparse schedule {@link poseidon} uses.
 * @example poseidonReference([1n, 2n]) === poseidon([1n, 2n]) // true
 */
export function poseidonReference(inputs: readonly bigint[]): bigint {
  const xs = ainputs(inputs);
  const t = xs.length + 1;
  const { C, M } = poseidonConstants(t);
  const rp = POSEIDON_PARTIAL_ROUNDS[t - 2]!;
  let s = [0n, ...xs];
  for (let r = 0; r < POSEIDON_FULL_ROUNDS + rp; r++) {
    s = s.map((v, i) => v + C[r * t + i]!);
    const full = r < HALF || r >= HALF + rp;
    s = s.map((v, i) => (full || i === 0 ? pow5(v) : v % P));
    s = M.map((row) => row.reduce((acc, m, j) => acc + m * s[j]!, 0n) % P);
  }
  return s[0]!;
}
