/**
 * Signature nonces: an HMAC-SM3 DRBG in the style of RFC 6979 §3.2, seeded with the secret key,
 * the message digest e and 32 fresh bytes from crypto.getRandomValues ("hedged" signatures:
 * deterministic-quality even with a weak RNG, and not reproducible for fault attacks).
 * @module
 */
import { hmacSm3 } from '../sm3.js';
import { concatBytes, zeroize } from '../utils.js';
import { fixedToNumber } from './curve.js';
import { brokenSource, MAX_DRAWS } from '../_random.js';

/**
 * Returns a generator of candidate nonces k in [1, n − 1] (call again if a candidate is rejected
 * by the signing equation). `len` is the scalar byte length. Each call tries at most
 * {@link MAX_DRAWS} DRBG outputs, then throws UNSUPPORTED.
 * @example const next = nonceGenerator(d, e, randomBytes(32), n, 32); const k = next()
 */
export function nonceGenerator(
  d: Uint8Array,
  e: Uint8Array,
  extra: Uint8Array,
  n: bigint,
  len: number,
): () => bigint {
  // RFC 6979 §3.2 b–g with HMAC-SM3 (hlen = 32); seed = int2octets(d) ‖ bits2octets(e) ‖ extra.
  let K: Uint8Array = new Uint8Array(32);
  let V: Uint8Array = new Uint8Array(32).fill(1);
  const seed = concatBytes(d, e, extra);
  const mac = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => {
    const m = hmacSm3.create(key);
    for (const p of parts) m.update(p);
    return m.digest();
  };
  K = mac(K, V, Uint8Array.of(0), seed);
  V = mac(K, V);
  K = mac(K, V, Uint8Array.of(1), seed);
  V = mac(K, V);
  zeroize(seed);
  let first = true;
  return () => {
    for (let i = 0; i < MAX_DRAWS; i++) {
      if (!first) {
        K = mac(K, V, Uint8Array.of(0));
        V = mac(K, V);
      }
      first = false;
      let t: Uint8Array = new Uint8Array(0);
      while (t.length < len) {
        V = mac(K, V);
        t = concatBytes(t, V);
      }
      const k = fixedToNumber(t.subarray(0, len));
      if (k >= 1n && k < n) return k;
    }
    return brokenSource();
  };
}
