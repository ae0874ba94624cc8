/**
 * The HTML page of `bukejian anonymize --report report.html`: the JSON report's figures, the
 * class-size distribution before and after, the prosecutor-risk histogram, the transformation per
 * quasi-identifier and the lattice nodes checked. Only counts are shown, never a value of the data.
 * @module
 */
import type { AnonymizeReport, Row } from '../anon/index.js';
import { barChart, facts, num, page, table } from './_html-report.js';

/** Class sizes of `rows` grouped by the values of `qis` (in first-seen order). */
export function classSizes(rows: readonly Row[], qis: readonly string[]): number[] {
  const index = new Map<string, number>();
  const sizes: number[] = [];
  for (const r of rows) {
    const k = JSON.stringify(qis.map((q) => String(r[q] ?? '')));
    const c = index.get(k);
    if (c === undefined) {
      index.set(k, sizes.length);
      sizes.push(1);
    } else sizes[c]!++;
  }
  return sizes;
}

/**
 * Class sizes of the release: the output rows grouped by their quasi-identifiers, without the
 * suppressed records (with `suppressedRows: 'mask'` they are rows of `*` in every column, so they
 * are taken out of the class whose quasi-identifiers are all `*`).
 */
export function releasedClassSizes(
  out: readonly Row[],
  qis: readonly string[],
  report: AnonymizeReport,
): number[] {
  if (report.suppressedRows !== 'mask' || report.suppressed === 0) return classSizes(out, qis);
  const index = new Map<string, number>();
  const sizes: number[] = [];
  let star = -1;
  for (const r of out) {
    const vals = qis.map((q) => String(r[q] ?? ''));
    const k = JSON.stringify(vals);
    let c = index.get(k);
    if (c === undefined) {
      c = sizes.length;
      index.set(k, c);
      sizes.push(0);
      if (vals.every((v) => v === '*')) star = c;
    }
    sizes[c]!++;
  }
  if (star >= 0) sizes[star]! -= report.suppressed;
  return sizes.filter((s) => s > 0);
}

const SIZE_BINS: [string, number, number][] = [
  ['1', 1, 1],
  ['2', 2, 2],
  ['3–4', 3, 4],
  ['5–9', 5, 9],
  ['10–19', 10, 19],
  ['20–49', 20, 49],
  ['50–99', 50, 99],
  ['100+', 100, Infinity],
];

// prosecutor risk 1/f of a record in a class of f records, bins (lo, hi]: with the default
// threshold 0.2 the first two bins are the records at risk
const RISK_BINS: [string, number, number][] = [
  ['1 (unique)', 0.5, 1],
  ['(0.2, 0.5]', 0.2, 0.5],
  ['(0.1, 0.2]', 0.1, 0.2],
  ['(0.05, 0.1]', 0.05, 0.1],
  ['≤ 0.05', 0, 0.05],
];

/** Records per bin of `key(classSize)` (each class counts its records); `open`: bins (lo, hi]. */
function binRecords(
  sizes: number[],
  bins: [string, number, number][],
  key: (f: number) => number,
  open = false,
) {
  const out = bins.map(() => 0);
  for (const f of sizes) {
    const k = key(f);
    const b = bins.findIndex(([, lo, hi]) => (open ? k > lo : k >= lo) && k <= hi);
    if (b >= 0) out[b]! += f;
  }
  return out;
}

/** The page. `heights` gives each quasi-identifier's hierarchy height (levels 0..height−1). */
export function anonReportHtml(
  report: AnonymizeReport,
  before: number[],
  after: number[],
  heights: Record<string, number>,
): string {
  const r = report;
  const threshold = r.risk.after.threshold;
  const atRisk = (p: AnonymizeReport['risk']['after']['prosecutor'], n: number) =>
    `${num(p.recordsAtRisk)}${n ? ` (${(100 * p.recordsAtRiskShare).toFixed(2)} %)` : ''}`;
  const body: string[] = [];
  body.push(
    facts([
      ['algorithm', 'Algorithm', r.algorithm],
      ['records', 'Input records', num(r.records)],
      ['released', 'Released records', num(r.releasedRecords)],
      [
        'suppressed',
        'Suppressed records',
        `${num(r.suppressed)} (limit ${(100 * r.suppressionLimit).toFixed(2)} %, ${r.suppressedRows === 'mask' ? 'rows of *' : 'removed'})`,
      ],
      ['classes-before', 'Classes before', num(before.length)],
      ['classes-after', 'Classes after', num(r.classes)],
      [
        'at-risk-before',
        `Records at risk before (prosecutor risk > ${threshold})`,
        atRisk(r.risk.before.prosecutor, r.risk.before.records),
      ],
      [
        'at-risk-after',
        `Records at risk after (prosecutor risk > ${threshold})`,
        atRisk(r.risk.after.prosecutor, r.risk.after.records),
      ],
      [
        'prosecutor-max',
        'Highest prosecutor risk before → after',
        `${num(r.risk.before.prosecutor.maximum)} → ${num(r.risk.after.prosecutor.maximum)}`,
      ],
      [
        'lattice',
        'Lattice nodes checked',
        r.lattice ? `${num(r.lattice.checked)} of ${num(r.lattice.nodes)}` : 'none (Mondrian)',
      ],
      ['time', 'Time', `${num(r.timeMs, 1)} ms`],
    ]),
  );
  body.push('<h2>Transformation</h2>');
  if (r.transformation) {
    body.push(
      table(
        ['Quasi-identifier', 'Hierarchy level', 'Most general level'],
        Object.entries(r.transformation).map(([q, l]) => [
          q,
          l,
          heights[q] ? heights[q] - 1 : 'n/a',
        ]),
      ),
    );
  } else {
    body.push(
      `<p>${r.algorithm === 'mondrian' ? 'Mondrian generalizes each class on its own: no single level per quasi-identifier.' : 'No transformation satisfies the privacy models.'}</p>`,
    );
  }
  body.push('<h2>Privacy models</h2>');
  body.push(
    table(
      ['Model', 'Attribute', 'Achieved'],
      r.models.map((m) => [
        m.model.type,
        'attribute' in m.model ? String(m.model.attribute) : '',
        num(m.achieved),
      ]),
    ),
  );
  const sizeBefore = binRecords(before, SIZE_BINS, (f) => f);
  const sizeAfter = binRecords(after, SIZE_BINS, (f) => f);
  body.push('<h2>Class sizes</h2>');
  body.push(
    barChart(
      'class-sizes',
      'Records by the size of their class (records sharing the same quasi-identifiers), before and after',
      SIZE_BINS.map((b) => b[0]),
      [
        { name: 'before', values: sizeBefore, color: '#c0504d' },
        { name: 'after', values: sizeAfter, color: '#2e75b6' },
      ],
    ),
  );
  body.push(
    table(
      ['Class size', 'Records before', 'Records after'],
      SIZE_BINS.map((b, i) => [b[0], sizeBefore[i]!, sizeAfter[i]!]),
    ),
  );
  const riskBefore = binRecords(before, RISK_BINS, (f) => 1 / f, true);
  const riskAfter = binRecords(after, RISK_BINS, (f) => 1 / f, true);
  body.push('<h2>Prosecutor risk</h2>');
  body.push(
    barChart(
      'prosecutor-risk',
      `Records by prosecutor re-identification risk (1 / class size); above ${threshold} counts as at risk`,
      RISK_BINS.map((b) => b[0]),
      [
        { name: 'before', values: riskBefore, color: '#c0504d' },
        { name: 'after', values: riskAfter, color: '#2e75b6' },
      ],
    ),
  );
  body.push(
    table(
      ['Prosecutor risk', 'Records before', 'Records after'],
      RISK_BINS.map((b, i) => [b[0], riskBefore[i]!, riskAfter[i]!]),
    ),
  );
  return page('Anonymization report', body.join('\n'));
}
