/**
 * The `revocation` namespace: issuer registry, SM2-signed published states, their JSON form
 * (see revocation.ts).
 * @module
 */
import {
  createRevocationRegistry,
  revocationId,
  revocationStateFromJSON,
  revocationStateToJSON,
  verifyRevocationState,
} from './revocation.js';

/**
 * Credential revocation: the issuer revokes and publishes an SM2-signed state; the holder proves
 * non-revocation against it locally; the verifier checks the signature and the state's age.
 * @example
 * const registry = revocation.createRegistry()
 * await registry.revoke(credential)
 * const state = await registry.publish(issuerSm2SecretKey)
 * revocation.verifyState(state, issuerSm2PublicKey) // true
 */
export const revocation = Object.freeze({
  /** The revocation id of a credential (low 128 bits of its record hash). */
  id: revocationId,
  /** An issuer-side registry of revoked ids (`revoke`, `has`, `publish`). */
  createRegistry: createRevocationRegistry,
  /** Checks a state's SM2 signature under the issuer's SM2 public key. */
  verifyState: verifyRevocationState,
  /** The JSON form of a state. */
  toJSON: revocationStateToJSON,
  /** Strict decoder of the JSON form (the signature is checked by `verifyState`). */
  fromJSON: revocationStateFromJSON,
});
