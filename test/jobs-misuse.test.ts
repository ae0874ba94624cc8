// bukejian/jobs without its optional peers, and misuse caught before anything is enqueued.
import { describe, expect, it, vi } from 'vitest';

vi.mock('bullmq', () => {
  throw new Error("Cannot find package 'bullmq'");
});

const { bullmqBackend, submitJob } = await import('../src/jobs/index');

describe('jobs misuse', () => {
  it('bullmq missing → UNSUPPORTED naming what to install, on first use (not on import)', async () => {
    const backend = bullmqBackend({ redis: 'redis://127.0.0.1:1' });
    await expect(backend.status('x')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining('npm i bullmq ioredis'),
    });
  });

  it('bad settings → INVALID_OPTION before connecting', async () => {
    expect(() => bullmqBackend({ redis: 'http://127.0.0.1:6379' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => bullmqBackend({ redis: 'redis://h', queue: 'a:b' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    const backend = bullmqBackend({ redis: 'redis://127.0.0.1:1' });
    const psiJob = {
      kind: 'psi' as const,
      id: 'j1',
      role: 'client' as const,
      input: '/nonexistent.txt',
      buckets: 4,
      bucketKeyFile: '/nonexistent.key',
      group: 'x25519' as const,
    };
    await expect(submitJob(backend, { ...psiJob, id: 'a b' })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(submitJob(backend, psiJob)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('"peer"'),
    });
    await expect(
      submitJob(backend, { ...psiJob, role: 'server', peer: undefined }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('maxEvaluations'),
    });
    await expect(
      submitJob(backend, { ...psiJob, peer: ['http://b'], group: 'p384' as never }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(
      submitJob(backend, { ...psiJob, peer: ['http://b'], bucketDir: '/x' }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('exactly one'),
    });
    await expect(
      submitJob(backend, { ...psiJob, peer: ['http://b'], input: '/x.csv' }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('"column"'),
    });
    await expect(submitJob(backend, { kind: 'other', id: 'j' } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    // mode 'both' is a job mode; a server's "out" only makes sense in it
    await expect(
      submitJob(backend, { ...psiJob, role: 'server', maxEvaluations: 'inf', out: '/tmp/o' }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('"out"'),
    });
    await expect(
      submitJob(backend, { ...psiJob, peer: ['http://b'], mode: 'all' as never }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('both') });
    // eligibility proofs: the verification key is never implied
    const zkJob = { kind: 'eligibility-verify' as const, id: 'z', input: '/x', out: '/o' };
    await expect(submitJob(backend, zkJob)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('"vkey"'),
    });
    await expect(
      submitJob(backend, { ...zkJob, allowDevelopmentKey: 'yes' as never }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('an input file that does not exist → IO naming only its base name', async () => {
    const backend = bullmqBackend({ redis: 'redis://127.0.0.1:1' });
    const err = await submitJob(backend, {
      kind: 'sm2-verify',
      id: 'v',
      input: '/srv/secret-dir/claims.jsonl',
      out: '/tmp/o',
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO', message: 'reading claims.jsonl failed (ENOENT)' });
  });
});
