// The scale suite of issue 15 (`npm run test:scale`, vitest.scale.config.ts; in CI after
// `npm test`): a 100,000 × 100,000 bucketed PSI (64 buckets, three worker processes per agency,
// real redis-servers with appendonly yes and appendfsync always) equals the naive intersection
// through one client worker SIGKILLed mid-bucket and the client side's Redis SIGKILLed mid-job
// and started again on the same directory and port (it comes back from its AOF); the per-bucket
// result files show every bucket counted once. Then a poisoned bucket (its own queue and
// workers) fails its part with a typed error after its retries and the job reports it, without
// hanging. The job's progress is printed every 20 s (for CI logs).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agencies, bucketedPsi, poisonedBucket, status, type Agencies } from '../helpers/jobs-psi';

let ag: Agencies;
beforeAll(async () => {
  ag = await agencies({ appendfsync: 'always' });
}, 60_000);
afterAll(async () => {
  await ag?.stop();
});

it('100,000 × 100,000 in 64 buckets, 3 workers per agency = the naive intersection, through a SIGKILLed worker and a SIGKILLed Redis', async () => {
  const t0 = Date.now();
  const progress = setInterval(() => {
    void status(ag.redis.a.url, 'n100000', 'scale').then(
      (s) =>
        console.error(
          `${((Date.now() - t0) / 1000).toFixed(0)} s: [${s.stage}] ${s.state} ${s.parts.done}/${s.parts.total} parts, ${s.parts.retried} retried`,
        ),
      () => console.error('status: Redis unreachable'),
    );
  }, 20_000);
  try {
    const r = await bucketedPsi(ag, 100_000, 64, 'scale', 'crash');
    // 40 % overlap by construction; every bucket done once, none failed
    expect(r.intersection).toBe(0.4 * 100_000);
    expect(r.parts).toMatchObject({ total: 64, done: 64, failed: 0 });
  } finally {
    clearInterval(progress);
  }
}, 1_200_000);

it('a poisoned bucket fails its part with a typed error after its retries; the job reports it', async () => {
  await poisonedBucket(ag, 'scale-poison', 'poison');
}, 120_000);
