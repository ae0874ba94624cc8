// Finds a server binary the tests need; when it is missing and we run as root, installs its Debian
// package (`apt-get update` once per process, then `apt-get install -y`); otherwise fails naming
// the package. Never a skip: a suite that needs a service either gets it or fails.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

let updated = false;

/** The absolute path of `bin` (searched in `dirs`, then PATH), installing `pkg` if needed. */
export function ensureDebianBinary(bin: string, pkg: string, dirs: string[] = []): string {
  const found = findBinary(bin, dirs);
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error(
      `'${bin}' not found: install the Debian package '${pkg}' (apt-get install -y ${pkg})`,
    );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    updated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env });
  const now = findBinary(bin, dirs);
  if (!now)
    throw new Error(`'${bin}' still not found after installing the Debian package '${pkg}'`);
  return now;
}

function findBinary(bin: string, dirs: string[]): string | undefined {
  const search = [
    ...dirs,
    ...(process.env.PATH ?? '').split(path.delimiter),
    '/usr/sbin',
    '/usr/bin',
  ];
  for (const d of search) {
    const f = path.join(d, bin);
    if (d && existsSync(f)) return f;
  }
  return undefined;
}
