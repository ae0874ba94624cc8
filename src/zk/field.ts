/**
 * BN254 scalar-field helpers for the zk module: the field order, strict validation of field
 * elements (bigint or canonical decimal string, never silently coerced), 32-byte big-endian
 * encoding, and uniform random field elements from `crypto.getRandomValues`.
 * @module
 */
import { BukejianError } from '../errors.js';
import { randomBytes, zeroize } from '../utils.js';
import { bytesToNumberBE, numberToBytesBE } from '../_number.js';

/** Order r of the BN254 scalar field (the circuit's native field). @example afield(FIELD_ORDER - 1n, 'x') */
export const FIELD_ORDER =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;

/**
 * Asserts a field element: a bigint in [0, r), or (when `fromString`) its canonical decimal string.
 * @example afield(credential.record.holderCommitment, 'holderCommitment')
 */
export function afield(value: unknown, name: string, fromString = false): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (fromString && typeof value === 'string' && DECIMAL.test(value)) v = BigInt(value);
  else {
    const want = fromString ? 'bigint or decimal string' : 'bigint';
    throw new BukejianError('INVALID_TYPE', `"${name}" expected ${want}, got ${typeof value}`);
  }
  if (v < 0n || v >= FIELD_ORDER) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"${name}" expected field element in [0, r), got out of range value`,
    );
  }
  return v;
}

/** 32-byte big-endian encoding of a field element. @example fieldToBytes(1n) */
export function fieldToBytes(v: bigint): Uint8Array {
  return numberToBytesBE(v, 32);
}

/**
 * Decodes a 32-byte big-endian field element, rejecting values ≥ r (INVALID_ENCODING).
 * @example fieldFromBytes(fieldToBytes(5n)) // 5n
 */
export function fieldFromBytes(b: Uint8Array, name: string): bigint {
  const v = bytesToNumberBE(b);
  if (v >= FIELD_ORDER)
    throw new BukejianError('INVALID_ENCODING', `"${name}" expected field element < r`);
  return v;
}

/**
 * A uniformly random field element (64 random bytes reduced mod r: bias < 2^-250).
 * @example const challenge = randomField()
 */
export function randomField(): bigint {
  const b = randomBytes(64);
  const v = bytesToNumberBE(b) % FIELD_ORDER;
  zeroize(b);
  return v;
}
