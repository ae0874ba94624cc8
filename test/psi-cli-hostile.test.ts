// `bukejian psi` against hostile peers over real HTTP on 127.0.0.1 (the built CLI, dist/cli.js):
// - a peer that opens sessions and never continues cannot take every session slot;
// - a hostile server cannot put terminal control sequences or an unknown error code on the
//   client's terminal, nor make it read an endless or oversized body, nor hang it forever.
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { psiCli as proc } from './helpers/psi-cli.js';
import { afterAll, describe, expect, it } from 'vitest';
import { psi } from '../src/psi/index.js';
import { sanitize } from '../src/cli/psi.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-psi-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'mine.txt'), 'a1\nb2\nc3\n');
writeFileSync(path.join(dir, 'theirs.txt'), 'b2\nc3\nd4\n');

// C0 (but the final newline), DEL, C1, bidi controls and line/paragraph separators
const CONTROL =
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The client's exit within `ms`, or 'still running' (then it is killed). */
async function within(c: ReturnType<typeof proc>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>(
    (res) => (timer = setTimeout(() => res('still running'), ms)),
  );
  const r = await Promise.race([c.done, late]);
  clearTimeout(timer);
  if (r === 'still running') c.p.kill('SIGKILL');
  return r;
}

/** A fake PSI server on 127.0.0.1: `answer` gets the request number (0 = the hello). */
async function fake(
  answer: (n: number, body: Uint8Array, res: ServerResponse) => void,
): Promise<{ url: string; server: Server }> {
  let n = 0;
  const server = createServer(async (req: IncomingMessage, res) => {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    answer(n++, new Uint8Array(Buffer.concat(parts)), res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address() as { port: number };
  return { url: `http://127.0.0.1:${a.port}/psi`, server };
}
const close = (s: Server) => {
  s.closeAllConnections();
  s.close();
};
/** Writes 64 KiB chunks until the peer goes away; counts the bytes. */
function endless(res: ServerResponse, sent: { bytes: number }): void {
  const block = Buffer.alloc(65536, 0x41);
  const pump = (): void => {
    while (!res.destroyed) {
      sent.bytes += block.length;
      if (!res.write(block)) return void res.once('drain', pump);
    }
  };
  pump();
}
const client = (url: string, ...extra: string[]) =>
  proc([
    'client',
    '--in',
    path.join(dir, 'mine.txt'),
    '--connect',
    url,
    '--group',
    'x25519',
    '--quiet',
    ...extra,
  ]);

describe('psi server: one peer address cannot hold every session (item 7)', () => {
  it('hellos from 127.0.0.2 that never continue take 4 of 16 slots; a real client from 127.0.0.1 still succeeds', async () => {
    const s = proc([
      'server',
      '--in',
      path.join(dir, 'theirs.txt'),
      '--port',
      '0',
      '--group',
      'x25519',
    ]);
    try {
      const url = new URL(await s.url);
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) {
        const hello = psi.encodeMessage({
          type: 'hello',
          group: 'x25519',
          session: crypto.getRandomValues(new Uint8Array(16)),
          mode: 'intersection',
          clientCount: 1,
        });
        const { status, text } = await new Promise<{ status: number; text: string }>((res, rej) => {
          const rq = request(
            {
              host: url.hostname,
              port: url.port,
              path: '/psi',
              method: 'POST',
              localAddress: '127.0.0.2',
            },
            (r) => {
              let b = '';
              r.on('data', (c) => (b += c.toString('latin1')));
              r.on('end', () => res({ status: r.statusCode!, text: b }));
            },
          );
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

describe('psi client against a hostile server (item 12)', () => {
  it('escape sequences, bidi controls and unknown codes in an error reply: no control character reaches the terminal, only known codes', async () => {
    const bodies = [
      // an OSC title change, a screen clear and colours around an invented code
      '\x1b]0;owned\x07\x1b[2J\x1b[31mEVIL_CODE\x1b[0m: \u202etxet desrever\u202c \x9b31m8-bit CSI\r\nnext line\x00',
      // an unknown but well-formed code
      'ROOT_SHELL: \x1b[5mblink\x1b[0m \x1bPdcs payload\x1b\\ done',
      // a known code with a hostile text
      'RATE_LIMITED: \x1b[1;31mbudget\x1b[0m\u2066 exhausted\x07\x7f\x85',
    ];
    const seen: string[] = [];
    for (const body of bodies) {
      const f = await fake((_, __, res) =>
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(body),
      );
      try {
        const r = await within(client(f.url), 30_000);
        expect(r).not.toBe('still running');
        const { code, err } = r as { code: number; err: string };
        expect(code).toBe(1);
        expect(err.endsWith('\n')).toBe(true);
        expect(err.slice(0, -1)).not.toMatch(CONTROL);
        expect(err).not.toContain('\x1b');
        seen.push(err);
      } finally {
        close(f.server);
      }
    }
    expect(seen[0]).toMatch(/^bukejian: IO: server answered HTTP 400: /);
    expect(seen[0]).toContain('txet desrever');
    expect(seen[1]).toMatch(/^bukejian: IO: server answered HTTP 400: /);
    expect(seen[1]).not.toContain('ROOT_SHELL:');
    expect(seen[2]).toMatch(/^bukejian: RATE_LIMITED: server answered HTTP 400: budget  exhausted/);
  }, 120_000);

  it('an endless reply body: the client stops at --max-reply with INVALID_LENGTH instead of reading on', async () => {
    const sent = { bytes: 0 };
    const f = await fake((_, __, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      endless(res, sent);
    });
    try {
      const r = await within(client(f.url, '--max-reply', '1'), 30_000);
      expect(r).not.toBe('still running');
      const { code, err } = r as { code: number; err: string };
      expect(code).toBe(1);
      expect(err).toMatch(
        /^bukejian: INVALID_LENGTH: server reply larger than 1048576 bytes; stopped reading\n$/,
      );
      expect(sent.bytes).toBeLessThan(64 * 2 ** 20); // it did not drain the stream
    } finally {
      close(f.server);
    }
  }, 60_000);

  it('after a genuine setup, a chunk reply larger than one chunk is refused (default --max-reply)', async () => {
    const real = psi.server(['b2'], { group: 'x25519' });
    const sent = { bytes: 0 };
    const f = await fake((n, body, res) => {
      if (n > 0) {
        res.writeHead(200);
        endless(res, sent);
        return;
      }
      void real.handle(body).then((reply) => res.writeHead(200).end(reply));
    });
    try {
      const r = await within(client(f.url, '--chunk', '2'), 30_000);
      expect(r).not.toBe('still running');
      expect(r).toMatchObject({ code: 1 });
      expect((r as { err: string }).err).toMatch(
        /^bukejian: INVALID_LENGTH: server reply larger than \d+ bytes; stopped reading\n$/,
      );
      const limit = Number(/larger than (\d+) bytes/.exec((r as { err: string }).err)![1]);
      expect(limit).toBeLessThan(2 * 32 + 1024); // two 32-byte elements and the framing
    } finally {
      close(f.server);
    }
  }, 60_000);

  it('an oversized declared body, an endless error body and a stalled reply', async () => {
    const f = await fake((n, _, res) => {
      if (n === 0) res.writeHead(200, { 'content-length': String(2 ** 40) }).write('x');
      else if (n === 1) {
        res.writeHead(400);
        endless(res, { bytes: 0 });
      } else res.writeHead(200).write('x'); // and nothing more
    });
    try {
      const big = (await within(client(f.url), 30_000)) as { code: number; err: string };
      expect(big.code).toBe(1);
      expect(big.err).toMatch(
        /^bukejian: INVALID_LENGTH: server reply larger than 268435456 bytes/,
      );
      const errBody = (await within(client(f.url), 30_000)) as { code: number; err: string };
      expect(errBody.code).toBe(1);
      expect(errBody.err).toMatch(
        /^bukejian: IO: server answered HTTP 400: \(error reply too large, not shown\)\n$/,
      );
      const started = Date.now();
      const stalled = (await within(client(f.url, '--timeout', '1'), 30_000)) as {
        code: number;
        err: string;
      };
      expect(stalled.code).toBe(1);
      expect(stalled.err).toMatch(/^bukejian: IO: no complete server reply within 1 s\n$/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      close(f.server);
    }
  }, 120_000);

  it('sanitize: no control character survives, printable text is kept', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        expect(sanitize(s)).not.toMatch(
          /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/,
        );
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        }),
        (s) => {
          expect(sanitize(s)).toBe(s);
        },
      ),
    );
    expect(sanitize('\x1b[31mBAD\x1b[0m\u202e')).toBe('BAD ');
    expect(sanitize('a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b')).toBe('alinkb');
  });
});
