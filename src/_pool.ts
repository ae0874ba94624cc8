/**
 * The one worker-thread pool of the package (Node only; `node:worker_threads` comes from
 * src/_node.ts, so browser bundles never see `node:*`). SM2 `verifyBatch`, PSI batches and zk
 * batch verification are thin task definitions over it: each names its worker entry
 * (`src/<module>/_worker.ts`, built to `dist/<module>/_worker.js`, found next to this module with
 * `new URL(…, import.meta.url)`; from TypeScript sources the worker registers tsx first), and the
 * worker serves tasks with {@link serveTasks} from src/_worker.ts.
 *
 * Workers start lazily, are kept between calls (warm per-key tables, compiled WASM) and are
 * `unref`'d while idle, so they never keep a process alive. A task goes to worker `index % size`
 * (callers use this for affinity: one key's items on one worker). A worker that dies rejects its
 * tasks with `UNSUPPORTED` and is replaced by the next call; a task that throws in the worker
 * rejects with the same `BukejianError` code and message.
 * @module
 */
import type { Worker } from 'node:worker_threads';
import { nodeModule } from './_node.js';
import { BukejianError, type ErrorCode } from './errors.js';

/** Reply of a worker to task `id` (see src/_worker.ts). */
interface Reply {
  id: number;
  ok?: unknown;
  error?: { code?: ErrorCode; message: string };
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: never) => void; reject: (e: unknown) => void }>;
}

/** A worker entry: the built file, or (running from source) an eval bootstrap registering tsx. */
function workerScript(module: string): { script: URL | string; eval: boolean } | null {
  const here = import.meta.url;
  if (typeof here !== 'string' || !here.startsWith('file:')) return null;
  if (!here.endsWith('.ts'))
    return { script: new URL(`./${module}/_worker.js`, here), eval: false };
  // development and tests only: tsx compiles src/<module>/_worker.ts inside the worker
  let tsx: string;
  try {
    const api = nodeModule('node:module')!.createRequire(here).resolve('tsx/esm/api');
    tsx = new URL('file://' + api.replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return null;
  }
  const target = new URL(`./${module}/_worker.ts`, here).href;
  const source =
    `import(${JSON.stringify(tsx)}).then((m) => m.register())` +
    `.then(() => import(${JSON.stringify(target)}))`;
  return { script: source, eval: true };
}

/**
 * The default number of workers: the number of cores (1 where unknown).
 * @example defaultWorkers() // 2 on a 2-core machine
 */
export function defaultWorkers(): number {
  const os = nodeModule('node:os');
  return os ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length) : 1;
}

/** A pool of worker threads running one module's worker entry. */
export class WorkerPool<T, R> {
  readonly #module: string;
  readonly #workerData: Record<string, unknown> | undefined;
  #slots: Slot[] = [];
  #nextId = 1;

  /**
   * A pool for `src/<module>/_worker.ts`; `workerData` is passed to every worker.
   * @example const pool = new WorkerPool<WireItem[], Uint8Array>('sm2')
   */
  constructor(module: 'sm2' | 'psi' | 'zk', workerData?: Record<string, unknown>) {
    this.#module = module;
    this.#workerData = workerData;
  }

  /**
   * True when worker threads can be started here (Node, and the worker entry can be located).
   * @example if (!pool.available()) runHere(items)
   */
  available(): boolean {
    return nodeModule('node:worker_threads') !== null && workerScript(this.#module) !== null;
  }

  #spawn(): Slot {
    const wt = nodeModule('node:worker_threads');
    const loc = workerScript(this.#module);
    if (!wt || !loc)
      throw new BukejianError('UNSUPPORTED', 'worker_threads are not available here');
    // execArgv: [] — the worker needs no flags of the parent (and some, like --input-type, break it)
    const worker = new wt.Worker(loc.script, {
      eval: loc.eval,
      execArgv: [],
      workerData: this.#workerData,
    });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (msg: Reply) => {
      const p = slot.pending.get(msg.id);
      if (!p) return;
      slot.pending.delete(msg.id);
      if (slot.pending.size === 0) worker.unref();
      if (msg.error)
        p.reject(new BukejianError(msg.error.code ?? 'UNSUPPORTED', msg.error.message));
      else p.resolve(msg.ok as never);
    });
    const fail = (e: unknown): void => {
      this.#slots = this.#slots.filter((s) => s !== slot);
      for (const p of slot.pending.values())
        p.reject(new BukejianError('UNSUPPORTED', `${this.#module} worker failed`, { cause: e }));
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    worker.unref();
    return slot;
  }

  /**
   * Runs `task` on worker `index % size` of a pool of at least `size` workers.
   * @example const ok = await pool.run(items, bucket, 2)
   */
  run(task: T, index = 0, size = 1): Promise<R> {
    while (this.#slots.length < size) this.#slots.push(this.#spawn());
    const slot = this.#slots[index % size]!;
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (r: never) => void, reject });
      slot.worker.ref();
      try {
        slot.worker.postMessage({ id, task });
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
   * Terminates the workers (a later `run` starts new ones).
   * @example await pool.close()
   */
  async close(): Promise<void> {
    const old = this.#slots;
    this.#slots = [];
    await Promise.all(old.map((s) => s.worker.terminate()));
  }
}
