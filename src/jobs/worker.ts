/**
 * The worker side of `bukejian/jobs`: runs the parts and collects of PSI and batch verification
 * jobs from a backend, and, for agencies answering PSI jobs (server role), an HTTP endpoint for
 * the peer's bucket sessions. Node only.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoptions, astring } from '../_assert.js';
import type { JobBackend, JobHandlers } from './backend.js';
import { psiCollect, psiEndpoint, psiPart } from './_psi.js';
import { serve } from './_http.js';
import { verifyCollect, verifyPart } from './_verify.js';
import { eligibilityCollect, eligibilityPart } from './_eligibility.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** The agency's shared work directory (bucket fragments, part results, ready markers). */
  workDir: string;
  /** Parts run at once by this process (default 1). */
  concurrency?: number;
  /** Worker threads per part for the cryptography (default 0: this thread). */
  threads?: number;
  /**
   * Serve the PSI bucket sessions of server-role jobs on this address (e.g. `{ port: 8080 }`,
   * host default 127.0.0.1); the peer agency's jobs name it as their `peer`.
   */
  listen?: { host?: string; port: number };
}

/** A running worker; `url` is the PSI endpoint when `listen` was given. */
export interface RunningWorker {
  /** The PSI endpoint's base URL (with `listen`), e.g. `http://127.0.0.1:8080`. */
  url?: string;
  /** Stops the worker (waiting for the parts in progress) and the endpoint. */
  close(): Promise<void>;
}

/**
 * Starts a worker: takes parts of PSI and verification jobs from `backend` until closed.
 * @example
 * import { bullmqBackend, startWorker } from 'bukejian/jobs'
 * const backend = bullmqBackend({ redis: 'redis://127.0.0.1:6379' })
 * const worker = await startWorker(backend, { workDir: '/srv/jobs', concurrency: 2 })
 * process.on('SIGTERM', () => void worker.close().then(() => backend.close()))
 */
export async function startWorker(
  backend: JobBackend,
  opts: WorkerOptions,
): Promise<RunningWorker> {
  const o = aoptions(opts, 'opts', ['workDir', 'concurrency', 'threads', 'listen']);
  const env = {
    workDir: astring(o.workDir, 'workDir'),
    threads: o.threads === undefined ? 0 : anumber(o.threads, 'threads', 0, 256),
  };
  const concurrency =
    o.concurrency === undefined ? 1 : anumber(o.concurrency, 'concurrency', 1, 1024);
  const handlers: JobHandlers = {
    handle(kind, data, part, ctx) {
      if (kind === 'psi') return psiPart(data, ctx.stage, part, ctx, env);
      if (kind === 'sm2-verify') return verifyPart(data, part, ctx, env);
      if (kind === 'eligibility-verify') return eligibilityPart(data, part, ctx, env);
      throw new BukejianError('UNSUPPORTED', `job kind "${kind.slice(0, 40)}" unknown here`);
    },
    collect(kind, data, results, ctx) {
      if (kind === 'psi') return psiCollect(data, ctx.stage, results, ctx, env);
      if (kind === 'sm2-verify') return verifyCollect(data, results, env);
      if (kind === 'eligibility-verify') return eligibilityCollect(data, results, env);
      throw new BukejianError('UNSUPPORTED', `job kind "${kind.slice(0, 40)}" unknown here`);
    },
  };
  let url: string | undefined;
  let http: import('node:http').Server | undefined;
  if (o.listen !== undefined) {
    const l = aoptions(o.listen, 'listen', ['host', 'port']);
    const host = l.host === undefined ? '127.0.0.1' : astring(l.host, 'listen.host');
    const port = anumber(l.port, 'listen.port', 0, 65535);
    http = serve(psiEndpoint(env)); // keep-alive timeouts: ./_http.ts
    await new Promise<void>((resolve, reject) => {
      http!.once('error', reject);
      http!.listen(port, host, () => resolve());
    });
    const a = http.address();
    url = `http://${host}:${typeof a === 'object' && a ? a.port : port}`;
  }
  const handle = await backend.work(handlers, { concurrency });
  return {
    ...(url ? { url } : {}),
    async close() {
      await handle.close();
      if (http) {
        http.closeAllConnections?.();
        await new Promise((r) => http!.close(r));
      }
    },
  };
}
