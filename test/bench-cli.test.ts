// `bukejian bench` from an installed-package layout without the comparison libraries (issue 20):
// it installs nothing, says how to install them, and runs bukejian's side alone. Built dist/cli.js.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'bukejian-bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bukejian bench without the comparison libraries', () => {
  it('installs nothing, names the install command, prints our rows', () => {
    const pkg = path.join(tmp, 'node_modules', 'bukejian');
    mkdirSync(path.join(pkg, 'benchmarks', 'thirdparty'), { recursive: true });
    cpSync(path.join(root, 'dist'), path.join(pkg, 'dist'), { recursive: true });
    cpSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
    for (const f of readdirSync(path.join(root, 'benchmarks')).filter((f) => f.endsWith('.mjs')))
      cpSync(path.join(root, 'benchmarks', f), path.join(pkg, 'benchmarks', f));
    cpSync(
      path.join(root, 'benchmarks', 'thirdparty', 'package.json'),
      path.join(pkg, 'benchmarks', 'thirdparty', 'package.json'),
    );
    // the package's own dependencies only (no sm-crypto, gm-crypto, … anywhere up the tree)
    symlinkSync(
      path.join(root, 'node_modules', '@noble'),
      path.join(tmp, 'node_modules', '@noble'),
    );
    const r = spawnSync(process.execPath, [path.join(pkg, 'dist', 'cli.js'), 'bench', 'sm3'], {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, BENCH_ROUNDS: '1', npm_config_offline: 'true' },
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const thirdparty = path.join(pkg, 'benchmarks', 'thirdparty');
    expect(r.stderr).toContain(
      `bukejian bench: comparison library sm-crypto is not installed, so only bukejian's side runs.\n  To compare: cd ${JSON.stringify(thirdparty)} && npm install --ignore-scripts\n`,
    );
    expect(existsSync(path.join(thirdparty, 'node_modules'))).toBe(false);
    expect(r.stdout).toMatch(/SM3, 1 MiB\n\s+bukejian \(js\)\s+[\d.]+ MiB\/s/);
  }, 70_000);
});
