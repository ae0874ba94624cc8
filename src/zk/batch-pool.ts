/**
 * Worker-thread fan-out for `verifyBatch` (Node only; `node:worker_threads`, `node:os` and
 * `node:module` come from `process.getBuiltinModule`, so browser bundles never see `node:*`).
 * Each worker builds its own single-threaded BN254 engine (snarkjs's ffjavascript) and, for a chunk
 * of proofs, checks B ∈ G2 (on the twist, ψ(B) = [p − r]B) and returns the product of the Miller
 * loops e(−ρ_i·A_i, B_i) as one Fp12 value; the main thread multiplies the chunk products, adds the
 * 3 verification-key Miller loops and does the one final exponentiation. The worker is an eval'd
 * CommonJS script (no extra entry file) that loads snarkjs from the path the main thread resolved.
 * Idle workers are unref'd, so they never keep a process alive.
 * @module
 */
import { BukejianError } from '../errors.js';
import { BASE_FIELD } from './proof-codec.js';
import { FIELD_ORDER } from './field.js';

type Get = (id: string) => unknown;
function builtin<T>(id: string): T | null {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: Get } }).process?.getBuiltinModule;
    return typeof get === 'function' ? ((get(id) as T) ?? null) : null;
  } catch {
    return null;
  }
}

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

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const snarkjs = require(workerData.snarkjs);
const P = ${BASE_FIELD}n, R = ${FIELD_ORDER}n;
const ready = snarkjs.curves.getCurveFromName('bn128', { singleThread: true }).then((curve) => {
  const { G1, G2, F1, F2 } = curve;
  const xi = F2.fromObject([9n, 1n]);
  const psiX = F2.exp(xi, (P - 1n) / 3n), psiY = F2.exp(xi, (P - 1n) / 2n);
  const conj = (a) => { const r = new Uint8Array(64); r.set(a.subarray(0, 32)); r.set(F1.neg(a.slice(32, 64)), 32); return r; };
  const inSub = (q) => {
    const img = new Uint8Array(128);
    img.set(F2.mul(conj(q.slice(0, 64)), psiX), 0);
    img.set(F2.mul(conj(q.slice(64, 128)), psiY), 64);
    return G2.eq(G2.timesScalar(q, P - R), img);
  };
  return { curve, inSub };
});
parentPort.on('message', async (msg) => {
  try {
    const { curve, inSub } = await ready;
    const { G1, G2, F12 } = curve;
    let acc = F12.one;
    const bad = [];
    msg.items.forEach((it, k) => {
      const B = G2.fromObject([[it.b[0][0], it.b[0][1]], [it.b[1][0], it.b[1][1]], [1n, 0n]]);
      if (it.validate && (!G2.isValid(B) || G2.isZero(B) || !inSub(G2.toAffine(B)))) { bad.push(k); return; }
      const A = G1.fromObject([it.a[0], it.a[1], 1n]);
      const wA = it.w === 1n ? A : G1.timesScalar(A, it.w);
      acc = F12.mul(acc, curve.millerLoop(curve.prepareG1(G1.toJacobian(G1.neg(wA))), curve.prepareG2(G2.toJacobian(B))));
    });
    parentPort.postMessage({ id: msg.id, acc, bad });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String((e && e.message) || e) });
  }
});
`;

interface PoolWorker {
  w: {
    postMessage(m: unknown): void;
    on(ev: string, f: (m: never) => void): void;
    ref(): void;
    unref(): void;
    terminate(): Promise<number>;
  };
  busy: number;
}

let pool: PoolWorker[] = [];
let seq = 0;
const pending = new Map<
  number,
  { resolve(r: MillerResult): void; reject(e: unknown): void; pw: PoolWorker }
>();

function snarkjsPath(): string | null {
  const mod = builtin<{ createRequire(p: string): { resolve(id: string): string } }>('node:module');
  if (!mod) return null;
  const bases: string[] = [];
  try {
    if (typeof import.meta.url === 'string') bases.push(import.meta.url);
  } catch {
    // CommonJS build: fall back to the working directory
  }
  bases.push(`${(globalThis as { process: { cwd(): string } }).process.cwd()}/`);
  for (const b of bases) {
    try {
      return mod.createRequire(b).resolve('snarkjs');
    } catch {
      // try the next base
    }
  }
  return null;
}

/**
 * Default worker count: the number of cores, or 0 where worker_threads are unavailable.
 * @example batchWorkersAvailable() // 2 on a 2-core Node machine, 0 in a browser
 */
export function batchWorkersAvailable(): number {
  const os = builtin<{ availableParallelism?(): number; cpus(): unknown[] }>('node:os');
  if (!builtin('node:worker_threads') || !os || !snarkjsPath()) return 0;
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

function ensure(n: number): PoolWorker[] {
  const wt = builtin<{ Worker: new (src: string, o: object) => PoolWorker['w'] }>(
    'node:worker_threads',
  );
  const path = snarkjsPath();
  if (!wt || !path) throw new BukejianError('UNSUPPORTED', 'worker_threads are not available here');
  while (pool.length < n) {
    // `mod`/`type`: ffjavascript loads the 'web-worker' package, which treats every worker thread as
    // one of its own and runs workerData.mod; an empty data: URL makes that a no-op here.
    const workerData = {
      snarkjs: path,
      mod: 'data:text/javascript,',
      type: 'classic',
      name: 'bukejian-zk-batch',
    };
    const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData });
    const pw: PoolWorker = { w, busy: 0 };
    w.on('message', (m: { id: number; acc?: Uint8Array; bad?: number[]; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (--pw.busy === 0) w.unref();
      if (m.error !== undefined)
        p.reject(new BukejianError('BAD_STATE', `batch worker failed: ${m.error.slice(0, 80)}`));
      else p.resolve({ acc: new Uint8Array(m.acc!), bad: m.bad! });
    });
    w.on('error', (e: unknown) => {
      for (const [id, p] of pending) {
        if (p.pw === pw) {
          pending.delete(id);
          p.reject(e);
        }
      }
      pool = pool.filter((x) => x !== pw);
    });
    w.unref();
    pool.push(pw);
  }
  return pool.slice(0, n);
}

/**
 * Splits `items` over `n` workers; resolves to one MillerResult per chunk with `bad` as indices into `items`.
 * @example const parts = await millerOnWorkers(items, 2)
 */
export async function millerOnWorkers(
  items: readonly MillerItem[],
  n: number,
): Promise<MillerResult[]> {
  const workers = ensure(n);
  const size = Math.ceil(items.length / workers.length);
  const jobs: Promise<MillerResult>[] = [];
  for (let k = 0; k * size < items.length; k++) {
    const chunk = items.slice(k * size, (k + 1) * size);
    const pw = workers[k]!;
    const id = ++seq;
    jobs.push(
      new Promise<MillerResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, pw });
        if (pw.busy++ === 0) pw.w.ref();
        pw.w.postMessage({ id, items: chunk });
      }).then((r) => ({ acc: r.acc, bad: r.bad.map((i) => i + k * size) })),
    );
  }
  return Promise.all(jobs);
}

/**
 * Terminates the pool's workers.
 * @example await terminateBatchWorkers()
 */
export async function terminateBatchWorkers(): Promise<void> {
  const ws = pool;
  pool = [];
  await Promise.all(ws.map((p) => p.w.terminate()));
}
