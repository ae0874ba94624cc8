/**
 * Bloom filter (Bloom 1970) for sending the server's encrypted set, the alternative to
 * ./gcs.ts with O(1) queries. For N members and false-positive rate f: m = ⌈−N·ln f / ln²2⌉ bits
 * and k = max(1, round(m/N · ln 2)) probes, by double hashing (Kirsch–Mitzenmacher 2006)
 * g_i = (h1 + i·h2) mod m from two 32-bit words of the member's digest. ≈ 1.44·log2(1/f) bits
 * per member (≈ 5.4 bytes at 1e-9, vs ≈ 3.9 for a GCS).
 *
 * Encoding: u8 k ‖ u32 N ‖ u32 m ‖ ⌈m/8⌉ bytes; the decoder rejects length mismatches, k
 * outside 1..64 and non-zero padding bits.
 * @module
 */
import { BukejianError } from '../errors.js';

/** Two probe words (h2 odd) from bytes 8..16 of a digest. */
function words(d: Uint8Array): [number, number] {
  const h1 = ((d[8]! << 24) | (d[9]! << 16) | (d[10]! << 8) | d[11]!) >>> 0;
  const h2 = (((d[12]! << 24) | (d[13]! << 16) | (d[14]! << 8) | d[15]!) | 1) >>> 0;
  return [h1, h2];
}

/** Bloom parameters (bits m, probes k) for N members at false-positive rate fpr. */
export function bloomParameters(n: number, fpr: number): { m: number; k: number } {
  if (!(fpr > 0 && fpr < 1)) throw new BukejianError('INVALID_RANGE', `"fpr" expected number in (0, 1), got ${fpr}`);
  const m = Math.max(8, Math.ceil((-Math.max(n, 1) * Math.log(fpr)) / (Math.LN2 * Math.LN2)));
  const k = Math.min(64, Math.max(1, Math.round((m / Math.max(n, 1)) * Math.LN2)));
  if (m > 0xffffffff) throw new BukejianError('INVALID_RANGE', 'Bloom filter too large; split the set into buckets');
  return { m, k };
}

/**
 * Builds an encoded Bloom filter over member digests (≥ 16 bytes each).
 * @example
 * const bytes = encodeBloom(digests, 1e-9)
 */
export function encodeBloom(digests: readonly Uint8Array[], fpr: number): Uint8Array {
  const n = digests.length;
  const { m, k } = bloomParameters(n, fpr);
  const out = new Uint8Array(9 + Math.ceil(m / 8));
  const dv = new DataView(out.buffer);
  out[0] = k;
  dv.setUint32(1, n);
  dv.setUint32(5, m);
  const bits = out.subarray(9);
  for (const d of digests) {
    const [h1, h2] = words(d);
    for (let i = 0; i < k; i++) {
      const g = (h1 + i * h2) % m;
      bits[g >>> 3]! |= 1 << (g & 7);
    }
  }
  return out;
}

/** A decoded Bloom filter. */
export interface BloomSet {
  readonly size: number;
  readonly k: number;
  readonly m: number;
  /** True when the digest is (probably) a member. */
  has(digest: Uint8Array): boolean;
}

/**
 * Decodes and validates a Bloom filter produced by {@link encodeBloom}.
 * @example
 * decodeBloom(bytes).has(digest)
 */
export function decodeBloom(bytes: Uint8Array): BloomSet {
  const bad = (msg: string): never => {
    throw new BukejianError('INVALID_ENCODING', `Bloom filter: ${msg}`);
  };
  if (bytes.length < 9) bad('truncated header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const k = bytes[0]!;
  const n = dv.getUint32(1);
  const m = dv.getUint32(5);
  if (k < 1 || k > 64) bad('probe count out of range');
  if (m < 8) bad('bit count out of range');
  if (bytes.length !== 9 + Math.ceil(m / 8)) bad('length does not match the bit count');
  const bits = bytes.subarray(9);
  if (m & 7 && bits[bits.length - 1]! >>> (m & 7)) bad('non-zero padding bits');
  return Object.freeze({
    size: n,
    k,
    m,
    has(d: Uint8Array): boolean {
      const [h1, h2] = words(d);
      for (let i = 0; i < k; i++) {
        const g = (h1 + i * h2) % m;
        if (!((bits[g >>> 3]! >>> (g & 7)) & 1)) return false;
      }
      return true;
    },
  });
}
