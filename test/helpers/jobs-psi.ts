// Two agencies for PSI jobs, each with its own redis-server (test/helpers/redis.ts) and three
// worker processes of the built CLI (the server side's also answer the bucket sessions), and the
// bucketed PSI scenario shared by test/jobs-psi.test.ts and the 100,000 × 100,000 run in
// test/slow/: the result must equal the naive intersection through a client worker SIGKILLed
// mid-bucket and a restart of the client side's Redis from its append-only file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { startRedis, type RedisServer } from './redis';
import { jobsCli, worker, type WorkerProcess } from './jobs-cli';

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

export async function agencies(): Promise<Agencies> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-jobs-psi-'));
  const keyFile = path.join(dir, 'bucket.key');
  writeFileSync(keyFile, '000102030405060708090a0b0c0d0e0f1011121314151617\n');
  const [a, b] = await Promise.all([startRedis(), startRedis()]);
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

export async function status(url: string, id: string, queue: string): Promise<Status> {
  const r = await jobsCli(['status', id, '--redis', url, '--queue', queue, '--json']);
  return JSON.parse(r.out) as Status;
}

export async function until(f: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 200));
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
 * SIGKILLed once 1/8 of the buckets are done, the client's Redis restarted at 5/16.
 */
export async function bucketedPsi(
  ag: Agencies,
  N: number,
  buckets: number,
  queue: string,
): Promise<{ intersection: number; parts: Status['parts'] }> {
  const q = `n${N}`;
  const { a, peers } = await ag.workers(queue, 10_000);
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
  await ag.redis.a.restart();
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
  return { intersection: got.length, parts: s.parts };
}
