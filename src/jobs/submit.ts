/**
 * Submitting jobs and waiting for them: the job spec is validated, its input cut into parts
 * (paths and line ranges, never records) and the first stage enqueued.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoptions } from '../_assert.js';
import type { JobBackend, JobStatus } from './backend.js';
import { jobId } from './bullmq.js';
import { planPsi, psiSpec } from './_psi.js';
import type { PsiJobSpec } from './_psi.js';
import { planVerify, verifySpec } from './_verify.js';
import type { VerifyJobSpec } from './_verify.js';
import { eligibilitySpec, planEligibility } from './_eligibility.js';
import type { EligibilityVerifyJobSpec } from './_eligibility.js';

/**
 * A job: PSI against a peer agency, or batch verification of SM2 signatures or of eligibility
 * proofs.
 */
export type JobSpec = PsiJobSpec | VerifyJobSpec | EligibilityVerifyJobSpec;

/**
 * Validates `spec`, plans its parts and enqueues it; returns the job id. Submitting the same id
 * again adds nothing.
 * @example
 * import { bullmqBackend, submitJob } from 'bukejian/jobs'
 * const backend = bullmqBackend({ redis: 'redis://127.0.0.1:6379' })
 * await submitJob(backend, { kind: 'sm2-verify', id: 'claims-2026-12', input: '/srv/in/claims.jsonl', out: '/srv/out/claims.ok' })
 */
export async function submitJob(backend: JobBackend, spec: JobSpec): Promise<string> {
  if (spec === null || typeof spec !== 'object')
    throw new BukejianError('INVALID_TYPE', '"spec" expected object');
  const id = jobId(spec.id);
  if (spec.kind === 'psi') await backend.enqueue(await planPsi(psiSpec(spec)));
  else if (spec.kind === 'sm2-verify') await backend.enqueue(await planVerify(verifySpec(spec)));
  else if (spec.kind === 'eligibility-verify')
    await backend.enqueue(await planEligibility(eligibilitySpec(spec)));
  else
    throw new BukejianError(
      'INVALID_OPTION',
      '"kind" expected "psi", "sm2-verify" or "eligibility-verify"',
    );
  return id;
}

/**
 * Waits until job `id` has completed (its result) or failed (BukejianError with the failed
 * part's code); `onStatus` sees every status polled.
 * @example
 * import { bullmqBackend, waitForJob } from 'bukejian/jobs'
 * const backend = bullmqBackend({ redis: 'redis://127.0.0.1:6379' })
 * const result = await waitForJob(backend, 'claims-2026-12', { timeout: 3_600_000 })
 */
export async function waitForJob(
  backend: JobBackend,
  id: string,
  opts?: { timeout?: number; interval?: number; onStatus?: (s: JobStatus) => void },
): Promise<unknown> {
  const o = aoptions(opts, 'opts', ['timeout', 'interval', 'onStatus']);
  const timeout = o.timeout === undefined ? Infinity : anumber(o.timeout, 'timeout', 0);
  const interval = o.interval === undefined ? 500 : anumber(o.interval, 'interval', 10, 60_000);
  const end = Date.now() + timeout;
  for (;;) {
    let s: JobStatus | undefined;
    try {
      s = await backend.status(id);
    } catch (e) {
      if (!(e instanceof BukejianError && e.code === 'IO') && e instanceof BukejianError) throw e;
      // the queue is unreachable for now (a Redis restart): keep polling until the timeout
    }
    if (s) {
      o.onStatus?.(s);
      if (s.state === 'completed') return s.result;
      if (s.state === 'failed') {
        const err = s.error ?? { code: 'IO', message: 'failed' };
        throw new BukejianError(
          err.code as never,
          `job ${id} failed${err.part !== undefined ? ` (stage ${s.stage}, part ${err.part})` : ''}: ${err.message}`,
        );
      }
    }
    if (Date.now() >= end)
      throw new BukejianError('IO', `job ${id} not finished within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
