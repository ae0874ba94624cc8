// `bukejian psi` against hostile peers over real HTTP on 127.0.0.1 (the built CLI, dist/cli.js):
// - a peer that opens sessions and never continues cannot take every session slot.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { psi } from '../src/psi/index.js';

const cli = path.resolve(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-psi-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'mine.txt'), 'a1\nb2\nc3\n');
writeFileSync(path.join(dir, 'theirs.txt'), 'b2\nc3\nd4\n');

function proc(args: string[]) {
  const p = spawn(process.execPath, [cli, 'psi', ...args]);
  let out = '';
  let err = '';
  p.stdout.on('data', (b) => (out += b));
  p.stderr.on('data', (b) => (err += b));
  const done = new Promise<{ code: number | null; out: string; err: string }>((res) => p.on('exit', (code) => res({ code, out, err })));
  const url = new Promise<string>((res, rej) => {
    p.stderr.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) res(m[1]!);
    });
    p.on('exit', () => rej(new Error(`server exited: ${err}`)));
  });
  url.catch(() => undefined);
  return { p, done, url };
}

const client = (url: string, ...extra: string[]) => proc(['client', '--in', path.join(dir, 'mine.txt'), '--connect', url, '--group', 'x25519', '--quiet', ...extra]);

describe('psi server: one peer address cannot hold every session (item 7)', () => {
  it('hellos from 127.0.0.2 that never continue take 4 of 16 slots; a real client from 127.0.0.1 still succeeds', async () => {
    const s = proc(['server', '--in', path.join(dir, 'theirs.txt'), '--port', '0', '--group', 'x25519']);
    try {
      const url = new URL(await s.url);
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) {
        const hello = psi.encodeMessage({ type: 'hello', group: 'x25519', session: crypto.getRandomValues(new Uint8Array(16)), mode: 'intersection', clientCount: 1 });
        const { status, text } = await new Promise<{ status: number; text: string }>((res, rej) => {
          const rq = request({ host: url.hostname, port: url.port, path: '/psi', method: 'POST', localAddress: '127.0.0.2' }, (r) => {
            let b = '';
            r.on('data', (c) => (b += c.toString('latin1')));
            r.on('end', () => res({ status: r.statusCode!, text: b }));
          });
          rq.on('error', rej);
          rq.end(hello);
        });
        statuses.push(status);
        if (status !== 200) expect(text).toMatch(/^RATE_LIMITED: /);
      }
      expect(statuses.filter((x) => x === 200).length).toBe(4);
      const c = client(url.href);
      const r = await c.done;
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out.split('\n').filter(Boolean).sort()).toEqual(['b2', 'c3']);
    } finally {
      s.p.kill();
    }
  }, 60_000);
});
