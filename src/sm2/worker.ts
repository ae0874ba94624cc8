/**
 * The `worker_threads` entry of `verifyBatch` (Node only by nature; it is loaded only by
 * src/sm2/pool.ts as `dist/sm2/worker.js`, never imported by library code). It verifies each
 * chunk it receives with the same code and per-key LRU as the calling thread and answers with
 * one byte per item (1 = valid).
 * @module
 */
import { verifyWire, type WireItem } from './batch.js';

const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  ?.getBuiltinModule;
const wt =
  typeof get === 'function'
    ? (get('node:worker_threads') as typeof import('node:worker_threads'))
    : null;
const port = wt && !wt.isMainThread ? wt.parentPort : null;

port?.on('message', (msg: { id: number; items: WireItem[] }) => {
  const ok = new Uint8Array(msg.items.length);
  for (let i = 0; i < ok.length; i++) ok[i] = verifyWire(msg.items[i]!) ? 1 : 0;
  port.postMessage({ id: msg.id, ok }, [ok.buffer]);
});

/** Marker export so the module is a valid entry. @example import '@bukejian/sm2/worker' */
export const isBatchWorker = port !== null;
