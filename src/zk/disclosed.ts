/**
 * The disclosed form of a credential: the issuer's SM2 signature (GB/T 32918.2, via
 * `bukejian/sm2`, default user ID 1234567812345678, raw r ‖ s) over the canonical record bytes, so
 * that a holder who chooses to show the record in the clear holds a conventional electronic
 * certificate (电子证照) any SM2 verifier can check. Message:
 * "BKZD" ‖ 0x01 ‖ recordBytes(record) (62 bytes) ‖ Ax ‖ Ay (the issuer's Baby Jubjub key, 32 bytes each).
 * @module
 */
import { sign, verify } from '../sm2/sign.js';
import { concatBytes, utf8ToBytes } from '../utils.js';
import { fieldToBytes } from './field.js';
import { recordBytes, type CredentialRecord } from './record.js';

const TAG = /* @__PURE__ */ utf8ToBytes('BKZD');

/**
 * The exact bytes the issuer signs with SM2.
 * @example disclosedMessage(record, issuerPublicKey).length // 131
 */
export function disclosedMessage(
  record: CredentialRecord,
  issuerPublicKey: readonly [bigint, bigint],
): Uint8Array {
  return concatBytes(
    TAG,
    Uint8Array.of(1),
    recordBytes(record),
    fieldToBytes(issuerPublicKey[0]),
    fieldToBytes(issuerPublicKey[1]),
  );
}

/**
 * SM2 signature (raw, 64 bytes) of the disclosed form.
 * @example const sig = signDisclosed(record, issuerPublicKey, sm2SecretKey)
 */
export function signDisclosed(
  record: CredentialRecord,
  issuerPublicKey: readonly [bigint, bigint],
  sm2SecretKey: Uint8Array,
): Uint8Array {
  return sign(disclosedMessage(record, issuerPublicKey), sm2SecretKey, { format: 'raw' });
}

/**
 * Checks an SM2 disclosed-form signature; false for anything that does not verify.
 * @example verifyDisclosedSignature(record, issuerPublicKey, sig, sm2PublicKey)
 */
export function verifyDisclosedSignature(
  record: CredentialRecord,
  issuerPublicKey: readonly [bigint, bigint],
  signature: Uint8Array,
  sm2PublicKey: Uint8Array,
): boolean {
  try {
    return verify(signature, disclosedMessage(record, issuerPublicKey), sm2PublicKey, {
      format: 'raw',
    });
  } catch {
    return false;
  }
}
