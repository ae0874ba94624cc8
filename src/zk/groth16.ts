/**
 * Groth16 verification over BN254 (Groth 2016, eprint 2016/260, §3.2), single and batched, on
 * the WASM field/curve engine that snarkjs ships (ffjavascript, reached through
 * `snarkjs.curves`, single-threaded). Unlike `snarkjs.groth16.verify` this verifier
 *  - checks A and C are on G1 (prime order, so on-curve = in-group) and not the identity,
 *  - checks B is on the twist AND in the order-r subgroup of G2, with the endomorphism test
 *    ψ(B) = [6x²]B = [p − r]B (Scott, eprint 2021/1130; the check gnark-crypto uses for BN254):
 *    a 127-bit scalar multiplication instead of the 254-bit [r]B = O (both are tested to agree),
 *  - checks every public signal is < r,
 * and its batch check uses a random linear combination (Bellare–Garay–Rabin small-exponent test):
 * with 128-bit random weights ρ_i (crypto.getRandomValues),
 *   ∏ e(ρ_i·A_i, B_i) = e(Σρ_i·α, β) · e(Σρ_i·L_i, γ) · e(Σρ_i·C_i, δ),
 * i.e. N + 3 Miller loops and ONE final exponentiation for N proofs; Σρ_i·L_i is folded into one
 * combination of the verification key's IC points. A batch containing an invalid proof passes with
 * probability ≤ 2^-128. When a batch fails it is bisected to name exactly the invalid proofs.
 *
 * Not constant time: verification handles only public data.
 * @module
 */
import { BukejianError } from '../errors.js';
import { randomBytes } from '../utils.js';
import { bytesToNumberBE } from '../_number.js';
import { millerOnWorkers, terminateBatchWorkers } from './batch-pool.js';
import { loadSnarkjs } from './_snarkjs.js';
import { releaseProverEngine } from './engine.js';
import { FIELD_ORDER } from './field.js';
import { BASE_FIELD, BN_X, type EligibilityProof } from './proof-codec.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Buf = Uint8Array;
type Curve = any;

let curveP: Promise<Curve> | undefined;

/** The BN254 engine (cached, single-threaded). @example const curve = await bn254() */
export function bn254(): Promise<Curve> {
  return (curveP ??= loadSnarkjs()
    .then((s) => s.curves.getCurveFromName('bn128', { singleThread: true }) as Promise<Curve>)
    .catch((e: unknown) => {
      curveP = undefined; // snarkjs missing or the engine failed to build: the next call retries
      throw e;
    }));
}

/**
 * Releases the WASM curve engines (the verifier's and the multi-threaded prover engine, which
 * ffjavascript caches in `globalThis.curve_bn128`), whose worker threads otherwise keep a Node
 * process alive. Proofs still running finish first; a later proof builds a fresh engine.
 * @example await eligibility.terminate() // at the end of a CLI run or benchmark
 */
export async function terminate(): Promise<void> {
  await terminateBatchWorkers();
  const mine = curveP;
  curveP = undefined;
  if (mine) await (await mine.catch(() => null))?.terminate();
  await releaseProverEngine(); // waits for proofs still running on it
}

/** A snarkjs-format Groth16 verification key (JSON). */
export type VerificationKeyJson = Readonly<Record<string, unknown>>;

/** One proof and the public signals the verifier derived for it. */
export interface BatchItem {
  readonly proof: EligibilityProof;
  readonly signals: readonly bigint[];
}

/** A verifier bound to one verification key. */
export interface Groth16Verifier {
  readonly nPublic: number;
  /** True iff the proof is well formed (on curve, in subgroup, in range) and verifies. */
  verify(proof: EligibilityProof, signals: readonly bigint[]): boolean;
  /** One boolean per item: random-linear-combination batch check, bisected on failure. */
  verifyBatch(items: readonly BatchItem[]): boolean[];
  /** Same results as verifyBatch, with the per-proof work (B checks, Miller loops) fanned out over `workers` threads (Node). */
  verifyBatchOnWorkers(items: readonly BatchItem[], workers: number): Promise<boolean[]>;
  /** The G2 subgroup test used on B (affine [[x0, x1], [y0, y1]]; the point must be on the twist). */
  inG2Subgroup(q: readonly [readonly [bigint, bigint], readonly [bigint, bigint]]): boolean;
}

function big(v: unknown, name: string): bigint {
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v))
    throw new BukejianError('INVALID_CONFIG', `"${name}" expected decimal string`);
  return BigInt(v);
}

interface Points {
  A: Buf;
  B: Buf;
  C: Buf;
}

/**
 * Prepares a verifier for a snarkjs verification key (curve bn128, protocol groth16).
 * @example const v = await prepareVerifier(VKEY); v.verify(proof, signals)
 */
export async function prepareVerifier(vkey: VerificationKeyJson): Promise<Groth16Verifier> {
  if (vkey.protocol !== 'groth16' || vkey.curve !== 'bn128') {
    throw new BukejianError('INVALID_CONFIG', '"vkey" expected a groth16 bn128 verification key');
  }
  const curve = await bn254();
  const { G1, G2, F12 } = curve;
  const g1 = (v: any, n: string): Buf => {
    const p = G1.fromObject([big(v?.[0], n), big(v?.[1], n), big(v?.[2], n)]);
    if (!G1.isValid(p) || G1.isZero(p))
      throw new BukejianError('INVALID_CONFIG', `"vkey.${n}" is not a G1 point`);
    return p;
  };
  const g2 = (v: any, n: string): Buf => {
    const p = G2.fromObject(v.map((c: any) => [big(c?.[0], n), big(c?.[1], n)]));
    if (!G2.isValid(p) || G2.isZero(p) || !G2.isZero(G2.timesScalar(p, FIELD_ORDER))) {
      throw new BukejianError('INVALID_CONFIG', `"vkey.${n}" is not a G2 subgroup point`);
    }
    return p;
  };
  const nPublic = Number(vkey.nPublic);
  const IC = (vkey.IC as unknown[]).map((p, i) => g1(p, `IC[${i}]`));
  if (!Number.isInteger(nPublic) || IC.length !== nPublic + 1)
    throw new BukejianError('INVALID_CONFIG', '"vkey.IC" length mismatch');
  const alpha = g1(vkey.vk_alpha_1, 'vk_alpha_1');
  const preBeta = curve.prepareG2(G2.toJacobian(g2(vkey.vk_beta_2, 'vk_beta_2')));
  const preGamma = curve.prepareG2(G2.toJacobian(g2(vkey.vk_gamma_2, 'vk_gamma_2')));
  const preDelta = curve.prepareG2(G2.toJacobian(g2(vkey.vk_delta_2, 'vk_delta_2')));

  // ψ = untwist ∘ Frobenius ∘ twist on the D-type twist: ψ(x, y) = (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)), ξ = 9 + u.
  const { F1, F2 } = curve;
  const xi = F2.fromObject([9n, 1n]);
  const psiX = F2.exp(xi, (BASE_FIELD - 1n) / 3n);
  const psiY = F2.exp(xi, (BASE_FIELD - 1n) / 2n);
  const conj = (a: Buf): Buf => {
    const r = new Uint8Array(64);
    r.set(a.subarray(0, 32));
    r.set(F1.neg(a.slice(32, 64)), 32);
    return r;
  };
  const psi = (a: Buf): Buf => {
    const r = new Uint8Array(128);
    r.set(F2.mul(conj(a.slice(0, 64)), psiX), 0);
    r.set(F2.mul(conj(a.slice(64, 128)), psiY), 64);
    return r;
  };
  /**
   * SECURITY: G2 subgroup membership by the BN254 test of El Housni, Guillevic and Piellard
   * ("Co-factor clearing and subgroup membership testing on pairing-friendly curves", 2022):
   * Q ∈ G2 ⇔ [x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q), x the 63-bit curve parameter: one 63-bit
   * multiplication instead of the 127-bit one of ψ(Q) = [p − r]Q (test/zk-subgroup.test.ts checks
   * it against [r]Q = O). ψ maps affine to affine; the affine zero (all zero bytes) stays zero.
   */
  function inG2Subgroup(Q: Buf): boolean {
    const q = G2.toAffine(Q);
    const xQ = G2.timesScalar(q, BN_X);
    const p1 = psi(G2.toAffine(xQ));
    const lhs = G2.add(G2.add(G2.add(xQ, q), p1), psi(p1));
    return G2.eq(lhs, psi(psi(psi(G2.toAffine(G2.double(xQ))))));
  }

  const ml = (P: Buf, preQ: Buf): Buf => curve.millerLoop(curve.prepareG1(G1.toJacobian(P)), preQ);

  /** Decodes and validates the points of a proof; null when malformed. */
  function points(p: EligibilityProof): Points | null {
    try {
      const A = G1.fromObject([p.a[0], p.a[1], 1n]);
      const C = G1.fromObject([p.c[0], p.c[1], 1n]);
      const B = G2.fromObject([
        [p.b[0][0], p.b[0][1]],
        [p.b[1][0], p.b[1][1]],
        [1n, 0n],
      ]);
      if (!G1.isValid(A) || !G1.isValid(C) || !G2.isValid(B)) return null;
      // SECURITY: G2 has a large cofactor; a B outside the order-r subgroup is rejected.
      if (G2.isZero(B) || !inG2Subgroup(B)) return null;
      return { A, B, C };
    } catch {
      return null;
    }
  }

  function signalsOk(s: readonly bigint[]): boolean {
    return (
      s.length === nPublic && s.every((v) => typeof v === 'bigint' && v >= 0n && v < FIELD_ORDER)
    );
  }

  // One multi-scalar multiplication (Pippenger, in the engine's WASM) instead of one scalar
  // multiplication per point: Σ w_i·C_i over a batch and Σ_j s_j·IC_j. The engine's memory of this
  // single-threaded instance is a bump allocator: the pointer is restored after each call.
  const tm = curve.tm;
  const ONE_Z = G1.one.slice(64, 96);
  /** The affine encoding of a point made by G1.fromObject([x, y, 1]) (z is already one). */
  const affine = (p: Buf): Buf =>
    p.length === 96 && p.subarray(64).every((b, i) => b === ONE_Z[i])
      ? p.subarray(0, 64)
      : G1.toAffine(p);
  const MSM_CHUNK = 1024;
  function msm(bases: readonly Buf[], scalars: readonly bigint[], bytes: number): Buf {
    let acc: Buf = G1.zero;
    for (let at = 0; at < bases.length; at += MSM_CHUNK) {
      const n = Math.min(MSM_CHUNK, bases.length - at);
      const pts = new Uint8Array(n * 64);
      const sc = new Uint8Array(n * bytes);
      for (let i = 0; i < n; i++) {
        pts.set(bases[at + i]!, i * 64);
        let v = scalars[at + i]!;
        for (let k = 0; v > 0n; k++, v >>= 8n) sc[i * bytes + k] = Number(v & 0xffn);
      }
      const saved = tm.u32[0];
      try {
        const pP = tm.allocBuff(pts);
        const pS = tm.allocBuff(sc);
        const pR = tm.alloc(96);
        tm.instance.exports.g1m_multiexpAffine(pP, pS, bytes, n, pR);
        acc = G1.add(acc, tm.getBuff(pR, 96));
      } finally {
        tm.u32[0] = saved;
      }
    }
    return acc;
  }
  const ICaffine = IC.map((p) => G1.toAffine(p));

  /** Σ_i w_i·(IC0 + Σ_j x_ij·IC_j) = (Σ w_i)·IC0 + Σ_j (Σ_i w_i·x_ij)·IC_j. */
  function combinedInputs(signals: (readonly bigint[])[], weights: bigint[]): Buf {
    const k = [weights.reduce((a, w) => a + w, 0n) % FIELD_ORDER];
    for (let j = 0; j < nPublic; j++) {
      let s = 0n;
      for (let i = 0; i < signals.length; i++) s += weights[i]! * signals[i]![j]!;
      k.push(s % FIELD_ORDER);
    }
    return msm(ICaffine, k, 32);
  }

  /** Completes a batch check from the Miller product of the proof terms: the 3 key terms, one final exponentiation. */
  function finish(acc: Buf, Cs: Buf[], signals: (readonly bigint[])[], weights: bigint[]): boolean {
    // weights are < 2^128 (or 1 for a single proof)
    const sumC = msm(Cs.map(affine), weights, 16);
    let wsum = 0n;
    for (const w of weights) wsum += w;
    acc = F12.mul(acc, ml(G1.timesScalar(alpha, wsum % FIELD_ORDER), preBeta));
    acc = F12.mul(acc, ml(combinedInputs(signals, weights), preGamma));
    if (!G1.isZero(sumC)) acc = F12.mul(acc, ml(sumC, preDelta));
    return F12.eq(curve.finalExponentiation(acc), F12.one);
  }

  /** The pairing-product check for points/signals with the given weights (in this thread). */
  function check(pts: Points[], signals: (readonly bigint[])[], weights: bigint[]): boolean {
    let acc: Buf = F12.one;
    for (let i = 0; i < pts.length; i++) {
      const w = weights[i]!;
      const wA = w === 1n ? pts[i]!.A : G1.timesScalar(pts[i]!.A, w);
      acc = F12.mul(
        acc,
        curve.millerLoop(
          curve.prepareG1(G1.toJacobian(G1.neg(wA))),
          curve.prepareG2(G2.toJacobian(pts[i]!.B)),
        ),
      );
    }
    return finish(
      acc,
      pts.map((p) => p.C),
      signals,
      weights,
    );
  }

  function weight(): bigint {
    // SECURITY: 128-bit non-zero random weights from crypto.getRandomValues. A draw of 16 equal
    // bytes (probability 2^-120 from a working source) means a stuck source: all zeros used to loop
    // here forever, and equal weights would let the errors of two bad proofs cancel. UNSUPPORTED.
    const b = randomBytes(16);
    if (b.every((x) => x === b[0])) {
      throw new BukejianError(
        'UNSUPPORTED',
        'crypto.getRandomValues expected to return random bytes, got a stuck or broken source',
      );
    }
    return bytesToNumberBE(b);
  }

  function verify(proof: EligibilityProof, signals: readonly bigint[]): boolean {
    if (!signalsOk(signals)) return false;
    const pts = points(proof);
    return pts !== null && check([pts], [signals], [1n]);
  }

  function verifyBatch(items: readonly BatchItem[]): boolean[] {
    const out = new Array<boolean>(items.length).fill(false);
    const pts: (Points | null)[] = items.map((it) =>
      signalsOk(it.signals) ? points(it.proof) : null,
    );
    const live = pts.flatMap((p, i) => (p ? [i] : []));
    const run = (idx: number[]): void => {
      if (idx.length === 0) return;
      if (idx.length === 1) {
        out[idx[0]!] = check([pts[idx[0]!]!], [items[idx[0]!]!.signals], [1n]);
        return;
      }
      const ok = check(
        idx.map((i) => pts[i]!),
        idx.map((i) => items[i]!.signals),
        idx.map(weight),
      );
      if (ok) {
        for (const i of idx) out[i] = true;
        return;
      }
      const mid = idx.length >> 1;
      run(idx.slice(0, mid));
      run(idx.slice(mid));
    };
    run(live);
    return out;
  }

  /** A and C on G1 (the cheap part of point validation; B is checked where its Miller loop runs). */
  function g1Points(p: EligibilityProof): { A: Buf; C: Buf } | null {
    try {
      const A = G1.fromObject([p.a[0], p.a[1], 1n]);
      const C = G1.fromObject([p.c[0], p.c[1], 1n]);
      return G1.isValid(A) && G1.isValid(C) ? { A, C } : null;
    } catch {
      return null;
    }
  }

  async function verifyBatchOnWorkers(
    items: readonly BatchItem[],
    workers: number,
  ): Promise<boolean[]> {
    const out = new Array<boolean>(items.length).fill(false);
    const pre = items.map((it) => (signalsOk(it.signals) ? g1Points(it.proof) : null));
    const invalid = new Set<number>();
    const unchecked = new Set<number>(pre.flatMap((p, i) => (p ? [i] : [])));
    const run = async (all: number[]): Promise<void> => {
      const idx = all.filter((i) => !invalid.has(i));
      if (idx.length === 0) return;
      const weights = idx.length === 1 ? [1n] : idx.map(weight);
      const parts = await millerOnWorkers(
        idx.map((i, k) => ({
          a: items[i]!.proof.a,
          b: items[i]!.proof.b,
          w: weights[k]!,
          validate: unchecked.has(i),
        })),
        Math.min(workers, idx.length),
      );
      for (const i of idx) unchecked.delete(i);
      const bad = new Set(parts.flatMap((p) => p.bad));
      for (const k of bad) invalid.add(idx[k]!);
      const keep = idx.flatMap((_, k) => (bad.has(k) ? [] : [k]));
      if (keep.length === 0) return;
      let acc: Buf = F12.one;
      for (const p of parts) acc = F12.mul(acc, p.acc);
      const ok = finish(
        acc,
        keep.map((k) => pre[idx[k]!]!.C),
        keep.map((k) => items[idx[k]!]!.signals),
        keep.map((k) => weights[k]!),
      );
      if (ok) {
        for (const k of keep) out[idx[k]!] = true;
        return;
      }
      if (keep.length === 1) return;
      const good = keep.map((k) => idx[k]!);
      const mid = good.length >> 1;
      await run(good.slice(0, mid));
      await run(good.slice(mid));
    };
    await run(pre.flatMap((p, i) => (p ? [i] : [])));
    return out;
  }

  return Object.freeze({
    nPublic,
    verify,
    verifyBatch,
    verifyBatchOnWorkers,
    inG2Subgroup: (q: readonly [readonly [bigint, bigint], readonly [bigint, bigint]]) =>
      inG2Subgroup(
        G2.fromObject([
          [q[0][0], q[0][1]],
          [q[1][0], q[1][1]],
          [1n, 0n],
        ]),
      ),
  });
}
