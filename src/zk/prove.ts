/**
 * Holder side: builds the circuit input (witness assignment) from the credential, the holder
 * secret and the verifier's context, computes the witness in the circuit's WASM (compiled and
 * instantiated once, see witness.ts) and proves with ./groth16-prove.ts on the in-memory zkey
 * (parsed once; snarkjs's BN254 engine is built once and cached; `eligibility.terminate()` releases it).
 * Works in Node and in browsers: artifacts are passed in, or loaded from the package in Node.
 * The rule is first evaluated in plain JS (./check.ts): a record that fails a predicate throws
 * NOT_ELIGIBLE naming the failed predicates and the rule's bounds (never the holder's values)
 * before any proving work. A credential that does not match the secret, or whose signature does not
 * verify, fails a circuit assertion during witness generation and also throws NOT_ELIGIBLE
 * (nothing is printed); any other failure throws BAD_STATE with the original error as `cause`.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions } from '../_assert.js';
import { check, notEligibleMessage } from './check.js';
import {
  checkArtifactsAsync,
  loadArtifacts,
  type ArtifactHashes,
  type Artifacts,
} from './artifacts.js';
import type { Credential } from './credential.js';
import { publicSignals, resolveContext, type ProofContext } from './context.js';
import { afield } from './field.js';
import { checkProof, type EligibilityProof } from './proof-codec.js';
import { validateRecord } from './record.js';
import { REGION_TREE_LEVELS } from './region-tree.js';
import { witnessCalculator, type SignalValue } from './witness.js';
import { groth16Prepare } from './groth16-prove.js';
import { proveSignals } from './_prove-core.js';

/** What the holder needs to prove: credential, secret, and the verifier's request. */
export interface ProveInput extends Omit<ProofContext, 'issuerPublicKey'> {
  readonly credential: Credential;
  readonly holderSecret: bigint;
}

/**
 * A step of {@link prove}, as `onProgress` reports it. The phases come in this order, each once:
 * `'artifacts'` (loading or hash-checking the circuit files), `'witness'` (computing the witness in
 * the circuit's WASM), `'proving'` (Groth16: reported again with a growing `fraction`, the share of
 * the proving work done, from 0 to 1, as its steps complete), `'done'`.
 * @example
 * const onProgress = ({ phase, fraction }: ProveProgress) =>
 *   console.log(phase, fraction === undefined ? '' : `${Math.round(fraction * 100)} %`)
 */
export interface ProveProgress {
  readonly phase: 'artifacts' | 'witness' | 'proving' | 'done';
  /** Share of the current phase done (0..1), where known: for `'proving'` and `'done'` (1). */
  readonly fraction?: number;
}

/** Prover options. */
export interface ProveOptions {
  /** `{ wasm, zkey }`; default: the package's committed build (Node only). */
  readonly artifacts?: Artifacts;
  /** Expected SHA-256 hashes of explicitly passed artifacts (default: the pinned development build). */
  readonly expectedHashes?: ArtifactHashes;
  /**
   * Called (synchronously) at each step of the proof, see {@link ProveProgress}: for a progress
   * indicator that tells the witness from the proving. Nothing is reported for a credential refused
   * by the rule's pre-check; an error thrown by the callback aborts the proof.
   */
  readonly onProgress?: (progress: ProveProgress) => void;
}

/**
 * The circuit's input signals (decimal strings) for a proof request.
 * @example const input = circuitInput({ credential, holderSecret, rule, today, programId, period, challenge })
 */
export function circuitInput(input: ProveInput): Record<string, SignalValue> {
  const { credential, holderSecret, ...ctx } = aoptions(input, 'input', [
    'credential',
    'holderSecret',
    'rule',
    'today',
    'programId',
    'period',
    'challenge',
  ]) as ProveInput;
  if (!credential || typeof credential !== 'object')
    throw new BukejianError('INVALID_TYPE', '"credential" expected a credential');
  const r = validateRecord(credential.record);
  const c = resolveContext({ ...ctx, issuerPublicKey: credential.issuerPublicKey });
  const secret = afield(holderSecret, 'holderSecret');
  // Not in the set (or no region check): any path; the circuit rejects it when checkRegion = 1.
  const path = c.rule.regionPath(r.regionCode) ?? {
    index: 0,
    siblings: Array.from({ length: REGION_TREE_LEVELS }, () => [0n, 0n, 0n] as const),
  };
  const signals = publicSignals(0n, c).map(String);
  const s = credential.signature;
  return {
    holderSecret: String(secret),
    birthDate: String(r.birthDate),
    sex: String(r.sex),
    regionCode: String(r.regionCode),
    income: String(r.income),
    householdSize: String(r.householdSize),
    flags: String(r.flags),
    issuedAt: String(r.issuedAt),
    expiresAt: String(r.expiresAt),
    sigR8x: String(afield(s.R8[0], 'signature.R8[0]')),
    sigR8y: String(afield(s.R8[1], 'signature.R8[1]')),
    sigS: String(afield(s.S, 'signature.S')),
    regionIndex: String(path.index),
    regionSiblings: path.siblings.map((level) => level.map(String)),
    today: signals[1]!,
    minAge: signals[2]!,
    maxIncome: signals[3]!,
    regionRoot: signals[4]!,
    requiredFlags: signals[5]!,
    checkAge: signals[6]!,
    checkIncome: signals[7]!,
    checkRegion: signals[8]!,
    checkFlags: signals[9]!,
    programId: signals[10]!,
    period: signals[11]!,
    challenge: signals[12]!,
    issuerAx: signals[13]!,
    issuerAy: signals[14]!,
  };
}

/**
 * Does ahead of time what a first {@link prove} with the same artifacts would otherwise do before
 * the witness: loads (Node, without `artifacts`) or hash-checks the artifacts (ARTIFACT_MISMATCH
 * like `prove`), compiles the circuit's WASM, starts the Groth16 engine (its workers compile their
 * WASM) and parses the proving key. Each is cached per artifact buffer, so a later `prove` with the
 * same `artifacts` object's buffers skips them. For a page that starts this when it loads, while
 * the citizen unlocks the credential and reads the request. Optional: `prove` alone does the same.
 * @example
 * const artifacts = { wasm, zkey } // fetched by the page
 * await eligibility.prepare({ artifacts })
 * const proof = await eligibility.prove(input, { artifacts }) // starts at the witness
 */
export async function prepare(
  options?: Pick<ProveOptions, 'artifacts' | 'expectedHashes'>,
): Promise<void> {
  const o = aoptions(options, 'options', ['artifacts', 'expectedHashes']);
  const artifacts = o.artifacts
    ? await checkArtifactsAsync(o.artifacts, o.expectedHashes)
    : await loadArtifacts();
  await Promise.all([witnessCalculator(artifacts.wasm), groth16Prepare(artifacts.zkey)]);
}

/**
 * Proves eligibility. Throws NOT_ELIGIBLE when the credential does not satisfy the rule (the
 * message names the failed predicates, as `eligibility.check` returns them), or does not match the
 * holder secret, the issuer key or its signature. `options.onProgress` reports the phases
 * (artifacts, witness, proving with a fraction, done), e.g. for a progress bar in a Web Worker.
 * @example
 * const proof = await eligibility.prove({ credential, holderSecret, rule, today: 20261125,
 *   programId: '高龄津贴', period: 202611, challenge })
 * @example
 * // in a Web Worker: the page shows 加载电路 / 计算见证 / 生成证明 42 %
 * const proof = await eligibility.prove(input, {
 *   artifacts: { wasm, zkey },
 *   onProgress: ({ phase, fraction }) => postMessage({ type: 'progress', phase, fraction }),
 * })
 */
export async function prove(input: ProveInput, options?: ProveOptions): Promise<EligibilityProof> {
  const o = aoptions(options, 'options', ['artifacts', 'expectedHashes', 'onProgress']);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    throw new BukejianError('INVALID_TYPE', '"options.onProgress" expected a function');
  const report: (p: ProveProgress) => void = o.onProgress ?? (() => {});
  const signalsIn = circuitInput(input);
  const verdict = check(input.credential, { rule: input.rule, today: input.today });
  if (!verdict.eligible)
    throw new BukejianError(
      'NOT_ELIGIBLE',
      notEligibleMessage(input.rule, input.today, verdict.failed),
    );
  report({ phase: 'artifacts' });
  const artifacts = o.artifacts
    ? await checkArtifactsAsync(o.artifacts, o.expectedHashes)
    : await loadArtifacts();
  const res = await proveSignals(
    artifacts,
    signalsIn,
    'the credential does not match the holder secret or the issuer key, or its signature does not verify (circuit constraints failed)',
    (phase, fraction) => report({ phase, fraction }),
  );
  const proof = checkProof({ a: res.a, b: res.b, c: res.c, nullifier: res.publicSignals[0] });
  report({ phase: 'done', fraction: 1 });
  return proof;
}
