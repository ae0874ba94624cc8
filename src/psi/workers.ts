/**
 * worker_threads fan-out for PSI batches — Node-only by nature, so it is loaded lazily by
 * ./batch.ts (`await import('./workers.js')`) and reaches `node:worker_threads` through
 * `process.getBuiltinModule`, never a static import. Each worker imports this same module
 * (its own `import.meta.url`) and runs {@link runChunk} on the chunks it is sent. When worker
 * threads are unavailable (browsers, the CJS build where `import.meta.url` does not exist)
 * {@link runInWorkers} returns `null` and the caller runs the batch in-process.
 * @module
 */
import { BukejianError } from '../errors.js';
import type { BatchJob } from './batch.js';

export { runChunk } from './batch.js';

type WT = typeof import('node:worker_threads');

function workerThreads(): WT | null {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
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
      const mod = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:module') as typeof import('node:module');
      tsx = 'file://' + mod.createRequire(url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
    } catch {
      return null;
    }
  }
  const count = Math.max(1, Math.min(n, slices.length));
  const results: Uint8Array[] = new Array(slices.length);
  let next = 0;
  let done = 0;
  const workers: InstanceType<WT['Worker']>[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { url, tsx } });
        workers.push(w);
        return new Promise<void>((resolve, reject) => {
          const send = (): void => {
            if (next >= slices.length) return resolve();
            const id = next++;
            w.postMessage({ id, job, input: slices[id] });
          };
          w.on('message', (msg: { ready?: boolean; fatal?: string; id?: number; out?: Uint8Array; error?: { code?: string; message: string } }) => {
            if (msg.fatal) return reject(new BukejianError('UNSUPPORTED', `PSI worker failed to start: ${msg.fatal}`));
            if (msg.ready) return send();
            if (msg.error) {
              const code = (msg.error.code ?? 'UNSUPPORTED') as ConstructorParameters<typeof BukejianError>[0];
              return reject(new BukejianError(code, msg.error.message));
            }
            results[msg.id!] = msg.out!;
            onProgress?.(++done);
            send();
          });
          w.on('error', reject);
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
