// The first run of `bukejian psi` as a new user does it (issue 20): no --group (the default is
// x25519 and both parties say so), the client started before the server or while the server is
// still reading its list (it retries with back-off, naming the URL, for a bounded time), and a
// port already in use (one clean line, no stack). Built CLI (dist/cli.js) as child processes;
// synthetic 居民身份证号 with valid GB 11643 check characters.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { psiCli as proc } from './helpers/psi-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-psi-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(seq: number): string {
  const body = `320102${1950 + (seq % 50)}${String(1 + (seq % 12)).padStart(2, '0')}${String(1 + (seq % 28)).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`;
  const s = [...body].reduce((a, c, i) => a + Number(c) * W[i]!, 0);
  return body + '10X98765432'[s % 11]!;
}
const ids = Array.from({ length: 50 }, (_, i) => idNumber(i * 11 + 5));
const mine = ids.slice(0, 30);
const theirs = ids.slice(18);
const expected = mine.filter((x) => theirs.includes(x)).sort();
writeFileSync(path.join(dir, 'mine.txt'), mine.join('\n') + '\n');
writeFileSync(path.join(dir, 'theirs.txt'), theirs.join('\n') + '\n');

/** A port nobody listens on (bound, read, released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('bukejian psi: defaults, an absent or preparing server, a busy port', () => {
  it('without a server: says so with the URL, retries with back-off, gives up after --wait', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/psi`;
    const started = Date.now();
    const c = proc(['client', '--in', path.join(dir, 'mine.txt'), '--connect', url, '--wait', '2']);
    const r = await c.done;
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.err).toContain('group x25519 (the default');
    const retries = r.err.split('\n').filter((l) => l.startsWith('psi client: no server answers'));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]).toBe(
      `psi client: no server answers (connection refused) at ${url}; retrying in 0.5 s (giving up after 2 s)`,
    );
    expect(retries[1]).toContain('retrying in 1.0 s'); // back-off doubles
    expect(r.err).toMatch(
      new RegExp(
        `bukejian: IO: no server answers \\(connection refused\\) at ${url}, still after 2 s`,
      ),
    );
    expect(r.err).not.toMatch(/fetch failed|\n\s+at /);
    expect(r.out).toBe('');
  });

  it('a server still reading its list answers "preparing"; the client waits and then finds the overlap (both on the default group)', async () => {
    const fifo = path.join(dir, 'theirs.fifo');
    execFileSync('mkfifo', [fifo]);
    // the server binds at once but cannot finish preparing before the list arrives on the FIFO
    const s = proc(['server', '--in', fifo, '--port', '0', '--once']);
    try {
      const url = await new Promise<string>((res, rej) => {
        let err = '';
        s.p.stderr.on('data', (d) => {
          err += d;
          const m = /clients reaching (http:\/\/\S+) meanwhile/.exec(err);
          if (m) res(m[1]!);
        });
        s.p.on('exit', () => rej(new Error('server exited')));
      });
      const c = proc(['client', '--in', path.join(dir, 'mine.txt'), '--connect', url]);
      // the client has been told "preparing" at least once before the list is written
      await new Promise<void>((res) => {
        let err = '';
        c.p.stderr.on('data', (d) => {
          err += d;
          if (err.includes('the server is still preparing its set at')) res();
        });
      });
      writeFileSync(fifo, theirs.join('\n') + '\n');
      const [cr, sr] = await Promise.all([c.done, s.done]);
      expect(cr.code).toBe(0);
      expect(cr.out.trim().split('\n').sort()).toEqual(expected);
      expect(cr.err).toContain(
        `psi client: the server is still preparing its set at ${url}; retrying in`,
      );
      expect(sr.code).toBe(0);
      expect(sr.err).toMatch(/^psi server: group x25519 \(the default: fastest here/);
      expect(sr.err).toContain(`${theirs.length} items, listening on ${url}`);
    } finally {
      s.p.kill();
    }
  });

  it('a port in use: one line naming it, exit 1, no stack trace', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const s = proc(['server', '--in', path.join(dir, 'theirs.txt'), '--port', String(port)]);
      const r = await s.done;
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `bukejian: IO: 127.0.0.1:${port} is already in use (another server is running there?): stop it or pass another --port\n`,
      );
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
