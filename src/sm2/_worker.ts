/**
 * The worker-thread entry of SM2 `verifyBatch` (started by src/_pool.ts as `dist/sm2/_worker.js`,
 * never imported by library code). It verifies each chunk it receives with the same code and
 * per-key LRU as the calling thread and answers with one byte per item (1 = valid).
 * @module
 */
import { serveTasks } from '../_worker.js';
import { verifyWire, type WireItem } from './batch.js';

serveTasks((items: WireItem[]) => {
  const ok = new Uint8Array(items.length);
  for (let i = 0; i < ok.length; i++) ok[i] = verifyWire(items[i]!) ? 1 : 0;
  return ok;
});
