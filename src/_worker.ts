/**
 * The worker side of src/_pool.ts: a worker entry (`src/<module>/_worker.ts`) calls
 * {@link serveTasks} with its task function; each `{ id, task }` message is answered with
 * `{ id, ok }` (a result that is a whole `Uint8Array` is transferred, not copied) or, when the
 * task throws, `{ id, error: { code, message } }` (the code of a `BukejianError`, else none).
 * @module
 */
import { nodeModule } from './_node.js';
import { isBukejianError } from './errors.js';

/**
 * Serves the pool's tasks with `handle` in this worker thread (does nothing on the main thread).
 * @example serveTasks((items: WireItem[]) => verifyChunk(items))
 */
export function serveTasks<T, R>(handle: (task: T) => R | Promise<R>): void {
  const wt = nodeModule('node:worker_threads');
  const port = wt && !wt.isMainThread ? wt.parentPort : null;
  if (!port) return;
  port.on('message', async (msg: { id: number; task: T }) => {
    try {
      const ok = await handle(msg.task);
      const whole =
        ok instanceof Uint8Array &&
        ok.buffer instanceof ArrayBuffer &&
        ok.byteOffset === 0 &&
        ok.byteLength === ok.buffer.byteLength;
      port.postMessage({ id: msg.id, ok }, whole ? [ok.buffer as ArrayBuffer] : []);
    } catch (e) {
      const message = String((e as Error | undefined)?.message ?? e);
      port.postMessage({
        id: msg.id,
        error: isBukejianError(e) ? { code: e.code, message } : { message },
      });
    }
  });
}
