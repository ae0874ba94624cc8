// A synthetic table and config for the HTML report tests (Node and Chromium): 400 invented people,
// seeded, and `bukejian anonymize` run on them once with a JSON report and once with an HTML one.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

export function people(n: number, seed = 11): string {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const counties = ['110101', '110105', '110108', '310101', '310104', '440305'];
  const lines = ['age,county,sex,diagnosis'];
  for (let i = 0; i < n; i++)
    lines.push(
      [
        18 + Math.floor(next() * 60),
        pick(counties),
        pick(['男', '女']),
        pick(['流感', '哮喘', '胃炎']),
      ].join(','),
    );
  return lines.join('\n') + '\n';
}

export const CONFIG = {
  quasiIdentifiers: {
    age: { type: 'intervals', widths: [5, 10, 20] },
    county: { type: 'adminCode' },
    sex: {
      type: 'table',
      rows: [
        ['男', '*'],
        ['女', '*'],
      ],
    },
  },
  sensitive: ['diagnosis'],
  models: [{ type: 'k-anonymity', k: 5 }],
  suppressionLimit: 0.05,
};

/** Runs the CLI in `dir`; returns the JSON report, the HTML page and the released CSV. */
export function runReports(dir: string): {
  json: Record<string, unknown>;
  html: string;
  csv: string;
} {
  writeFileSync(path.join(dir, 'in.csv'), people(400));
  writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(CONFIG));
  for (const report of ['report.json', 'report.html']) {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'anonymize',
        '--config',
        'cfg.json',
        'in.csv',
        'out.csv',
        '--report',
        report,
        '--quiet',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`anonymize failed: ${r.stderr}`);
  }
  return {
    json: JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Record<
      string,
      unknown
    >,
    html: readFileSync(path.join(dir, 'report.html'), 'utf8'),
    csv: readFileSync(path.join(dir, 'out.csv'), 'utf8'),
  };
}
