// Two agencies for PSI jobs, each with its own redis-server (test/helpers/redis.ts) and three
// worker processes of the built CLI (the server side's also answer the bucket sessions), and the
// bucketed PSI scenario shared by test/jobs-psi.test.ts and the 100,000 × 100,000 run in
// test/scale/: the result must equal the naive intersection through a client worker SIGKILLed
// mid-bucket and a restart (SIGTERM) or crash (SIGKILL) of the client side's Redis, back from its
// append-only file; and the poisoned-bucket scenario of both.
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { startRedis, type RedisServer } from './redis';
import { jobsCli, worker, type WorkerProcess } from './jobs-cli';
import { bullmqBackend, type JobBackend } from '../../src/jobs/index';

/** Synthetic 居民身份证号 with a valid ISO 7064 MOD 11-2 check digit, distinct for each i. */
export function idNumber(i: number): string {
  const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 900) * 86_400_000);
  const body =
    '440106' +
    day.toISOString().slice(0, 10).replaceAll('-', '') +
    String(100 + (i % 900)).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let k = 0; k < 17; k++) s += Number(body[k]) * w[k]!;
  return body + '10X98765432'[s % 11]!;
}

export interface Agencies {
  dir: string;
  keyFile: string;
  redis: { a: RedisServer; b: RedisServer };
  /** Three workers per agency on queue `name` (started once per name); B's endpoint URLs. */
  workers(
    name: string,
    lockMs?: number,
  ): Promise<{ a: WorkerProcess[]; b: WorkerProcess[]; peers: string[] }>;
  stop(): Promise<void>;
}

const BUCKET_KEY = '000102030405060708090a0b0c0d0e0f1011121314151617';

/**
 * The workers' part lock and stalled check (ms): a SIGKILLed worker's bucket goes to another
 * worker within 5–10 s. Its lock is renewed every 2.5 s, far more often than a chunk of 1,024
 * items blocks a worker's thread.
 */
export const LOCK_MS = 5_000;

/**
 * The bucket of an 18-character ID number (already canonical under 'cn-id'), computed here with
 * node:crypto's HMAC-SM3 as psi.partition defines it: HMAC-SM3(key, item)[0..4] mod buckets.
 */
export function bucketOfId(id: string, buckets: number): number {
  return (
    createHmac('sm3', Buffer.from(BUCKET_KEY, 'hex')).update(id).digest().readUInt32BE(0) % buckets
  );
}

export async function agencies(opts: { appendfsync?: 'always' } = {}): Promise<Agencies> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-jobs-psi-'));
  const keyFile = path.join(dir, 'bucket.key');
  writeFileSync(keyFile, BUCKET_KEY + '\n');
  const [a, b] = await Promise.all([startRedis(opts), startRedis(opts)]);
  const procs: WorkerProcess[] = [];
  const sets = new Map<string, ReturnType<Agencies['workers']>>();
  return {
    dir,
    keyFile,
    redis: { a, b },
    workers(name, lockMs = 30_000) {
      const had = sets.get(name);
      if (had) return had; // one set per queue name (the lock duration of the first call)
      const made = start(name, lockMs);
      sets.set(name, made);
      return made;
    },
    async stop() {
      await closeStatus();
      await Promise.all(procs.map((w) => w.stop()));
      await Promise.all([a.stop(), b.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  async function start(name: string, lockMs: number) {
    const wa = [0, 1, 2].map(() =>
      worker([
        '--redis',
        a.url,
        '--work',
        path.join(dir, name, 'a'),
        '--queue',
        name,
        '--lock-duration',
        String(lockMs),
      ]),
    );
    const wb = [0, 1, 2].map(() =>
      worker([
        '--redis',
        b.url,
        '--work',
        path.join(dir, name, 'b'),
        '--queue',
        name,
        '--listen',
        '127.0.0.1:0',
      ]),
    );
    procs.push(...wa, ...wb);
    const peers = (await Promise.all(wb.map((w) => w.ready))) as string[];
    await Promise.all(wa.map((w) => w.ready));
    return { a: wa, b: wb, peers };
  }
}

export interface Status {
  state: string;
  stage: string;
  parts: { total: number; done: number; failed: number; retried: number };
  error?: { code: string; part?: number; message: string };
}

const backends = new Map<string, JobBackend>();

/**
 * A job's status, asked in this process (polling through a CLI process every 200 ms cost about a
 * core of a 2-core machine); `bukejian jobs status` itself is checked in poisonedBucket and in
 * test/jobs-verify.test.ts.
 */
export async function status(url: string, id: string, queue: string): Promise<Status> {
  const k = `${url} ${queue}`;
  let b = backends.get(k);
  if (!b) backends.set(k, (b = bullmqBackend({ redis: url, queue })));
  return (await b.status(id)) as Status;
}

/** Closes the status connections opened by {@link status}. */
export async function closeStatus(): Promise<void> {
  await Promise.all([...backends.values()].map((b) => b.close()));
  backends.clear();
}

export async function until(f: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const common = (ag: Agencies, id: string, queue: string, buckets: number) => [
  '--id',
  id,
  '--queue',
  queue,
  '--buckets',
  String(buckets),
  '--key-file',
  ag.keyFile,
  '--group',
  'x25519',
];

/**
 * N × N items (overlap 0.4 N), `buckets` buckets, three workers per agency; one client worker
 * SIGKILLed once 1/8 of the buckets are done, the client's Redis restarted at 5/16 (`redis:
 * 'restart'`, SIGTERM) or killed and started again (`'crash'`, SIGKILL) on its directory and port.
 * Checks the result against the naive intersection, and the per-bucket result files the client's
 * workers wrote (keyed by bucket): exactly one per bucket, each holding exactly the naive
 * intersection's items of that bucket (bucket computed here with node:crypto), so no bucket was
 * counted twice or lost.
 */
export async function bucketedPsi(
  ag: Agencies,
  N: number,
  buckets: number,
  queue: string,
  redis: 'restart' | 'crash' = 'restart',
): Promise<{ intersection: number; parts: Status['parts'] }> {
  const q = `n${N}`;
  const { a, peers } = await ag.workers(queue, LOCK_MS);
  const mine = Array.from({ length: N }, (_, i) => idNumber(i));
  const theirs = Array.from({ length: N }, (_, i) => idNumber(i + 0.6 * N));
  const aIn = path.join(ag.dir, `${q}-a.csv`);
  const bIn = path.join(ag.dir, `${q}-b.txt`);
  writeFileSync(aIn, 'name,id\n' + mine.map((x, i) => `person${i},${x}`).join('\n') + '\n');
  writeFileSync(bIn, theirs.join('\n') + '\n');
  const lines = String(Math.ceil(N / 4));
  const b = await jobsCli([
    'psi',
    '--redis',
    ag.redis.b.url,
    ...common(ag, q, queue, buckets),
    '--role',
    'server',
    '--in',
    bIn,
    '--max-evaluations',
    'inf',
    '--canonical',
    'cn-id',
    '--part-lines',
    lines,
  ]);
  expect(b.code).toBe(0);
  const out = path.join(ag.dir, `${q}.out`);
  const run = jobsCli([
    'psi',
    '--redis',
    ag.redis.a.url,
    ...common(ag, q, queue, buckets),
    '--role',
    'client',
    '--in',
    aIn,
    '--column',
    'id',
    '--canonical',
    'cn-id',
    '--peer',
    peers.join(','),
    '--out',
    out,
    '--part-lines',
    lines,
    '--wait',
  ]);
  // SIGKILL one client worker once the bucket stage is under way (each worker runs one bucket at
  // a time, back to back: it dies holding one)
  await until(async () => {
    const s = await status(ag.redis.a.url, q, queue);
    return s.stage === 'buckets' && s.parts.done >= buckets / 8;
  }, 600_000);
  a[0]!.p.kill('SIGKILL');
  // then restart the client side's Redis (SIGTERM, back from its append-only file) mid-job
  await until(
    async () => (await status(ag.redis.a.url, q, queue)).parts.done >= (5 * buckets) / 16,
    600_000,
  );
  expect((await status(ag.redis.a.url, q, queue)).parts.done).toBeLessThan(buckets);
  if (redis === 'crash') await ag.redis.a.crash();
  else await ag.redis.a.restart();
  const r = await run;
  expect(r.err).not.toMatch(/bukejian:/);
  expect(r.code).toBe(0);
  const naive = new Set(theirs);
  const expected = mine.filter((x) => naive.has(x));
  expect(expected.length).toBe(0.4 * N);
  expect(JSON.parse(r.out)).toMatchObject({ cardinality: 0.4 * N, buckets });
  const got = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  expect(got.length).toBe(0.4 * N); // no bucket counted twice
  expect(new Set(got)).toEqual(new Set(expected));
  const s = await status(ag.redis.a.url, q, queue);
  expect(s).toMatchObject({ state: 'completed', stage: 'buckets' });
  expect(s.parts).toMatchObject({ total: buckets, done: buckets, failed: 0 });
  expect(s.parts.retried).toBeGreaterThanOrEqual(1); // the killed worker's bucket ran again
  // the per-bucket results, keyed by bucket: one file per bucket, each the naive ∩ of its bucket
  const resultDir = path.join(ag.dir, queue, 'a', q, 'result');
  const files = readdirSync(resultDir).sort((x, y) => parseInt(x) - parseInt(y));
  expect(files).toEqual(Array.from({ length: buckets }, (_, b) => `${b}.json`));
  const perBucket: string[][] = Array.from({ length: buckets }, () => []);
  for (const x of expected) perBucket[bucketOfId(x, buckets)]!.push(x);
  let sum = 0;
  for (let b = 0; b < buckets; b++) {
    const f = JSON.parse(readFileSync(path.join(resultDir, `${b}.json`), 'utf8')) as {
      bucket: number;
      cardinality: number;
      intersection: string[];
    };
    expect(f.bucket).toBe(b);
    expect(f.intersection.slice().sort()).toEqual(perBucket[b]!.sort());
    expect(f.cardinality).toBe(perBucket[b]!.length);
    sum += f.cardinality;
  }
  expect(sum).toBe(0.4 * N);
  return { intersection: got.length, parts: s.parts };
}

/**
 * A poisoned bucket: bucket 5 of the client's bucket directory is a directory (EISDIR when read):
 * its part fails with IO after its retries, within a minute, and the job and `jobs status` say so.
 */
export async function poisonedBucket(ag: Agencies, queue: string, id: string): Promise<void> {
  const { peers } = await ag.workers(queue, LOCK_MS);
  const mine = Array.from({ length: 400 }, (_, i) => idNumber(300_000 + i));
  const aDir = path.join(ag.dir, `${id}-a`);
  const bDir = path.join(ag.dir, `${id}-b`);
  for (const d of [aDir, bDir]) {
    mkdirSync(d);
    for (let b = 0; b < 8; b++)
      writeFileSync(
        path.join(d, `${b}.txt`),
        mine.filter((x) => bucketOfId(x, 8) === b).join('\n'),
      );
  }
  rmSync(path.join(aDir, '5.txt'));
  mkdirSync(path.join(aDir, '5.txt')); // unreadable as a file: EISDIR
  const b = await jobsCli([
    'psi',
    '--redis',
    ag.redis.b.url,
    ...common(ag, id, queue, 8),
    '--role',
    'server',
    '--bucket-dir',
    bDir,
    '--max-evaluations',
    'inf',
  ]);
  expect(b.code).toBe(0);
  const t0 = Date.now();
  const r = await jobsCli([
    'psi',
    '--redis',
    ag.redis.a.url,
    ...common(ag, id, queue, 8),
    '--role',
    'client',
    '--bucket-dir',
    aDir,
    '--peer',
    peers.join(','),
    '--out',
    path.join(ag.dir, `${id}.out`),
    '--wait',
  ]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(
    new RegExp(
      `bukejian: IO: job ${id} failed \\(stage buckets, part 5\\): reading 5\\.txt failed \\(EISDIR\\)`,
    ),
  );
  expect(Date.now() - t0).toBeLessThan(60_000);
  const s = await status(ag.redis.a.url, id, queue);
  expect(s.state).toBe('failed');
  expect(s.parts.failed).toBe(1);
  expect(s.parts.retried).toBeGreaterThanOrEqual(1);
  expect(s.error).toMatchObject({ code: 'IO', part: 5 });
  const text = await jobsCli(['status', id, '--redis', ag.redis.a.url, '--queue', queue]);
  expect(text.code).toBe(1);
  expect(text.out).toMatch(/error in part 5: IO: reading 5\.txt failed \(EISDIR\)/);
}
