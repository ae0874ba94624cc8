// The 100,000 × 100,000 bucketed PSI of issue 15 (64 buckets, three worker processes per agency,
// real redis-servers): equals the naive intersection through a client worker SIGKILLed
// mid-bucket and a Redis restart from its AOF. Slow suite: minutes on a shared 2-core machine.
import { afterAll, beforeAll, it } from 'vitest';
import { agencies, bucketedPsi, type Agencies } from '../helpers/jobs-psi';

let ag: Agencies;
beforeAll(async () => {
  ag = await agencies();
}, 60_000);
afterAll(async () => {
  await ag?.stop();
});

it('100,000 × 100,000 in 64 buckets, 3 workers per agency = the naive intersection', async () => {
  await bucketedPsi(ag, 100_000, 64, 'jobs');
}, 1_200_000);
