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
import { fromPem, OID_SM2, privateKeyToPem, publicKeyToPem, toPem } from './pem.js';
import { sign, verify } from './sign.js';
import { DEFAULT_USER_ID, za } from './za.js';

export type { CurveParams, Sm2PointType } from './curve.js';
export type { KeyPair } from './keys.js';
export type { PemKey } from './pem.js';
export type { SignOptions, VerifyOptions } from './sign.js';
export type { EncryptOptions, CipherMode } from './encrypt.js';
export type { KeyExchangeOptions, KeyExchangeResult } from './exchange.js';
export type { BatchItem, BatchOptions } from './batch.js';

/** Key helpers: PEM (PKCS#8 / SPKI, OID 1.2.156.10197.1.301), hex, validation, point compression. */
const keys = Object.freeze({
  toPem,
  fromPem,
  privateKeyToPem,
  publicKeyToPem,
  toHex,
  fromHex,
  isValidPublicKey,
  isValidSecretKey,
  compress: compressPublicKey,
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
  keygen,
  getPublicKey,
  sign,
  verify,
  verifyBatch: batchVerifier,
  encrypt,
  decrypt,
  keyExchange,
  checkConfirmation,
  za,
  keys,
  Point: Sm2Point,
  CURVE: SM2P256V1,
  DEFAULT_USER_ID,
  OID: OID_SM2,
});
