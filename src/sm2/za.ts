/**
 * Z_A, the hash of the signer's distinguishing identifier and public key (GB/T 32918.2-2016 §5.5):
 * Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), ENTL_A = bit length of ID_A (2 bytes).
 * @module
 */
import { BukejianError } from '../errors.js';
import { sm3 } from '../sm3.js';
import { utf8ToBytes } from '../utils.js';
import { abytes } from '../_assert.js';
import { sm2Curve, type Sm2Curve, type Sm2PointType } from './curve.js';
import { publicPoint } from './keys.js';

/**
 * The GB/T 32918.2 default distinguishing identifier.
 * @example za(publicKey, DEFAULT_USER_ID)
 */
export const DEFAULT_USER_ID = '1234567812345678';

/**
 * A user ID option: a string (UTF-8) or bytes; default `'1234567812345678'`.
 * @example userIdBytes(undefined) // UTF-8 of '1234567812345678'
 */
export function userIdBytes(userId: unknown, name = 'userId'): Uint8Array {
  if (userId === undefined) return utf8ToBytes(DEFAULT_USER_ID);
  const id = typeof userId === 'string' ? utf8ToBytes(userId) : abytes(userId, name);
  if (id.length > 8191)
    throw new BukejianError(
      'INVALID_LENGTH',
      `"${name}" expected at most 8191 bytes, got length=${id.length}`,
    );
  return id;
}

/**
 * Internal: Z for a validated point on any curve.
 * @example zaPoint(sm2Curve, userIdBytes('ALICE123@YAHOO.COM'), P)
 */
export function zaPoint(curve: Sm2Curve, id: Uint8Array, P: Sm2PointType): Uint8Array {
  const bits = id.length * 8;
  const h = sm3.create({ backend: 'js' });
  h.update(Uint8Array.of((bits >> 8) & 0xff, bits & 0xff));
  h.update(id);
  h.update(curve.zaParams);
  h.update(P.toBytes(false).subarray(1));
  return h.digest();
}

/**
 * Z_A of a public key and user ID (default `'1234567812345678'`).
 * @example
 * const z = za(publicKey, 'ALICE123@YAHOO.COM') // 32 bytes
 */
export function za(
  publicKey: Uint8Array,
  userId: string | Uint8Array = DEFAULT_USER_ID,
): Uint8Array {
  return zaPoint(sm2Curve, userIdBytes(userId), publicPoint(publicKey));
}
