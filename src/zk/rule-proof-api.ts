/**
 * The `ruleProof` namespace: proofs of programme rules over a credential, with revocation and
 * issuer key sets (circuits/rules.circom; see rule-proof.ts).
 * @module
 */
import {
  circuitInput,
  loadRuleArtifacts,
  prove,
  ruleProofFromJSON,
  ruleProofToJSON,
  verify,
  verifyBatch,
} from './rule-proof.js';

/**
 * Programme-rule proofs: one circuit and one setup for every rule `rule.create({ all, any })`
 * can express, with non-revocation and issuer key sets.
 *
 * - `prove(input, { artifacts? })`: NOT_ELIGIBLE when the rule fails or the credential is revoked.
 * - `verify(proof, context, { vkey | allowDevelopmentKey, registry?, maxRevocationAge?, now? })`:
 *   `{ ok: true, nullifier } | { ok: false, reason }`.
 * - `verifyBatch(proofs, context | contexts, options)`: one result per proof, one pairing batch.
 * @example
 * const proof = await ruleProof.prove({ credential, holderSecret, rule, revocation: state, today, programId: '低保', period: 202611, challenge })
 * const res = await ruleProof.verify(proof, { rule, issuers: { keys, revocationKey }, revocation: state, today, programId: '低保', period: 202611, challenge }, { vkey })
 */
export const ruleProof = Object.freeze({
  /** Proves that a credential satisfies a programme rule and is not revoked. */
  prove,
  /** Verifies one proof against the verifier's own rule, key set, revocation state and request. */
  verify,
  /** Verifies many proofs in one batched pairing check, with one exact result per proof. */
  verifyBatch,
  /** The circuit's input signals for a request (what `prove` feeds the witness). */
  circuitInput,
  /** Node only: the committed rules-circuit artifacts (development setup), hash-checked. */
  loadArtifacts: loadRuleArtifacts,
  /** The JSON form of a rule proof. */
  toJSON: ruleProofToJSON,
  /** Strict decoder of the JSON form (object or string). */
  fromJSON: ruleProofFromJSON,
});
