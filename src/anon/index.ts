/**
 * `bukejian/anon`: de-identification of microdata. Generalization hierarchies (ARX format and
 * builders), privacy models (k-anonymity, l-diversity distinct/entropy/recursive-(c,l),
 * t-closeness equal/hierarchical EMD) with a suppression limit, optimal full-domain search
 * (Flash-like, returns the true optimum), Mondrian local recoding, utility metrics and
 * prosecutor/journalist/marketer re-identification risk. No cryptography; no I/O.
 * @example
 * import { anonymize } from 'bukejian/anon';
 * const { rows, report } = anonymize(data, {
 *   quasiIdentifiers: { age: { type: 'intervals', widths: [5, 10, 20] }, county: { type: 'adminCode' } },
 *   models: [{ type: 'k-anonymity', k: 5 }],
 *   suppressionLimit: 0.04,
 * });
 * @module
 */
export { anonymize, validateConfig } from './anonymize.js';
export type { AnonymizeConfig, AnonymizeOptions, AnonymizeReport } from './anonymize.js';
export { buildHierarchy } from './builders.js';
export type {
  DateOptions,
  HierarchySpec,
  IntervalOptions,
  PrefixOptions,
  TreeSpec,
} from './builders.js';
export { parseCsv, recordsToRows, toCsv } from './csv.js';
export type { CsvOptions } from './csv.js';
export { hierarchyFromCsv } from './hierarchy.js';
export type { Hierarchy } from './hierarchy.js';
export { utility } from './metrics.js';
export type { SearchMetric, UtilityReport } from './metrics.js';
export { compileModel } from './models.js';
export type { CompiledModel, ModelSpec } from './models.js';
export { mondrian } from './mondrian.js';
export type { MondrianResult } from './mondrian.js';
export { reidentificationRisk } from './risk.js';
export type { RiskOptions, RiskReport } from './risk.js';
export { optimalSearch } from './search.js';
export type { SearchOptions, SearchResult } from './search.js';
export { encodeTable } from './table.js';
export type { EncodedTable, Row } from './table.js';
