// Shared helpers for the benchmark scripts: time-boxed measurement and a side-by-side table.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up); returns calls per second. */
export function opsPerSec(fn, ms = 600) {
  const warm = performance.now();
  while (performance.now() - warm < ms / 4) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    fn();
    n++;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

/** Async variant of opsPerSec. */
export async function opsPerSecAsync(fn, ms = 600) {
  const warm = performance.now();
  while (performance.now() - warm < ms / 4) await fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    await fn();
    n++;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

const missing = new Set();

/**
 * Loads a competitor from benchmarks/thirdparty, or returns null when it is not installed there.
 * Never installs anything: the first time a library is missing it says, on stderr, how to install
 * the comparison libraries, and the benchmark runs bukejian's side alone (the row shows n/a).
 */
export function thirdParty(name) {
  const dir = path.join(here, 'thirdparty');
  const req = createRequire(path.join(dir, 'package.json'));
  try {
    return req(name);
  } catch {
    if (missing.size === 0)
      process.stderr.write(
        `bukejian bench: comparison library ${name} is not installed, so only bukejian's side runs.\n` +
          `  To compare: cd ${JSON.stringify(dir)} && npm install --ignore-scripts\n`,
      );
    else if (!missing.has(name))
      process.stderr.write(`bukejian bench: ${name} is not installed either\n`);
    missing.add(name);
    return null;
  }
}

/**
 * Prints one comparison group: rows of { name, value } with the unit, and each row's ratio to
 * `baseline` (a row name). Returns the rows for --json output.
 */
export function report(title, unit, rows, baseline) {
  const base = rows.find((r) => r.name === baseline)?.value;
  const out = rows.map((r) => ({ ...r, unit, ratio: base && r.value ? r.value / base : null }));
  if (!process.argv.includes('--json')) {
    console.log(`\n${title}`);
    for (const r of out) {
      const v = r.value == null ? 'n/a' : r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(1);
      const ratio = r.ratio == null ? '' : `  ${r.ratio.toFixed(2)}× ${baseline}`;
      console.log(`  ${r.name.padEnd(28)} ${v.padStart(10)} ${unit}${ratio}`);
    }
  }
  return { title, unit, baseline, rows: out };
}

/** Rounds per row for bestOf (the machine may be shared). `BENCH_ROUNDS=n` to change. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * Measures every row ROUNDS times, interleaved, and keeps each row's best: rows are [name, x]
 * tuples, `measure(row)` returns the rate; a row whose x is null reports n/a.
 */
export function bestOf(rows, measure) {
  const best = rows.map(() => 0);
  for (let r = 0; r < ROUNDS; r++)
    rows.forEach((row, i) => row[1] != null && (best[i] = Math.max(best[i], measure(row))));
  return rows.map((row, i) => ({ name: row[0], value: row[1] != null ? best[i] : null }));
}
