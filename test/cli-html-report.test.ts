// The HTML pages of `bukejian anonymize --report FILE.html` and `bukejian audit query|verify
// --html FILE`, made by the built CLI (dist/cli.js) as a child process: the page carries the JSON
// report's figures (and the JSON verdicts' proof statuses), escapes every value, holds no value of
// the data, and refers to nothing outside itself (no URL, no src/href, no script).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonInputs, auditInputs, bkj, cli, SUBJECT } from './helpers/html-report-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The decoded text of the element with this id (leaf elements only). */
function byId(html: string, id: string): string {
  const m = html.match(new RegExp(`<(dd|td) id="${id}">([^<]*)</\\1>`));
  if (!m) throw new Error(`no element #${id}`);
  return decode(m[2]!);
}

/** The body rows of the table whose first header cell is `head`, as decoded cell texts. */
function tableRows(html: string, head: string): string[][] {
  const start = html.indexOf(`<th>${head}</th>`);
  expect(start).toBeGreaterThan(0);
  const body = html.slice(start, html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((r) =>
    [...r[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => decode(c[1]!)),
  );
}

/** Self-contained and well formed: no external reference of any kind, every element closed. */
function checkSelfContained(html: string): void {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/https?:|ftp:|\/\/[\w.-]+\.[a-z]/i);
  expect(html).not.toMatch(/\s(src|href|xlink:href|srcset|action|poster|background)=/i);
  expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|image|use|foreignObject)\b/i);
  expect(html).not.toMatch(/url\(|@import|@font-face/i);
  expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  const voids = new Set(['meta']); // svg elements are self-closed (<rect/>) or closed
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    const n = name!.toLowerCase();
    if (self || voids.has(n)) continue;
    if (close) expect(stack.pop()).toBe(n);
    else stack.push(n);
  }
  expect(stack).toEqual([]);
}

describe('anonymize --report FILE.html', () => {
  let html = '';
  let json: {
    records: number;
    releasedRecords: number;
    suppressed: number;
    classes: number;
    transformation: Record<string, number>;
    lattice: { nodes: number; checked: number };
    risk: Record<
      'before' | 'after',
      {
        records: number;
        classes: number;
        threshold: number;
        prosecutor: { maximum: number; recordsAtRisk: number; recordsAtRiskShare: number };
      }
    >;
  };
  let cfg = '';
  let csv = '';
  beforeAll(() => {
    ({ cfg, csv } = anonInputs(dir));
    const out = path.join(dir, 'out.csv');
    bkj(['anonymize', '--config', cfg, csv, out, '--report', path.join(dir, 'r.json'), '--quiet']);
    bkj(['anonymize', '--config', cfg, csv, out, '--report', path.join(dir, 'r.html'), '--quiet']);
    json = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
    html = readFileSync(path.join(dir, 'r.html'), 'utf8');
  });

  it('self-contained, and no value of the data (counts only)', () => {
    checkSelfContained(html);
    for (const v of ['流感', '哮喘', '胃炎', '糖尿病', '110101', '310104', '男', '女'])
      expect(html).not.toContain(v);
  });

  it("the JSON report's figures", () => {
    expect(byId(html, 'records')).toBe(String(json.records));
    expect(byId(html, 'released')).toBe(String(json.releasedRecords));
    expect(byId(html, 'suppressed')).toMatch(new RegExp(`^${json.suppressed} \\(`));
    expect(byId(html, 'classes-before')).toBe(String(json.risk.before.classes));
    expect(byId(html, 'classes-after')).toBe(String(json.classes));
    expect(byId(html, 'lattice')).toBe(`${json.lattice.checked} of ${json.lattice.nodes}`);
    // records at risk: recordsAtRisk is the count, recordsAtRiskShare the fraction
    for (const side of ['before', 'after'] as const) {
      const p = json.risk[side].prosecutor;
      const pct = (100 * p.recordsAtRiskShare).toFixed(2);
      expect(byId(html, `at-risk-${side}`)).toBe(`${p.recordsAtRisk} (${pct} %)`);
    }
    expect(byId(html, 'prosecutor-max')).toBe(
      `${json.risk.before.prosecutor.maximum} → ${json.risk.after.prosecutor.maximum}`,
    );
    const t = tableRows(html, 'Quasi-identifier');
    expect(t.map((r) => [r[0], Number(r[1])])).toEqual(Object.entries(json.transformation));
    // most general levels of the configured hierarchies: age intervals 5/10/20 then * (level 4),
    // county code → city → province → * (3), sex value → * (1)
    expect(t.map((r) => r[2])).toEqual(['4', '3', '1']);
  });

  it('class-size and risk tables add up to the records before and after; two charts drawn', () => {
    for (const head of ['Class size', 'Prosecutor risk']) {
      const rows = tableRows(html, head);
      const sum = (i: number) => rows.reduce((a, r) => a + Number(r[i]!.replace(/,/g, '')), 0);
      expect(sum(1)).toBe(json.records);
      expect(sum(2)).toBe(json.releasedRecords);
    }
    // k = 5: no released record in a class below 5, none with risk above 0.2
    const sizes = tableRows(html, 'Class size');
    expect(sizes.slice(0, 3).map((r) => r[2])).toEqual(['0', '0', '0']);
    for (const id of ['class-sizes', 'prosecutor-risk']) {
      const svg = html.match(new RegExp(`<svg id="${id}"[^>]*>(.*?)</svg>`))?.[1] ?? '';
      expect(svg.match(/<rect /g)?.length).toBe(id === 'class-sizes' ? 8 * 2 + 2 : 5 * 2 + 2);
    }
  });

  it('suppressedRows "mask": the rows of * are not counted as a released class', () => {
    const c = JSON.parse(readFileSync(cfg, 'utf8'));
    const masked = path.join(dir, 'cfg-mask.json');
    writeFileSync(masked, JSON.stringify({ ...c, suppressedRows: 'mask' }));
    const out = path.join(dir, 'out-mask.csv');
    bkj([
      'anonymize',
      '--config',
      masked,
      csv,
      out,
      '--report',
      path.join(dir, 'm.html'),
      '--quiet',
    ]);
    const m = readFileSync(path.join(dir, 'm.html'), 'utf8');
    expect(json.suppressed).toBeGreaterThan(0);
    expect(byId(m, 'classes-after')).toBe(String(json.classes));
    const rows = tableRows(m, 'Class size');
    expect(rows.reduce((a, r) => a + Number(r[2]!.replace(/,/g, '')), 0)).toBe(
      json.releasedRecords,
    );
  });
});

describe('audit query / verify --html', () => {
  let log = '';
  let answer = '';
  beforeAll(() => {
    log = auditInputs(dir);
    answer = path.join(dir, 'answer.json');
  });

  const statuses = (html: string) =>
    Object.fromEntries(
      [...html.matchAll(/<tr data-index="(\d+)">.*?<td class="\w+">([^<]*)<\/td><\/tr>/g)].map(
        (m) => [Number(m[1]), m[2]],
      ),
    );

  it("each event's proof status as verify reports it; values escaped; self-contained", () => {
    const q = path.join(dir, 'q.html');
    writeFileSync(answer, bkj(['audit', 'query', '--dir', log, '--subject', SUBJECT, '--html', q]));
    const v = path.join(dir, 'v.html');
    const r = JSON.parse(
      bkj(['audit', 'verify', '--dir', log, '--answer', answer, '--subject', SUBJECT, '--html', v]),
    );
    expect(r).toMatchObject({ ok: true, proven: [0, 2, 3], unproven: [4, 6], failed: [] });
    for (const file of [q, v]) {
      const html = readFileSync(file, 'utf8');
      checkSelfContained(html);
      expect(statuses(html)).toEqual({
        0: 'proven',
        2: 'proven',
        3: 'proven',
        4: 'not yet provable',
        6: 'not yet provable',
      });
      expect(byId(html, 'subject')).toBe(SUBJECT);
      expect(html).toContain('p:7f3a9c&lt;b&gt;&amp;&quot;');
      expect(html).toContain('市民政局 &lt;script&gt; / staff-4');
      expect(html).not.toContain('p:other');
      expect(byId(html, 'checkpoint')).toMatch(/^agency\.example\/audit, size 4, /);
      expect(byId(html, 'verdict')).toMatch(/^verified/);
    }
  });

  it('an edited event is shown as failed and the verdict as not verified', () => {
    const a = JSON.parse(readFileSync(answer, 'utf8'));
    a.events[1].entry.purpose = '商业营销';
    const edited = path.join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(a));
    const page = path.join(dir, 'edited.html');
    const r2 = spawnSync(
      process.execPath,
      [
        cli,
        'audit',
        'verify',
        '--dir',
        log,
        '--answer',
        edited,
        '--subject',
        SUBJECT,
        '--html',
        page,
      ],
      { encoding: 'utf8' },
    );
    expect(r2.status).toBe(1);
    expect(JSON.parse(r2.stdout)).toMatchObject({ ok: false, failed: [2] });
    const html = readFileSync(page, 'utf8');
    expect(statuses(html)[2]).toBe('failed');
    expect(statuses(html)[0]).toBe('proven');
    expect(byId(html, 'verdict')).toMatch(/^NOT verified/);
  });
});
