// The `bukejian anonymize` command, spawned from the built dist/cli.js (run `npm run build` first),
// on a small synthetic CSV of invented people (seeded generator below; no real data).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, recordsToRows } from '../src/anon/csv.js';

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, 'anonymize', ...args], { input, encoding: 'utf8' });
let dir = '';

// deterministic synthetic people (test data only, so a seeded LCG is fine here)
function people(n: number, seed = 7): string {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const surnames = ['赵', '钱', '孙', '李', '周', '吴', '郑', '王'];
  const given = ['一', '二', '三', '四', '五', '六'];
  const counties = ['110101', '110105', '110108', '310101', '310104', '310115', '440305', '440306'];
  const diagnoses = ['流感', '哮喘', '胃炎', '糖尿病', '高血压, 二期'];
  const lines = ['name,age,county,sex,diagnosis,visits'];
  for (let i = 0; i < n; i++) {
    const dx = pick(diagnoses);
    lines.push(
      [
        pick(surnames) + pick(given),
        String(18 + Math.floor(next() * 60)),
        pick(counties),
        pick(['男', '女']),
        dx.includes(',') ? `"${dx}"` : dx,
        String(Math.floor(next() * 9)),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

const CONFIG = {
  quasiIdentifiers: {
    age: { type: 'intervals', widths: [5, 10, 20] },
    county: { type: 'adminCode' },
    sex: { type: 'file', path: 'sex.csv' },
  },
  sensitive: ['diagnosis'],
  insensitive: ['visits'],
  models: [
    { type: 'k-anonymity', k: 5 },
    { type: 'l-diversity', attribute: 'diagnosis', l: 2 },
  ],
  suppressionLimit: 0.05,
};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js missing: run npm run build first');
  dir = mkdtempSync(path.join(tmpdir(), 'bukejian-anon-'));
  writeFileSync(path.join(dir, 'sex.csv'), '男;*\r\n女;*\r\n');
  writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(CONFIG));
  writeFileSync(path.join(dir, 'in.csv'), '\ufeff' + people(300));
});

const classesOf = (rows: Record<string, string>[], qis: string[]) => {
  const m = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const key = qis.map((q) => r[q]).join('|');
    if (!m.has(key)) m.set(key, []);
    m.get(key)!.push(r);
  }
  return m;
};

describe('bukejian anonymize', () => {
  it('files in and out: k-anonymous, l-diverse CSV, JSON report, summary on stderr, identifiers dropped', () => {
    const out = path.join(dir, 'out.csv');
    const rep = path.join(dir, 'report.json');
    const r = run([
      '--config',
      path.join(dir, 'cfg.json'),
      path.join(dir, 'in.csv'),
      out,
      '--report',
      rep,
    ]);
    expect(r.stderr).toMatch(/records 300, released \d+, suppressed \d+/);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(rep, 'utf8'));
    expect(report.records).toBe(300);
    expect(report.suppressed).toBeLessThanOrEqual(15);
    expect(Object.keys(report.transformation)).toEqual(['age', 'county', 'sex']);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\ufeffage,')).toBe(true); // the input's BOM is kept (Excel reads UTF-8 by it)
    const rows = recordsToRows(parseCsv(text.slice(1)));
    // suppressed records are removed by default
    expect(report.suppressedRows).toBe('remove');
    expect(rows.length).toBe(300 - report.suppressed);
    expect(report.releasedRecords).toBe(rows.length);
    expect(Object.keys(rows[0]!)).toEqual(['age', 'county', 'sex', 'diagnosis', 'visits']);
    const classes = classesOf(rows, ['age', 'county', 'sex']);
    expect(report.classes).toBe(classes.size);
    for (const members of classes.values()) {
      expect(members.length).toBeGreaterThanOrEqual(5);
      expect(new Set(members.map((m) => m.diagnosis)).size).toBeGreaterThanOrEqual(2);
    }
    expect(report.risk.after.prosecutor.maximum).toBeLessThanOrEqual(1 / 5);
    expect(report.risk.before.prosecutor.maximum).toBeGreaterThan(
      report.risk.after.prosecutor.maximum,
    );
    // records at risk (prosecutor risk 1/f > 0.2, i.e. classes of fewer than 5): a count, and
    // recordsAtRiskShare its fraction; before = the input's exact (age, county, sex) classes
    const input = recordsToRows(parseCsv(readFileSync(path.join(dir, 'in.csv'), 'utf8').slice(1)));
    const atRisk = (cs: Map<string, unknown[]>) =>
      [...cs.values()].reduce((a, m) => a + (m.length < 5 ? m.length : 0), 0);
    const before = atRisk(classesOf(input, ['age', 'county', 'sex']));
    expect(before).toBeGreaterThan(0);
    expect(report.risk.before.prosecutor.recordsAtRisk).toBe(before);
    expect(report.risk.before.prosecutor.recordsAtRiskShare).toBeCloseTo(before / 300, 12);
    expect(report.risk.after.prosecutor.recordsAtRisk).toBe(atRisk(classes));
    expect(report.risk.after.prosecutor.recordsAtRiskShare).toBe(0);
    // the summary prints the count with its share, and labels the loss measures
    expect(r.stderr).toContain(`at risk ${before} (${((100 * before) / 300).toFixed(2)} %)`);
    expect(r.stderr).toContain('risk after:  prosecutor');
    expect(r.stderr).toMatch(/at risk 0 \(0\.00 %\)/);
    expect(r.stderr).toMatch(
      /\n {2}information loss: non-uniform entropy [\d.]+ \([\d.]+ of maximum\), discernibility \d+\n/,
    );
  });

  it("suppressedRows 'mask': one row per record, suppressed ones '*' in every column, the others in input order", () => {
    const cfg = path.join(dir, 'mask.json');
    writeFileSync(cfg, JSON.stringify({ ...CONFIG, suppressedRows: 'mask' }));
    const rep = path.join(dir, 'report-mask.json');
    const r = run(['--config', cfg, path.join(dir, 'in.csv'), '--report', rep]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/suppressed \d+ \(limit 5\.00 %; rows of \*\)/);
    const report = JSON.parse(readFileSync(rep, 'utf8'));
    const rows = recordsToRows(parseCsv(r.stdout));
    expect(rows.length).toBe(300);
    const input = recordsToRows(parseCsv(readFileSync(path.join(dir, 'in.csv'), 'utf8').slice(1)));
    let masked = 0;
    rows.forEach((o, i) => {
      if (Object.values(o).every((v) => v === '*')) {
        masked++;
        return;
      }
      expect(o.diagnosis).toBe(input[i]!.diagnosis);
      expect(o.visits).toBe(input[i]!.visits);
    });
    expect(report.suppressed).toBeGreaterThan(0);
    expect(masked).toBe(report.suppressed);
    expect(report.releasedRecords).toBe(300 - masked);
  });

  it('the suppressed HIV outlier (security review item 5) is not in the output, removed or masked', () => {
    const lines = ['age,county,diagnosis'];
    const dx = ['flu', 'asthma', 'gastritis', 'diabetes'];
    for (let i = 0; i < 40; i++)
      lines.push(`${30 + (i % 10)},${i % 2 ? 110105 : 110101},${dx[i % 4]}`);
    lines.push('95,650102,HIV');
    const cfg = {
      quasiIdentifiers: {
        age: { type: 'intervals', widths: [5, 10, 20] },
        county: { type: 'adminCode' },
      },
      models: [
        { type: 'k-anonymity', k: 5 },
        { type: 'l-diversity', attribute: 'diagnosis', l: 2 },
      ],
      suppressionLimit: 0.05,
    };
    for (const mode of [undefined, 'mask'] as const) {
      const file = path.join(dir, `hiv-${mode ?? 'default'}.json`);
      writeFileSync(file, JSON.stringify({ ...cfg, suppressedRows: mode }));
      const r = run(['--config', file], lines.join('\n') + '\n');
      expect(r.status).toBe(0);
      expect(r.stdout).not.toContain('HIV');
      expect(r.stderr).toMatch(/records 41, released 40, suppressed 1 /);
      const rows = recordsToRows(parseCsv(r.stdout));
      expect(rows.length).toBe(mode === 'mask' ? 41 : 40);
      if (mode === 'mask') expect(rows[40]).toEqual({ age: '*', county: '*', diagnosis: '*' });
    }
  });

  it('stdin to stdout with another delimiter, Mondrian', () => {
    const cfg = path.join(dir, 'mondrian.json');
    writeFileSync(cfg, JSON.stringify({ ...CONFIG, algorithm: 'mondrian' }));
    const r = run(
      ['--config', cfg, '--delimiter', ';', '--quiet'],
      people(120)
        .replace(/,/g, ';')
        .replace(/"高血压; 二期"/g, '"高血压, 二期"'),
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const rows = recordsToRows(parseCsv(r.stdout, { delimiter: ';' }));
    expect(rows.length).toBe(120);
    for (const members of classesOf(rows, ['age', 'county', 'sex']).values())
      expect(members.length).toBeGreaterThanOrEqual(5);
  });

  it('a header-only input gives a header-only output naming the released columns (identifiers dropped)', () => {
    const r = run(
      ['--config', path.join(dir, 'cfg.json'), '--quiet'],
      'name,age,county,sex,diagnosis,visits\r\n',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('age,county,sex,diagnosis,visits\r\n');
  });

  it('data errors (security review item 9): exit 1 with the error code, the marker values never on stderr', () => {
    const ID = '65010219491231002X';
    const NAME = '马某某标记';
    const head = 'name,age,county,sex,diagnosis,visits\n';
    const inputs = [
      `${head}${NAME},${ID}"x,110101,男,流感,1\n`, // a quote inside an unquoted field
      `${head}${NAME},"${ID}"x,110101,男,流感,1\n`, // text after a closing quote
      `${head}${NAME},30,110101,男,"${ID}\n`, // unterminated quoted field
      `${head}${NAME},30,110101,男,流感,1,${ID}\n`, // ragged record
      `${head}${NAME},${ID},110101,男,流感,1\n`, // non-numeric age
      `${head}${NAME},30,${ID},男,流感,1\n`, // not an administrative code
      `${head}${NAME},30,110101,${ID},流感,1\n`, // not in the sex hierarchy file
      `${head}${NAME},30,110101,男,${ID},1\n`, // one record cannot be 5-anonymous
    ];
    for (const input of inputs) {
      const r = run(['--config', path.join(dir, 'cfg.json')], input);
      expect(r.status, input).toBe(1);
      expect(r.stderr).toMatch(/INVALID_DATA/);
      expect(r.stderr).not.toContain(ID);
      expect(r.stderr).not.toContain(NAME);
      expect(r.stdout).toBe('');
    }
    // a hierarchy file whose values are data: inconsistent levels
    writeFileSync(path.join(dir, 'sex-bad.csv'), `男;${ID};*\r\n女;${ID};${NAME}\r\n`);
    const cfg = path.join(dir, 'bad-hierarchy.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        ...CONFIG,
        quasiIdentifiers: {
          ...CONFIG.quasiIdentifiers,
          sex: { type: 'file', path: 'sex-bad.csv' },
        },
      }),
    );
    const r = run(['--config', cfg], `${head}${NAME},30,110101,男,流感,1\n`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/INVALID_DATA/);
    expect(r.stderr).not.toContain(ID);
    expect(r.stderr).not.toContain(NAME);
    const bytes = run(
      ['--config', path.join(dir, 'cfg.json')],
      Buffer.concat([
        Buffer.from(`${head}${NAME},30,110101,`),
        Buffer.from([0xff]),
        Buffer.from(`,${ID},1\n`),
      ]) as unknown as string,
    );
    expect(bytes.status).toBe(1);
    expect(bytes.stderr).toMatch(/INVALID_ENCODING/);
    expect(bytes.stderr).not.toContain(ID);
  });

  it('usage and configuration errors: exit 2 / 1 with the error code, no data echoed', () => {
    expect(run([]).status).toBe(2);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...CONFIG, models: [] }));
    const r = run(['--config', bad, path.join(dir, 'in.csv'), path.join(dir, 'x.csv')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/INVALID_CONFIG/);
    writeFileSync(bad, '{ not json');
    expect(run(['--config', bad, path.join(dir, 'in.csv')]).stderr).toMatch(/INVALID_CONFIG/);
    writeFileSync(
      bad,
      JSON.stringify({
        ...CONFIG,
        quasiIdentifiers: {
          ...CONFIG.quasiIdentifiers,
          age: { type: 'intervals', widths: [5], typo: 1 },
        },
      }),
    );
    expect(run(['--config', bad, path.join(dir, 'in.csv')]).status).toBe(2);
    const uncovered = run(
      ['--config', path.join(dir, 'cfg.json')],
      'name,age,county,sex,diagnosis,visits\n钱六,abc,110101,男,流感,1\n',
    );
    expect(uncovered.status).toBe(1);
    expect(uncovered.stderr).toMatch(/INVALID_DATA/);
    expect(uncovered.stderr).not.toContain('钱六');
    expect(uncovered.stderr).not.toContain('abc');
    // the column, the hierarchy level and the (first) data row of the uncovered value are named:
    // sex.csv covers 男 and 女, not 未知 (data rows 3 and 4)
    const located = run(
      ['--config', path.join(dir, 'cfg.json')],
      'name,age,county,sex,diagnosis,visits\n' +
        '赵一,30,110101,男,流感,1\n孙二,31,110101,女,流感,1\n' +
        '李三,32,110101,未知,哮喘,1\n周四,33,110101,未知,哮喘,1\n',
    );
    expect(located.status).toBe(1);
    expect(located.stderr).toContain(
      '"sex" hierarchy expected to cover every value, got an uncovered value at level 1 in row 3',
    );
    expect(located.stderr).not.toContain('未知');
  });
});
