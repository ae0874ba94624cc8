// A real redis-server for the tests: Debian package 'redis-server' (installed by
// ensureDebianBinary when missing and running as root, else a failure naming it), on a free
// 127.0.0.1 port, in a temporary directory, with the append-only file on and RDB snapshots off.
// `restart()` stops it (SIGTERM: Redis flushes its AOF) and starts it again on the same port and
// directory, so it comes back from the AOF; `crash()` does the same after a SIGKILL (nothing
// flushed on the way out: with `appendfsync: 'always'` every acknowledged write is on disk);
// `stop()` ends it and removes the directory.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDebianBinary } from './debian';

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  restart(): Promise<void>;
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.write('PING\r\n');
      c.once('data', (b) => {
        c.destroy();
        resolve(b.toString().startsWith('+PONG'));
      });
    });
    c.once('error', () => resolve(false));
  });
}

export async function startRedis(
  opts: { appendfsync?: 'always' | 'everysec' } = {},
): Promise<RedisServer> {
  const bin = ensureDebianBinary('redis-server', 'redis-server');
  const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-redis-'));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    log = '';
    proc = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        opts.appendfsync ?? 'everysec',
        '--save',
        '',
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout!.on('data', (b) => (log += b));
    proc.stderr!.on('data', (b) => (log += b));
    const until = Date.now() + 20_000;
    while (!(await reachable(port))) {
      if (proc.exitCode !== null || Date.now() > until)
        throw new Error(`redis-server did not start: ${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const halt = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart() {
      await halt();
      await start();
    },
    async crash() {
      await halt('SIGKILL');
      await start();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
