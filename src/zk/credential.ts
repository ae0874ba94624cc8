/**
 * Issuer side of the credential: Baby Jubjub EdDSA-Poseidon keys (circomlib's scheme, see babyjub.ts),
 * issuing a credential = signing Poseidon(record) (see record.ts), and checking a credential's
 * signature outside the circuit. Wire forms are in credential-codec.ts.
 * @module
 */
import { BukejianError } from '../errors.js';
import { randomBytes } from '../utils.js';
import { abytes, aoptions, isBytes } from '../_assert.js';
import { prv2pub, signPoseidon, verifyPoseidon } from './babyjub.js';
import { signDisclosed, verifyDisclosedSignature } from './disclosed.js';
import { afield } from './field.js';
import { recordHash, validateRecord, type CredentialRecord } from './record.js';

/** A Baby Jubjub public key as affine coordinates [x, y] (BN254 field elements). */
export type IssuerPublicKey = readonly [bigint, bigint];

/** An EdDSA-Poseidon signature: R8 (affine point) and S (< subgroup order). */
export interface EddsaSignature {
  readonly R8: readonly [bigint, bigint];
  readonly S: bigint;
}

/** A signed credential (version 1). `sm2Signature` is the optional SM2 signature of the disclosed form. */
export interface Credential {
  readonly version: 1;
  readonly record: CredentialRecord;
  readonly issuerPublicKey: IssuerPublicKey;
  readonly signature: EddsaSignature;
  readonly sm2Signature?: Uint8Array;
}

/** An issuer key pair: a 32-byte secret seed and its Baby Jubjub public key. */
export interface IssuerKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: IssuerPublicKey;
}

/**
 * A fresh issuer key pair (32 random bytes from crypto.getRandomValues).
 * @example const { secretKey, publicKey } = await issuer.keygen()
 */
async function keygen(): Promise<IssuerKeyPair> {
  const secretKey = randomBytes(32);
  return Object.freeze({ secretKey, publicKey: await getPublicKey(secretKey) });
}

/**
 * The public key of a 32-byte issuer secret key.
 * @example const pk = await issuer.getPublicKey(secretKey)
 */
async function getPublicKey(secretKey: Uint8Array): Promise<IssuerPublicKey> {
  abytes(secretKey, 'issuerSecretKey', 32, 'INVALID_KEY');
  const A = prv2pub(secretKey);
  return Object.freeze([A[0], A[1]] as const);
}

/** Options of `issuer.issue` (see {@link issuer}). */
export interface IssueOptions {
  /** The issuer's SM2 secret key (32 bytes): adds the SM2 signature of the disclosed form. */
  readonly sm2SecretKey?: Uint8Array;
}

/**
 * Signs a record: EdDSA-Poseidon over Poseidon(record), and optionally SM2 over the canonical record
 * bytes (disclosed form, see disclosed.ts). The record is validated first.
 * @example const cred = await issuer.issue(record, secretKey, { sm2SecretKey })
 */
async function issue(
  record: CredentialRecord,
  issuerSecretKey: Uint8Array,
  options?: IssueOptions,
): Promise<Credential> {
  const o = aoptions(options, 'options', ['sm2SecretKey']);
  const r = validateRecord(record);
  const publicKey = await getPublicKey(issuerSecretKey);
  const sig = signPoseidon(issuerSecretKey, await recordHash(r));
  const signature = Object.freeze({ R8: Object.freeze([sig.R8[0], sig.R8[1]] as const), S: sig.S });
  const sm2Signature = o.sm2SecretKey ? signDisclosed(r, publicKey, o.sm2SecretKey) : undefined;
  return Object.freeze({
    version: 1 as const,
    record: r,
    issuerPublicKey: publicKey,
    signature,
    ...(sm2Signature ? { sm2Signature } : {}),
  });
}

/** The caller's trust anchor: required (INVALID_OPTION when missing), never defaulted. */
function anchor(value: unknown, name: string, want: string): void {
  if (value === undefined || value === null)
    throw new BukejianError('INVALID_OPTION', `"${name}" expected ${want}, got ${value}`);
}

/**
 * Checks the disclosed form: the credential's SM2 signature over its record under the issuer's SM2
 * public key, which the caller must give (its trust anchor; missing → INVALID_OPTION). False when
 * the signature is absent or invalid (a credential comes from another party).
 * @example issuer.verifyDisclosed(cred, issuerSm2PublicKey) // true
 */
function verifyDisclosed(credential: Credential, issuerSm2PublicKey: Uint8Array): boolean {
  anchor(issuerSm2PublicKey, 'issuerSm2PublicKey', "the issuer's SM2 public key");
  if (!isBytes(issuerSm2PublicKey))
    throw new BukejianError('INVALID_OPTION', '"issuerSm2PublicKey" expected Uint8Array');
  try {
    if (!credential?.sm2Signature) return false;
    const r = validateRecord(credential.record);
    const pk = [
      afield(credential.issuerPublicKey[0], 'Ax'),
      afield(credential.issuerPublicKey[1], 'Ay'),
    ] as const;
    return verifyDisclosedSignature(r, pk, credential.sm2Signature, issuerSm2PublicKey);
  } catch {
    return false;
  }
}

/**
 * Checks the credential's EdDSA-Poseidon signature outside the circuit, and that it was issued by
 * `expectedIssuer`, the caller's trust anchor (required: missing → INVALID_OPTION; a malformed
 * one throws like any caller input). Returns false for any credential that does not verify or
 * comes from another issuer.
 * @example if (!(await issuer.verify(cred, issuerPublicKey))) throw new Error('bad credential')
 */
async function verify(credential: Credential, expectedIssuer: IssuerPublicKey): Promise<boolean> {
  anchor(expectedIssuer, 'expectedIssuer', "the issuer's public key [x, y]");
  if (!Array.isArray(expectedIssuer) || expectedIssuer.length !== 2)
    throw new BukejianError('INVALID_OPTION', '"expectedIssuer" expected [x, y] bigints');
  const ex = afield(expectedIssuer[0], 'expectedIssuer[0]');
  const ey = afield(expectedIssuer[1], 'expectedIssuer[1]');
  try {
    const r = validateRecord(credential.record);
    const [ax, ay] = credential.issuerPublicKey;
    const A = [afield(ax, 'Ax'), afield(ay, 'Ay')] as const;
    if (ex !== A[0] || ey !== A[1]) return false;
    const S = afield(credential.signature.S, 'S');
    const R8 = [
      afield(credential.signature.R8[0], 'R8x'),
      afield(credential.signature.R8[1], 'R8y'),
    ] as const;
    // on-curve R8 and A, S < l, then the verification equation (false on any failure)
    return verifyPoseidon(await recordHash(r), { R8, S }, A);
  } catch (err) {
    if (err instanceof BukejianError) return false;
    throw err;
  }
}

/** Issuer functions (EdDSA-Poseidon on Baby Jubjub). @example const kp = await issuer.keygen() */
export const issuer = Object.freeze({
  /** A fresh issuer key pair: 32 random secret bytes and their Baby Jubjub public key. */
  keygen,
  /** The public key `[x, y]` of a 32-byte issuer secret key (other lengths: INVALID_KEY). */
  getPublicKey,
  /**
   * Signs a validated record into a credential, optionally with an SM2 signature of its disclosed
   * form.
   */
  issue,
  /**
   * Checks a credential's EdDSA-Poseidon signature and its issuer against `expectedIssuer` (false
   * on mismatch).
   */
  verify,
  /**
   * Checks a credential's SM2 signature of the disclosed form under the issuer's SM2 public key.
   */
  verifyDisclosed,
});
