/**
 * Jacobi symbol (a/n) for odd n by the binary algorithm (Cohen, "A Course in Computational
 * Algebraic Number Theory", Alg. 1.4.10). Used as a fast quadratic-residuosity test for the
 * x-only groups: about 10x faster than Euler's criterion with bigint, but variable time.
 * @module
 */

/**
 * Jacobi symbol of `a` modulo the odd `n`: 1, -1, or 0 when gcd(a, n) > 1.
 * @example
 * jacobi(2n, 7n) // 1 (3² ≡ 2 mod 7)
 */
export function jacobi(a: bigint, n: bigint): number {
  a %= n;
  if (a < 0n) a += n;
  let r = 1;
  while (a !== 0n) {
    while ((a & 1n) === 0n) {
      a >>= 1n;
      const m = n & 7n;
      if (m === 3n || m === 5n) r = -r;
    }
    const t = a;
    a = n;
    n = t;
    if ((a & 3n) === 3n && (n & 3n) === 3n) r = -r;
    a %= n;
  }
  return n === 1n ? r : 0;
}
