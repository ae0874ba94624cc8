/**
 * The one error type of the package. Every failure a caller can cause or observe is a
 * `BukejianError` whose `code` is a stable string from {@link ErrorCode}; messages name the
 * offending parameter and what was expected, never key material, plaintext or personal data.
 * @module
 */

/** Stable error codes. Codes are never renamed; new ones are only added. */
export type ErrorCode =
  // argument shape (the caller's own inputs)
  | 'INVALID_TYPE' // wrong JS type (not a Uint8Array, not a string, ...)
  | 'INVALID_LENGTH' // a byte/string/array length outside what is accepted
  | 'INVALID_RANGE' // a number or bigint outside its allowed range
  | 'INVALID_HEX' // a string that is not even-length hex
  | 'INVALID_OPTION' // an unknown or ill-typed option
  // symmetric crypto
  | 'KEY_LENGTH'
  | 'IV_LENGTH'
  | 'NONCE_LENGTH'
  | 'TAG_LENGTH'
  | 'DATA_LENGTH' // ciphertext not a multiple of the block size, or too long for the mode
  | 'BAD_PADDING' // PKCS#7 padding check failed on decryption
  | 'AUTH_FAILED' // AEAD tag mismatch: no plaintext is released
  | 'NONCE_REUSE' // a single-use AEAD instance asked to encrypt twice
  // public-key crypto and encodings
  | 'INVALID_KEY' // a malformed secret or public key
  | 'INVALID_POINT' // a point not on the curve, the identity, or out of range
  | 'INVALID_ENCODING' // malformed DER/PEM/wire bytes from another party
  | 'DECRYPT_FAILED' // public-key decryption failed (one generic code, no oracle)
  | 'VERSION' // a wire message of an unsupported version
  // protocols, data, environment
  | 'BAD_STATE' // a protocol step called out of order, an object used after it was finished
  | 'INVALID_DATA' // input records that do not fit the configuration (missing column, ...)
  | 'INVALID_CONFIG' // a configuration object that does not validate
  | 'NOT_FOUND' // a requested entry, artifact or file does not exist
  | 'UNSUPPORTED' // a feature this environment or build cannot provide
  | 'INTEGRITY' // stored data that fails its own checksums, hashes or signed checkpoints (tampering, corruption)
  | 'NOT_ELIGIBLE' // zk: the credential does not satisfy the rule, so no proof can be made
  | 'ARTIFACT_MISMATCH' // zk: circuit artifacts whose SHA-256 differs from the pinned manifest
  | 'RATE_LIMITED' // psi: a server's per-period evaluation budget is exhausted
  | 'IO'; // a storage or file operation failed

/**
 * Error thrown by every bukejian function. Check `err.code`, not the message.
 * @example
 * import { BukejianError } from 'bukejian/errors'
 * try { sm4.gcm(key, nonce).decrypt(tampered) } catch (e) {
 *   if (e instanceof BukejianError && e.code === 'AUTH_FAILED') reject()
 * }
 */
export class BukejianError extends Error {
  /** The stable reason, e.g. `'KEY_LENGTH'`; compare it instead of the message. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BukejianError';
    this.code = code;
  }
}

/**
 * True when `e` is a {@link BukejianError}, optionally with the given code.
 * @example
 * import { isBukejianError } from 'bukejian/errors'
 * import { hexToBytes } from 'bukejian/utils'
 * try {
 *   hexToBytes('abc')
 * } catch (e) {
 *   if (isBukejianError(e, 'INVALID_HEX')) console.log('odd-length hex')
 * }
 */
export function isBukejianError(e: unknown, code?: ErrorCode): e is BukejianError {
  return e instanceof BukejianError && (code === undefined || e.code === code);
}
