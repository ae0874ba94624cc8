/**
 * `bukejian/sm2`: SM2 public-key cryptography (GB/T 32918.1-5-2016/2017, GM/T 0003, GM/T 0009):
 * keys, signatures with Z_A, encryption, key exchange, DER/PEM, batch verification, and the
 * SM2 group itself (`sm2Curve`, `Sm2Point`) for protocols built on it (PSI, signed checkpoints).
 * @module
 */
import { batchVerifier } from './batch-api.js';
import { sm2Curve, Sm2Point } from './curve.js';
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
import { fromPem, privateKeyToPem, publicKeyToPem, toPem } from './pem.js';
import { sign, verify } from './sign.js';
import { za } from './za.js';

export { sm2Curve, Sm2Point, createCurve, SM2P256V1 } from './curve.js';
export type { CurveParams, Sm2Curve, Sm2PointType } from './curve.js';
export type { KeyPair } from './keys.js';
export type { PemKey } from './pem.js';
export type { SignOptions, VerifyOptions } from './sign.js';
export type { EncryptOptions, CipherMode } from './encrypt.js';
export type { KeyExchangeOptions, KeyExchangeResult } from './exchange.js';
export type { BatchItem, BatchOptions } from './batch.js';
export { DEFAULT_USER_ID } from './za.js';
export { OID_SM2 } from './pem.js';

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
 * @example
 * import { sm2 } from 'bukejian/sm2'
 * const { secretKey, publicKey } = sm2.keygen()
 * const sig = sm2.sign('数据共享申请', secretKey)               // DER, userId 1234567812345678
 * sm2.verify(sig, '数据共享申请', publicKey)                     // true
 * const ct = sm2.encrypt(publicKey, '110101199003071234')       // GM/T 0009 DER, C1C3C2
 * sm2.decrypt(secretKey, ct)                                    // Uint8Array of the plaintext
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
  curve: sm2Curve,
  Point: Sm2Point,
});

export {
  keygen,
  getPublicKey,
  sign,
  verify,
  encrypt,
  decrypt,
  keyExchange,
  checkConfirmation,
  za,
  keys,
  batchVerifier as verifyBatch,
};
