// Inputs for the HTML report tests (test/cli-html-report.test.ts, test/browser/report-html.test.ts):
// an anonymize configuration with a CSV of invented people, and an audit log with a citizen's
// events, all made through the built CLI (dist/cli.js) in a temporary folder.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const cli =
  process.env.BUKEJIAN_CLI ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');

/** Runs the CLI; throws with its stderr when it fails. */
export function bkj(args: string[], input?: string): string {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bukejian ${args[0]} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Writes cfg.json, sex.csv and people.csv (n invented people, seeded) into `dir`. */
export function anonInputs(dir: string, n = 400): { cfg: string; csv: string } {
  let s = 11;
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
        pick(['流感', '哮喘', '胃炎', '糖尿病']),
      ].join(','),
    );
  writeFileSync(path.join(dir, 'people.csv'), lines.join('\n') + '\n');
  writeFileSync(path.join(dir, 'sex.csv'), '男;*\r\n女;*\r\n');
  writeFileSync(
    path.join(dir, 'cfg.json'),
    JSON.stringify({
      quasiIdentifiers: {
        age: { type: 'intervals', widths: [5, 10, 20] },
        county: { type: 'adminCode' },
        sex: { type: 'file', path: 'sex.csv' },
      },
      sensitive: ['diagnosis'],
      models: [
        { type: 'k-anonymity', k: 5 },
        { type: 'l-diversity', attribute: 'diagnosis', l: 2 },
      ],
      suppressionLimit: 0.05,
    }),
  );
  return { cfg: path.join(dir, 'cfg.json'), csv: path.join(dir, 'people.csv') };
}

/** The pseudonym whose events the audit fixture holds. */
export const SUBJECT = 'p:7f3a9c<b>&"';

const access = (i: number, subject: string) => ({
  type: 'access',
  actor: { agency: i % 2 ? '市医保局' : '市民政局 <script>', staff: `staff-${i}` },
  subject,
  purpose: i % 2 ? '医保结算' : '低保资格核验',
  fields: ['age', 'income'],
  basis: { legal: 'LB-1' },
  action: i % 3 ? 'read' : 'share',
  time: `2026-11-2${i}T08:00:00.000Z`,
});

/**
 * An audit log in `dir/log` with 5 events of SUBJECT (3 before the checkpoint, so proven; 2
 * after, so not yet provable) and 2 of another subject; returns the log directory.
 */
export function auditInputs(dir: string): string {
  const log = path.join(dir, 'log');
  bkj(['audit', 'init', '--dir', log, '--origin', 'agency.example/audit']);
  const lines = (xs: object[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
  bkj(
    ['audit', 'append', '--dir', log, '-'],
    lines([access(1, SUBJECT), access(2, 'p:other'), access(3, SUBJECT), access(4, SUBJECT)]),
  );
  bkj(['audit', 'checkpoint', '--dir', log]);
  bkj(
    ['audit', 'append', '--dir', log, '-'],
    lines([access(5, SUBJECT), access(6, 'p:other'), access(7, SUBJECT)]),
  );
  return log;
}
