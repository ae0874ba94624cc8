/**
 * Random draws for the whole package (SM2 keys and nonces, PSI group keys, Groth16 blinding) with
 * two guards against a broken `crypto.getRandomValues`: every
 * "draw until the value is usable" loop is bounded ({@link MAX_DRAWS}), and a draw whose bytes are
 * all equal (all zeros, all 0xff, any stuck byte: probability 2^-248 for 32 bytes from a working
 * source) is refused. Either way the caller gets UNSUPPORTED instead of a hang or a predictable
 * key or nonce.
 * @module
 */
import { BukejianError } from './errors.js';
import { randomBytes } from './utils.js';

/**
 * Attempts any rejection-sampling loop makes before giving up. A working source needs more than
 * one attempt with probability about 2^-32 for sm2p256v1 (n and p are just below 2^256) and below
 * 1/2 for any bound drawn with its own bit length ({@link randomScalar}: the GB/T 32918 test
 * curves, ristretto255, BN254), so 64 failures in a row mean a broken source (or happen with
 * probability below 2^-64).
 * @example for (let i = 0; i < MAX_DRAWS; i++) { … } brokenSource()
 */
export const MAX_DRAWS = 64;

/**
 * Throws the error of a random source that never yields a usable value.
 * @example if (attempts === MAX_DRAWS) brokenSource()
 */
export function brokenSource(): never {
  throw new BukejianError(
    'UNSUPPORTED',
    'crypto.getRandomValues expected to return random bytes, got a stuck or broken source',
  );
}

/**
 * `randomBytes(length)` (length ≥ 16) that refuses a draw whose bytes are all equal.
 * @example const extra = freshBytes(32)
 */
export function freshBytes(length: number): Uint8Array {
  const b = randomBytes(length);
  let diff = 0;
  for (let i = 1; i < b.length; i++) diff |= b[i]! ^ b[0]!;
  if (diff === 0) {
    b.fill(0);
    brokenSource();
  }
  return b;
}

/**
 * A uniform scalar in [1, max] by rejection sampling: draws of `ceil(bits(max) / 8)` bytes
 * (big-endian, top byte masked to the bit length of `max`; refused when all bytes are equal, see
 * {@link freshBytes}) until one lands in range, at most {@link MAX_DRAWS} draws, then
 * UNSUPPORTED. The draw is wiped after use. Pass `order − 1` for [1, order) and `n − 2` for SM2's
 * [1, n − 2].
 * @example
 * const k = randomScalar(ORDER - 1n) // in [1, ORDER)
 */
export function randomScalar(max: bigint): bigint {
  const bits = max.toString(2).length;
  const len = Math.ceil(bits / 8);
  const top = 0xff >>> (len * 8 - bits);
  for (let i = 0; i < MAX_DRAWS; i++) {
    const b = freshBytes(Math.max(len, 16));
    const d = b.subarray(b.length - len);
    d[0] = d[0]! & top;
    let k = 0n;
    for (const x of d) k = (k << 8n) | BigInt(x);
    b.fill(0);
    if (k >= 1n && k <= max) return k;
  }
  return brokenSource();
}
