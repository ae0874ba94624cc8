/**
 * Worker-thread fan-out for `verifyBatch` over the package's worker pool (src/_pool.ts; the worker
 * entry is ./_worker.ts, which builds its own single-threaded BN254 engine). For a chunk of proofs
 * a worker checks B ∈ G2 and returns the product of the Miller loops e(−ρ_i·A_i, B_i) as one Fp12
 * value; the main thread multiplies the chunk products, adds the 3 verification-key Miller loops
 * and does the one final exponentiation. Idle workers are unref'd, so they never keep a process
 * alive.
 * @module
 */
import { defaultWorkers, WorkerPool } from '../_pool.js';

/** One pairing term for a worker: proof points as bigints, weight, and whether B still needs checking. */
export interface MillerItem {
  readonly a: readonly [bigint, bigint];
  readonly b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  readonly w: bigint;
  readonly validate: boolean;
}

/** Result of a chunk: Miller-loop product (Fp12, engine representation) and indices whose B failed. */
export interface MillerResult {
  readonly acc: Uint8Array;
  readonly bad: number[];
}

// `mod`/`type`: ffjavascript loads the 'web-worker' package, which treats every worker thread as
// one of its own and runs workerData.mod; an empty data: URL makes that a no-op here.
const pool = new WorkerPool<readonly MillerItem[], MillerResult>('zk', {
  mod: 'data:text/javascript,',
  type: 'classic',
  name: 'bukejian-zk-batch',
});

/**
 * Default worker count: the number of cores, or 0 where worker_threads are unavailable.
 * @example batchWorkersAvailable() // 2 on a 2-core Node machine, 0 in a browser
 */
export function batchWorkersAvailable(): number {
  return pool.available() ? defaultWorkers() : 0;
}

/**
 * Splits `items` over `n` workers; resolves to one MillerResult per chunk with `bad` as indices into `items`.
 * @example const parts = await millerOnWorkers(items, 2)
 */
export async function millerOnWorkers(
  items: readonly MillerItem[],
  n: number,
): Promise<MillerResult[]> {
  const size = Math.ceil(items.length / n);
  const jobs: Promise<MillerResult>[] = [];
  for (let k = 0; k * size < items.length; k++) {
    jobs.push(
      pool
        .run(items.slice(k * size, (k + 1) * size), k, n)
        .then((r) => ({ acc: new Uint8Array(r.acc), bad: r.bad.map((i) => i + k * size) })),
    );
  }
  return Promise.all(jobs);
}

/**
 * Terminates the pool's workers.
 * @example await terminateBatchWorkers()
 */
export function terminateBatchWorkers(): Promise<void> {
  return pool.close();
}
