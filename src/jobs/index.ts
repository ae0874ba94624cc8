/**
 * `bukejian/jobs`: PSI buckets and batch verification as distributed jobs, on BullMQ and Redis.
 *
 * - A small backend interface (./backend.ts: enqueue a fan-out, handle one part, collect when
 *   all parts are done, status) and its BullMQ implementation (./bullmq.ts: flows, retries with
 *   exponential back-off, stalled-part recovery, progress).
 * - PSI jobs (./_psi.ts): each agency runs its own queue and workers; inputs are split into
 *   hash buckets, bucket b runs as one chunked PSI session against the peer's bucket b over
 *   HTTP, results are written per (job, bucket), atomically and once.
 * - Batch verification of SM2 signatures (./_verify.ts): a JSONL file in line ranges, one
 *   boolean per line in input order, as `sm2.verifyBatch` gives on one machine; and of
 *   eligibility proofs with their contexts (./_eligibility.ts), one result per line as
 *   `eligibility.verifyBatch` gives (`bukejian/zk` is loaded by the workers on first use).
 *
 * `bullmq` and `ioredis` are optional peer dependencies (`npm i bullmq ioredis`), loaded on
 * first use. Node only. Guide: docs/jobs.md.
 * @module
 */
export { bullmqBackend } from './bullmq.js';
export { startWorker } from './worker.js';
export { submitJob, waitForJob } from './submit.js';
export type { BullmqOptions } from './bullmq.js';
export type {
  FanOut,
  JobBackend,
  JobData,
  JobHandlers,
  JobStatus,
  PartContext,
  WorkerHandle,
} from './backend.js';
export type { RunningWorker, WorkerOptions } from './worker.js';
export type { JobSpec } from './submit.js';
export type { PsiJobSpec } from './_psi.js';
export type { VerifyJobSpec } from './_verify.js';
export type { EligibilityVerifyJobSpec } from './_eligibility.js';
