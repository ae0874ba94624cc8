/**
 * Scalar helpers shared by the PSI groups: uniform non-zero scalars from `crypto.getRandomValues`
 * (64 random bytes reduced mod the order, bias < 2^-250) and fixed-length integer encodings.
 * @module
 */
import { BukejianError } from '../../errors.js';
import { randomBytes } from '../../utils.js';

/**
 * Little-endian bytes → bigint.
 * @example
 * leToNumber(Uint8Array.of(1, 2)) // 513n
 */
export function leToNumber(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/**
 * bigint → `len` little-endian bytes.
 * @example
 * numberToLe(513n, 2) // Uint8Array [1, 2]
 */
export function numberToLe(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/**
 * Big-endian bytes → bigint.
 * @example
 * beToNumber(Uint8Array.of(1, 2)) // 258n
 */
export function beToNumber(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = 0; i < b.length; i++) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/**
 * bigint → `len` big-endian bytes.
 * @example
 * numberToBe(258n, 2) // Uint8Array [1, 2]
 */
export function numberToBe(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/**
 * A uniform scalar in [1, order) from 64 random bytes.
 * @example
 * const k = randomScalar(ristretto255.Point.Fn.ORDER)
 */
export function randomScalar(order: bigint): bigint {
  // bounded: a source stuck on zeros would otherwise loop here forever
  for (let i = 0; i < 64; i++) {
    const k = leToNumber(randomBytes(64)) % order;
    if (k !== 0n) return k;
  }
  return brokenSource();
}

/**
 * Throws UNSUPPORTED for a random source whose draws never become usable (a bounded retry loop
 * ran out).
 * @example
 * for (let i = 0; i < 64; i++) { … } brokenSource()
 */
export function brokenSource(): never {
  throw new BukejianError(
    'UNSUPPORTED',
    'crypto.getRandomValues expected to return random bytes, got a stuck or broken source',
  );
}

/**
 * a⁻¹ mod m for prime m (Fermat; variable-time bigint arithmetic).
 * @example
 * invertMod(3n, 7n) // 5n
 */
export function invertMod(a: bigint, m: bigint): bigint {
  let r = 1n;
  let b = a % m;
  let e = m - 2n;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
