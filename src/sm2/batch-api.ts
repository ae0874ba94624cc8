/**
 * The public `verifyBatch` function object: the batch verifier plus `close()` to terminate its
 * pooled worker threads early.
 * @module
 */
import { closeBatchWorkers, verifyBatch, type BatchItem, type BatchOptions } from './batch.js';

/**
 * `sm2.verifyBatch(items, { workers })` → one boolean per item; `sm2.verifyBatch.close()` frees workers.
 * @example
 * const ok = await sm2.verifyBatch(items, { workers: 2 })
 * await sm2.verifyBatch.close()
 */
export const batchVerifier: {
  (items: Iterable<BatchItem> | AsyncIterable<BatchItem>, opts?: BatchOptions): Promise<boolean[]>;
  /**
   * Terminates the pooled worker threads and resolves once they have exited. Optional: the
   * workers are unref'd and never keep the process alive; a later `verifyBatch` starts new ones.
   */
  close(): Promise<void>;
} = /* @__PURE__ */ Object.freeze(
  Object.assign(verifyBatch.bind(null), { close: closeBatchWorkers }),
);
