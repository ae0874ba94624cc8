// Shared helpers for the benchmark scripts: time-boxed measurement and a side-by-side table.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Scales every measuring time (`BENCH_SCALE=0.05` for a quick smoke run; default 1). */
const SCALE = Number(process.env.BENCH_SCALE ?? 1) || 1;

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up); returns calls per second. */
export function opsPerSec(fn, ms = 600) {
  ms *= SCALE;
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
  ms *= SCALE;
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

/**
 * The folder the competitors are loaded from: benchmarks/thirdparty, or `BUKEJIAN_BENCH_THIRDPARTY`.
 */
export const thirdPartyDir = path.resolve(
  process.env.BUKEJIAN_BENCH_THIRDPARTY || path.join(here, 'thirdparty'),
);

/**
 * The command that installs the competitors (printed, never run: `bukejian bench` installs
 * nothing): the folder's own package.json when it has one, else the pinned versions of
 * benchmarks/thirdparty/package.json named one by one.
 */
export function installCommand() {
  const q = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a));
  const args = ['npm', 'install', '--prefix', thirdPartyDir, '--ignore-scripts', '--no-audit'];
  if (!existsSync(path.join(thirdPartyDir, 'package.json'))) {
    const pinned = JSON.parse(readFileSync(path.join(here, 'thirdparty', 'package.json'), 'utf8'));
    for (const [n, v] of Object.entries(pinned.dependencies)) args.push(`${n}@${v}`);
  }
  return args.map(q).join(' ');
}

let hinted = false;

/**
 * Loads a competitor from the third-party folder (see thirdPartyDir), or returns null when it is
 * not installed: the benchmark then measures our side alone. Nothing is installed here; stderr
 * says which library is missing and the command that installs the competitors.
 */
export function thirdParty(name) {
  const req = createRequire(path.join(thirdPartyDir, 'package.json'));
  try {
    return req(name);
  } catch {
    console.error(`bukejian bench: ${name} is not installed; measuring without it`);
    if (!hinted) {
      hinted = true;
      console.error(
        `bukejian bench: to compare with the other libraries, install them (nothing is installed for you):\n  ${installCommand()}`,
      );
    }
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
