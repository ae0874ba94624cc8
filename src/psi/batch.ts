/**
 * Chunked batch execution of the per-item group operations (hash-and-multiply, multiply,
 * unblind). Work is cut into chunks of `chunkSize`; with `workers > 1` on Node the chunks are
 * fanned out over a worker_threads pool (./workers.ts, loaded lazily), otherwise they run here,
 * yielding to the event loop between chunks so a server stays responsive.
 * @module
 */
import { getGroup } from './groups/index.js';
import type { GroupName } from './groups/index.js';
import type { BatchKeyOps } from './groups/types.js';

/** One batch operation. */
export type BatchOp = 'hash' | 'mul' | 'unblind';

/** What a batch (or a worker chunk) needs to run: all of it structured-clonable. */
export interface BatchJob {
  group: GroupName;
  backend: 'auto' | 'js';
  key: Uint8Array;
  op: BatchOp;
}

/** Chunking / parallelism options. */
export interface BatchOptions {
  /** Worker threads (Node only); 0 or 1 = run in this thread. */
  workers?: number;
  /** Items per chunk (default 4096). */
  chunkSize?: number;
  /**
   * Called after each chunk with the number of items done and the total (NaN when it is not
   * known in advance: the chunked client over an async iterable).
   */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The batch options for one protocol chunk of `n` items: split into one slice per worker
 * (so `workers: n` keeps working when a protocol chunk is a single batch), no progress calls.
 * @example
 * await runBatch(job, chunkItems, chunkBatch({ workers: 2 }, chunkItems.length))
 */
export function chunkBatch(opts: BatchOptions, n: number): BatchOptions {
  const w = opts.workers ?? 0;
  return { workers: w, chunkSize: Math.max(1, w > 1 ? Math.ceil(n / w) : n) };
}

/**
 * Runs one chunk synchronously: `hash` takes messages, `mul`/`unblind` take a flat buffer of
 * `count` elements. Returns the flat output elements.
 * @example
 * runChunk({ group: 'x25519', backend: 'auto', key, op: 'hash' }, [utf8ToBytes('a')])
 */
export function runChunk(
  job: BatchJob,
  input: Uint8Array[] | Uint8Array,
  count?: number,
): Uint8Array {
  const g = getGroup(job.group, job.backend);
  const ops: BatchKeyOps = g.withKey(job.key);
  const L = g.elementLength;
  if (Array.isArray(input)) {
    if (ops.hashMultiplyMany) return ops.hashMultiplyMany(input);
    const out = new Uint8Array(input.length * L);
    for (let i = 0; i < input.length; i++) out.set(ops.hashMultiply(input[i]!), i * L);
    return out;
  }
  const n = count ?? input.length / L;
  const many = job.op === 'unblind' ? ops.unblindMany : ops.multiplyMany;
  if (many) return many(input, n);
  const out = new Uint8Array(n * L);
  const f = job.op === 'unblind' ? ops.unblind : ops.multiply;
  for (let i = 0; i < n; i++) out.set(f(input.subarray(i * L, (i + 1) * L)), i * L);
  return out;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Runs a whole batch in chunks, in worker threads when asked and available.
 * @example
 * const blinded = await runBatch({ group, backend, key, op: 'hash' }, items, { workers: 2 })
 */
export async function runBatch(
  job: BatchJob,
  input: Uint8Array[] | Uint8Array,
  opts: BatchOptions = {},
): Promise<Uint8Array> {
  const L = getGroup(job.group, job.backend).elementLength;
  const total = Array.isArray(input) ? input.length : input.length / L;
  const chunk = Math.max(1, opts.chunkSize ?? 4096);
  const slices: (Uint8Array[] | Uint8Array)[] = [];
  for (let s = 0; s < total; s += chunk) {
    const e = Math.min(total, s + chunk);
    slices.push(Array.isArray(input) ? input.slice(s, e) : input.subarray(s * L, e * L));
  }
  const out = new Uint8Array(total * L);
  const workers = opts.workers ?? 0;
  if (workers > 1 && total > chunk) {
    const { runInWorkers } = await import('./workers.js');
    const done = await runInWorkers(
      job,
      slices,
      workers,
      opts.onProgress && ((d: number) => opts.onProgress!(Math.min(total, d * chunk), total)),
    );
    if (done) {
      let o = 0;
      for (const part of done) {
        out.set(part, o);
        o += part.length;
      }
      return out;
    }
  }
  let o = 0;
  for (const s of slices) {
    const r = runChunk(job, s);
    out.set(r, o);
    o += r.length;
    opts.onProgress?.(o / L, total);
    if (slices.length > 1) await tick();
  }
  return out;
}
