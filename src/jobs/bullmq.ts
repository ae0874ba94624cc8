/**
 * The BullMQ backend of `bukejian/jobs`: a fan-out is a BullMQ flow (FlowProducer: one parent job,
 * one child per part, in one queue). Parts are retried with exponential back-off
 * (`attempts`, `backoff`); a worker that dies holding a part loses its lock and BullMQ's stalled
 * check hands the part to another worker; a part that fails for good fails its parent
 * (`failParentOnFailure`), so a job never waits forever on a poisoned part; a part whose worker
 * was lost more than 3 times fails too. The parent runs the
 * collect with its children's return values. Progress counters (parts done, failed, retried) sit
 * next to the queue in a few small Redis keys under `<prefix>:jobs:<id>`.
 *
 * `bullmq` and `ioredis` are optional peer dependencies, imported on first use only; without
 * them → UNSUPPORTED naming what to install.
 * @module
 */
import { BukejianError, isBukejianError } from '../errors.js';
import { anumber, aoptions, astring } from '../_assert.js';
import type {
  FanOut,
  JobBackend,
  JobHandlers,
  JobStatus,
  PartContext,
  WorkerHandle,
} from './backend.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Libs = { bullmq: any; Redis: any };
let loading: Promise<Libs> | undefined;

/** What to tell a user who has not installed the peer dependencies. */
const MISSING =
  'bukejian/jobs needs the optional peer dependencies bullmq and ioredis: npm i bullmq ioredis';

function load(): Promise<Libs> {
  return (loading ??= Promise.all([import('bullmq'), import('ioredis')]).then(
    ([bullmq, ioredis]: [any, any]) => ({ bullmq, Redis: ioredis.Redis ?? ioredis.default }),
    (e: unknown) => {
      loading = undefined; // installed later: the next call tries again
      throw new BukejianError('UNSUPPORTED', MISSING, { cause: e });
    },
  ));
}

/** Options of {@link bullmqBackend}. */
export interface BullmqOptions {
  /** Redis URL (`redis://host:port/db` or `rediss://…`). */
  redis: string;
  /** Queue name (default 'bukejian'); an agency's submitters and workers use the same one. */
  queue?: string;
  /** Redis key prefix (default 'bukejian'). */
  prefix?: string;
  /** Workers: ms a part's lock lasts without renewal before the part counts as stalled (30000). */
  lockDuration?: number;
  /** Workers: ms between checks for stalled parts (default 30000). */
  stalledInterval?: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a job id (letters, digits, `_`, `-`; 1..64) and returns it.
 * @example
 * jobId('pension-2026-12') // 'pension-2026-12'
 */
export function jobId(id: unknown, name = 'id'): string {
  if (typeof id !== 'string' || !ID.test(id))
    throw new BukejianError(
      'INVALID_OPTION',
      `"${name}" expected 1..64 letters, digits, "_" or "-", got ${typeof id === 'string' ? `length=${id.length}` : typeof id}`,
    );
  return id;
}

/** Error codes a retry cannot cure (the job's settings or input are wrong). */
const PERMANENT: ReadonlySet<string> = new Set([
  'INVALID_OPTION',
  'INVALID_TYPE',
  'INVALID_RANGE',
  'INVALID_LENGTH',
  'INVALID_DATA',
  'NOT_FOUND',
  'UNSUPPORTED',
]);

/** Times a part may lose its worker (crash, lock not renewed in time) before it fails. */
const MAX_STALLED = 3;

const codeOf = (e: unknown): string => (isBukejianError(e) ? e.code : 'IO');
/**
 * What is stored of an error: a BukejianError's message (never data, by the package's rule);
 * of anything else only its name and system code (a JSON.parse message quotes its input).
 */
const messageOf = (e: unknown): string => {
  if (isBukejianError(e)) return e.message;
  const code = (e as { code?: unknown })?.code;
  return `${e instanceof Error ? e.name : 'error'}${typeof code === 'string' ? ` ${code}` : ''}`;
};

/**
 * A {@link JobBackend} on BullMQ and Redis. Connects on first use.
 * @example
 * import { bullmqBackend } from 'bukejian/jobs'
 * const backend = bullmqBackend({ redis: 'redis://127.0.0.1:6379' })
 * console.log(await backend.status('pension-2026-12'))
 * await backend.close()
 */
export function bullmqBackend(opts: BullmqOptions): JobBackend {
  const o = aoptions(opts, 'opts', ['redis', 'queue', 'prefix', 'lockDuration', 'stalledInterval']);
  const url = astring(o.redis, 'redis');
  if (!/^rediss?:\/\//.test(url))
    throw new BukejianError('INVALID_OPTION', '"redis" expected a redis:// or rediss:// URL');
  const queueName = o.queue === undefined ? 'bukejian' : jobId(o.queue, 'queue');
  const prefix = o.prefix === undefined ? 'bukejian' : jobId(o.prefix, 'prefix');
  const lockDuration =
    o.lockDuration === undefined ? 30_000 : anumber(o.lockDuration, 'lockDuration', 1000, 3.6e6);
  const stalledInterval =
    o.stalledInterval === undefined
      ? 30_000
      : anumber(o.stalledInterval, 'stalledInterval', 1000, 3.6e6);
  // workers wait for Redis as long as it takes; submitters and status calls give up on a command
  // after ~10 reconnection attempts (waitForJob keeps polling through a Redis restart)
  const redisOpts = { maxRetriesPerRequest: null, enableOfflineQueue: true };
  const clientOpts = { maxRetriesPerRequest: 10, enableOfflineQueue: true };
  const meta = (id: string) => `${prefix}:jobs:${id}`;
  const setKey = (id: string, stage: string, what: string) => `${meta(id)}:${stage}:${what}`;

  let conn: Promise<{ lib: Libs; redis: any; queue: any; flow: any }> | undefined;
  const connect = () =>
    (conn ??= load().then((lib) => {
      const redis = new lib.Redis(url, clientOpts);
      redis.on('error', () => undefined); // reconnects on its own; commands wait meanwhile
      const queue = new lib.bullmq.Queue(queueName, { connection: redis, prefix });
      const flow = new lib.bullmq.FlowProducer({ connection: redis, prefix });
      queue.on('error', () => undefined);
      flow.on('error', () => undefined);
      return { lib, redis, queue, flow };
    }));

  const backend: JobBackend = {
    name: 'bullmq',

    async enqueue(job: FanOut): Promise<void> {
      const j = aoptions(job, 'job', [
        'id',
        'kind',
        'stage',
        'data',
        'parts',
        'attempts',
        'backoff',
      ]);
      const id = jobId(j.id);
      const stage = j.stage === undefined ? 'main' : jobId(j.stage, 'stage');
      const kind = jobId(j.kind, 'kind');
      if (!Array.isArray(j.parts) || j.parts.length < 1)
        throw new BukejianError('INVALID_OPTION', '"parts" expected a non-empty array');
      const attempts = j.attempts === undefined ? 3 : anumber(j.attempts, 'attempts', 1, 100);
      const delay = j.backoff === undefined ? 1000 : anumber(j.backoff, 'backoff', 0, 3.6e6);
      const { redis, queue, flow } = await connect();
      const parentId = `${id}.${stage}`;
      if (await queue.getJob(parentId)) return; // enqueued before (a re-run collect): nothing new
      const retry = { attempts, backoff: { type: 'exponential', delay } };
      await redis.hset(meta(id), {
        kind,
        stage,
        [`${stage}:total`]: j.parts.length,
        [`${stage}:created`]: Date.now(),
      });
      await flow.add({
        name: kind,
        queueName,
        data: { kind, stage, data: j.data },
        opts: { jobId: parentId, ...retry },
        children: j.parts.map((part, index) => ({
          name: `${kind}.part`,
          queueName,
          data: { kind, stage, data: j.data, part, index },
          opts: { jobId: `${parentId}.${index}`, ...retry, failParentOnFailure: true },
        })),
      });
    },

    async work(handlers: JobHandlers, wopts?: { concurrency?: number }): Promise<WorkerHandle> {
      const w = aoptions(wopts, 'opts', ['concurrency']);
      const concurrency =
        w.concurrency === undefined ? 1 : anumber(w.concurrency, 'concurrency', 1, 1024);
      const { lib } = await connect();
      const redis = new lib.Redis(url, redisOpts);
      redis.on('error', () => undefined);
      const worker = new lib.bullmq.Worker(
        queueName,
        async (job: any) => {
          const { kind, stage, data, part, index } = job.data;
          const id = String(job.id).split('.')[0]!;
          const isPart = typeof index === 'number';
          const attempt = Math.max(job.attemptsMade ?? 0, (job.attemptsStarted ?? 1) - 1);
          if (isPart && attempt > 0) await redis.sadd(setKey(id, stage, 'retried'), index);
          const ctx: PartContext = {
            jobId: id,
            stage,
            index: isPart ? index : -1,
            attempt,
            progress: (f) => job.updateProgress(Math.round(Math.min(1, Math.max(0, f)) * 100)),
            enqueue: (next) => backend.enqueue(next),
          };
          try {
            if (isPart) {
              const r = await handlers.handle(kind, data, part, ctx);
              await redis.sadd(setKey(id, stage, 'done'), index);
              return { index, r: r ?? null };
            }
            const values = Object.values(await job.getChildrenValues()) as {
              index: number;
              r: unknown;
            }[];
            values.sort((a, b) => a.index - b.index);
            return (
              (await handlers.collect(
                kind,
                data,
                values.map((v) => v.r),
                ctx,
              )) ?? null
            );
          } catch (e) {
            // a wrong setting or input fails the same way every time: no retries for those
            const permanent = PERMANENT.has(codeOf(e));
            const last = permanent || (job.attemptsMade ?? 0) + 1 >= (job.opts?.attempts ?? 1);
            if (isPart && last)
              await redis.hset(
                setKey(id, stage, 'failed'),
                String(index),
                `${codeOf(e)}\t${messageOf(e)}`,
              );
            if (permanent) throw new lib.bullmq.UnrecoverableError(`${codeOf(e)}: ${messageOf(e)}`);
            throw isBukejianError(e) ? e : new BukejianError('IO', messageOf(e));
          }
        },
        {
          connection: redis,
          prefix,
          concurrency,
          lockDuration,
          stalledInterval,
          maxStalledCount: MAX_STALLED,
        },
      );
      worker.on('error', () => undefined); // connection loss: BullMQ reconnects and resumes
      return {
        async close() {
          await worker.close();
          await redis.quit().catch(() => undefined);
        },
      };
    },

    async status(id: string): Promise<JobStatus> {
      jobId(id);
      const { redis, queue } = await connect();
      const m: Record<string, string> = await redis.hgetall(meta(id));
      const unknown: JobStatus = {
        id,
        kind: '',
        state: 'unknown',
        stage: '',
        parts: { total: 0, done: 0, failed: 0, retried: 0 },
        elapsedMs: 0,
        rate: 0,
      };
      if (!m.kind || !m.stage) return unknown;
      const stage = m.stage;
      const total = Number(m[`${stage}:total`]);
      const created = Number(m[`${stage}:created`]);
      // the state first: a part's counters are written before BullMQ moves it (and its parent)
      // on, so counters read after a 'failed' state include the failed part's entry
      const parent = await queue.getJob(`${id}.${stage}`);
      const st: string = parent ? await parent.getState() : 'unknown';
      const [done, retried, failed] = await Promise.all([
        redis.scard(setKey(id, stage, 'done')),
        redis.scard(setKey(id, stage, 'retried')),
        redis.hgetall(setKey(id, stage, 'failed')) as Promise<Record<string, string>>,
      ]);
      const elapsedMs = Math.max(0, Date.now() - created);
      const rate = elapsedMs > 0 ? (1000 * done) / elapsedMs : 0;
      const s: JobStatus = {
        id,
        kind: m.kind,
        state:
          st === 'completed'
            ? 'completed'
            : st === 'failed'
              ? 'failed'
              : done > 0 || retried > 0 || st === 'active'
                ? 'running'
                : 'waiting',
        stage,
        parts: { total, done, failed: Object.keys(failed).length, retried },
        elapsedMs,
        rate,
      };
      if (rate > 0 && done < total) s.etaSeconds = (total - done) / rate;
      else if (done >= total) s.etaSeconds = 0;
      if (s.state === 'completed')
        s.result = parent.returnvalue ?? (await queue.getJob(`${id}.${stage}`))?.returnvalue;
      const first = Object.keys(failed)
        .map(Number)
        .sort((a, b) => a - b)[0];
      if (first !== undefined) {
        const [code, ...rest] = failed[String(first)]!.split('\t');
        s.error = { code: code!, message: rest.join('\t'), part: first };
      } else if (s.state === 'failed') {
        // failed outside a handler (e.g. stalled more often than allowed): the child's own reason
        const reason = String(parent.failedReason ?? 'failed');
        const m = new RegExp(`${id}\\.${stage}\\.(\\d+)`).exec(reason);
        const child = m ? await queue.getJob(`${id}.${stage}.${m[1]}`) : undefined;
        s.error = {
          code: 'IO',
          message: String(child?.failedReason ?? reason),
          ...(m ? { part: Number(m[1]) } : {}),
        };
      }
      return s;
    },

    async close(): Promise<void> {
      if (!conn) return;
      const c = await conn;
      conn = undefined;
      await Promise.all([c.queue.close(), c.flow.close()]).catch(() => undefined);
      await c.redis.quit().catch(() => undefined);
    },
  };
  return backend;
}
