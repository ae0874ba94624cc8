/**
 * The server's encrypted set as it travels (shared by the one-shot protocol in ./ecdh.ts and
 * the chunked one in ./chunked.ts / ./sessions.ts): the tag digests tag(b·H(y)) encoded as raw
 * truncated tags (sorted, so their order says nothing about the server's input order), a
 * Golomb-compressed set (./gcs.ts) or a Bloom filter (./bloom.ts), and the client's membership
 * test over the decoded form.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '../utils.js';
import type { SetFormat } from './encoding.js';
import { compare } from './encoding.js';
import { encodeGcs, decodeGcs, hash53, riceParameter } from './gcs.js';
import { encodeBloom, decodeBloom } from './bloom.js';
import { bytesKey } from './items.js';

const TAG_PREFIX = /* @__PURE__ */ utf8ToBytes('bukejian-psi-v1-tag');

/**
 * The 32-byte comparison digest SHA-256("bukejian-psi-v1-tag" ‖ e) of a final group element.
 * @example
 * tagDigest(element).subarray(0, rawTagLength(n, m))
 */
export function tagDigest(e: Uint8Array): Uint8Array {
  const buf = new Uint8Array(TAG_PREFIX.length + e.length);
  buf.set(TAG_PREFIX);
  buf.set(e, TAG_PREFIX.length);
  return sha256(buf);
}

/**
 * Raw tag length for n_client × n_server comparisons (false-match probability ≤ 2^-40).
 * @example
 * rawTagLength(1e6, 1e6) // 10
 */
export function rawTagLength(nClient: number, nServer: number): number {
  const pairs = Math.max(2, nClient * nServer);
  return Math.min(32, Math.max(8, Math.ceil((40 + Math.log2(pairs)) / 8)));
}

/**
 * The compressed form of the server's digests ('gcs' / 'bloom'), built once per server;
 * `undefined` for 'raw' (its tag length depends on each client's count: {@link rawTags}).
 * @example
 * const compressed = compressSet(digests, 'gcs', 1e-9)
 */
export function compressSet(
  digests: Uint8Array[],
  format: SetFormat,
  fpr: number,
): Uint8Array | undefined {
  if (format === 'gcs') return encodeGcs(digests.map(hash53), riceParameter(fpr));
  if (format === 'bloom') return encodeBloom(digests, fpr);
  return undefined;
}

/**
 * The raw set: every digest truncated to `t` bytes, sorted, concatenated.
 * @example
 * const set = rawTags(digests, rawTagLength(nClient, digests.length))
 */
export function rawTags(digests: Uint8Array[], t: number): Uint8Array {
  const tags = digests.map((d) => d.subarray(0, t)).sort(compare);
  const set = new Uint8Array(tags.length * t);
  tags.forEach((x, i) => set.set(x, i * t));
  return set;
}

/**
 * The client's membership test for a received set (already validated by the decoder).
 * @example
 * const has = membership('gcs', m.set, 0, m.serverCount); has(tagDigest(unblinded))
 */
export function membership(
  format: SetFormat,
  set: Uint8Array,
  tagLength: number,
  serverCount: number,
): (digest: Uint8Array) => boolean {
  if (format === 'raw') {
    const t = tagLength;
    const keys = new Set<string>();
    for (let j = 0; j < serverCount; j++) keys.add(bytesKey(set.subarray(j * t, (j + 1) * t)));
    return (d) => keys.has(bytesKey(d.subarray(0, t)));
  }
  if (format === 'gcs') {
    const g = decodeGcs(set);
    return (d) => g.has(hash53(d));
  }
  const b = decodeBloom(set);
  return (d) => b.has(d);
}

/**
 * Bytes per revealed tag in mode 'both': the raw tag length, or 16 with a compressed set.
 * @example
 * revealTagLength('gcs', 0) // 16
 */
export function revealTagLength(format: SetFormat, tagLength: number): number {
  return format === 'raw' ? tagLength : 16;
}
