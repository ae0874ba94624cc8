// Slow suite (npm run test:slow): the exhaustive tamper sweep (every byte of every stored file)
// and a longer SIGKILL soak than the one in the main suite.
import { describe, expect, it } from 'vitest';
import { tamperSweep } from '../fixtures/audit-tamper.js';
import { crashSoak } from '../fixtures/audit-crash-soak.js';

describe('audit soak', () => {
  it('every single-bit change of every stored byte is detected', async () => {
    const r = await tamperSweep('all');
    expect(r.cases).toBeGreaterThan(3000);
    expect(r.seen.undetected ?? 0).toBe(0);
  }, 1_800_000);

  it('survives 100 SIGKILLs at random moments', async () => {
    const r = await crashSoak(100, 600_000);
    expect(r.kills).toBe(100);
  }, 1_200_000);
});
