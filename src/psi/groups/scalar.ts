/**
 * Scalar helpers shared by the PSI groups: fixed-length integer encodings and inversion (random
 * scalars come from src/_random.ts, shared with SM2 and zk).
 * @module
 */

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
