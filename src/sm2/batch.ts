/**
 * Batch verification for the hot path "one agency verifies thousands of signed records".
 * Items are partitioned by a hash of the public key into buckets, one per worker, so each
 * worker's per-key LRU of precomputed tables stays warm; each worker verifies its bucket in
 * chunks and the results come back in input order. Workers are the package's worker-thread pool
 * (src/_pool.ts, Node only; the worker entry is ./_worker.ts); where they do not exist, or with
 * `workers: 0`, the calling thread does the work with the same code.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoptions, isBytes, toBytes, type Input } from '../_assert.js';
import { verify, type VerifyOptions } from './sign.js';
import { defaultWorkers, WorkerPool } from '../_pool.js';

/** One signature to check. */
export interface BatchItem {
  signature: Uint8Array;
  message: Input;
  publicKey: Uint8Array;
  userId?: string | Uint8Array;
  format?: 'der' | 'raw';
}

/** Options of `sm2.verifyBatch`. */
export interface BatchOptions {
  /** Worker threads (default: the number of cores; 0 = in the calling thread). */
  workers?: number;
  /** Items per message to a worker (default 512). */
  chunkSize?: number;
}

/** Serializable form of an item, as sent to a worker. */
export interface WireItem {
  s: Uint8Array;
  m: Uint8Array;
  p: Uint8Array;
  u?: string | Uint8Array;
  f?: 'der' | 'raw';
}

/**
 * Verifies one wire item: false for anything malformed (a batch never throws per item).
 * @example verifyWire({ s: sig, m: msg, p: publicKey }) // true | false, never throws
 */
export function verifyWire(it: WireItem): boolean {
  try {
    const opts: VerifyOptions = {};
    if (it.u !== undefined) opts.userId = it.u;
    if (it.f !== undefined) opts.format = it.f;
    return verify(it.s, it.m, it.p, opts);
  } catch {
    return false;
  }
}

/** An item in wire form; a malformed item (not an object, message not bytes/string) becomes one that fails. */
function toWire(item: BatchItem): WireItem {
  const broken: WireItem = { s: new Uint8Array(0), m: new Uint8Array(0), p: new Uint8Array(0) };
  if (item === null || typeof item !== 'object') return broken;
  let m: Uint8Array;
  try {
    m = toBytes(item.message, 'message');
  } catch {
    return broken;
  }
  // only plain bytes and strings go to a worker (anything else could not be cloned, and fails anyway)
  const { signature, publicKey, userId, format } = item;
  if (!isBytes(signature) || !isBytes(publicKey)) return broken;
  if (userId !== undefined && typeof userId !== 'string' && !isBytes(userId)) return broken;
  if (format !== undefined && format !== 'der' && format !== 'raw') return broken;
  const w: WireItem = { s: signature, m, p: publicKey };
  if (userId !== undefined) w.u = userId;
  if (format !== undefined) w.f = format;
  return w;
}

function bucketOf(pub: Uint8Array): number {
  // FNV-1a over the key bytes: a stable, cheap partition (not security relevant).
  let h = 0x811c9dc5;
  for (let i = 0; i < pub.length; i++) h = Math.imul(h ^ pub[i]!, 0x01000193);
  return h >>> 0;
}

const pool = new WorkerPool<WireItem[], Uint8Array>('sm2');

/**
 * Terminates the pooled workers (they are unref'd and never block exit; call this to free them early).
 * @example await closeBatchWorkers()
 */
export function closeBatchWorkers(): Promise<void> {
  return pool.close();
}

/** Chunks per worker in one window of the input (see {@link verifyBatch}). */
const WINDOW_CHUNKS = 4;

/** Verifies one window of wire items, in the calling thread or over the pool; input order. */
async function verifyWindow(
  wire: WireItem[],
  workers: number,
  chunkSize: number,
): Promise<boolean[]> {
  const results = new Array<boolean>(wire.length);
  if (workers === 0 || !pool.available() || wire.length === 0) {
    for (let i = 0; i < wire.length; i++) results[i] = verifyWire(wire[i]!);
    return results;
  }
  // Order the items by a hash of their public key, then cut that order into `workers` equal
  // contiguous slices: the load is balanced and each key's items land on one worker (or two,
  // when one key dominates), so the per-key tables in each worker are reused.
  const order = wire.map(
    (w, i) => [bucketOf(w.p instanceof Uint8Array ? w.p : new Uint8Array(0)), i] as const,
  );
  order.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const per = Math.ceil(order.length / workers);
  const jobs: Promise<void>[] = [];
  for (let b = 0; b < workers; b++) {
    const slice = order.slice(b * per, (b + 1) * per).map((x) => x[1]);
    for (let c = 0; c < slice.length; c += chunkSize) {
      const part = slice.slice(c, c + chunkSize);
      jobs.push(
        pool
          .run(
            part.map((i) => wire[i]!),
            b,
            workers,
          )
          .then(
            (res) => {
              for (let j = 0; j < part.length; j++) results[part[j]!] = res[j] === 1;
            },
            () => {
              // a worker that cannot start or dies (e.g. a bundle without dist/sm2/_worker.js):
              // the chunk is verified here instead, so the answer never depends on the pool
              for (const i of part) results[i] = verifyWire(wire[i]!);
            },
          ),
      );
    }
  }
  await Promise.all(jobs);
  return results;
}

/**
 * Verifies many signatures, one boolean per item in input order. Malformed items (bad
 * signature, bad public key, bad options) give `false` instead of throwing. The input is read
 * in bounded windows (`chunkSize × workers × 4` items, at most two windows held at once: one
 * being verified while the next is read), so an async iterable of millions of records never
 * sits in memory as a whole; only the booleans accumulate.
 * @example
 * const ok = await verifyBatch(records.map((r) => ({ signature: r.sig, message: r.body, publicKey: agencyKey })), { workers: 2 })
 * ok.every(Boolean)
 */
export async function verifyBatch(
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  opts?: BatchOptions,
): Promise<boolean[]> {
  if (
    items === null ||
    typeof items !== 'object' ||
    (!(Symbol.iterator in items) && !(Symbol.asyncIterator in items))
  ) {
    throw new BukejianError('INVALID_TYPE', '"items" expected iterable of items, got other');
  }
  const o = aoptions(opts, 'opts', ['workers', 'chunkSize']);
  const workers =
    o.workers === undefined ? defaultWorkers() : anumber(o.workers, 'workers', 0, 256);
  const chunkSize = o.chunkSize === undefined ? 512 : anumber(o.chunkSize, 'chunkSize', 1, 1 << 20);
  const windowSize = chunkSize * Math.max(1, workers) * WINDOW_CHUNKS;
  const results: boolean[] = [];
  let inFlight: Promise<boolean[]> | null = null;
  let window: WireItem[] = [];
  const flush = async (): Promise<void> => {
    const next = verifyWindow(window, workers, chunkSize);
    window = [];
    if (inFlight) for (const r of await inFlight) results.push(r);
    inFlight = next;
  };
  for await (const it of items as AsyncIterable<BatchItem>) {
    window.push(toWire(it));
    if (window.length >= windowSize) await flush();
  }
  if (window.length > 0) await flush();
  if (inFlight) for (const r of await (inFlight as Promise<boolean[]>)) results.push(r);
  return results;
}
