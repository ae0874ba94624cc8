/**
 * SM2 key pairs (GB/T 32918.1-2016 §6.1 key generation, §6.2 public-key validation): secret keys
 * are 32-byte big-endian scalars d in [1, n − 2] (n − 1 is excluded because signing inverts 1 + d),
 * public keys SEC1 points P = [d]G, uncompressed 04‖x‖y (65 bytes) or compressed 02|03‖x (33 bytes).
 * @module
 */
import { BukejianError } from '../errors.js';
import { bytesToHex, hexToBytes } from '../utils.js';
import { abytes } from '../_assert.js';
import { randomScalar } from '../_random.js';
import {
  fixedToNumber,
  mulBasePoint,
  numberToFixed,
  pointFromBytes,
  sm2Curve,
  type Sm2Curve,
  type Sm2PointType,
} from './curve.js';

/** A freshly generated key pair. */
export interface KeyPair {
  /** 32-byte secret scalar d. */
  secretKey: Uint8Array;
  /** 65-byte uncompressed public key 04‖x‖y. */
  publicKey: Uint8Array;
}

/**
 * Parses and range-checks a secret key; throws INVALID_KEY outside [1, n − 2].
 * @example const d = secretScalar(secretKey) // bigint in [1, n-2]
 */
export function secretScalar(
  secretKey: Uint8Array,
  curve: Sm2Curve = sm2Curve,
  name = 'secretKey',
): bigint {
  abytes(secretKey, name, curve.scalarBytes, 'INVALID_KEY');
  const d = fixedToNumber(secretKey);
  if (d < 1n || d > curve.params.n - 2n) {
    throw new BukejianError(
      'INVALID_KEY',
      `"${name}" expected scalar in [1, n-2], got out of range`,
    );
  }
  return d;
}

/**
 * Parses and validates a public key (on the curve, not infinity, coordinates < p): INVALID_POINT otherwise.
 * @example const P = publicPoint(publicKey) // throws INVALID_POINT when invalid
 */
export function publicPoint(
  publicKey: Uint8Array,
  curve: Sm2Curve = sm2Curve,
  name = 'publicKey',
): Sm2PointType {
  abytes(publicKey, name);
  return pointFromBytes(curve, publicKey, name);
}

/**
 * The public key [d]G of a secret key (constant-time-ish fixed-base multiplication).
 * @example
 * const pub = getPublicKey(secretKey)        // 65 bytes, 04‖x‖y
 * const short = getPublicKey(secretKey, true) // 33 bytes, 02|03‖x
 */
export function getPublicKey(secretKey: Uint8Array, compressed = false): Uint8Array {
  if (typeof compressed !== 'boolean') {
    throw new BukejianError(
      'INVALID_TYPE',
      `"compressed" expected boolean, got ${typeof compressed}`,
    );
  }
  const d = secretScalar(secretKey);
  return mulBasePoint(sm2Curve, d).toBytes(compressed);
}

/**
 * A new key pair from `crypto.getRandomValues`.
 * @example
 * const { secretKey, publicKey } = keygen()
 */
export function keygen(): KeyPair {
  const d = randomScalar(sm2Curve.params.n - 2n);
  return {
    secretKey: numberToFixed(d, 32),
    publicKey: mulBasePoint(sm2Curve, d).toBytes(false),
  };
}

/**
 * True when `publicKey` is a valid sm2p256v1 point (SEC1, on the curve, not infinity).
 * @example
 * isValidPublicKey(keygen().publicKey) // true
 */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  try {
    publicPoint(publicKey);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `secretKey` is 32 bytes in [1, n − 2].
 * @example
 * isValidSecretKey(keygen().secretKey) // true
 */
export function isValidSecretKey(secretKey: Uint8Array): boolean {
  try {
    secretScalar(secretKey);
    return true;
  } catch {
    return false;
  }
}

/**
 * Re-encodes a public key compressed (33 bytes) or uncompressed (65 bytes).
 * @example
 * compressPublicKey(pub)           // 02|03 ‖ x
 * decompressPublicKey(compressed)  // 04 ‖ x ‖ y
 */
export function compressPublicKey(publicKey: Uint8Array): Uint8Array {
  return publicPoint(publicKey).toBytes(true);
}

/** Uncompressed 04‖x‖y form of a (possibly compressed) public key. @example decompressPublicKey(pub33) */
export function decompressPublicKey(publicKey: Uint8Array): Uint8Array {
  return publicPoint(publicKey).toBytes(false);
}

/**
 * Lowercase hex of a key. @example toHex(keygen().publicKey) // '04…'
 */
export function toHex(key: Uint8Array): string {
  return bytesToHex(abytes(key, 'key'));
}

/**
 * Parses a hex key and validates it: 64 hex digits → secret key (INVALID_KEY if out of range),
 * 66 or 130 → public key (INVALID_POINT if not on the curve).
 * @example
 * const sk = fromHex('3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8')
 */
export function fromHex(hex: string): Uint8Array {
  const b = hexToBytes(hex);
  if (b.length === 32) {
    secretScalar(b);
    return b;
  }
  if (b.length === 33 || b.length === 65) {
    publicPoint(b);
    return b;
  }
  throw new BukejianError(
    'INVALID_KEY',
    `"hex" expected key of 32, 33 or 65 bytes, got length=${b.length}`,
  );
}
