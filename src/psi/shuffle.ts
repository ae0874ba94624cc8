/**
 * Uniform random permutations from `crypto.getRandomValues` (Fisher–Yates with rejection
 * sampling, no modulo bias). Used by the PSI-cardinality server so that the order of the
 * returned values carries no information about which client item each one belongs to.
 * @module
 */
import { BukejianError } from '../errors.js';
import { randomBytes } from '../utils.js';

/** A buffered source of uniform integers below a bound. */
function randomBelow(): (n: number) => number {
  let buf: Uint32Array = new Uint32Array(0);
  let pos = 0;
  const next = (): number => {
    if (pos >= buf.length) {
      const b = randomBytes(4096);
      buf = new Uint32Array(b.buffer, b.byteOffset, 1024);
      pos = 0;
    }
    return buf[pos++]!;
  };
  return (n: number): number => {
    const limit = 0x100000000 - (0x100000000 % n);
    // a draw is rejected with probability < 1/2; 256 in a row mean a stuck source (all 0xff)
    for (let i = 0; i < 256; i++) {
      const x = next();
      if (x < limit) return x % n;
    }
    throw new BukejianError(
      'UNSUPPORTED',
      'crypto.getRandomValues expected to return random bytes, got a stuck or broken source',
    );
  };
}

/**
 * A uniformly random permutation of 0..n-1 (n < 2^32).
 * @example
 * randomPermutation(5) // e.g. Uint32Array [3, 0, 4, 1, 2]
 */
export function randomPermutation(n: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const below = randomBelow();
  for (let i = n - 1; i > 0; i--) {
    const j = below(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * The `count` elements of `L` bytes each in `elements`, in a uniformly random order (a copy).
 * @example
 * const shuffled = shuffleElements(doublyBlinded, n, 32)
 */
export function shuffleElements(elements: Uint8Array, count: number, L: number): Uint8Array {
  const perm = randomPermutation(count);
  const out = new Uint8Array(count * L);
  for (let i = 0; i < count; i++)
    out.set(elements.subarray(perm[i]! * L, (perm[i]! + 1) * L), i * L);
  return out;
}
