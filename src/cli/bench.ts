/**
 * `bukejian bench [NAME...] [--json]`: runs the benchmark scripts shipped in `benchmarks/`
 * (ours and the competitors side by side, with ratios). Nothing is installed: competitors missing
 * from the third-party folder are named on stderr with the command that installs them, and our
 * side is measured alone.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const usage = `usage: bukejian bench [sm3|sm4|sm2|...] [--json]
  Measures bukejian side by side with other libraries, loaded from benchmarks/thirdparty (or the
  folder in BUKEJIAN_BENCH_THIRDPARTY). Nothing is installed for you: when they are absent, stderr
  prints the npm command that installs them and bukejian is measured alone.
  BENCH_ROUNDS=n rounds per row (best kept), BENCH_SCALE=x scales every measuring time.`;

export async function run(args: string[]): Promise<number> {
  const here = path.dirname(fileURLToPath(import.meta.url)); // <pkg>/dist
  const runner = path.join(here, '..', 'benchmarks', 'run.mjs');
  if (!existsSync(runner)) {
    console.error('bukejian bench: benchmarks/ not found next to this installation');
    return 1;
  }
  const r = spawnSync(process.execPath, [runner, ...args], { stdio: 'inherit' });
  return r.status ?? 1;
}
