/**
 * worker_threads fan-out for PSI batches over the package's worker pool (src/_pool.ts; the worker
 * entry is ./_worker.ts). Loaded lazily by ./batch.ts (`await import('./workers.js')`). The pool
 * is kept between batches (the chunked protocol runs one small batch per message; starting
 * threads each time would cost more than the work) and is idle-`unref`'d, so it never keeps a
 * process alive. Where worker threads are unavailable (browsers) {@link runInWorkers} returns
 * `null` and the caller runs the batch in-process.
 * @module
 */
import { WorkerPool } from '../_pool.js';
import type { BatchJob } from './batch.js';

const pool = new WorkerPool<{ job: BatchJob; input: Uint8Array[] | Uint8Array }, Uint8Array>('psi');

/**
 * Runs `slices` of one batch over `n` worker threads (each takes the next slice when it is done);
 * results in slice order, or `null` when worker threads cannot be used here. The first slice that
 * fails rejects the batch with its error and no further slice is sent.
 * @example
 * const parts = await runInWorkers(job, slices, 2)
 */
export async function runInWorkers(
  job: BatchJob,
  slices: (Uint8Array[] | Uint8Array)[],
  n: number,
  onProgress?: (slicesDone: number) => void,
): Promise<Uint8Array[] | null> {
  if (!pool.available()) return null;
  const size = Math.max(1, Math.min(n, 256));
  const results: Uint8Array[] = new Array(slices.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const lane = async (index: number): Promise<void> => {
    while (!failed && next < slices.length) {
      const id = next++;
      try {
        results[id] = await pool.run({ job, input: slices[id]! }, index, size);
      } catch (e) {
        failed = true;
        throw e;
      }
      done++;
      onProgress?.(done); // (not `?.(++done)`: an optional call skips evaluating its arguments)
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, slices.length) }, (_, i) => lane(i)));
  return results;
}
