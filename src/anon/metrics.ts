/**
 * Utility (information loss) metrics.
 * - Non-uniform entropy, the monotonic variant as ARX defines it (Gionis & Tassa 2009; ARX
 *   `MetricMDNUEntropy` monotonic): for each quasi-identifier, Σ over original values v of
 *   count(v) · log2(count(generalized v) / count(v)), counts over the whole input; suppression is
 *   not counted, so the loss of a transformation is a sum of per-attribute, per-level terms.
 * - Precision / generalization intensity (Sweeney 2002): the mean over quasi-identifiers of
 *   level / (height − 1); Prec = 1 − intensity.
 * - Discernibility (Bayardo & Agrawal 2005): Σ over released classes |E|² + suppressed · n.
 * - Average equivalence class size (LeFevre et al. 2006): released records / classes, and
 *   C_AVG = that / k.
 * - NCP (Xu et al. 2006, normalized certainty penalty) for Mondrian, in `mondrian.ts`.
 * @module
 */
import type { Classes } from './classes.js';
import type { EncodedTable } from './table.js';

/** Metrics the optimal search can minimize (all separable per attribute). */
export type SearchMetric = 'entropy' | 'precision' | 'height';

/**
 * Per quasi-identifier and level, the metric's contribution; the loss of a transformation is
 * `Σ_j terms[j][levels[j]]` (summed in attribute order).
 * @example const terms = lossTerms(table, 'entropy'); const loss = terms.reduce((s, t, j) => s + t[levels[j]], 0);
 */
export function lossTerms(table: EncodedTable, metric: SearchMetric): number[][] {
  const m = table.qis.length;
  return table.qis.map((q) => {
    const h = q.hierarchy.height;
    if (metric === 'height') return Array.from({ length: h }, (_, l) => l);
    if (metric === 'precision')
      return Array.from({ length: h }, (_, l) => (h > 1 ? l / (h - 1) / m : 0));
    const base = new Float64Array(q.sizes[0]!);
    const t0 = q.tupleCodes[0]!;
    for (let t = 0; t < table.tuples; t++) base[t0[t]!]! += table.tupleCount[t]!;
    return Array.from({ length: h }, (_, l) => {
      if (l === 0) return 0;
      const gen = new Float64Array(q.sizes[l]!);
      const map = q.hierarchy.codes[l]!;
      for (let v = 0; v < base.length; v++) gen[map[v]!]! += base[v]!;
      let s = 0;
      for (let v = 0; v < base.length; v++)
        if (base[v]! > 0) s += base[v]! * Math.log2(gen[map[v]!]! / base[v]!);
      return s;
    });
  });
}

/** Loss of a transformation from its terms. @example transformationLoss(terms, [1, 0, 2]) */
export function transformationLoss(
  terms: readonly (readonly number[])[],
  levels: readonly number[],
): number {
  let s = 0;
  for (let j = 0; j < terms.length; j++) s += terms[j]![levels[j]!]!;
  return s;
}

/** Utility figures of a released transformation. */
export interface UtilityReport {
  /** Non-uniform entropy (monotonic variant), bits. */
  nonUniformEntropy: number;
  /** The same divided by its value at the top of the lattice (0 = nothing lost, 1 = all lost). */
  nonUniformEntropyRelative: number;
  /** Mean normalized generalization level over the quasi-identifiers (0..1). */
  generalizationIntensity: number;
  /** 1 − generalizationIntensity. */
  precision: number;
  discernibility: number;
  /** Released records / released classes. */
  averageClassSize: number;
  /** averageClassSize / k (when a k is configured). */
  cAvg: number | null;
}

/**
 * Computes the utility report of a transformation given its classes and which are suppressed.
 * @example utility(table, levels, classes, evaluation.violating, 5)
 */
export function utility(
  table: EncodedTable,
  levels: readonly number[],
  classes: Classes,
  violating: Uint8Array,
  k: number | null,
): UtilityReport {
  const terms = lossTerms(table, 'entropy');
  const nue = transformationLoss(terms, levels);
  const topLoss = transformationLoss(
    terms,
    table.qis.map((q) => q.hierarchy.height - 1),
  );
  const intensity = transformationLoss(lossTerms(table, 'precision'), levels);
  let dm = 0;
  let released = 0;
  let releasedClasses = 0;
  let suppressed = 0;
  for (let c = 0; c < classes.count; c++) {
    const s = classes.size[c]!;
    if (violating[c]) suppressed += s;
    else {
      dm += s * s;
      released += s;
      releasedClasses++;
    }
  }
  dm += suppressed * table.n;
  const avg = releasedClasses ? released / releasedClasses : 0;
  return {
    nonUniformEntropy: nue,
    nonUniformEntropyRelative: topLoss > 0 ? nue / topLoss : 0,
    generalizationIntensity: intensity,
    precision: 1 - intensity,
    discernibility: dm,
    averageClassSize: avg,
    cAvg: k ? avg / k : null,
  };
}
