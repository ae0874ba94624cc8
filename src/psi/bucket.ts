/**
 * Bucketing by a keyed hash prefix, so a job too large for one run (or one machine) splits into
 * independent PSI runs: both parties agree on a secret bucket key and a bucket count, route every
 * item to bucket HMAC-SM3(key, canonical item)[0..4] mod buckets, and run one PSI per bucket
 * (any job queue; a failed bucket is simply re-run). The union of the per-bucket results is the
 * result. Each party learns the other's bucket sizes; the key keeps the routing unpredictable to
 * anyone without it. The modulo bias is below buckets / 2^32.
 * @module
 */
import { hmacSm3 } from '../sm3.js';
import { BukejianError } from '../errors.js';
import { abytes, anumber, aoptions } from '../_assert.js';
import { canonicalOption, canonicalize } from './canonicalize.js';
import type { Canonical } from './canonicalize.js';
import type { Item, ItemSource } from './items.js';

/** Bucketing options. */
export interface BucketOptions {
  /** Shared secret bucket key (≥ 16 bytes). */
  key: Uint8Array;
  /** Number of buckets (1..2^24). */
  buckets: number;
  /** Canonicalization (must match the PSI runs; default 'text'). */
  canonical?: Canonical;
}

function parse(opts: BucketOptions): { key: Uint8Array; buckets: number; canonical: Canonical } {
  const o = aoptions(opts, 'opts', ['key', 'buckets', 'canonical']);
  if (!o.key) throw new BukejianError('INVALID_OPTION', '"key" is required');
  abytes(o.key, 'key');
  if (o.key.length < 16)
    throw new BukejianError(
      'INVALID_LENGTH',
      `"key" expected Uint8Array of length >= 16, got length=${o.key.length}`,
    );
  return {
    key: o.key,
    buckets: anumber(o.buckets, 'buckets', 1, 1 << 24),
    canonical: canonicalOption(o.canonical),
  };
}

/**
 * The bucket index of one item.
 * @example
 * bucketOf('11010119900307123X', { key, buckets: 64, canonical: 'id' }) // 0..63
 */
export function bucketOf(item: Item, opts: BucketOptions): number {
  const o = parse(opts);
  const h = hmacSm3(canonicalize(item, o.canonical), o.key);
  return (((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0) % o.buckets;
}

/**
 * Splits items into buckets (arrays, one per bucket; for very large inputs route with
 * {@link bucketOf} into files instead).
 * @example
 * const parts = await partition(items, { key, buckets: 16 }) // parts[i] → PSI run i
 */
export async function partition<T extends Item>(
  items: ItemSource<T>,
  opts: BucketOptions,
): Promise<T[][]> {
  const o = parse(opts);
  const out: T[][] = Array.from({ length: o.buckets }, () => []);
  for await (const it of items as AsyncIterable<T>) {
    const h = hmacSm3(canonicalize(it, o.canonical), o.key);
    out[(((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0) % o.buckets]!.push(it);
  }
  return out;
}
