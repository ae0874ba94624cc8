// The 100,000 × 100,000 bucketed PSI of issue 15 (64 buckets, three worker processes per agency,
// real redis-servers): equals the naive intersection through a client worker SIGKILLed
// mid-bucket and a Redis restart from its AOF. Slow suite: minutes on a shared 2-core machine.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agencies, bucketedPsi, type Agencies } from '../helpers/jobs-psi';

let ag: Agencies;
beforeAll(async () => {
  ag = await agencies();
}, 60_000);
afterAll(async () => {
  await ag?.stop();
});

it('100,000 × 100,000 in 64 buckets, 3 workers per agency = the naive intersection', async () => {
  const r = await bucketedPsi(ag, 100_000, 64, 'jobs');
  // 40 % overlap by construction; every bucket done once, none failed
  expect(r.intersection).toBe(0.4 * 100_000);
  expect(r.parts).toMatchObject({ total: 64, done: 64, failed: 0 });
}, 1_200_000);
