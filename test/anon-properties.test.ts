// fast-check properties of anonymize() on random tables, checked with naive references written
// here (grouping of the output rows by their quasi-identifier strings, the model definitions, a
// brute-force enumeration of the whole lattice):
// - every released class satisfies every configured model, as reported;
// - suppression stays within the limit;
// - generalized values are the hierarchy's generalization of the original at the reported level;
// - prosecutor risk never exceeds 1/k after k-anonymization;
// - the optimal search returns the least-loss acceptable transformation of the whole lattice;
// - Mondrian: every class satisfies every model and contains its records' original values;
// - suppression (both algorithms, both `suppressedRows` modes): the records of the classes that a
//   naive evaluation at the reported transformation finds violating are absent ('remove', the
//   default) or rows of '*' in every column ('mask'), and the report's counts, classes, model
//   values and risk "after" equal those recomputed naively from the released rows alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anonymize, type AnonymizeConfig } from '../src/anon/anonymize.js';
import { buildHierarchy, type HierarchySpec } from '../src/anon/builders.js';
import { type ModelSpec } from '../src/anon/models.js';

const AGE: HierarchySpec = { type: 'intervals', widths: [5, 10, 20] };
const CITY: HierarchySpec = {
  type: 'tree',
  tree: {
    North: { Beijing: ['110101', '110105'], Tianjin: ['120101'] },
    South: { Guangzhou: ['440103'], Shenzhen: ['440305', '440306'] },
  },
};
const SEX: HierarchySpec = {
  type: 'table',
  rows: [
    ['F', '*'],
    ['M', '*'],
  ],
};
const DISEASES = ['flu', 'asthma', 'diabetes', 'gastritis', 'hypertension'];
const DISEASE_TREE: HierarchySpec = {
  type: 'tree',
  tree: { respiratory: ['flu', 'asthma'], other: ['diabetes', 'gastritis', 'hypertension'] },
};

const row = fc.record({
  age: fc.integer({ min: 18, max: 70 }).map(String),
  city: fc.constantFrom('110101', '110105', '120101', '440103', '440305', '440306'),
  sex: fc.constantFrom('F', 'M'),
  disease: fc.constantFrom(...DISEASES),
  visits: fc.integer({ min: 0, max: 9 }).map(String),
  name: fc.constantFrom('赵一', '钱二', '孙三'),
});

const model: fc.Arbitrary<ModelSpec> = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map((k) => ({ type: 'k-anonymity' as const, k })),
  fc
    .integer({ min: 1, max: 3 })
    .map((l) => ({ type: 'l-diversity' as const, attribute: 'disease', l })),
  fc.double({ min: 1, max: 2.5, noNaN: true }).map((l) => ({
    type: 'l-diversity' as const,
    attribute: 'disease',
    l,
    variant: 'entropy' as const,
  })),
  fc
    .record({ l: fc.integer({ min: 1, max: 3 }), c: fc.double({ min: 0.5, max: 4, noNaN: true }) })
    .map(({ l, c }) => ({
      type: 'l-diversity' as const,
      attribute: 'disease',
      l,
      c,
      variant: 'recursive' as const,
    })),
  fc
    .double({ min: 0.1, max: 0.9, noNaN: true })
    .map((t) => ({ type: 't-closeness' as const, attribute: 'disease', t })),
  fc.double({ min: 0.1, max: 0.9, noNaN: true }).map((t) => ({
    type: 't-closeness' as const,
    attribute: 'disease',
    t,
    distance: 'hierarchical' as const,
    hierarchy: DISEASE_TREE,
  })),
);

type R = { age: string; city: string; sex: string; disease: string; visits: string; name: string };
type Out = Record<string, string>;

/** The model's value on a class of sensitive values, from the definitions. */
function measure(m: ModelSpec, values: string[], all: string[]): { ok: boolean; value: number } {
  const n = values.length;
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (m.type === 'k-anonymity') return { ok: n >= m.k, value: n };
  if (m.type === 'l-diversity') {
    const variant = m.variant ?? 'distinct';
    if (variant === 'distinct') return { ok: counts.size >= m.l, value: counts.size };
    if (variant === 'entropy') {
      let h = 0;
      for (const c of counts.values()) h -= (c / n) * Math.log2(c / n);
      return { ok: h >= Math.log2(m.l) - 1e-9, value: 2 ** h };
    }
    const r = [...counts.values()].sort((a, b) => b - a);
    if (r.length < m.l) return { ok: false, value: Infinity };
    const tail = r.slice(m.l - 1).reduce((a, b) => a + b, 0);
    return { ok: r[0]! < m.c! * tail, value: r[0]! / tail };
  }
  const q = new Map<string, number>();
  for (const v of all) q.set(v, (q.get(v) ?? 0) + 1 / all.length);
  const p = (v: string) => (counts.get(v) ?? 0) / n;
  let d: number;
  if ((m.distance ?? 'equal') === 'equal') {
    d = 0;
    for (const v of q.keys()) d += Math.abs(p(v) - q.get(v)!) / 2;
  } else {
    // two-level disease tree: cost 1/2 inside a group, 1 across the root (Li et al.)
    const groups = [
      ['flu', 'asthma'],
      ['diabetes', 'gastritis', 'hypertension'],
    ].map((g) => g.filter((v) => q.has(v)));
    d = 0;
    let rootPos = 0;
    let rootNeg = 0;
    for (const g of groups) {
      const e = g.map((v) => p(v) - q.get(v)!);
      const pos = e.filter((x) => x > 0).reduce((a, b) => a + b, 0);
      const neg = -e.filter((x) => x < 0).reduce((a, b) => a + b, 0);
      d += 0.5 * Math.min(pos, neg);
      const ext = pos - neg;
      if (ext > 0) rootPos += ext;
      else rootNeg -= ext;
    }
    d += Math.min(rootPos, rootNeg);
  }
  return { ok: d <= m.t + 1e-9, value: d };
}

const QIS = ['age', 'city', 'sex'] as const;
const SPECS: Record<string, HierarchySpec> = { age: AGE, city: CITY, sex: SEX };
const HEIGHTS = [5, 4, 2];

/** Naive evaluation of one level vector: acceptable within the limit, and its loss (entropy). */
function naive(rows: R[], levels: number[], models: ModelSpec[], limit: number) {
  const hs = QIS.map((q) => buildHierarchy(SPECS[q]!));
  const classes = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = QIS.map((q, j) => hs[j]!.generalize(r[q], levels[j]!)).join('|');
    if (!classes.has(key)) classes.set(key, []);
    classes.get(key)!.push(i);
  });
  const all = rows.map((r) => r.disease);
  let suppressed = 0;
  const isSuppressed = rows.map(() => false);
  for (const members of classes.values()) {
    if (
      !models.every(
        (m) =>
          measure(
            m,
            members.map((i) => rows[i]!.disease),
            all,
          ).ok,
      )
    ) {
      suppressed += members.length;
      for (const i of members) isSuppressed[i] = true;
    }
  }
  let loss = 0;
  QIS.forEach((q, j) => {
    const cv = new Map<string, number>();
    const cg = new Map<string, number>();
    for (const r of rows) {
      cv.set(r[q], (cv.get(r[q]) ?? 0) + 1);
      const g = hs[j]!.generalize(r[q], levels[j]!)!;
      cg.set(g, (cg.get(g) ?? 0) + 1);
    }
    for (const [v, c] of cv) loss += c * Math.log2(cg.get(hs[j]!.generalize(v, levels[j]!)!)! / c);
  });
  return { acceptable: suppressed <= Math.floor(limit * rows.length + 1e-9), loss, isSuppressed };
}

const isMasked = (o: Out) => Object.values(o).every((v) => v === '*');

/**
 * Recomputes the report's release figures from the released rows alone (masked rows of '*' carry
 * nothing and are only counted): records, suppressed, classes (rows grouped by their quasi-identifier
 * strings), each model's worst value, and the prosecutor risk per record from its class size.
 */
function checkReport(
  out: Out[],
  report: ReturnType<typeof anonymize>['report'],
  models: ModelSpec[],
  input: R[],
  mode: 'mask' | 'remove',
) {
  const released = out.filter((o) => !isMasked(o));
  const masked = out.length - released.length;
  expect(masked).toBe(mode === 'mask' ? input.length - released.length : 0);
  expect(report.suppressedRows).toBe(mode);
  expect(report.records).toBe(input.length);
  expect(report.releasedRecords).toBe(released.length);
  expect(report.suppressed).toBe(input.length - released.length);
  const classes = new Map<string, Out[]>();
  for (const o of released) {
    const key = JSON.stringify(QIS.map((q) => o[q]));
    if (!classes.has(key)) classes.set(key, []);
    classes.get(key)!.push(o);
  }
  expect(report.classes).toBe(classes.size);
  const all = input.map((r) => r.disease);
  models.forEach((m, mi) => {
    const values = [...classes.values()].map((members) => {
      const r = measure(
        m,
        members.map((o) => o.disease!),
        all,
      );
      expect(r.ok, JSON.stringify(m)).toBe(true);
      return r.value;
    });
    const minIsWorst =
      m.type === 'k-anonymity' ||
      (m.type === 'l-diversity' && (m.variant ?? 'distinct') !== 'recursive');
    if (!values.length) expect(report.models[mi]!.achieved).toBeNaN();
    else
      expect(report.models[mi]!.achieved).toBeCloseTo(
        minIsWorst ? Math.min(...values) : Math.max(...values),
        9,
      );
  });
  // prosecutor risk of each released record: 1 / (rows sharing its quasi-identifiers)
  const risks = released.map((o) => 1 / classes.get(JSON.stringify(QIS.map((q) => o[q])))!.length);
  const a = report.risk.after;
  expect(a.records).toBe(released.length);
  expect(a.classes).toBe(classes.size);
  if (!released.length) return;
  expect(a.prosecutor.average).toBeCloseTo(risks.reduce((x, y) => x + y, 0) / released.length, 12);
  expect(a.prosecutor.maximum).toBeCloseTo(Math.max(...risks), 12);
  expect(a.prosecutor.recordsAtRisk).toBe(risks.filter((r) => r > 0.2).length);
  expect(a.prosecutor.recordsAtRiskShare).toBeCloseTo(
    risks.filter((r) => r > 0.2).length / released.length,
    12,
  );
  expect(a.sampleUniques).toBeCloseTo(risks.filter((r) => r === 1).length / released.length, 12);
}

describe('anonymize (optimal) on random tables', () => {
  it('releases only classes that satisfy every model, within the suppression limit, with true generalizations, and is optimal', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.array(model, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(0, 0.05, 0.1, 0.25),
        fc.constantFrom<'mask' | 'remove' | undefined>('mask', 'remove', undefined),
        (rows, models, limit, suppressedRows) => {
          const mode = suppressedRows ?? 'remove';
          const config: AnonymizeConfig = {
            quasiIdentifiers: SPECS,
            sensitive: ['disease'],
            insensitive: ['visits'],
            models,
            suppressionLimit: limit,
            suppressedRows,
          };
          // exhaustive reference over all 40 transformations
          let best: number | null = null;
          for (let a = 0; a < HEIGHTS[0]!; a++)
            for (let b = 0; b < HEIGHTS[1]!; b++)
              for (let c = 0; c < HEIGHTS[2]!; c++) {
                const r = naive(rows, [a, b, c], models, limit);
                if (r.acceptable && (best === null || r.loss < best)) best = r.loss;
              }
          let result;
          try {
            result = anonymize(rows, config);
          } catch (e) {
            expect((e as { code?: string }).code).toBe('INVALID_DATA');
            expect(best).toBeNull();
            return;
          }
          const { rows: out, report } = result;
          expect(best).not.toBeNull();
          const levels = QIS.map((q) => report.transformation![q]!);
          const mine = naive(rows, levels, models, limit);
          expect(mine.acceptable).toBe(true);
          expect(mine.loss).toBeCloseTo(best!, 9);
          expect(report.utility.nonUniformEntropy).toBeCloseTo(best!, 9);
          // output checks: the records a naive evaluation at the reported levels finds violating
          // are suppressed, and nothing of them is released
          expect(report.suppressed).toBeLessThanOrEqual(Math.floor(limit * rows.length + 1e-9));
          const hs = QIS.map((q) => buildHierarchy(SPECS[q]!));
          const kept = rows.filter((_, i) => !mine.isSuppressed[i]);
          if (mode === 'remove') {
            expect(out.length).toBe(kept.length);
            expect(out.some(isMasked)).toBe(false);
          } else {
            expect(out.length).toBe(rows.length);
            rows.forEach((_, i) => expect(isMasked(out[i]!)).toBe(mine.isSuppressed[i]));
          }
          const shown = mode === 'remove' ? out : out.filter((o) => !isMasked(o));
          shown.forEach((o, p) => {
            const r = kept[p]!;
            expect(Object.keys(o).sort()).toEqual(['age', 'city', 'disease', 'sex', 'visits']);
            expect(o.disease).toBe(r.disease);
            expect(o.visits).toBe(r.visits);
            QIS.forEach((q, j) => expect(o[q]).toBe(hs[j]!.generalize(r[q], levels[j]!)));
          });
          for (const o of out.filter(isMasked))
            expect(Object.keys(o).sort()).toEqual(['age', 'city', 'disease', 'sex', 'visits']);
          checkReport(out, report, models, rows, mode);
          const k = Math.max(0, ...models.map((m) => (m.type === 'k-anonymity' ? m.k : 0)));
          if (k > 0 && report.releasedRecords > 0)
            expect(report.risk.after.prosecutor.maximum).toBeLessThanOrEqual(1 / k + 1e-12);
        },
      ),
      { numRuns: Number(process.env.ANON_RUNS ?? 250) },
    );
  });
});

describe('anonymize (mondrian) on random tables', () => {
  it('every class satisfies every model and covers its records', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 60 }),
        fc.array(model, { minLength: 1, maxLength: 2 }),
        fc.constantFrom<'mask' | 'remove'>('mask', 'remove'),
        (rows, models, mode) => {
          let result;
          try {
            result = anonymize(rows, {
              quasiIdentifiers: SPECS,
              sensitive: ['disease'],
              models,
              algorithm: 'mondrian',
              suppressionLimit: 0.1,
              suppressedRows: mode,
            });
          } catch (e) {
            // only when the whole table violates a model
            expect((e as { code?: string }).code).toBe('INVALID_DATA');
            const all = rows.map((r) => r.disease);
            expect(models.every((m) => measure(m, all, all).ok)).toBe(false);
            return;
          }
          const { rows: out, report } = result;
          expect(report.suppressed).toBe(0);
          expect(out.length).toBe(rows.length);
          checkReport(out, report, models, rows, mode);
          const classes = new Map<string, string[]>();
          const hs = QIS.map((q) => buildHierarchy(SPECS[q]!));
          out.forEach((o, i) => {
            const r = rows[i]!;
            // age: a range lo-hi containing the value (or the value itself)
            const m = /^(\d+)-(\d+)$/.exec(o.age!);
            if (m)
              expect(Number(r.age) >= Number(m[1]) && Number(r.age) <= Number(m[2])).toBe(true);
            else expect(o.age).toBe(r.age);
            // city and sex: an ancestor in the hierarchy (or the value)
            for (const q of ['city', 'sex'] as const) {
              const j = QIS.indexOf(q);
              const ancestors = Array.from({ length: HEIGHTS[j]! }, (_, l) =>
                hs[j]!.generalize(r[q], l),
              );
              expect(ancestors).toContain(o[q]);
            }
            const key = QIS.map((q) => o[q]).join('|');
            if (!classes.has(key)) classes.set(key, []);
            classes.get(key)!.push(r.disease);
          });
          const all = rows.map((r) => r.disease);
          for (const values of classes.values())
            for (const md of models) expect(measure(md, values, all).ok).toBe(true);
          expect(report.utility.ncp).toBeGreaterThanOrEqual(0);
          expect(report.utility.ncp).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
