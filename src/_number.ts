/**
 * Internal big-endian conversions between bytes and bigint (field elements, scalars).
 * @module
 */
import { abytes, anumber, describe } from './_assert.js';
import { BukejianError } from './errors.js';
import { bytesToHex, hexToBytes } from './utils.js';

/** Big-endian bytes → bigint. @example bytesToNumberBE(new Uint8Array([1, 0])) // 256n */
export function bytesToNumberBE(b: Uint8Array): bigint {
  abytes(b, 'bytes');
  return b.length === 0 ? 0n : BigInt('0x' + bytesToHex(b));
}

/** bigint → big-endian bytes of exactly `length` bytes (INVALID_RANGE if it does not fit). @example numberToBytesBE(256n, 2) */
export function numberToBytesBE(n: bigint, length: number): Uint8Array {
  if (typeof n !== 'bigint')
    throw new BukejianError('INVALID_TYPE', `"n" expected bigint, got ${describe(n)}`);
  anumber(length, 'length', 0, 1 << 20);
  if (n < 0n || (length < 1 << 16 && n >> BigInt(8 * length) !== 0n)) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"n" expected non-negative integer below 2^${8 * length}, got out of range`,
    );
  }
  return hexToBytes(n.toString(16).padStart(length * 2, '0'));
}
