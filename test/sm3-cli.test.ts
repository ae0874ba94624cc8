// `bukejian sm3 [FILE...]` through the built CLI (dist/cli.js; `npm test` builds first): digests
// printed like sha256sum, checked against node:crypto (OpenSSL) SM3, stdin for `-` or no FILE,
// a file larger than one read chunk, and a missing file reported without stopping the others.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = process.env.BUKEJIAN_CLI ?? path.resolve(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-sm3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input?: Uint8Array | string) => {
  const r = spawnSync(process.execPath, [cli, 'sm3', ...args], { input });
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
};
const ref = (b: Uint8Array | string) => createHash('sm3').update(b).digest('hex');

describe('bukejian sm3', () => {
  it('stdin (no FILE and -): the GB/T 32905 "abc" digest', () => {
    const want = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';
    expect(run([], 'abc')).toMatchObject({ code: 0, out: `${want}  -\n` });
    expect(run(['-'], 'abc')).toMatchObject({ code: 0, out: `${want}  -\n` });
  });

  it('several files, one larger than a read chunk, in order; a missing file → exit 1, others still printed', () => {
    const big = randomBytes(300_001),
      small = '可用不可见\n';
    const a = path.join(dir, 'big.bin'),
      b = path.join(dir, 'small.txt'),
      missing = path.join(dir, 'nope');
    writeFileSync(a, big);
    writeFileSync(b, small);
    expect(run([a, b])).toMatchObject({ code: 0, out: `${ref(big)}  ${a}\n${ref(small)}  ${b}\n` });
    const r = run([a, missing, b]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${ref(big)}  ${a}\n${ref(small)}  ${b}\n`);
    expect(r.err).toMatch(/ENOENT/);
  });
});
