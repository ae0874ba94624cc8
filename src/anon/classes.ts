/**
 * Equivalence classes of one full-domain transformation (one generalization level per
 * quasi-identifier) and their evaluation against the privacy models with a suppression limit.
 * Works on the distinct base tuples of an {@link EncodedTable}, never on raw records.
 * @module
 */
import type { CompiledModel } from './models.js';
import { groupTuples, type EncodedTable } from './table.js';

/** The classes of a transformation. */
export interface Classes {
  /** Class of each base tuple. */
  readonly classOf: Int32Array;
  readonly count: number;
  /** Records per class. */
  readonly size: Float64Array;
  /** A base tuple of each class (its representative). */
  readonly first: Int32Array;
}

/**
 * Groups the base tuples by their generalization at `levels` (`null` when there would be more than
 * `maxClasses` classes). @example partition(table, [1, 0, 2]).count
 */
export function partition(table: EncodedTable, levels: readonly number[]): Classes;
export function partition(
  table: EncodedTable,
  levels: readonly number[],
  maxClasses: number,
): Classes | null;
export function partition(
  table: EncodedTable,
  levels: readonly number[],
  maxClasses = Infinity,
): Classes | null {
  const cols = table.qis.map((q, j) => q.tupleCodes[levels[j]!]!);
  const radix = table.qis.map((q, j) => q.sizes[levels[j]!]!);
  const g = groupTuples(cols, radix, table.tuples, maxClasses);
  if (!g) return null;
  const { groupOf, groups, first } = g;
  const size = new Float64Array(groups);
  const cnt = table.tupleCount;
  for (let t = 0; t < table.tuples; t++) size[groupOf[t]!]! += cnt[t]!;
  return { classOf: groupOf, count: groups, size, first };
}

/**
 * The classes at `levels` computed from the classes of a more specific transformation (every
 * level ≤ the target's): classes are merged through their representatives ("roll-up"), so the
 * cost is one hash operation per class instead of one per base tuple.
 * @example coarsen(table, partition(table, [0, 1]), [1, 1])
 */
export function coarsen(table: EncodedTable, from: Classes, levels: readonly number[]): Classes;
export function coarsen(
  table: EncodedTable,
  from: Classes,
  levels: readonly number[],
  maxClasses: number,
): Classes | null;
export function coarsen(
  table: EncodedTable,
  from: Classes,
  levels: readonly number[],
  maxClasses = Infinity,
): Classes | null {
  const rep = from.first;
  const cols = table.qis.map((q, j) => {
    const codes = q.tupleCodes[levels[j]!]!;
    const out = new Int32Array(rep.length);
    for (let c = 0; c < rep.length; c++) out[c] = codes[rep[c]!]!;
    return out;
  });
  const radix = table.qis.map((q, j) => q.sizes[levels[j]!]!);
  const g = groupTuples(cols, radix, from.count, maxClasses);
  if (!g) return null;
  const { groupOf, groups, first } = g;
  const size = new Float64Array(groups);
  for (let c = 0; c < from.count; c++) size[groupOf[c]!]! += from.size[c]!;
  const classOf = new Int32Array(table.tuples);
  const old = from.classOf;
  for (let t = 0; t < classOf.length; t++) classOf[t] = groupOf[old[t]!]!;
  const reps = new Int32Array(groups);
  for (let c = 0; c < groups; c++) reps[c] = rep[first[c]!]!;
  return { classOf, count: groups, size, first: reps };
}

/** The outcome of evaluating the models on a set of classes. */
export interface Evaluation {
  /** Records in violating classes ≤ the limit. */
  readonly acceptable: boolean;
  /** Records in violating classes (only exact when `acceptable` or when evaluated without early exit). */
  readonly suppressed: number;
  /** 1 for each class that violates a model (absent after an early exit). */
  readonly violating: Uint8Array | null;
  /** Per model, the worst value over the released classes (NaN when nothing is released; empty after an early exit or with `withAchieved: false`). */
  readonly achieved: number[];
}

/**
 * Evaluates `models` on `classes`; `maxSuppressed` is the number of records that may be suppressed.
 * With `early`, stops as soon as the limit is exceeded. `withAchieved: false` skips the per-model
 * achieved values (a second pass over the classes) when only `acceptable` is needed, as in the search.
 * @example evaluate(table, partition(table, levels), models, 0.04 * table.n, false).acceptable
 */
export function evaluate(
  table: EncodedTable,
  classes: Classes,
  models: readonly CompiledModel[],
  maxSuppressed: number,
  early: boolean,
  withAchieved = true,
): Evaluation {
  const { count, size } = classes;
  const violating = new Uint8Array(count);
  let suppressed = 0;
  const kModels = models.filter((m) => m.attr < 0);
  for (let c = 0; c < count; c++) {
    for (const m of kModels) {
      if (!m.ok(m.measure(size[c]!, EMPTY_I, EMPTY_F, 0))) {
        violating[c] = 1;
        suppressed += size[c]!;
        break;
      }
    }
    if (early && suppressed > maxSuppressed)
      return { acceptable: false, suppressed, violating: null, achieved: [] };
  }
  const attrs = [...new Set(models.filter((m) => m.attr >= 0).map((m) => m.attr))];
  if (attrs.length) {
    const { start, order } = byClass(table, classes);
    for (const a of attrs) {
      const col = table.sensitive[a]!;
      const ms = models.filter((m) => m.attr === a);
      const { codes, counts, fill } = classHistogram(table, col, start, order);
      for (let c = 0; c < count; c++) {
        if (violating[c]) continue;
        const m = fill(c);
        for (const model of ms) {
          if (!model.ok(model.measure(size[c]!, codes, counts, m))) {
            violating[c] = 1;
            suppressed += size[c]!;
            break;
          }
        }
        if (early && suppressed > maxSuppressed)
          return { acceptable: false, suppressed, violating: null, achieved: [] };
      }
    }
  }
  const acceptable = suppressed <= maxSuppressed;
  return {
    acceptable,
    suppressed,
    violating,
    achieved:
      withAchieved && (acceptable || !early)
        ? achievedValues(table, classes, models, violating)
        : [],
  };
}

/** Counting sort of the base tuples by class: class c's tuples are `order[start[c]..start[c+1])`. */
function byClass(table: EncodedTable, classes: Classes): { start: Int32Array; order: Int32Array } {
  const { classOf, count } = classes;
  const start = new Int32Array(count + 1);
  for (let t = 0; t < table.tuples; t++) start[classOf[t]! + 1]!++;
  for (let c = 0; c < count; c++) start[c + 1]! += start[c]!;
  const order = new Int32Array(table.tuples);
  const fill = start.slice(0, count);
  for (let t = 0; t < table.tuples; t++) order[fill[classOf[t]!]!++] = t;
  return { start, order };
}

/**
 * The sensitive-value histogram of one class at a time: `fill(c)` writes the distinct codes of
 * class c to `codes[0..m)` and their record counts to `counts[0..m)`, and returns m. The buffers
 * are reused from class to class.
 */
function classHistogram(
  table: EncodedTable,
  col: EncodedTable['sensitive'][number],
  start: Int32Array,
  order: Int32Array,
) {
  const dense = new Float64Array(col.values.length);
  const codes = new Int32Array(col.values.length);
  const counts = new Float64Array(col.values.length);
  const fill = (c: number): number => {
    let m = 0;
    for (let i = start[c]!; i < start[c + 1]!; i++) {
      const t = order[i]!;
      const v = col.tupleCodes[t]!;
      if (dense[v] === 0) codes[m++] = v;
      dense[v]! += table.tupleCount[t]!;
    }
    for (let i = 0; i < m; i++) {
      counts[i] = dense[codes[i]!]!;
      dense[codes[i]!] = 0;
    }
    return m;
  };
  return { codes, counts, fill };
}

const EMPTY_I = new Int32Array(0);
const EMPTY_F = new Float64Array(0);

/**
 * Per model, the worst measured value over the classes that are not `violating` (NaN when every
 * class is). `anonymize` calls it on the classes of the release, so the report describes exactly
 * what is released.
 * @example achievedValues(table, classes, models, new Uint8Array(classes.count)) // [min size, …]
 */
export function achievedValues(
  table: EncodedTable,
  classes: Classes,
  models: readonly CompiledModel[],
  violating: Uint8Array,
): number[] {
  const { count, size } = classes;
  const out = models.map((m) => (m.worst === 'min' ? Infinity : -Infinity));
  const { start, order } = byClass(table, classes);
  models.forEach((model, mi) => {
    const col = model.attr >= 0 ? table.sensitive[model.attr]! : null;
    const h = col ? classHistogram(table, col, start, order) : null;
    const codes = h ? h.codes : EMPTY_I;
    const counts = h ? h.counts : EMPTY_F;
    for (let c = 0; c < count; c++) {
      if (violating[c]) continue;
      const m = h ? h.fill(c) : 0;
      const v = model.measure(size[c]!, codes, counts, m);
      out[mi] = model.worst === 'min' ? Math.min(out[mi]!, v) : Math.max(out[mi]!, v);
    }
  });
  return out.map((v, i) => (v === (models[i]!.worst === 'min' ? Infinity : -Infinity) ? NaN : v));
}
