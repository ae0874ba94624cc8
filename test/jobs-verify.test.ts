// Batch verification of SM2 signatures as a job on a real redis-server, run through the built
// CLI: three worker processes, 20,000 signatures of which 5 were corrupted by this test → exactly
// those 5 lines are false, in input order; a small file with malformed lines gives, line for
// line, what sm2.verifyBatch gives on one machine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index';
import { bytesToHex } from '../src/utils';
import type { BatchItem } from '../src/sm2/batch';
import { startRedis, type RedisServer } from './helpers/redis';
import { jobsCli, worker, type WorkerProcess } from './helpers/jobs-cli';

let redis: RedisServer;
let dir: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(path.join(tmpdir(), 'bukejian-jobs-verify-'));
  for (let i = 0; i < 3; i++)
    workers.push(worker(['--redis', redis.url, '--work', path.join(dir, 'work')]));
  await Promise.all(workers.map((w) => w.ready));
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const line = (message: string, signature: Uint8Array, publicKey: Uint8Array) =>
  JSON.stringify({ message, signature: bytesToHex(signature), publicKey: bytesToHex(publicKey) });

const results = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as boolean);

describe('jobs verify (SM2)', () => {
  it('20,000 signatures, 5 corrupted → exactly those 5 false, in input order', async () => {
    // 2,000 distinct signatures (10 keys), each written 10 times at spread-out positions
    const keys = Array.from({ length: 10 }, () => sm2.keygen());
    const distinct = Array.from({ length: 2000 }, (_, i) => {
      const k = keys[i % keys.length]!;
      const message = `社保待遇核查 record ${i}`;
      return { message, signature: sm2.sign(message, k.secretKey), publicKey: k.publicKey };
    });
    const lines = Array.from({ length: 20_000 }, (_, i) => {
      const d = distinct[(i * 7) % 2000]!;
      return line(d.message, d.signature, d.publicKey);
    });
    const bad = [3, 4_999, 5_000, 12_345, 19_999];
    const corrupt = (i: number, how: number) => {
      const d = distinct[(i * 7) % 2000]!;
      if (how === 0) {
        const s = d.signature.slice();
        s[s.length - 1]! ^= 1; // one bit of s
        lines[i] = line(d.message, s, d.publicKey);
      } else if (how === 1) lines[i] = line(d.message + '!', d.signature, d.publicKey);
      else lines[i] = line(d.message, d.signature, keys[(i % 10) + 1 === 10 ? 0 : 9]!.publicKey);
    };
    bad.forEach((i, n) => corrupt(i, n % 3));
    const input = path.join(dir, 'sigs.jsonl');
    const out = path.join(dir, 'sigs.ok');
    writeFileSync(input, lines.join('\n') + '\n');
    const r = await jobsCli([
      'verify',
      '--redis',
      redis.url,
      '--id',
      'sigs20k',
      '--in',
      input,
      '--out',
      out,
      '--part-lines',
      '1000',
      '--wait',
    ]);
    expect(r.err).toMatch(/job sigs20k \[main\] \w+: \d+\/20 parts done/);
    expect(r.err.endsWith('\n')).toBe(true); // stderr is not a TTY: whole lines
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ items: 20_000, invalid: 5, first: bad });
    const ok = results(out);
    expect(ok.length).toBe(20_000);
    expect(ok.flatMap((v, i) => (v ? [] : [i]))).toEqual(bad);
    const status = await jobsCli(['status', 'sigs20k', '--redis', redis.url, '--json']);
    expect(JSON.parse(status.out)).toMatchObject({
      state: 'completed',
      parts: { total: 20, done: 20, failed: 0 },
    });
  }, 170_000);

  it('malformed lines: the same booleans as sm2.verifyBatch on one machine', async () => {
    const k = sm2.keygen();
    const other = sm2.keygen();
    const items: { text: string; ref: BatchItem }[] = [];
    for (let i = 0; i < 60; i++) {
      const message = `m${i}`;
      const raw = i % 4 === 0;
      const signature = sm2.sign(message, k.secretKey, raw ? { format: 'raw' } : {});
      const userId = i % 5 === 0 ? 'agency-7' : undefined;
      const sig = userId ? sm2.sign(message, k.secretKey, { userId }) : signature;
      const rec: Record<string, unknown> = {
        message,
        signature: bytesToHex(sig),
        publicKey: bytesToHex(i % 7 === 0 ? other.publicKey : k.publicKey),
      };
      if (raw && !userId) rec.format = 'raw';
      if (userId) rec.userId = userId;
      items.push({
        text: JSON.stringify(rec),
        ref: {
          message,
          signature: sig,
          publicKey: i % 7 === 0 ? other.publicKey : k.publicKey,
          ...(raw && !userId ? { format: 'raw' as const } : {}),
          ...(userId ? { userId } : {}),
        },
      });
    }
    const broken = [
      'not json',
      '{"message":"x","signature":"zz","publicKey":"04"}',
      '{"signature":"00","publicKey":"04"}',
      '[1,2,3]',
      '{"messageHex":"6d30","signature":"' +
        bytesToHex(sm2.sign('m0', k.secretKey)) +
        '","publicKey":"' +
        bytesToHex(k.publicKey) +
        '"}',
    ];
    const lines = [...items.map((x) => x.text), ...broken];
    const input = path.join(dir, 'mixed.jsonl');
    const out = path.join(dir, 'mixed.ok');
    writeFileSync(input, lines.join('\r\n') + '\r\n');
    const r = await jobsCli([
      'verify',
      '--redis',
      redis.url,
      '--id',
      'mixed',
      '--in',
      input,
      '--out',
      out,
      '--part-lines',
      '7',
      '--wait',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    const want = await sm2.verifyBatch(
      [
        ...items.map((x) => x.ref),
        ...[0, 1, 2, 3].map(() => ({}) as never),
        {
          message: new Uint8Array([0x6d, 0x30]),
          signature: sm2.sign('m0', k.secretKey),
          publicKey: k.publicKey,
        },
      ],
      { workers: 0 },
    );
    expect(want.filter(Boolean).length).toBeGreaterThan(30); // most are good,
    expect(want.filter((v) => !v).length).toBeGreaterThan(10); // some are not
    expect(results(out)).toEqual(want);
  }, 60_000);
});
