/**
 * worker_threads fan-out for PSI batches — Node-only by nature, so it is loaded lazily by
 * ./batch.ts (`await import('./workers.js')`) and reaches `node:worker_threads` through
 * `process.getBuiltinModule`, never a static import. Each worker imports this same module
 * (its own `import.meta.url`) and runs {@link runChunk} on the chunks it is sent. The pool is
 * kept between batches (the chunked protocol runs one small batch per message; starting threads
 * each time would cost more than the work) and `unref`'d while idle, so it never keeps a process
 * alive; batches from concurrent callers take turns. When worker threads are unavailable (browsers, the CJS build where `import.meta.url` does not exist)
 * {@link runInWorkers} returns `null` and the caller runs the batch in-process.
 * @module
 */
import { BukejianError } from '../errors.js';
import type { BatchJob } from './batch.js';

export { runChunk } from './batch.js';

type WT = typeof import('node:worker_threads');

function workerThreads(): WT | null {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
      ?.getBuiltinModule;
    return typeof get === 'function' ? ((get('node:worker_threads') as WT) ?? null) : null;
  } catch {
    return null;
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = workerData.tsx ? import(workerData.tsx).then((t) => t.register()) : Promise.resolve();
ready.then(() => import(workerData.url)).then((m) => {
  parentPort.on('message', ({ id, job, input }) => {
    try {
      const out = m.runChunk(job, input);
      parentPort.postMessage({ id, out }, [out.buffer]);
    } catch (e) {
      parentPort.postMessage({ id, error: { code: e && e.code, message: String(e && e.message) } });
    }
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ fatal: String(e && e.message) }));
`;

type Worker = InstanceType<WT['Worker']>;
type Reply = {
  ready?: boolean;
  fatal?: string;
  id?: number;
  out?: Uint8Array;
  error?: { code?: string; message: string };
};
interface Pool {
  size: number;
  workers: Worker[];
  /** The message handler of the batch running now (one at a time). */
  onMessage: ((w: Worker, msg: Reply) => void) | undefined;
  onError: ((e: unknown) => void) | undefined;
  ready: Promise<void>;
}
let pool: Pool | undefined;
let turn: Promise<unknown> = Promise.resolve();

function startPool(wt: WT, size: number, url: string, tsx: string | undefined): Pool {
  const p: Pool = {
    size,
    workers: [],
    onMessage: undefined,
    onError: undefined,
    ready: Promise.resolve(),
  };
  p.ready = Promise.all(
    Array.from({ length: size }, () => {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { url, tsx } });
      p.workers.push(w);
      return new Promise<void>((resolve, reject) => {
        w.on('message', (msg: Reply) => {
          if (msg.fatal)
            return reject(
              new BukejianError('UNSUPPORTED', `PSI worker failed to start: ${msg.fatal}`),
            );
          if (msg.ready) return resolve();
          p.onMessage?.(w, msg);
        });
        const fail = (e: unknown): void => {
          if (pool === p) pool = undefined;
          for (const x of p.workers) void x.terminate();
          reject(e);
          p.onError?.(e);
        };
        w.on('error', fail);
        w.on('exit', () => fail(new BukejianError('UNSUPPORTED', 'PSI worker exited')));
      });
    }),
  ).then(() => undefined);
  return p;
}

/**
 * Stops the worker pool (it is restarted by the next batch that needs it).
 * @example
 * await stopWorkers()
 */
export async function stopWorkers(): Promise<void> {
  const p = pool;
  pool = undefined;
  if (p) await Promise.all(p.workers.map((w) => w.terminate()));
}

/**
 * Runs `slices` of one batch over `n` worker threads; results in slice order, or `null` when
 * worker threads cannot be used here.
 * @example
 * const parts = await runInWorkers(job, slices, 2)
 */
export async function runInWorkers(
  job: BatchJob,
  slices: (Uint8Array[] | Uint8Array)[],
  n: number,
  onProgress?: (slicesDone: number) => void,
): Promise<Uint8Array[] | null> {
  const wt = workerThreads();
  let url: string | undefined;
  try {
    url = import.meta.url;
  } catch {
    url = undefined;
  }
  if (!wt || typeof url !== 'string' || !url.startsWith('file:')) return null;
  // Running from TypeScript sources (tests, tsx): the workers register tsx's loader first.
  let tsx: string | undefined;
  if (url.endsWith('.ts')) {
    try {
      const mod = (
        globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
      ).process?.getBuiltinModule?.('node:module') as typeof import('node:module');
      tsx =
        'file://' +
        mod
          .createRequire(url)
          .resolve('tsx/esm/api')
          .replace(/index\.cjs$/, 'index.mjs');
    } catch {
      return null;
    }
  }
  const size = Math.max(1, Math.min(n, 256));
  const run = async (): Promise<Uint8Array[]> => {
    if (pool && pool.size !== size) await stopWorkers();
    const p = (pool ??= startPool(wt, size, url, tsx));
    await p.ready;
    const results: Uint8Array[] = new Array(slices.length);
    let next = 0;
    let done = 0;
    for (const w of p.workers) w.ref();
    try {
      return await new Promise<Uint8Array[]>((resolve, reject) => {
        const send = (w: Worker): void => {
          if (next >= slices.length) return;
          const id = next++;
          w.postMessage({ id, job, input: slices[id] });
        };
        p.onError = reject;
        p.onMessage = (w, msg) => {
          if (msg.error) {
            const code = (msg.error.code ?? 'UNSUPPORTED') as ConstructorParameters<
              typeof BukejianError
            >[0];
            p.onMessage = undefined; // slices still in flight must not reach the next batch
            void stopWorkers();
            return reject(new BukejianError(code, msg.error.message));
          }
          results[msg.id!] = msg.out!;
          done++;
          onProgress?.(done); // (not `?.(++done)`: an optional call skips evaluating its arguments)
          if (done === slices.length) return resolve(results);
          send(w);
        };
        if (slices.length === 0) return resolve(results);
        for (const w of p.workers) send(w);
      });
    } finally {
      p.onMessage = undefined;
      p.onError = undefined;
      for (const w of p.workers) w.unref();
    }
  };
  const mine = turn.then(run, run);
  turn = mine.catch(() => undefined);
  return mine;
}
