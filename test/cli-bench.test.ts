// `bukejian bench` installs nothing: with the comparison libraries absent (the third-party folder
// pointed at an empty temporary directory) it names each missing library, prints the npm command
// that installs them, measures our side alone and leaves the folder empty. Tiny run (BENCH_SCALE).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';

const cli = process.env.BUKEJIAN_CLI ?? path.resolve(__dirname, '..', 'dist', 'cli.js');
const empty = mkdtempSync(path.join(tmpdir(), 'bukejian-bench-empty-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

test('competitors absent: the install command on stderr, our figures on stdout, nothing installed', () => {
  const r = spawnSync(process.execPath, [cli, 'bench', 'sm3'], {
    env: {
      ...process.env,
      BUKEJIAN_BENCH_THIRDPARTY: empty,
      BENCH_SCALE: '0.02',
      BENCH_ROUNDS: '1',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.status).toBe(0);
  for (const name of ['sm-crypto', 'sm-crypto-v2', 'gm-crypto'])
    expect(r.stderr).toContain(`bukejian bench: ${name} is not installed; measuring without it`);
  // the exact command: into that folder, scripts off, the pinned versions of
  // benchmarks/thirdparty/package.json (the folder has no package.json of its own)
  expect(r.stderr).toContain(
    `  npm install --prefix ${empty} --ignore-scripts --no-audit @openmined/psi.js@2.0.6 ` +
      'circomlibjs@0.1.7 gm-crypto@0.1.12 sm-crypto@0.5.8 sm-crypto-v2@1.15.1\n',
  );
  // our side's figures, one per group, and no competitor row
  for (const title of ['SM3, 1 MiB', 'SM3, 64 bytes', 'HMAC-SM3, 1 MiB', 'HMAC-SM3, 64 bytes'])
    expect(r.stdout).toContain(`\n${title}\n`);
  const ours = r.stdout.match(/^ {2}bukejian \((js|auto)\) +(\d+(\.\d)?) (MiB|ops)\/s$/gm) ?? [];
  expect(ours).toHaveLength(8);
  for (const line of ours) expect(Number(line.trim().split(/ +/)[2])).toBeGreaterThan(0);
  expect(r.stdout).not.toMatch(/sm-crypto|gm-crypto/);
  expect(readdirSync(empty)).toEqual([]);
});
