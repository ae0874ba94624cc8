// Runs the built `bukejian psi` (dist/cli.js) as a child process. `url` resolves once a server
// prints where it listens (and rejects if it exits first); `done` resolves with the exit code and
// everything it printed.
import { spawn } from 'node:child_process';
import path from 'node:path';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

export function psiCli(args: string[]) {
  const p = spawn(process.execPath, [cli, 'psi', ...args]);
  let out = '';
  let err = '';
  p.stdout.on('data', (b) => (out += b));
  p.stderr.on('data', (b) => (err += b));
  const done = new Promise<{ code: number | null; out: string; err: string }>((res) =>
    p.on('exit', (code) => res({ code, out, err })),
  );
  const url = new Promise<string>((res, rej) => {
    p.stderr.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) res(m[1]!);
    });
    p.on('exit', () => rej(new Error(`server exited: ${err}`)));
  });
  url.catch(() => undefined); // only awaited for servers
  return { p, done, url };
}
