// verifyBatch: same answers as verify, in input order, in the calling thread and over 1–2
// worker_threads (from source the workers load src/sm2/_worker.ts through tsx), arrays and async
// iterables, malformed items → false.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { sm2 } from '../src/sm2/index.js';
import { PointCache, PRECOMPUTE_AFTER } from '../src/sm2/cache.js';
import { sm2Curve } from '../src/sm2/curve.js';
import type { WireItem } from '../src/sm2/batch.js';

const keys = Array.from({ length: 5 }, () => sm2.keygen());
const items = Array.from({ length: 120 }, (_, i) => {
  const k = keys[i % keys.length]!;
  const message = `record ${i}`;
  const signature = sm2.sign(message, k.secretKey, {
    format: i % 3 === 0 ? 'raw' : 'der',
    userId: i % 2 ? 'agency-7' : undefined,
  });
  return {
    signature,
    message,
    publicKey: k.publicKey,
    format: (i % 3 === 0 ? 'raw' : 'der') as 'raw' | 'der',
    userId: i % 2 ? 'agency-7' : undefined,
  };
});
// every 7th item tampered, one with a broken key, one with garbage DER
const input = items.map((it, i) => (i % 7 === 3 ? { ...it, message: it.message + '!' } : it));
input[10] = { ...input[10]!, publicKey: new Uint8Array(65).fill(4) };
input[11] = { ...input[11]!, signature: new Uint8Array([0x30, 0x00]) };
// Expected answers come from how the input was built, not from the code under test.
const expected = input.map((_, i) => !(i % 7 === 3 || i === 10 || i === 11));

afterAll(() => sm2.verifyBatch.close());

describe('verifyBatch', () => {
  it('expected answers contain both outcomes, and single verify agrees with them', () => {
    expect(expected.filter(Boolean).length).toBe(102);
    expect(expected.filter((x) => !x).length).toBe(18);
    const single = input.map((it) => {
      try {
        return sm2.verify(it.signature, it.message, it.publicKey, {
          format: it.format,
          userId: it.userId,
        });
      } catch {
        return false;
      }
    });
    expect(single).toEqual(expected);
  });
  for (const workers of [0, 1, 2]) {
    it(`workers: ${workers} matches verify item by item`, async () => {
      expect(await sm2.verifyBatch(input, { workers, chunkSize: 16 })).toEqual(expected);
    });
  }
  it('input read in many small windows (chunkSize 3): same answers, same order', async () => {
    for (const workers of [0, 2])
      expect(await sm2.verifyBatch(input, { workers, chunkSize: 3 })).toEqual(expected);
  });
  it('accepts an async iterable (one window and several)', async () => {
    async function* gen() {
      for (const it of input.slice(0, 30)) yield it;
    }
    expect(await sm2.verifyBatch(gen(), { workers: 0 })).toEqual(expected.slice(0, 30));
    expect(await sm2.verifyBatch(gen(), { workers: 2, chunkSize: 2 })).toEqual(
      expected.slice(0, 30),
    );
  });
  it('malformed items give false, not an exception', async () => {
    const junk = [
      null,
      42,
      { message: 7, signature: 'x', publicKey: [] },
      { ...items[0]!, publicKey: undefined },
    ] as never[];
    for (const workers of [0, 2])
      expect(await sm2.verifyBatch([items[0]!, ...junk], { workers })).toEqual([
        true,
        false,
        false,
        false,
        false,
      ]);
  });
  it('items that could not be sent to a worker (a function as userId, non-bytes fields) give false', async () => {
    const odd = [
      { ...items[1]!, userId: () => 1 },
      { ...items[1]!, signature: new Proxy(items[1]!.signature, {}) },
      { ...items[1]!, format: 'pem' },
    ] as never[];
    for (const workers of [0, 2])
      expect(await sm2.verifyBatch([items[1]!, ...odd, items[2]!], { workers })).toEqual([
        true,
        false,
        false,
        false,
        true,
      ]);
  });
  it('a chunk the pool cannot send is rejected (and the slot released), not left pending', async () => {
    const { WorkerPool } = await import('../src/_pool.js');
    const pool = new WorkerPool<WireItem[], Uint8Array>('sm2');
    await expect(
      pool.run([
        { s: new Uint8Array(0), m: new Uint8Array(0), p: new Uint8Array(0), u: (() => 1) as never },
      ]),
    ).rejects.toMatchObject({ name: 'DataCloneError' });
    const ok = await pool.run([
      {
        s: items[0]!.signature,
        m: new TextEncoder().encode(items[0]!.message),
        p: items[0]!.publicKey,
        f: items[0]!.format,
      },
    ]);
    expect(Array.from(ok)).toEqual([1]);
    await pool.close();
  });
  it('the process exits after a batch with such items (built package, no close())', () => {
    const code = `import { sm2 } from 'bukejian/sm2';
      const k = sm2.keygen(), sig = sm2.sign('m', k.secretKey);
      const r = await sm2.verifyBatch([{ signature: sig, message: 'm', publicKey: k.publicKey }, { signature: sig, message: 'm', publicKey: k.publicKey, userId: () => 1 }], { workers: 2 });
      console.log(JSON.stringify(r));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: path.resolve(__dirname, '..'),
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(out.trim()).toBe('[true,false]');
  });
  it('empty input, bad options', async () => {
    expect(await sm2.verifyBatch([], { workers: 2 })).toEqual([]);
    await expect(sm2.verifyBatch(input, { workers: -1 })).rejects.toMatchObject({
      code: 'INVALID_RANGE',
    });
    await expect(sm2.verifyBatch(input, { threads: 2 } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(sm2.verifyBatch(42 as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' });
  });
});

describe('per-key LRU', () => {
  it('is bounded, evicts the least recently used key, builds a table on the PRECOMPUTE_AFTER-th use', () => {
    const cache = new PointCache(sm2Curve, 3);
    for (const k of keys) cache.get(k.publicKey);
    expect(cache.size).toBe(3);
    for (let i = 2; i < PRECOMPUTE_AFTER; i++)
      expect(cache.get(keys[4]!.publicKey).table).toBeNull();
    const e = cache.get(keys[4]!.publicKey);
    expect(e.table).not.toBeNull();
    expect(cache.get(keys[0]!.publicKey).table).toBeNull(); // evicted earlier, cold again
    expect(() => cache.get(new Uint8Array(65))).toThrowError(
      expect.objectContaining({ code: 'INVALID_POINT' }),
    );
  });
});
