/**
 * Groth16 prover over a snarkjs `.zkey` (BN254), on snarkjs's own multi-threaded WASM engine
 * (`snarkjs.curves`), with the proving key parsed ONCE per zkey buffer instead of once per proof.
 *
 * It computes exactly the proof `snarkjs.groth16.prove` computes for the same zkey and witness
 * (every proof is checked with `snarkjs.groth16.verify` in the tests), with three differences
 * that make it faster here:
 *  - the QAP evaluations A·w, B·w and A·w∘B·w are built in one WASM call (`qap_buildABC`) on a
 *    worker instead of one JS → WASM round trip per coefficient (≈ 90,000 for this circuit);
 *  - the multi-exponentiations (_multiexp.ts) drop zero scalars and points at infinity and post
 *    each point and scalar to a worker once (one task running the engine's whole Pippenger
 *    multiexp per multiexp, H split over the workers, instead of ffjavascript's task per bit
 *    window that re-posts every point chunk: ~150 MB per proof, which made Chromium 2.4× slower);
 *    those over the witness (A, B, C) start with the QAP and run beside the FFTs, so the workers
 *    never idle between phases; each coset transform (inverse FFT, shift, FFT) is one WASM task
 *    per polynomial;
 *  - the blinding scalars r and s come from `crypto.getRandomValues` (64 bytes reduced mod r);
 *    their engine encodings are zeroed after use (BigInt and engine-scratch copies cannot be).
 *
 * The proof, for witness w (w_0 = 1, w_1..w_ℓ the public signals) and proving key
 * ([α]₁, [β]₁, [β]₂, [δ]₁, [δ]₂, A_i, B_i, C_i, H_j):
 *   π_A = [α]₁ + Σ w_i·A_i + r·[δ]₁
 *   π_B = [β]₂ + Σ w_i·B_i + s·[δ]₂          (and the same in G1 with B1_i for π_C)
 *   π_C = Σ_{i>ℓ} w_i·C_i + Σ_j h_j·H_j + s·π_A + r·π_B(G1) − r·s·[δ]₁
 * where h_j are the evaluations of (A·B − C) on the odd coset of the 2^k-th roots of unity: the
 * form in which a snarkjs zkey stores its H points.
 * @module
 */
import { BukejianError } from '../errors.js';
import { FIELD_ORDER } from './field.js';
import { withProverEngine } from './engine.js';
import { binSections } from './binfile.js';
import { bytesToNumberBE } from '../_number.js';
import { randomScalar } from '../_random.js';
import { backgroundQueue, multiExp } from './_multiexp.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Curve = any;
type Point = Uint8Array;

/** A parsed Groth16 proving key. */
interface ProvingKey {
  readonly nVars: number;
  readonly nPublic: number;
  readonly domainSize: number;
  readonly power: number;
  readonly alpha1: Point;
  readonly beta1: Point;
  readonly beta2: Point;
  readonly delta1: Point;
  readonly delta2: Point;
  /** Section 4 without its count: nCoefs × (m u32, c u32, s u32, coefficient·R² mod r). */
  readonly coefs: Uint8Array;
  readonly nCoefs: number;
  readonly A: Uint8Array;
  readonly B1: Uint8Array;
  readonly B2: Uint8Array;
  readonly C: Uint8Array;
  readonly H: Uint8Array;
}

/** The Groth16 proof as affine coordinates, and the public signals w_1..w_ℓ. */
export interface RawProof {
  readonly a: readonly [bigint, bigint];
  readonly b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  readonly c: readonly [bigint, bigint];
  readonly publicSignals: readonly bigint[];
}

const N8 = 32;
const SCOEF = 12 + N8;

const keys = new WeakMap<Uint8Array, ProvingKey>();

function bad(msg: string): never {
  throw new BukejianError('INVALID_ENCODING', `zkey: ${msg}`);
}

function parse(curve: Curve, zkey: Uint8Array): ProvingKey {
  const s = binSections(zkey, 'zkey', 1);
  const get = (t: number) => s.get(t) ?? bad(`section ${t} missing`);
  const s1 = get(1);
  if (s1.length < 4 || new DataView(s1.buffer, s1.byteOffset).getUint32(0, true) !== 1)
    bad('not a Groth16 key');
  const h = get(2);
  // n8q ‖ q ‖ n8r ‖ r ‖ nVars ‖ nPublic ‖ domainSize ‖ α₁ β₁ δ₁ (G1) ‖ β₂ γ₂ δ₂ (G2)
  if (h.length !== 4 + N8 + 4 + N8 + 12 + 3 * 2 * N8 + 3 * 4 * N8) bad('header section size');
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (dv.getUint32(0, true) !== N8 || dv.getUint32(4 + N8, true) !== N8) bad('not a BN254 key');
  if (leToNumber(h.subarray(8 + N8, 8 + 2 * N8)) !== FIELD_ORDER) bad('not a BN254 key');
  let p = 8 + 2 * N8;
  const nVars = dv.getUint32(p, true);
  const nPublic = dv.getUint32(p + 4, true);
  const domainSize = dv.getUint32(p + 8, true);
  p += 12;
  const g1 = () => {
    const pt = curve.G1.fromRprLEM(h, p);
    p += 2 * N8;
    return pt;
  };
  const g2 = () => {
    const pt = curve.G2.fromRprLEM(h, p);
    p += 4 * N8;
    return pt;
  };
  const alpha1 = g1();
  const beta1 = g1();
  const beta2 = g2();
  g2(); // γ₂: verification only
  const delta1 = g1();
  const delta2 = g2();
  const power = Math.log2(domainSize);
  if (!Number.isInteger(power) || power > curve.Fr.s)
    bad('domain size is not a supported power of two');
  const c4 = get(4);
  if (c4.length < 4) bad('coefficient section size');
  const nCoefs = new DataView(c4.buffer, c4.byteOffset).getUint32(0, true);
  if (c4.length !== 4 + nCoefs * SCOEF) bad('coefficient section size');
  // Private copies: the key no longer depends on the caller's buffer after this first (hash-checked)
  // use, and a task posted to a worker clones only its section, not the whole zkey.
  const pts = (t: number, n: number, size: number) => {
    const b = get(t);
    if (b.length !== n * size) bad(`section ${t} size`);
    return b.slice();
  };
  return {
    nVars,
    nPublic,
    domainSize,
    power,
    alpha1,
    beta1,
    beta2,
    delta1,
    delta2,
    coefs: c4.slice(4),
    nCoefs,
    A: pts(5, nVars, 2 * N8),
    B1: pts(6, nVars, 2 * N8),
    B2: pts(7, nVars, 4 * N8),
    C: pts(8, nVars - nPublic - 1, 2 * N8),
    H: pts(9, domainSize, 2 * N8),
  };
}

const leToNumber = (b: Uint8Array): bigint => bytesToNumberBE(b.slice().reverse());

/**
 * Proves with a snarkjs Groth16 zkey and a witness (nVars × 32-byte little-endian field elements,
 * w_0 = 1 first). Throws INVALID_ENCODING for a malformed zkey, INVALID_LENGTH for a witness of
 * the wrong size. `onStep`, if given, is called with the share of the work done each time a part
 * completes, in the order they complete: the QAP 0.1, the FFTs 0.2, each multiexp by its size
 * (0.7 in all), seven strictly rising calls, the last one 1.
 * @example
 * const { a, b, c, publicSignals } = await groth16Prove(zkeyBytes, witnessBytes)
 */
export function groth16Prove(
  zkey: Uint8Array,
  witness: Uint8Array,
  onStep?: (fraction: number) => void,
): Promise<RawProof> {
  return withProverEngine((curve) => prove(curve, zkey, witness, onStep));
}

/**
 * Everything of a first proof that does not depend on the witness: builds the engine (its workers
 * compile the WASM) and parses the proving key into the per-buffer cache, so that a later
 * {@link groth16Prove} with the same `zkey` buffer starts at the QAP.
 * @example await groth16Prepare(zkeyBytes) // e.g. while the page is being read
 */
export function groth16Prepare(zkey: Uint8Array): Promise<void> {
  return withProverEngine(async (curve) => {
    if (!keys.has(zkey)) keys.set(zkey, parse(curve, zkey));
  });
}

/**
 * Shares of the work, reported as each part completes (in whatever order): the QAP 0.1, the
 * FFTs 0.2, the five multiexps 0.7 by size (G2 ≈ 3 × G1). Integer units, so the sum is exact.
 */
const UNITS = { qap: 7, fft: 14, msm: [7, 7, 21, 7, 7] } as const;
const TOTAL_UNITS = UNITS.qap + UNITS.fft + UNITS.msm.reduce((x, y) => x + y, 0);

async function prove(
  curve: Curve,
  zkey: Uint8Array,
  witness: Uint8Array,
  onStep: (fraction: number) => void = () => {},
): Promise<RawProof> {
  const { Fr, G1, G2 } = curve;
  let pk = keys.get(zkey);
  if (!pk) keys.set(zkey, (pk = parse(curve, zkey)));
  if (witness.length !== pk.nVars * N8) {
    throw new BukejianError(
      'INVALID_LENGTH',
      `witness expected ${pk.nVars * N8} bytes, got length=${witness.length}`,
    );
  }
  const n = pk.domainSize;
  let units = 0;
  const step =
    (u: number) =>
    <T>(x: T): T => {
      units += u;
      onStep(Math.round((1000 * units) / TOTAL_UNITS) / 1000);
      return x;
    };
  // A·w, B·w (Montgomery form) and their pointwise product on the 2^k-th roots of unity. Queued
  // first; the multiexps below go through a background queue, so the QAP and FFT tasks overtake
  // their remaining shares and the workers are never idle between phases.
  const qap = curve.tm.queueAction([
    { cmd: 'ALLOCSET', var: 0, buff: pk.coefs },
    { cmd: 'ALLOCSET', var: 1, buff: witness },
    { cmd: 'ALLOC', var: 2, len: n * N8 },
    { cmd: 'ALLOC', var: 3, len: n * N8 },
    { cmd: 'ALLOC', var: 4, len: n * N8 },
    {
      cmd: 'CALL',
      fnName: 'qap_buildABC',
      params: [
        { var: 0 },
        { val: pk.nCoefs },
        { var: 1 },
        { var: 2 },
        { var: 3 },
        { var: 4 },
        { val: 0 },
        { val: n },
        { val: 0 },
        { val: pk.nVars },
      ],
    },
    { cmd: 'GET', out: 0, var: 2, len: n * N8 },
    { cmd: 'GET', out: 1, var: 3, len: n * N8 },
    { cmd: 'GET', out: 2, var: 4, len: n * N8 },
  ]) as Promise<Uint8Array[]>;
  const run = backgroundQueue(curve.tm);
  // The multiexps over the witness need neither the QAP nor the FFTs.
  // One task per multiexp (splitting one costs CPU: each share pays its own bucket sums), B2 (the
  // largest) first, so that the tasks queued last, beside the FFTs, are small ones; H, the last,
  // is split over the workers so that none idles at the end.
  const [mB2p, mAp, mB1p, mCp] = [
    multiExp(curve, 'G2', pk.B2, witness, run).then(step(UNITS.msm[2])),
    multiExp(curve, 'G1', pk.A, witness, run).then(step(UNITS.msm[0])),
    multiExp(curve, 'G1', pk.B1, witness, run).then(step(UNITS.msm[1])),
    multiExp(curve, 'G1', pk.C, witness.subarray((pk.nPublic + 1) * N8), run).then(
      step(UNITS.msm[3]),
    ),
  ];
  const h = (async () => {
    const [aT, bT, cT] = await qap.then(step(UNITS.qap));
    // Interpolate, then evaluate on the odd coset ω_{2n}·⟨ω_n⟩ (where Z(x) = x^n − 1 = −2 ≠ 0):
    // one engine task per polynomial (inverse FFT, coset shift, FFT, in WASM), then one for h.
    const inc: Uint8Array = pk.power === Fr.s ? Fr.shift : Fr.w[pk.power + 1];
    const coset = (t: Uint8Array) =>
      curve.tm.queueAction([
        { cmd: 'ALLOCSET', var: 0, buff: t },
        { cmd: 'ALLOCSET', var: 1, buff: Fr.one },
        { cmd: 'ALLOCSET', var: 2, buff: inc },
        { cmd: 'ALLOC', var: 3, len: n * N8 },
        { cmd: 'CALL', fnName: 'frm_ifft', params: [{ var: 0 }, { val: n }] },
        {
          cmd: 'CALL',
          fnName: 'frm_batchApplyKey',
          params: [{ var: 0 }, { val: n }, { var: 1 }, { var: 2 }, { var: 3 }],
        },
        { cmd: 'CALL', fnName: 'frm_fft', params: [{ var: 3 }, { val: n }] },
        { cmd: 'GET', out: 0, var: 3, len: n * N8 },
      ]) as Promise<Uint8Array[]>;
    const [[aO], [bO], [cO]] = await Promise.all([coset(aT!), coset(bT!), coset(cT!)]);
    const [hOdd] = (await curve.tm.queueAction([
      { cmd: 'ALLOCSET', var: 0, buff: aO },
      { cmd: 'ALLOCSET', var: 1, buff: bO },
      { cmd: 'ALLOCSET', var: 2, buff: cO },
      { cmd: 'ALLOC', var: 3, len: n * N8 },
      {
        cmd: 'CALL',
        fnName: 'qap_joinABC',
        params: [{ var: 0 }, { var: 1 }, { var: 2 }, { val: n }, { var: 3 }],
      },
      {
        cmd: 'CALL',
        fnName: 'frm_batchFromMontgomery',
        params: [{ var: 3 }, { val: n }, { var: 3 }],
      },
      { cmd: 'GET', out: 0, var: 3, len: n * N8 },
    ])) as Uint8Array[];
    step(UNITS.fft)(0);
    return multiExp(curve, 'G1', pk.H, hOdd!, run, curve.tm.concurrency).then(step(UNITS.msm[4]!));
  })();
  const [mA, mB1, mB2, mC, mH] = (await Promise.all([mAp, mB1p, mB2p, mCp, h])) as Point[];
  // rF and sF are zeroed below; other copies of r and s (the BigInts, the engine's scratch memory,
  // the product r·s) are not wiped.
  const rF = Fr.e(randomScalar(FIELD_ORDER - 1n));
  const sF = Fr.e(randomScalar(FIELD_ORDER - 1n));
  const piA = G1.add(G1.add(mA, pk.alpha1), G1.timesFr(pk.delta1, rF));
  const piB = G2.add(G2.add(mB2, pk.beta2), G2.timesFr(pk.delta2, sF));
  const piB1 = G1.add(G1.add(mB1, pk.beta1), G1.timesFr(pk.delta1, sF));
  let piC = G1.add(mC, mH);
  piC = G1.add(piC, G1.timesFr(piA, sF));
  piC = G1.add(piC, G1.timesFr(piB1, rF));
  piC = G1.add(piC, G1.timesFr(pk.delta1, Fr.neg(Fr.mul(rF, sF))));
  rF.fill(0);
  sF.fill(0);
  const A = G1.toObject(G1.toAffine(piA)) as bigint[];
  const B = G2.toObject(G2.toAffine(piB)) as bigint[][];
  const C = G1.toObject(G1.toAffine(piC)) as bigint[];
  const publicSignals: bigint[] = [];
  for (let i = 1; i <= pk.nPublic; i++)
    publicSignals.push(leToNumber(witness.subarray(i * N8, (i + 1) * N8)));
  return {
    a: [A[0]!, A[1]!],
    b: [
      [B[0]![0]!, B[0]![1]!],
      [B[1]![0]!, B[1]![1]!],
    ],
    c: [C[0]!, C[1]!],
    publicSignals,
  };
}
