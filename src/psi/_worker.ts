/**
 * The worker-thread entry of PSI batches (started by src/_pool.ts as `dist/psi/_worker.js`, never
 * imported by library code): runs {@link runChunk} on each slice it is sent.
 * @module
 */
import { serveTasks } from '../_worker.js';
import { runChunk, type BatchJob } from './batch.js';

serveTasks((t: { job: BatchJob; input: Uint8Array[] | Uint8Array }) => runChunk(t.job, t.input));
