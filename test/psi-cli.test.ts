// `bukejian psi server|client`: two processes (two agencies) on localhost exchange the PSI
// messages over HTTP through the built CLI (dist/cli.js; the suite runs after the build).
// Items are synthetic 居民身份证号 with valid GB 11643 check digits and invented names.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { psiCli as proc } from './helpers/psi-cli.js';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-psi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(seq: number): string {
  const body = `110101${1960 + (seq % 40)}${String(1 + (seq % 12)).padStart(2, '0')}${String(1 + (seq % 28)).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`;
  const s = [...body].reduce((a, c, i) => a + Number(c) * W[i]!, 0);
  return body + '10X98765432'[s % 11]!;
}

describe('bukejian psi (two processes over HTTP)', () => {
  const ids = Array.from({ length: 60 }, (_, i) => idNumber(i * 7 + 3));
  const mine = ids.slice(0, 40); // the county office
  const theirs = ids.slice(25); // the province
  const expected = mine.filter((x) => theirs.includes(x));
  // the client writes some check digits in lower case: canonical 'id' makes them meet
  writeFileSync(
    path.join(dir, 'mine.csv'),
    'name,id\n' + mine.map((x, i) => `申请人${i},${x.toLowerCase()}`).join('\n') + '\n',
  );
  writeFileSync(
    path.join(dir, 'theirs.csv'),
    'id,level\n' + theirs.map((x, i) => `${x},${i % 3}`).join('\n') + '\n',
  );

  for (const group of ['x25519', 'ristretto255']) {
    it(`intersection (${group})`, async () => {
      const s = proc([
        'server',
        '--in',
        path.join(dir, 'theirs.csv'),
        '--column',
        'id',
        '--port',
        '0',
        '--once',
        '--group',
        group,
        '--canonical',
        'id',
      ]);
      const url = await s.url;
      // x25519: 40 items in chunks of 7 (six chunk messages, the last one short)
      const chunk = group === 'x25519' ? ['--chunk', '7'] : [];
      const c = proc([
        'client',
        '--in',
        path.join(dir, 'mine.csv'),
        '--column',
        'id',
        '--connect',
        url,
        '--group',
        group,
        '--canonical',
        'id',
        ...chunk,
      ]);
      const cr = await c.done;
      expect(cr.err).toBe('');
      expect(cr.code).toBe(0);
      expect(
        cr.out
          .trim()
          .split('\n')
          .map((x) => x.toUpperCase())
          .sort(),
      ).toEqual([...expected].sort());
      expect((await s.done).code).toBe(0);
    }, 60_000);
  }

  it('cardinality only', async () => {
    const s = proc([
      'server',
      '--in',
      path.join(dir, 'theirs.csv'),
      '--column',
      'id',
      '--port',
      '0',
      '--once',
      '--mode',
      'cardinality',
      '--canonical',
      'id',
      '--group',
      'x25519',
    ]);
    const c = proc([
      'client',
      '--in',
      path.join(dir, 'mine.csv'),
      '--column',
      'id',
      '--connect',
      await s.url,
      '--cardinality',
      '--canonical',
      'id',
      '--group',
      'x25519',
      '--json',
      '--chunk',
      '3',
    ]);
    const cr = await c.done;
    expect(cr.code).toBe(0);
    expect(JSON.parse(cr.out)).toEqual({ mode: 'cardinality', cardinality: expected.length });
    expect((await s.done).code).toBe(0);
  }, 60_000);

  it('both parties learn the intersection (mode both), server output to a file', async () => {
    const outFile = path.join(dir, 'server-out.txt');
    const s = proc([
      'server',
      '--in',
      path.join(dir, 'theirs.csv'),
      '--column',
      'id',
      '--port',
      '0',
      '--once',
      '--mode',
      'both',
      '--canonical',
      'id',
      '--group',
      'x25519',
      '--out',
      outFile,
      '--format',
      'raw',
    ]);
    const c = proc([
      'client',
      '--in',
      path.join(dir, 'mine.csv'),
      '--column',
      'id',
      '--connect',
      await s.url,
      '--mode',
      'both',
      '--canonical',
      'id',
      '--group',
      'x25519',
      '--chunk',
      '16',
    ]);
    expect((await c.done).code).toBe(0);
    expect((await s.done).code).toBe(0);
    expect(readFileSync(outFile, 'utf8').trim().split('\n').sort()).toEqual([...expected].sort());
  }, 60_000);

  it('a configuration mismatch fails with exit code 1 and the server’s reason', async () => {
    const s = proc([
      'server',
      '--in',
      path.join(dir, 'theirs.csv'),
      '--column',
      'id',
      '--port',
      '0',
      '--group',
      'x25519',
    ]);
    try {
      const c = proc([
        'client',
        '--in',
        path.join(dir, 'mine.csv'),
        '--column',
        'id',
        '--connect',
        await s.url,
        '--group',
        'p256',
      ]);
      const cr = await c.done;
      expect(cr.code).toBe(1);
      expect(cr.err).toMatch(/INVALID_ENCODING/);
    } finally {
      s.p.kill();
    }
  }, 60_000);

  it('--canonical cn-id: a 15-digit legacy number meets its 18-digit form', async () => {
    writeFileSync(path.join(dir, 'legacy.txt'), '110105491231002\n110105491331002\n');
    writeFileSync(path.join(dir, 'new.txt'), '11010519491231002X\n11010519491331002X\n');
    const s = proc([
      'server',
      '--in',
      path.join(dir, 'new.txt'),
      '--port',
      '0',
      '--once',
      '--canonical',
      'cn-id',
      '--group',
      'x25519',
    ]);
    const c = proc([
      'client',
      '--in',
      path.join(dir, 'legacy.txt'),
      '--connect',
      await s.url,
      '--canonical',
      'cn-id',
      '--group',
      'x25519',
    ]);
    const cr = await c.done;
    expect(cr.code).toBe(0);
    expect(cr.out).toBe('110105491231002\n'); // the invalid one (month 13) is not converted
    expect((await s.done).code).toBe(0);
  }, 60_000);

  it('server limits: a client over --max-items and an oversized body → INVALID_LENGTH', async () => {
    const s = proc([
      'server',
      '--in',
      path.join(dir, 'theirs.csv'),
      '--column',
      'id',
      '--port',
      '0',
      '--group',
      'x25519',
      '--canonical',
      'id',
      '--max-items',
      '5',
    ]);
    try {
      const url = await s.url;
      // the CLI client reads a stream ("unknown" count): held to the server's 5 items
      const c = proc([
        'client',
        '--in',
        path.join(dir, 'mine.csv'),
        '--column',
        'id',
        '--connect',
        url,
        '--group',
        'x25519',
        '--canonical',
        'id',
        '--chunk',
        '3',
      ]);
      const cr = await c.done;
      expect(cr.code).toBe(1);
      expect(cr.err).toMatch(/INVALID_LENGTH/);
      // a body larger than a full chunk (2^16 elements of 32 bytes + header) is refused unread
      const r = await fetch(url, { method: 'POST', body: new Uint8Array(2 ** 16 * 32 + 64) });
      expect(r.status).toBe(400);
      expect(await r.text()).toMatch(/^INVALID_LENGTH: request body too large/);
    } finally {
      s.p.kill();
    }
  }, 60_000);

  it('usage errors exit 2', async () => {
    const c = proc(['client', '--bogus']);
    expect((await c.done).code).toBe(2);
  });
});
