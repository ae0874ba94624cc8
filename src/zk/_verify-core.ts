/**
 * What the two verifier front ends share (verify.ts for eligibility proofs, rule-proof.ts for rule
 * proofs): the verification key the caller chose, one prepared verifier per key object, the worker
 * count of a batch and the batched pairing check itself.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber } from '../_assert.js';
import { batchWorkersAvailable } from './batch-pool.js';
import type { EligibilityProof } from './proof-codec.js';
import { prepareVerifier, type Groth16Verifier, type VerificationKeyJson } from './groth16.js';

// Keyed by the vkey object (weakly: a caller that parses a fresh vkey per call leaks nothing).
let verifiers = new WeakMap<VerificationKeyJson, Promise<Groth16Verifier>>();

/**
 * The prepared verifier of a key, built once per key object (a failed build is not cached).
 * @example const v = await verifierFor(vkey)
 */
export function verifierFor(vkey: VerificationKeyJson): Promise<Groth16Verifier> {
  let v = verifiers.get(vkey);
  if (!v) {
    v = prepareVerifier(vkey);
    v.catch(() => verifiers.delete(vkey));
    verifiers.set(vkey, v);
  }
  return v;
}

/**
 * Forgets every prepared verifier (`eligibility.terminate()`).
 * @example resetVerifiers()
 */
export function resetVerifiers(): void {
  verifiers = new WeakMap();
}

/**
 * The key the caller chose: its own `vkey`, or the pinned development key only when asked for by
 * name; neither → INVALID_OPTION.
 * @example const key = chosenKey(options, VKEY)
 */
export function chosenKey(
  o: { readonly vkey?: VerificationKeyJson; readonly allowDevelopmentKey?: boolean },
  developmentKey: VerificationKeyJson,
): VerificationKeyJson {
  if (o.allowDevelopmentKey !== undefined && typeof o.allowDevelopmentKey !== 'boolean') {
    throw new BukejianError(
      'INVALID_OPTION',
      `"allowDevelopmentKey" expected boolean, got ${typeof o.allowDevelopmentKey}`,
    );
  }
  if (o.vkey !== undefined) return o.vkey;
  if (o.allowDevelopmentKey === true) return developmentKey;
  throw new BukejianError(
    'INVALID_OPTION',
    '"vkey" expected the verification key of your ceremony (or allowDevelopmentKey: true for the pinned development key), got none',
  );
}

/**
 * Checks a batch's arguments; returns the worker count (default: the cores for 32 proofs or more).
 * @example const workers = batchArgs(proofs, context, options.workers)
 */
export function batchArgs(proofs: unknown, context: unknown, workers: unknown): number {
  if (!Array.isArray(proofs)) throw new BukejianError('INVALID_TYPE', '"proofs" expected array');
  if (Array.isArray(context) && context.length !== proofs.length) {
    throw new BukejianError(
      'INVALID_LENGTH',
      `"context" expected ${proofs.length} contexts, got length=${context.length}`,
    );
  }
  if (workers === undefined) return proofs.length >= 32 ? batchWorkersAvailable() : 0;
  return anumber(workers, 'workers', 0, 256);
}

/**
 * One batched pairing check (exact result per proof), on worker threads when asked for and available.
 * @example const ok = await checkBatch(v, batch, workers)
 */
export function checkBatch(
  v: Groth16Verifier,
  batch: readonly { proof: EligibilityProof; signals: readonly bigint[] }[],
  workers: number,
): Promise<boolean[]> | boolean[] {
  return workers > 1 && batchWorkersAvailable() > 0
    ? v.verifyBatchOnWorkers(batch, workers)
    : v.verifyBatch(batch);
}
