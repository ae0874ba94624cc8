// Runs the built `bukejian jobs` (dist/cli.js) as child processes, the way an agency would:
// `worker(...)` starts a worker process (resolves its endpoint URL, if it listens, once it is
// ready), `jobsCli(...)` runs one command to its end.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

const cli = path.resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');

export interface WorkerProcess {
  p: ChildProcess;
  ready: Promise<string | undefined>;
  exited: Promise<number | null>;
  log(): string;
  stop(): Promise<void>;
}

export function worker(args: string[]): WorkerProcess {
  const p = spawn(process.execPath, [cli, 'jobs', 'worker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  p.stdout!.on('data', (b) => (err += b));
  p.stderr!.on('data', (b) => (err += b));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  const ready = new Promise<string | undefined>((resolve, reject) => {
    p.stderr!.on('data', () => {
      const m = /jobs worker: \d+ ready(?:, listening on (\S+))?/.exec(err);
      if (m) resolve(m[1]);
    });
    p.on('exit', () => reject(new Error(`worker exited: ${err.slice(-2000)}`)));
  });
  ready.catch(() => undefined);
  return {
    p,
    ready,
    exited,
    log: () => err,
    async stop() {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGTERM');
        const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

export function jobsCli(
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawn(process.execPath, [cli, 'jobs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (b) => (out += b));
  p.stderr.on('data', (b) => (err += b));
  return new Promise((res) => p.on('exit', (code) => res({ code, out, err })));
}
