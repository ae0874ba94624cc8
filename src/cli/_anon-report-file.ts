/**
 * `anonymize --report FILE`: the JSON report, or the HTML page when FILE ends in `.html`/`.htm`.
 * @module
 */
import { writeFileSync } from 'node:fs';
import {
  buildHierarchy,
  validateConfig,
  type AnonymizeConfig,
  type AnonymizeReport,
  type Hierarchy,
  type Row,
} from '../anon/index.js';
import { anonReportHtml, classSizes, releasedClassSizes } from './_anon-html.js';

/** Writes the report to `file`, its format chosen by the extension. */
export function writeReport(
  file: string,
  report: AnonymizeReport,
  config: AnonymizeConfig,
  rows: readonly Row[],
  out: readonly Row[],
): void {
  if (!/\.html?$/i.test(file)) {
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const qis = validateConfig(config).quasiIdentifiers;
  const names = Object.keys(qis);
  const heights: Record<string, number> = {};
  for (const q of names) {
    const h = qis[q] as Hierarchy | Parameters<typeof buildHierarchy>[0];
    heights[q] = 'generalize' in h ? h.height : buildHierarchy(h).height;
  }
  const before = classSizes(rows, names);
  const after = releasedClassSizes(out, names, report);
  writeFileSync(file, anonReportHtml(report, before, after, heights));
}
