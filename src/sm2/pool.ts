/**
 * A small, lazily created pool of `worker_threads` for `verifyBatch` (Node only: the modules are
 * taken from `process.getBuiltinModule`, so browser bundles never see `node:*`). Workers are kept
 * between calls (a warm worker keeps its base-point table and per-key LRU) and are unref'd while
 * idle so they never keep a process alive. The worker script is `worker.js` next to the built
 * entry (`dist/sm2/worker.js`), or `worker.ts` through tsx when running from source.
 * @module
 */
import type * as WT from 'node:worker_threads';
import type * as OS from 'node:os';
import { BukejianError } from '../errors.js';
import type { WireItem } from './batch.js';

type Get = (id: string) => unknown;
function builtin<T>(id: string): T | null {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: Get } }).process?.getBuiltinModule;
    return typeof get === 'function' ? ((get(id) as T) ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * True when worker_threads exist here.
 * @example if (!poolAvailable()) verifyInThread(items)
 */
export function poolAvailable(): boolean {
  return builtin<typeof WT>('node:worker_threads') !== null && workerLocation() !== null;
}

/**
 * Default worker count: the number of cores (1 where unknown).
 * @example defaultWorkers() // 2 on a 2-core machine
 */
export function defaultWorkers(): number {
  const os = builtin<typeof OS>('node:os');
  return os ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length) : 1;
}

declare const __filename: string | undefined;

/** Where the worker script is: built JS next to the entry, or (running from source) an eval bootstrap that registers tsx. */
function workerLocation(): { url: URL | string; eval: boolean } | null {
  let here: string | undefined;
  try {
    here = import.meta.url;
  } catch {
    here = undefined;
  }
  if (!here && typeof __filename === 'string') here = 'file://' + __filename;
  if (!here) return null;
  if (/\.ts$/.test(here)) {
    // development/tests only: tsx compiles src/sm2/worker.ts inside the worker
    const mod = builtin<typeof import('node:module')>('node:module');
    if (!mod) return null;
    let api: string;
    try {
      api = new URL(
        'file://' +
          mod
            .createRequire(here)
            .resolve('tsx/esm/api')
            .replace(/\.cjs$/, '.mjs'),
      ).href;
    } catch {
      return null;
    }
    const target = new URL('./worker.ts', here).href;
    return {
      url: `import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(target)}))`,
      eval: true,
    };
  }
  const cjs = /\.cjs$/.test(here);
  // built code sits in dist/ (entry or shared chunk); the worker entry is dist/sm2/worker.{js,cjs}
  return { url: new URL(cjs ? './sm2/worker.cjs' : './sm2/worker.js', here), eval: false };
}

interface Slot {
  worker: WT.Worker;
  pending: Map<number, { resolve: (r: Uint8Array) => void; reject: (e: unknown) => void }>;
}

let pool: Slot[] = [];
let nextId = 1;

function spawn(): Slot {
  const wt = builtin<typeof WT>('node:worker_threads')!;
  const loc = workerLocation()!;
  // execArgv: [] — the worker needs no flags of the parent (and some, like --input-type, break it)
  const worker = new wt.Worker(loc.url, { eval: loc.eval, execArgv: [] });
  const slot: Slot = { worker, pending: new Map() };
  worker.on('message', (msg: { id: number; ok: Uint8Array }) => {
    const p = slot.pending.get(msg.id);
    if (!p) return;
    slot.pending.delete(msg.id);
    if (slot.pending.size === 0) worker.unref();
    p.resolve(msg.ok);
  });
  const fail = (e: unknown): void => {
    for (const p of slot.pending.values())
      p.reject(new BukejianError('UNSUPPORTED', 'verifyBatch worker failed', { cause: e }));
    slot.pending.clear();
    pool = pool.filter((s) => s !== slot);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
  worker.unref();
  return slot;
}

/**
 * Sends `items` to worker `index` of a pool of at least `size` workers; resolves to 1/0 per item.
 * @example const ok = await runOnPool(2, 0, wireItems) // Uint8Array of 1/0
 */
export function runOnPool(size: number, index: number, items: WireItem[]): Promise<Uint8Array> {
  while (pool.length < size) pool.push(spawn());
  const slot = pool[index % size]!;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    try {
      slot.worker.postMessage({ id, items });
    } catch (e) {
      // e.g. DataCloneError: the message never left, so no answer will come; without this the
      // entry stayed pending and the worker ref'd, and the process never exited
      slot.pending.delete(id);
      if (slot.pending.size === 0) slot.worker.unref();
      reject(e);
    }
  });
}

/**
 * Terminates the pooled workers (they are unref'd and never block exit; call this to free them early).
 * @example await closeBatchWorkers()
 */
export async function closeBatchWorkers(): Promise<void> {
  const old = pool;
  pool = [];
  await Promise.all(old.map((s) => s.worker.terminate()));
}
