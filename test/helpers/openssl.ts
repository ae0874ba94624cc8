// The live `openssl` CLI (Debian package `openssl`, installed by ensureDebianBinary when missing)
// and a temporary directory per test, for the encrypted-PKCS#8 and X.509 interop suites.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDebianBinary } from './debian.js';

let bin: string | undefined;
const openssl = (): string => (bin ??= ensureDebianBinary('openssl', 'openssl'));

/** Runs openssl, returns stdout; throws (with stderr) on a non-zero exit. */
export const ossl = (...args: string[]): Buffer =>
  execFileSync(openssl(), args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs openssl and returns its exit status and output, never throwing. */
export function osslRun(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(openssl(), args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Calls `fn` with a path maker inside a fresh temporary directory, removed afterwards. */
export async function withDir<T>(fn: (f: (name: string) => string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bkj-x509-'));
  try {
    return await fn((name) => path.join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
