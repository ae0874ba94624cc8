// Runs a program as a child process the way a user would and waits for it to exit on its own:
// the result says whether it did within the time allowed (a program kept alive by a worker thread
// or an open handle is killed at the deadline and reported as `timedOut`).
import { spawn } from 'node:child_process';

/** How a child process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Spawns `argv[0]` with the rest as arguments; kills it after `timeoutMs` if it has not exited. */
export function runToExit(
  argv: readonly string[],
  opts: { cwd: string; timeoutMs: number; input?: string; env?: NodeJS.ProcessEnv },
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
