/**
 * The HTML page of `bukejian anonymize --report report.html`: one self-contained file (inline CSS
 * and SVG, no script, no network) for people who would rather look than read: the class-size
 * distribution before and after, the prosecutor-risk histogram, the records at risk, the chosen
 * generalization level per quasi-identifier and the lattice nodes checked. The JSON report is
 * embedded as `<script type="application/json" id="report">` (data, never executed). Values of
 * records never appear: only counts, levels and column names.
 * @module
 */
import type { AnonymizeReport } from '../anon/index.js';

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(4));

/** Class-size bins: [label, lowest size, highest size]. */
const SIZE_BINS: [string, number, number][] = [
  ['1', 1, 1],
  ['2', 2, 2],
  ['3–4', 3, 4],
  ['5–9', 5, 9],
  ['10–19', 10, 19],
  ['20–49', 20, 49],
  ['50+', 50, Infinity],
];
/** Prosecutor-risk bins (risk = 1 / class size): [label, lowest, highest]. */
const RISK_BINS: [string, number, number][] = [
  ['≤ 0.05', 0, 0.05],
  ['0.05–0.1', 0.05, 0.1],
  ['0.1–0.2', 0.1, 0.2],
  ['0.2–0.34', 0.2, 0.34],
  ['0.34–0.5', 0.34, 0.5],
  ['0.5–1', 0.5, 1],
];

/** Records per bin of class size (a class of size s holds s records). */
function bySize(sizes: readonly number[]): number[] {
  return SIZE_BINS.map(([, lo, hi]) =>
    sizes.filter((s) => s >= lo && s <= hi).reduce((a, s) => a + s, 0),
  );
}

/** Records per bin of prosecutor risk 1/s (a bin is (lo, hi], the first [0, hi]). */
function byRisk(sizes: readonly number[]): number[] {
  return RISK_BINS.map(([, lo, hi], i) =>
    sizes
      .filter((s) => (i === 0 ? 1 / s <= hi : 1 / s > lo && 1 / s <= hi))
      .reduce((a, s) => a + s, 0),
  );
}

/** A grouped bar chart (one or two series) as inline SVG with the counts written on the bars. */
function bars(
  title: string,
  labels: readonly string[],
  series: { name: string; values: number[]; color: string }[],
  id: string,
): string {
  const W = 640;
  const H = 240;
  const left = 48;
  const bottom = 40;
  const top = 16;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (W - left - 8) / labels.length;
  const bw = (slot * 0.8) / series.length;
  const y = (v: number): number => top + (H - top - bottom) * (1 - v / max);
  const parts: string[] = [];
  labels.forEach((l, i) => {
    series.forEach((s, k) => {
      const v = s.values[i]!;
      const x = left + i * slot + slot * 0.1 + k * bw;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(H - bottom - y(v)).toFixed(1)}" fill="${s.color}"><title>${esc(s.name)} ${esc(l)}: ${v}</title></rect>`,
        `<text x="${(x + bw / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" font-size="10" text-anchor="middle">${v}</text>`,
      );
    });
    parts.push(
      `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${H - bottom + 14}" font-size="11" text-anchor="middle">${esc(l)}</text>`,
    );
  });
  const legend = series
    .map(
      (s, k) =>
        `<rect x="${left + k * 120}" y="${H - 16}" width="10" height="10" fill="${s.color}"/><text x="${left + k * 120 + 14}" y="${H - 7}" font-size="11">${esc(s.name)}</text>`,
    )
    .join('');
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}"><line x1="${left}" y1="${H - bottom}" x2="${W - 8}" y2="${H - bottom}" stroke="#555"/><text x="4" y="${top + 8}" font-size="10">${max}</text>${parts.join('')}${legend}</svg></figure>`;
}

/**
 * The HTML page for `report`, with the class sizes of the input (`before`, grouped by the original
 * quasi-identifier values) and of the release (`after`).
 * @example writeFileSync('report.html', anonymizeReportHtml(report, before, after))
 */
export function anonymizeReportHtml(
  report: AnonymizeReport,
  before: readonly number[],
  after: readonly number[],
): string {
  const threshold = report.risk.after.threshold;
  const atRisk = after.filter((s) => 1 / s > threshold).reduce((a, s) => a + s, 0);
  const atRiskBefore = before.filter((s) => 1 / s > threshold).reduce((a, s) => a + s, 0);
  const levels = report.transformation
    ? Object.entries(report.transformation)
        .map(([q, l]) => `<tr><td>${esc(q)}</td><td class="n">${l}</td></tr>`)
        .join('')
    : '<tr><td colspan="2">Mondrian (local recoding): no single level per column</td></tr>';
  const figures: [string, string, string][] = [
    ['records', 'Records in', String(report.records)],
    ['released', 'Records released', String(report.releasedRecords)],
    ['suppressed', 'Records suppressed', String(report.suppressed)],
    ['classes', 'Classes released', String(report.classes)],
    ['at-risk', `Records at risk (prosecutor risk > ${num(threshold)})`, String(atRisk)],
    ['at-risk-before', 'Records at risk before', String(atRiskBefore)],
    ['max-risk', 'Highest prosecutor risk', num(report.risk.after.prosecutor.maximum)],
    ['avg-risk', 'Average prosecutor risk', num(report.risk.after.prosecutor.average)],
    ...(report.lattice
      ? ([
          [
            'lattice',
            'Lattice nodes checked',
            `${report.lattice.checked} of ${report.lattice.nodes}`,
          ],
        ] as [string, string, string][])
      : []),
  ];
  const models = report.models
    .map(
      (m) =>
        `<li>${esc(m.model.type)}${'attribute' in m.model ? ` on ${esc(String(m.model.attribute))}` : ''}: achieved ${num(m.achieved)}</li>`,
    )
    .join('');
  // the embedded JSON is data: `<` is escaped so no `</script>` can end the block early
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>bukejian anonymize report</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:24px;color:#222;max-width:720px}
h1{font-size:20px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px}
td.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}
</style></head><body>
<h1>De-identification report (${esc(report.algorithm)})</h1>
<table id="figures"><tbody>${figures.map(([id, label, v]) => `<tr id="fig-${id}"><th>${esc(label)}</th><td class="n">${esc(v)}</td></tr>`).join('')}</tbody></table>
<h2>Generalization per quasi-identifier</h2>
<table id="transformation"><thead><tr><th>column</th><th>hierarchy level</th></tr></thead><tbody>${levels}</tbody></table>
<h2>Privacy models</h2><ul id="models">${models}</ul>
${bars(
  'Records by equivalence-class size',
  SIZE_BINS.map(([l]) => l),
  [
    { name: 'before', values: bySize(before), color: '#d9822b' },
    { name: 'after', values: bySize(after), color: '#2b7bd9' },
  ],
  'chart-class-sizes',
)}
${bars(
  'Records by prosecutor risk (1 / class size)',
  RISK_BINS.map(([l]) => l),
  [
    { name: 'before', values: byRisk(before), color: '#d9822b' },
    { name: 'after', values: byRisk(after), color: '#2b7bd9' },
  ],
  'chart-risk',
)}
<script type="application/json" id="report">${json}</script>
</body></html>
`;
}
