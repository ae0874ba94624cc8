/**
 * `bukejian/sm2`: SM2 public-key cryptography (GB/T 32918.1-5-2016/2017, GM/T 0003, GM/T 0009):
 * keys, signatures with Z_A, encryption, key exchange, DER/PEM, batch verification, and the
 * sm2p256v1 group itself (`sm2.Point`, `sm2.CURVE`) for protocols built on it. One frozen
 * namespace `sm2`; data first, key after (`sign(msg, secretKey)`, `encrypt(msg, publicKey)`).
 * @module
 */
import { batchVerifier } from './batch-api.js';
import { SM2P256V1, Sm2Point } from './curve.js';
import { decrypt, encrypt } from './encrypt.js';
import { checkConfirmation, keyExchange } from './exchange.js';
import {
  compressPublicKey,
  decompressPublicKey,
  fromHex,
  getPublicKey,
  isValidPublicKey,
  isValidSecretKey,
  keygen,
  toHex,
} from './keys.js';
import { OID_SM2, privateKeyToPem, publicKeyToPem } from './pem.js';
import { fromPem, toPem } from './pkcs8.js';
import { sign, verify } from './sign.js';
import { DEFAULT_USER_ID, za } from './za.js';

export type { CurveParams, Sm2PointType } from './curve.js';
export type { KeyPair } from './keys.js';
export type { PemKey } from './pem.js';
export type { DecryptPemOptions, EncryptPemOptions } from './pkcs8.js';
export type { SignOptions, VerifyOptions } from './sign.js';
export type { EncryptOptions, CipherMode } from './encrypt.js';
export type { KeyExchangeOptions, KeyExchangeResult } from './exchange.js';
export type { BatchItem, BatchOptions } from './batch.js';

/** Key helpers: PEM (PKCS#8 / SPKI, OID 1.2.156.10197.1.301), hex, validation, point compression. */
const keys = Object.freeze({
  /**
   * `toPem(key)`: PEM of a key by its length: 32 bytes → PKCS#8 `PRIVATE KEY` (public key
   * included, as OpenSSL writes it), 33/65 bytes → SPKI `PUBLIC KEY`; other lengths throw
   * INVALID_KEY. `toPem(secretKey, { password, … })` returns a **Promise** of an
   * `ENCRYPTED PRIVATE KEY` (PBES2: PBKDF2-HMAC-SM3, 65,536 iterations, SM4-CBC by default, as
   * GmSSL; {@link EncryptPemOptions}).
   */
  toPem,
  /**
   * `fromPem(text)`: reads a PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or SPKI `PUBLIC KEY`
   * on sm2p256v1 into a {@link PemKey}. Another curve or algorithm throws INVALID_KEY; malformed
   * PEM, base64 or DER throws INVALID_ENCODING; an `ENCRYPTED PRIVATE KEY` throws INVALID_OPTION.
   * `fromPem(text, { password })` returns a **Promise** and also reads `ENCRYPTED PRIVATE KEY`
   * (PBES2 with PBKDF2-HMAC-SM3/SHA256/SHA1 and SM4-CBC / AES-128/256-CBC, from GmSSL or
   * `openssl pkcs8 -topk8`); a wrong password rejects with DECRYPT_FAILED.
   */
  fromPem,
  /** `privateKeyToPem(secretKey)`: PKCS#8 PEM of a 32-byte secret key (INVALID_KEY if invalid). */
  privateKeyToPem,
  /** `publicKeyToPem(publicKey)`: SPKI PEM written uncompressed (INVALID_POINT). */
  publicKeyToPem,
  /** `toHex(key)`: lowercase hex of a secret or public key. */
  toHex,
  /**
   * `fromHex(hex)`: parses and validates a hex key: 64 digits → secret key (INVALID_KEY outside
   * [1, n − 2]), 66 or 130 digits → public key (INVALID_POINT if not on the curve).
   */
  fromHex,
  /**
   * `isValidPublicKey(publicKey)`: true for a valid SEC1 sm2p256v1 point (on the curve, not
   * infinity); false otherwise, never throws.
   */
  isValidPublicKey,
  /** `isValidSecretKey(secretKey)`: true for 32 bytes in [1, n − 2]; never throws. */
  isValidSecretKey,
  /** `compress(publicKey)`: the 33-byte compressed form `02|03 ‖ x` (INVALID_POINT). */
  compress: compressPublicKey,
  /** `decompress(publicKey)`: the 65-byte uncompressed form `04 ‖ x ‖ y` (INVALID_POINT). */
  decompress: decompressPublicKey,
});

/**
 * SM2 as one frozen object.
 *
 * - `keygen()`, `getPublicKey(secretKey, compressed?)`
 * - `sign(msg, secretKey, opts?)`, `verify(sig, msg, publicKey, opts?)`,
 *   `verifyBatch(items, opts?)` (with `verifyBatch.close()`), `za(publicKey, userId?)`
 * - `encrypt(msg, publicKey, opts?)`, `decrypt(ciphertext, secretKey, opts?)`
 * - `keyExchange(opts)`, `checkConfirmation(result, received)`
 * - `keys`: PEM, hex, validation and point compression helpers
 * - `Point`: the sm2p256v1 point class of `@noble/curves` (`BASE`, `ZERO`, `fromBytes`,
 *   `fromHex`, `multiply` (secret scalars), `multiplyUnsafe` (public scalars only), `add`,
 *   `equals`, `toBytes(compressed?)`); `CURVE`: its parameters `{ name, p, a, b, n, Gx, Gy }`
 * - `DEFAULT_USER_ID` (`'1234567812345678'`), `OID` (`'1.2.156.10197.1.301'`)
 * @example
 * import { sm2 } from 'bukejian/sm2'
 * const { secretKey, publicKey } = sm2.keygen()
 * const sig = sm2.sign('数据共享申请', secretKey)               // DER, userId 1234567812345678
 * sm2.verify(sig, '数据共享申请', publicKey)                     // true
 * const ct = sm2.encrypt('110101199003071234', publicKey)       // GM/T 0009 DER, C1C3C2
 * sm2.decrypt(ct, secretKey)                                    // Uint8Array of the plaintext
 * const pem = sm2.keys.toPem(secretKey)                         // PKCS#8, OpenSSL-compatible
 */
export const sm2 = /* @__PURE__ */ Object.freeze({
  /**
   * `keygen()`: a new {@link KeyPair} (32-byte secret key, 65-byte uncompressed public key) from
   * `crypto.getRandomValues`.
   */
  keygen,
  /**
   * `getPublicKey(secretKey, compressed = false)`: the public key [d]G, 65 bytes `04 ‖ x ‖ y`
   * or 33 bytes `02|03 ‖ x` when `compressed`. Throws INVALID_KEY for a secret key that is not
   * 32 bytes in [1, n − 2].
   */
  getPublicKey,
  /**
   * `sign(msg, secretKey, opts?)`: signs `msg` (a string is UTF-8) with e = SM3(Z_A ‖ M) and a
   * hedged deterministic nonce; returns canonical DER (default) or raw 64-byte r ‖ s
   * ({@link SignOptions}). Throws INVALID_KEY for a bad secret key, INVALID_OPTION for bad options.
   */
  sign,
  /**
   * `verify(sig, msg, publicKey, opts?)`: true when the signature verifies. Returns false for any
   * bad signature (malformed or non-canonical DER, wrong raw length, r or s out of range); throws
   * only for a malformed public key (INVALID_POINT) or wrong argument/option types.
   */
  verify,
  /**
   * `verifyBatch(items, opts?)`: verifies many {@link BatchItem}s (an iterable or async
   * iterable) on worker threads, resolving to one boolean per item in input order; malformed
   * items give false instead of throwing ({@link BatchOptions}). `verifyBatch.close()`
   * terminates the pooled workers early.
   */
  verifyBatch: batchVerifier,
  /**
   * `encrypt(plaintext, publicKey, opts?)`: SM2 public-key encryption of at least 1 byte (a
   * string is UTF-8); GM/T 0009 DER by default, or raw C1C3C2 / C1C2C3 ({@link EncryptOptions}).
   * Throws INVALID_LENGTH for an empty plaintext, INVALID_POINT for a bad public key.
   */
  encrypt,
  /**
   * `decrypt(ciphertext, secretKey, opts?)`: the plaintext bytes. Every failure (bad encoding,
   * C1 not on the curve, all-zero KDF output, C3 mismatch) throws the single code DECRYPT_FAILED;
   * no partial plaintext is ever returned. A malformed secret key throws INVALID_KEY.
   */
  decrypt,
  /**
   * `keyExchange(opts)`: one side of the GB/T 32918.3 key exchange ({@link KeyExchangeOptions});
   * both sides get the same `sharedKey` (default 16 bytes) plus confirmation values
   * ({@link KeyExchangeResult}). Throws INVALID_KEY / INVALID_POINT for bad keys.
   */
  keyExchange,
  /**
   * `checkConfirmation(result, received)`: true when `received` equals the peer confirmation
   * expected in `result`, compared in constant time.
   */
  checkConfirmation,
  /**
   * `za(publicKey, userId = '1234567812345678')`: the 32-byte
   * Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ G ‖ P) that `sign` and `verify` hash before the message.
   * Throws INVALID_POINT for a bad public key.
   */
  za,
  /** Key helpers: PEM (PKCS#8 / SPKI / SEC1), hex, validation and point compression. */
  keys,
  /** The sm2p256v1 point class of `@noble/curves`, for protocols built on the group. */
  Point: Sm2Point,
  /** The sm2p256v1 curve parameters `{ name, p, a, b, n, Gx, Gy }` (GM/T 0006). */
  CURVE: SM2P256V1,
  /** The GB/T 32918.2 default user ID `'1234567812345678'`, used when `userId` is omitted. */
  DEFAULT_USER_ID,
  /** The object identifier of sm2p256v1, `'1.2.156.10197.1.301'`. */
  OID: OID_SM2,
});
