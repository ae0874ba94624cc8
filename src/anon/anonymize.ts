/**
 * `anonymize(rows, config)`: validates a JSON configuration, transforms the rows to satisfy the
 * configured privacy models (optimal full-domain generalization with suppression, or Mondrian
 * local recoding) and reports what was done: transformation, classes, suppressed records, each
 * model's achieved value, utility, re-identification risk before and after, lattice nodes checked
 * and time.
 *
 * Column roles follow ARX: quasi-identifiers are generalized, sensitive attributes are kept and
 * protected by l-diversity / t-closeness, `insensitive` columns are kept as they are, and every
 * other column is treated as a direct identifier and dropped (the safe default).
 * Suppressed records release nothing: they are removed (`suppressedRows: 'remove'`, the default)
 * or kept as rows with every column `*` (`'mask'`: only the fact that a record existed is released).
 * The report's classes, model values, utility and risk "after" are measured on the release itself:
 * the non-suppressed records grouped by their released quasi-identifier values.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoneOf, aoptions, astring } from '../_assert.js';
import { buildHierarchy, type HierarchySpec } from './builders.js';
import { achievedValues, evaluate, partition, type Classes } from './classes.js';
import type { Hierarchy } from './hierarchy.js';
import { utility, type SearchMetric, type UtilityReport } from './metrics.js';
import { compileModel, validateModel, type ModelSpec } from './models.js';
import { mondrian } from './mondrian.js';
import { riskFromClassSizes, type RiskReport } from './risk.js';
import { optimalSearch } from './search.js';
import { encodeTable, type EncodedTable, type Row } from './table.js';

/** The JSON configuration of {@link anonymize}. */
export interface AnonymizeConfig {
  /** Quasi-identifier → its hierarchy (a JSON spec, or a Hierarchy object when called from code). */
  quasiIdentifiers: Record<string, HierarchySpec | Hierarchy>;
  /** Sensitive attributes (kept; those named by models are added automatically). */
  sensitive?: string[];
  /** Columns kept unchanged. Every column not listed anywhere is dropped. */
  insensitive?: string[];
  /** At least one privacy model. */
  models: ModelSpec[];
  /** Fraction of records that may be suppressed, 0..1 (default 0). */
  suppressionLimit?: number;
  /** Default 'optimal'. */
  algorithm?: 'optimal' | 'mondrian';
  /** What the optimal search minimizes (default 'entropy', non-uniform entropy). */
  metric?: SearchMetric;
  /** Risk threshold for "records at risk" (default 0.2). */
  riskThreshold?: number;
  /**
   * What becomes of suppressed records: 'remove' (default) drops them; 'mask' keeps one row per
   * record with every column (quasi-identifiers, sensitive and insensitive) `*`.
   */
  suppressedRows?: 'mask' | 'remove';
}

/** What every report holds, whichever algorithm ran. */
interface ReportBase {
  /** Input records. */
  records: number;
  /** Records whose values are released (`records − suppressed`). */
  releasedRecords: number;
  /** Records suppressed: none of their values is released. */
  suppressed: number;
  /** How suppressed records appear in `rows`: 'remove' (absent) or 'mask' (a row of `*`). */
  suppressedRows: 'mask' | 'remove';
  suppressionLimit: number;
  /** Classes of the release: released records grouped by their released quasi-identifier values. */
  classes: number;
  /** Per model, the worst value over the classes of the release (NaN when nothing is released). */
  models: { model: ModelSpec; achieved: number }[];
  utility: UtilityReport & { ncp?: number };
  risk: { before: RiskReport; after: RiskReport };
  timeMs: number;
}

/**
 * The report of {@link anonymize} (JSON-serializable; NaN becomes null in JSON). The optimal
 * search always reports its transformation (it throws when none exists); Mondrian has none:
 * `report.algorithm === 'optimal'` narrows `transformation` and `lattice` to non-null, and a
 * config whose `algorithm` is known at compile time (absent = optimal) gives the narrowed type
 * directly.
 */
export type AnonymizeReport =
  | (ReportBase & {
      algorithm: 'optimal';
      /** Generalization level per quasi-identifier. */
      transformation: Record<string, number>;
      lattice: { nodes: number; checked: number };
    })
  | (ReportBase & { algorithm: 'mondrian'; transformation: null; lattice: null });

/**
 * A type with every string-literal type widened to `string` (recursively): what a config written
 * in a variable without an annotation has. {@link anonymize} accepts it and validates the values
 * at run time, as it does for JSON.
 */
type Widened<T> = T extends string
  ? string
  : T extends (...args: never[]) => unknown
    ? T
    : T extends readonly (infer U)[]
      ? readonly Widened<U>[]
      : T extends object
        ? { [K in keyof T]: Widened<T[K]> }
        : T;

/** The report type for a config type: narrowed when its `algorithm` is known (absent = optimal). */
type ReportFor<C> = C extends { algorithm: 'mondrian' }
  ? Extract<AnonymizeReport, { algorithm: 'mondrian' }>
  : C extends { algorithm: 'optimal' }
    ? Extract<AnonymizeReport, { algorithm: 'optimal' }>
    : 'algorithm' extends keyof C
      ? AnonymizeReport
      : Extract<AnonymizeReport, { algorithm: 'optimal' }>;

/** Options that are not part of the JSON configuration. */
export interface AnonymizeOptions {
  /** Progress callback: lattice nodes checked so far and the lattice size. */
  onProgress?: (checked: number, total: number) => void;
}

const CONFIG_KEYS = [
  'quasiIdentifiers',
  'sensitive',
  'insensitive',
  'models',
  'suppressionLimit',
  'algorithm',
  'metric',
  'riskThreshold',
  'suppressedRows',
] as const;

function isHierarchy(x: unknown): x is Hierarchy {
  return typeof x === 'object' && x !== null && typeof (x as Hierarchy).generalize === 'function';
}

/**
 * The classes of the release as its recipient sees them: the base tuples of non-violating classes
 * grouped by their released quasi-identifier labels (two engine classes with the same labels are
 * one class to the recipient), and the tuples of violating classes in one last group marked
 * `violating` (their records are suppressed and release nothing).
 */
function releasedClasses(
  table: EncodedTable,
  classOf: Int32Array,
  count: number,
  violating: Uint8Array,
  label: (c: number, t: number, j: number) => string,
): { classes: Classes; violating: Uint8Array; released: number } {
  const m = table.qis.length;
  const groupOfClass = new Int32Array(count).fill(-1);
  const index = new Map<string, number>();
  const first: number[] = [];
  let firstSuppressed = -1;
  for (let t = 0; t < table.tuples; t++) {
    const c = classOf[t]!;
    if (violating[c]) {
      if (firstSuppressed < 0) firstSuppressed = t;
      continue;
    }
    if (groupOfClass[c]! >= 0) continue;
    const key = JSON.stringify(Array.from({ length: m }, (_, j) => label(c, t, j)));
    let g = index.get(key);
    if (g === undefined) {
      g = first.length;
      index.set(key, g);
      first.push(t);
    }
    groupOfClass[c] = g;
  }
  const released = first.length;
  if (firstSuppressed >= 0) first.push(firstSuppressed);
  const size = new Float64Array(first.length);
  const groupOf = new Int32Array(table.tuples);
  for (let t = 0; t < table.tuples; t++) {
    const c = classOf[t]!;
    const g = violating[c] ? released : groupOfClass[c]!;
    groupOf[t] = g;
    size[g]! += table.tupleCount[t]!;
  }
  const v = new Uint8Array(first.length);
  if (firstSuppressed >= 0) v[released] = 1;
  return {
    classes: { classOf: groupOf, count: first.length, size, first: Int32Array.from(first) },
    violating: v,
    released,
  };
}

/**
 * Validates a configuration and returns it with defaults filled in; throws INVALID_CONFIG /
 * INVALID_OPTION / INVALID_TYPE otherwise.
 * @example validateConfig({ quasiIdentifiers: { age: { type: 'intervals', widths: [10] } }, models: [{ type: 'k-anonymity', k: 5 }] })
 */
export function validateConfig(config: AnonymizeConfig): Required<AnonymizeConfig> {
  const c = aoptions(config, 'config', CONFIG_KEYS);
  if (
    !c.quasiIdentifiers ||
    typeof c.quasiIdentifiers !== 'object' ||
    Array.isArray(c.quasiIdentifiers)
  ) {
    throw new BukejianError(
      'INVALID_CONFIG',
      '"quasiIdentifiers" expected an object of column → hierarchy, got another type',
    );
  }
  const qiNames = Object.keys(c.quasiIdentifiers);
  if (!qiNames.length)
    throw new BukejianError(
      'INVALID_CONFIG',
      '"quasiIdentifiers" expected at least one column, got none',
    );
  if (!Array.isArray(c.models) || !c.models.length)
    throw new BukejianError('INVALID_CONFIG', '"models" expected a non-empty array, got none');
  c.models.forEach(validateModel);
  const list = (v: unknown, name: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v))
      throw new BukejianError(
        'INVALID_CONFIG',
        `"${name}" expected an array of column names, got another type`,
      );
    return v.map((x, i) => astring(x, `${name}[${i}]`));
  };
  const sensitive = [
    ...new Set([
      ...list(c.sensitive, 'sensitive'),
      ...c.models.flatMap((m) => (m.type === 'k-anonymity' ? [] : [m.attribute])),
    ]),
  ];
  const insensitive = list(c.insensitive, 'insensitive');
  for (const s of [...sensitive, ...insensitive]) {
    if (qiNames.includes(s))
      throw new BukejianError(
        'INVALID_CONFIG',
        `"${s.slice(0, 40)}" expected one role, got quasi-identifier and another`,
      );
  }
  if (insensitive.some((s) => sensitive.includes(s)))
    throw new BukejianError(
      'INVALID_CONFIG',
      '"insensitive" expected columns that are not sensitive, got an overlap',
    );
  const limit = c.suppressionLimit ?? 0;
  if (typeof limit !== 'number' || !(limit >= 0 && limit <= 1))
    throw new BukejianError(
      'INVALID_CONFIG',
      '"suppressionLimit" expected a number in [0, 1], got another value',
    );
  const threshold = c.riskThreshold ?? 0.2;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1))
    throw new BukejianError(
      'INVALID_CONFIG',
      '"riskThreshold" expected a number in [0, 1], got another value',
    );
  return {
    quasiIdentifiers: c.quasiIdentifiers,
    sensitive,
    insensitive,
    models: c.models,
    suppressionLimit: limit,
    algorithm:
      c.algorithm === undefined
        ? 'optimal'
        : aoneOf(c.algorithm, 'algorithm', ['optimal', 'mondrian']),
    metric:
      c.metric === undefined
        ? 'entropy'
        : aoneOf(c.metric, 'metric', ['entropy', 'precision', 'height']),
    riskThreshold: threshold,
    suppressedRows:
      c.suppressedRows === undefined
        ? 'remove'
        : aoneOf(c.suppressedRows, 'suppressedRows', ['mask', 'remove']),
  };
}

/**
 * Anonymizes `rows` according to `config`.
 * @example
 * const { rows: out, report } = anonymize(rows, {
 *   quasiIdentifiers: { age: { type: 'intervals', widths: [5, 10, 20] }, county: { type: 'adminCode' } },
 *   models: [{ type: 'k-anonymity', k: 5 }],
 *   suppressionLimit: 0.02,
 * });
 * report.transformation; // { age: 2, county: 1 }
 */
export function anonymize<const C extends AnonymizeConfig | Widened<AnonymizeConfig>>(
  rows: readonly Row[],
  config: C,
  opts?: AnonymizeOptions,
): { rows: Record<string, string>[]; report: ReportFor<C> } {
  const t0 = performance.now();
  const cfg = validateConfig(config as AnonymizeConfig);
  const o = aoptions(opts, 'opts', ['onProgress']);
  const qiNames = Object.keys(cfg.quasiIdentifiers);
  const hierarchies: Record<string, Hierarchy> = {};
  for (const q of qiNames) {
    const h = cfg.quasiIdentifiers[q]!;
    hierarchies[q] = isHierarchy(h) ? h : buildHierarchy(h);
  }
  const table = encodeTable(rows, hierarchies, cfg.sensitive);
  const models = cfg.models.map((m) => compileModel(m, table.sensitive));
  const n = table.n;
  const maxSuppressed = Math.floor(cfg.suppressionLimit * n + 1e-9);
  const kModel = cfg.models
    .filter((m) => m.type === 'k-anonymity')
    .map((m) => (m as { k: number }).k);
  const k = kModel.length ? Math.max(...kModel) : null;
  const before = riskFromClassSizes(
    partition(
      table,
      qiNames.map(() => 0),
    ).size,
    undefined,
    { threshold: cfg.riskThreshold },
  );

  let classOf: Int32Array;
  let count: number;
  let violating: Uint8Array;
  let labels: (c: number, t: number, j: number) => string;
  let levels: number[];
  let transformation: Record<string, number> | null = null;
  let lattice: { nodes: number; checked: number } | null = null;
  let ncp: number | undefined;
  if (cfg.algorithm === 'optimal') {
    const res = optimalSearch(table, models, {
      maxSuppressed,
      metric: cfg.metric,
      onProgress: o.onProgress,
    });
    if (!res.levels) {
      throw new BukejianError(
        'INVALID_DATA',
        '"rows" expected some transformation to satisfy the models within the suppression limit, got none',
      );
    }
    const lv = res.levels;
    levels = lv;
    lattice = { nodes: res.total, checked: res.checked };
    transformation = Object.fromEntries(qiNames.map((q, j) => [q, lv[j]!]));
    const cls = partition(table, lv);
    const ev = evaluate(table, cls, models, maxSuppressed, false, false);
    ({ classOf, count } = cls);
    violating = ev.violating!;
    labels = (_c, t, j) => {
      const q = table.qis[j]!;
      return q.hierarchy.labels[lv[j]!]![q.tupleCodes[lv[j]!]![t]!]!;
    };
  } else {
    const res = mondrian(table, models);
    ({ classOf, count, ncp } = res);
    levels = qiNames.map(() => 0);
    violating = new Uint8Array(count);
    labels = (c, _t, j) => res.labels[c]![j]!;
  }

  // The report describes the release: its classes are the released records grouped by their
  // released quasi-identifier values; suppressed records release nothing and are only counted.
  const rel = releasedClasses(table, classOf, count, violating, labels);
  const achieved = achievedValues(table, rel.classes, models, rel.violating);
  // every class of the release satisfies every model (by construction; checked, so that a release
  // that would contradict its report is never returned)
  if (!models.every((md, i) => Number.isNaN(achieved[i]!) || md.ok(achieved[i]!))) {
    throw new BukejianError(
      'INVALID_DATA',
      '"rows" expected a release whose every class satisfies the models, got a violating class',
    );
  }
  const releasedSizes = Array.from(rel.classes.size.subarray(0, rel.released));
  const suppressed = rel.released < rel.classes.count ? rel.classes.size[rel.released]! : 0;
  const after = riskFromClassSizes(releasedSizes, undefined, { threshold: cfg.riskThreshold });
  const base = utility(table, levels, rel.classes, rel.violating, k);
  const util: UtilityReport & { ncp?: number } =
    ncp === undefined
      ? base
      : {
          ...base,
          nonUniformEntropy: NaN,
          nonUniformEntropyRelative: NaN,
          generalizationIntensity: ncp,
          precision: 1 - ncp,
          ncp,
        };

  // output rows: QIs generalized, sensitive and insensitive kept, everything else dropped;
  // a suppressed record is dropped ('remove') or becomes a row of '*' in every column ('mask')
  const keep = new Set([...cfg.sensitive, ...cfg.insensitive]);
  const sample = rows[0] ?? {};
  const columns = Object.keys(sample).filter((c) => qiNames.includes(c) || keep.has(c));
  for (const c of keep) if (!columns.includes(c)) columns.push(c);
  const qiIndex = new Map(qiNames.map((q, j) => [q, j]));
  const out: Record<string, string>[] = [];
  for (let i = 0; i < n; i++) {
    const t = table.rowTuple[i]!;
    const c = classOf[t]!;
    const r: Record<string, string> = {};
    if (violating[c]) {
      if (cfg.suppressedRows === 'remove') continue;
      for (const col of columns) r[col] = '*';
      out.push(r);
      continue;
    }
    for (const col of columns) {
      const j = qiIndex.get(col);
      if (j === undefined) {
        const v = rows[i]![col];
        r[col] = v === undefined ? '' : String(v);
      } else r[col] = labels(c, t, j);
    }
    out.push(r);
  }
  const report = {
    algorithm: cfg.algorithm,
    transformation,
    records: n,
    releasedRecords: n - suppressed,
    suppressed,
    suppressedRows: cfg.suppressedRows,
    suppressionLimit: cfg.suppressionLimit,
    classes: rel.released,
    models: cfg.models.map((m, i) => ({ model: m, achieved: achieved[i] ?? NaN })),
    utility: util,
    risk: { before, after },
    lattice,
    timeMs: Math.round((performance.now() - t0) * 10) / 10,
  } as AnonymizeReport; // transformation and lattice are set exactly when the algorithm is optimal
  return { rows: out, report: report as ReportFor<C> };
}
