/**
 * `bukejian/zk`: zero-knowledge eligibility (可用不可见). An issuer signs a citizen record once as a
 * credential (EdDSA-Poseidon on Baby Jubjub); the holder proves with Groth16 (circuits/eligibility.circom)
 * that the record satisfies a programme rule; the verifier learns one bit and a per-programme
 * nullifier. Separate subpath (not re-exported from the root): it loads snarkjs (GPL-3.0), the
 * Groth16 engine. Poseidon, Baby Jubjub and EdDSA-Poseidon are the package's own MIT code (babyjub.ts).
 * @module
 */
import { challenge, terminate, verify, verifyBatch } from './verify.js';
import { circuitInput, prepare, prove } from './prove.js';
import { check } from './check.js';

export { issuer } from './credential.js';
export type {
  Credential,
  EddsaSignature,
  IssueOptions,
  IssuerKeyPair,
  IssuerPublicKey,
} from './credential.js';
export { holder } from './holder.js';
export { ruleProof } from './rule-proof-api.js';
export { revocation } from './revocation-api.js';
export { RULES_PINNED, RULES_VKEY } from './pinned-rules.js';
export type {
  IssuerKeyEntry,
  IssuerKeySet,
  RuleProof,
  RuleProofContext,
  RuleProveInput,
  RuleProveOptions,
  RuleRejection,
  RuleVerifyOptions,
  RuleVerifyResult,
} from './rule-proof.js';
export type {
  PredicateSpec,
  ProgrammeRule,
  ProgrammeRuleSpec,
  RuleField,
  RuleOperator,
  RulePublicInputs,
} from './programme-rule.js';
export type { RevocationRegistry, RevocationState } from './revocation.js';
export type { HolderKey } from './holder.js';
export { rule } from './rule.js';
export type { Rule, RuleSpec } from './rule.js';
export type { RegionTree, RegionPath } from './region-tree.js';
export { validateRecord, recordHash, SEX_CODES, MAX_INCOME } from './record.js';
export type { CredentialRecord } from './record.js';
export {
  credentialToJSON,
  credentialFromJSON,
  encodeCredential,
  decodeCredential,
} from './credential-codec.js';
export type { CredentialJSON } from './credential-codec.js';
export {
  eligibilityProofToJSON,
  eligibilityProofFromJSON,
  encodeEligibilityProof,
  decodeEligibilityProof,
  ELIGIBILITY_PROOF_BYTES,
} from './proof-codec.js';
export type { EligibilityProof } from './proof-codec.js';
export { programId } from './context.js';
export type { ProofContext } from './context.js';
export { dateOf } from './dates.js';
export { createMemoryRegistry, nullifierKey } from './nullifier.js';
export type { NullifierRegistry } from './nullifier.js';
export { loadArtifacts } from './artifacts.js';
export type { Artifacts, ArtifactHashes } from './artifacts.js';
export type { VerificationKeyJson as VerificationKeyJSON } from './groth16.js';
export { PINNED, VKEY } from './pinned.js';
export type { ProveInput, ProveOptions, ProveProgress } from './prove.js';
export type { EligibilityCheck, EligibilityPredicate, EligibilityRequest } from './check.js';
export type { VerifyOptions, VerifyResult, ProofInput } from './verify.js';

/**
 * Holder proving and verifier checking of eligibility proofs.
 *
 * - `check(credential, { rule, today })`: the rule evaluated in plain JS, `{ eligible: true }` or
 *   `{ eligible: false, failed: ['age', …] }` (predicate names only, no values).
 * - `prove(input, { artifacts?, expectedHashes?, onProgress? })`: the Groth16 proof (NOT_ELIGIBLE when the
 *   credential does not satisfy the rule, naming the failed predicates as `check` does).
 * - `verify(proof, context, { vkey | allowDevelopmentKey: true, registry? })`: `{ ok, nullifier?,
 *   reason? }`; the verification key is required (neither → INVALID_OPTION).
 * - `verifyBatch(proofs, context | contexts, options)`: one result per proof.
 * - `challenge()`: a fresh random challenge for one request.
 * - `circuitInput(input)`: the circuit's input signals (what `prove` feeds the witness).
 * - `terminate()`: frees the curve engines and worker threads.
 * @example
 * const challenge = eligibility.challenge()
 * const proof = await eligibility.prove({ credential, holderSecret, rule, today, programId, period, challenge })
 * const { ok, nullifier } = await eligibility.verify(proof, { issuerPublicKey, rule, today, programId, period, challenge }, { vkey })
 */
export const eligibility = Object.freeze({
  /**
   * Evaluates the rule on the credential in plain JS, before proving: `{ eligible: true }` or
   * `{ eligible: false; failed }` with the failed predicates (`age`, `income`, `region`, `flags`,
   * `validity`), never the holder's values. `prove` throws NOT_ELIGIBLE exactly when this fails.
   * @example
   * const r = eligibility.check(credential, { rule, today: 20261125 })
   * if (!r.eligible) console.log(r.failed) // e.g. ['age']
   */
  check,
  /**
   * Proves eligibility with Groth16 (NOT_ELIGIBLE when the credential does not satisfy the rule).
   */
  prove,
  /**
   * Loads or checks the artifacts, compiles the circuit, starts the engine and parses the key ahead
   * of a first `prove` (e.g. when a page loads); `prove` alone does the same.
   */
  prepare,
  /**
   * Verifies one proof against the verifier's context; needs `vkey` or `allowDevelopmentKey: true`.
   */
  verify,
  /** Verifies many proofs in one batched pairing check, with one exact result per proof. */
  verifyBatch,
  /** A fresh random verifier challenge (a BN254 field element) for one request. */
  challenge,
  /**
   * The circuit's input signals (decimal strings) for a proof request, as `prove` feeds the
   * witness.
   */
  circuitInput,
  /** Frees the curve engines and worker threads; later calls rebuild them on demand. */
  terminate,
});
