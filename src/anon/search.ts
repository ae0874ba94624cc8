/**
 * Optimal full-domain generalization search (in the spirit of ARX's Flash, Kohlmayer et al. 2012).
 *
 * The search metrics are separable (see `metrics.ts`): the loss of a node is Σ_j term_j(level_j) and
 * does not depend on suppression, so the optimum is the acceptable node of least loss. Nodes are
 * visited in increasing loss; the first acceptable one is the optimum (ties: fewer total levels,
 * then the lower node number). Every node of lower loss has been shown not acceptable, either by
 * checking it or by monotonicity:
 * - when all models are monotone (k-anonymity and distinct l-diversity always; the others only
 *   without suppression), a node that is not acceptable marks its whole down-set and an acceptable
 *   one its whole up-set. Without suppression, an unknown node is resolved Flash-style: a path of
 *   unknown nodes is built upward from it (cheapest successor first) and binary-searched for its
 *   lowest acceptable node. With suppression the border lies lower, and the search first checks,
 *   among the unknown nodes cheaper than the best acceptable node known, the most generalized one
 *   (a "no" prunes a large down-set, a "yes" lowers the bound) until none is left, each time first
 *   trying its cheapest successor (a "no" there covers the node and its neighbours at once);
 * - otherwise every node cheaper than the answer is checked.
 * Checked nodes get their classes by rolling up the classes of a recently checked, more specific
 * node when there is one (one hash operation per class instead of per distinct tuple).
 * Either way the answer is the true optimum (the tests compare it with an exhaustive evaluation).
 * @module
 */
import { coarsen, evaluate, partition, type Classes } from './classes.js';
import { lattice as makeLattice } from './lattice.js';
import { lossTerms, type SearchMetric } from './metrics.js';
import type { CompiledModel } from './models.js';
import type { EncodedTable } from './table.js';

/** Options of {@link optimalSearch}. */
export interface SearchOptions {
  /** Records that may be suppressed (already multiplied out: `floor(limit · n)`). */
  maxSuppressed: number;
  metric: SearchMetric;
  /** Called after each checked node. */
  onProgress?: (checked: number, total: number) => void;
}

/** The result of the search. */
export interface SearchResult {
  /** Levels of the optimal transformation, `null` when no node is acceptable. */
  levels: number[] | null;
  loss: number;
  /** Nodes whose classes were computed. */
  checked: number;
  /** Nodes in the lattice. */
  total: number;
}

const UNKNOWN = 0;
const YES = 1;
const NO = 2;

/**
 * Finds the acceptable transformation of least loss.
 * @example const r = optimalSearch(table, models, { maxSuppressed: 0, metric: 'entropy' }); r.levels
 */
export function optimalSearch(
  table: EncodedTable,
  models: readonly CompiledModel[],
  opts: SearchOptions,
): SearchResult {
  const heights = table.qis.map((q) => q.hierarchy.height);
  const lat = makeLattice(heights);
  const { size, mult } = lat;
  const m = heights.length;
  const terms = lossTerms(table, opts.metric);
  const loss = new Float64Array(size);
  const levelSum = new Int32Array(size);
  for (let idx = 0; idx < size; idx++) {
    let s = 0;
    let ls = 0;
    for (let j = 0; j < m; j++) {
      const l = Math.floor(idx / mult[j]!) % heights[j]!;
      s += terms[j]![l]!;
      ls += l;
    }
    loss[idx] = s;
    levelSum[idx] = ls;
  }
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  order.sort((a, b) => loss[a]! - loss[b]! || levelSum[a]! - levelSum[b]! || a - b);

  const status = new Uint8Array(size);
  const monotone = models.every((md) => md.monotoneWithSuppression) || opts.maxSuppressed === 0;
  let checked = 0;
  // a few recent partitions, to roll classes up from the closest more specific one
  const cache: { levels: number[]; classes: Classes }[] = [];
  // Every released class has at least kMin records (k-anonymity's k, distinct l-diversity's l), so
  // with S ≤ maxSuppressed records suppressed there are at most (n − S)/kMin + S classes: a node with
  // more classes is not acceptable, and its grouping can stop there.
  const kMin = Math.max(
    1,
    ...models.map((md) =>
      md.spec.type === 'k-anonymity'
        ? md.spec.k
        : md.spec.type === 'l-diversity' && (md.spec.variant ?? 'distinct') === 'distinct'
          ? md.spec.l
          : 1,
    ),
  );
  const maxClasses = kMin > 1 ? Math.floor(table.n / kMin + opts.maxSuppressed) : Infinity;
  const classesOf = (levels: number[]): Classes | null => {
    let from: Classes | null = null;
    for (const c of cache) {
      if (c.levels.every((l, j) => l <= levels[j]!) && (!from || c.classes.count < from.count))
        from = c.classes;
    }
    const classes = from
      ? coarsen(table, from, levels, maxClasses)
      : partition(table, levels, maxClasses);
    if (!classes) return null;
    if (cache.length >= 12) cache.shift();
    cache.push({ levels, classes });
    return classes;
  };
  const check = (idx: number): boolean => {
    checked++;
    const classes = classesOf(lat.levels(idx));
    const ok =
      classes !== null &&
      evaluate(table, classes, models, opts.maxSuppressed, true, false).acceptable;
    opts.onProgress?.(checked, size);
    return ok;
  };
  const stack: number[] = [];
  const mark = (idx: number, value: number) => {
    // value NO: the down-set; value YES: the up-set (monotone models only)
    if (status[idx] === value) return;
    status[idx] = value;
    stack.push(idx);
    while (stack.length) {
      const x = stack.pop()!;
      for (let j = 0; j < m; j++) {
        const l = Math.floor(x / mult[j]!) % heights[j]!;
        const y =
          value === NO ? (l > 0 ? x - mult[j]! : -1) : l + 1 < heights[j]! ? x + mult[j]! : -1;
        if (y >= 0 && status[y] !== value) {
          status[y] = value;
          stack.push(y);
        }
      }
    }
  };
  const resolve = (idx: number): boolean => {
    if (status[idx] !== UNKNOWN) return status[idx] === YES;
    const ok = check(idx);
    if (monotone) mark(idx, ok ? YES : NO);
    else status[idx] = ok ? YES : NO;
    return ok;
  };

  const rank = new Uint32Array(size);
  for (let i = 0; i < size; i++) rank[order[i]!] = i;
  let bestRank = size; // rank of the best acceptable node known so far (size: none)
  const note = (idx: number, ok: boolean) => {
    if (ok && rank[idx]! < bestRank) bestRank = rank[idx]!;
    return ok;
  };
  if (monotone && opts.maxSuppressed > 0) {
    // with suppression the border between acceptable and not acceptable lies low in the lattice:
    // check the unknown candidate with the most generalization first (a "no" prunes a large
    // down-set, a "yes" lowers the bound)
    for (;;) {
      let pick = -1;
      for (let r = 0; r < bestRank; r++) {
        const x = order[r]!;
        if (status[x] === UNKNOWN && (pick < 0 || levelSum[x]! > levelSum[pick]!)) pick = x;
      }
      if (pick < 0) break;
      // first its cheapest successor that is not known acceptable: if that is not acceptable
      // either, its down-set covers the pick and its neighbours in one check
      let up = -1;
      for (let j = 0; j < m; j++) {
        const l = Math.floor(pick / mult[j]!) % heights[j]!;
        if (l + 1 >= heights[j]!) continue;
        const y = pick + mult[j]!;
        if (status[y] === YES) continue;
        if (up < 0 || rank[y]! < rank[up]!) up = y;
      }
      if (up >= 0) note(up, resolve(up));
      note(pick, resolve(pick));
    }
  }
  for (let oi = 0; oi < size && oi < bestRank; oi++) {
    const node = order[oi]!;
    if (status[node] === NO) continue;
    if (status[node] === UNKNOWN && monotone) {
      // path of unknown nodes upward that could still beat the best known node
      const path = [node];
      for (;;) {
        const x = path[path.length - 1]!;
        let next = -1;
        for (let j = 0; j < m; j++) {
          const l = Math.floor(x / mult[j]!) % heights[j]!;
          if (l + 1 >= heights[j]!) continue;
          const y = x + mult[j]!;
          if (status[y] !== UNKNOWN) continue;
          if (next < 0 || rank[y]! < rank[next]!) next = y;
        }
        if (next < 0) break;
        path.push(next);
      }
      // binary search for the lowest acceptable node on the path (monotone along the chain)
      let lo = 0;
      let hi = path.length; // path[hi..] acceptable (or beyond the end)
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (note(path[mid]!, resolve(path[mid]!))) hi = mid;
        else lo = mid + 1;
      }
    }
    if (note(node, resolve(node))) break;
  }
  if (bestRank < size) {
    const best = order[bestRank]!;
    return { levels: lat.levels(best), loss: loss[best]!, checked, total: size };
  }
  return { levels: null, loss: NaN, checked, total: size };
}
