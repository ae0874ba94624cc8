/**
 * Mondrian multidimensional partitioning (LeFevre, DeWitt & Ramakrishnan, ICDE 2006), strict
 * top-down variant with local recoding: a partition is split at the (record-weighted) median of the
 * quasi-identifier with the widest normalized range, as long as both halves satisfy every privacy
 * model; otherwise the next widest attribute is tried, and a partition that cannot be split becomes
 * an equivalence class. No record is suppressed.
 *
 * Attribute order: numbers by value when every value of the column is numeric, otherwise the order
 * of the hierarchy (values sorted by their path from the top level down, so siblings are adjacent).
 * Released value of a class: a range `min-max` for numeric columns with an interval or no hierarchy,
 * otherwise the lowest common ancestor in the hierarchy (or `{a,b,…}` with no hierarchy).
 * Utility: NCP (Xu et al. 2006): per class and attribute, (max − min)/(column range) for numeric
 * columns, |leaves under the ancestor|/|values| for categorical ones (0 for a single value),
 * averaged over records and attributes.
 * Cost: each split is linear in the partition plus its rank range, O(n log n) overall.
 * @module
 */
import { BukejianError } from '../errors.js';
import type { CompiledModel } from './models.js';
import type { EncodedTable } from './table.js';

/** The result of {@link mondrian}. */
export interface MondrianResult {
  /** Class of each base tuple. */
  classOf: Int32Array;
  count: number;
  size: Float64Array;
  /** labels[c][j]: released value of attribute j in class c. */
  labels: string[][];
  /** Normalized certainty penalty, 0..1. */
  ncp: number;
  /** Per model, the worst value over the classes. */
  achieved: number[];
}

interface Column {
  rank: Int32Array; // per base tuple
  ranks: number; // distinct ranks
  numeric: number[] | null; // rank → number
  byRank: number[]; // rank → value code
  leaves: Int32Array[]; // level → code → leaves under it
}

function prepare(table: EncodedTable): Column[] {
  return table.qis.map((q) => {
    const h = q.hierarchy;
    const vals = h.values;
    const nums = vals.map((v) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN));
    const numeric = nums.every((x) => Number.isFinite(x));
    let codes: number[] | Int32Array;
    if (numeric) codes = vals.map((_, i) => i).sort((a, b) => nums[a]! - nums[b]! || a - b);
    else {
      // order by the hierarchy path from the top level down (siblings adjacent): a stable LSD
      // counting sort on the level codes, level 0 first
      let cur = new Int32Array(vals.length);
      for (let i = 0; i < cur.length; i++) cur[i] = i;
      let next = new Int32Array(vals.length);
      for (let l = 0; l < h.height; l++) {
        const lc = h.codes[l]!;
        const count = new Int32Array(h.labels[l]!.length + 1);
        for (let i = 0; i < lc.length; i++) count[lc[i]! + 1]!++;
        for (let c = 1; c < count.length; c++) count[c]! += count[c - 1]!;
        for (let i = 0; i < cur.length; i++) next[count[lc[cur[i]!]!]!++] = cur[i]!;
        [cur, next] = [next, cur];
      }
      codes = cur;
    }
    const rankOf = new Int32Array(vals.length);
    codes.forEach((c, r) => (rankOf[c] = r));
    const t0 = q.tupleCodes[0]!;
    const rank = new Int32Array(t0.length);
    for (let t = 0; t < t0.length; t++) rank[t] = rankOf[t0[t]!]!;
    const leaves = h.codes.map((lc, l) => {
      const out = new Int32Array(h.labels[l]!.length);
      for (let i = 0; i < lc.length; i++) out[lc[i]!]!++;
      return out;
    });
    return {
      rank,
      ranks: vals.length,
      numeric: numeric ? Array.from(codes, (c) => nums[c]!) : null,
      byRank: Array.from(codes),
      leaves,
    };
  });
}

/**
 * Partitions the table with Mondrian so that every class satisfies every model.
 * Throws INVALID_DATA when even the whole table violates a model.
 * @example const r = mondrian(table, [compileModel({ type: 'k-anonymity', k: 10 }, table.sensitive)]); r.count
 */
export function mondrian(table: EncodedTable, models: readonly CompiledModel[]): MondrianResult {
  const cols = prepare(table);
  const m = cols.length;
  const T = table.tuples;
  const w = table.tupleCount;
  const sens = table.sensitive;
  const dense = sens.map((s) => new Float64Array(s.values.length));
  const codesBuf = sens.map((s) => new Int32Array(s.values.length));
  const countsBuf = sens.map((s) => new Float64Array(s.values.length));
  const attrs = [...new Set(models.filter((md) => md.attr >= 0).map((md) => md.attr))];

  /** Whether tuples idx[from..to) with total weight `size` satisfy all models; fills `vals` when given. */
  const satisfies = (
    idx: Int32Array,
    from: number,
    to: number,
    size: number,
    vals?: number[],
  ): boolean => {
    for (let mi = 0; mi < models.length; mi++) {
      const md = models[mi]!;
      if (md.attr >= 0) continue;
      const v = md.measure(
        size,
        codesBuf[0] ?? new Int32Array(0),
        countsBuf[0] ?? new Float64Array(0),
        0,
      );
      if (vals) vals[mi] = v;
      if (!md.ok(v)) return false;
    }
    for (const a of attrs) {
      const d = dense[a]!;
      const codes = codesBuf[a]!;
      const counts = countsBuf[a]!;
      const tc = sens[a]!.tupleCodes;
      let k = 0;
      for (let i = from; i < to; i++) {
        const t = idx[i]!;
        const v = tc[t]!;
        if (d[v] === 0) codes[k++] = v;
        d[v]! += w[t]!;
      }
      for (let i = 0; i < k; i++) {
        counts[i] = d[codes[i]!]!;
        d[codes[i]!] = 0;
      }
      for (let mi = 0; mi < models.length; mi++) {
        const md = models[mi]!;
        if (md.attr !== a) continue;
        const v = md.measure(size, codes, counts, k);
        if (vals) vals[mi] = v;
        if (!md.ok(v)) return false;
      }
    }
    return true;
  };

  const idx = new Int32Array(T);
  for (let t = 0; t < T; t++) idx[t] = t;
  let total = 0;
  for (let t = 0; t < T; t++) total += w[t]!;
  if (!satisfies(idx, 0, T, total)) {
    throw new BukejianError(
      'INVALID_DATA',
      '"rows" expected to satisfy the privacy models at least as a whole, got a violation',
    );
  }
  const ranks = cols.map((c) => c.rank);
  const span = cols.map((c) => (c.numeric ? c.numeric[c.ranks - 1]! - c.numeric[0]! : c.ranks - 1));
  const classOf = new Int32Array(T);
  const sizes: number[] = [];
  const labels: string[][] = [];
  const achieved = models.map((md) => (md.worst === 'min' ? Infinity : -Infinity));
  let ncpSum = 0;
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  const stack: [number, number, number][] = [[0, T, total]];
  let hist = new Float64Array(1024);
  let sortBuf = new Float64Array(1024);
  while (stack.length) {
    const [from, to, size] = stack.pop()!;
    lo.fill(0x7fffffff);
    hi.fill(-1);
    for (let j = 0; j < m; j++) {
      const rk = ranks[j]!;
      let a = 0x7fffffff;
      let b = -1;
      for (let i = from; i < to; i++) {
        const r = rk[idx[i]!]!;
        if (r < a) a = r;
        if (r > b) b = r;
      }
      lo[j] = a;
      hi[j] = b;
    }
    const width = cols.map((c, j) => {
      if (span[j] === 0) return 0;
      return (c.numeric ? c.numeric[hi[j]!]! - c.numeric[lo[j]!]! : hi[j]! - lo[j]!) / span[j]!;
    });
    const dims = width
      .map((_, j) => j)
      .filter((j) => width[j]! > 0)
      .sort((a, b) => width[b]! - width[a]! || a - b);
    let split = false;
    for (const j of dims) {
      const rank = cols[j]!.rank;
      const base = lo[j]!;
      const range = hi[j]! - base + 1;
      let cut: number; // left = ranks ≤ base + cut
      let leftW: number;
      if (range <= 4 * (to - from) + 1024) {
        if (hist.length < range) hist = new Float64Array(range * 2);
        hist.fill(0, 0, range);
        for (let i = from; i < to; i++) {
          const t = idx[i]!;
          hist[rank[t]! - base]! += w[t]!;
        }
        // median: the smallest rank whose cumulative weight reaches half
        let acc = 0;
        let med = 0;
        for (; med < range; med++) {
          acc += hist[med]!;
          if (acc >= size / 2) break;
        }
        cut = med;
        leftW = acc;
        if (cut >= range - 1) {
          cut = med - 1;
          leftW = acc - hist[med]!;
          while (cut >= 0 && hist[cut] === 0) cut--;
        }
      } else {
        // sparse ranks (a column with many distinct values): sort the partition's ranks instead
        const len = to - from;
        if (sortBuf.length < len) sortBuf = new Float64Array(len * 2);
        for (let i = 0; i < len; i++) sortBuf[i] = (rank[idx[from + i]!]! - base) * 16777216 + i;
        const sorted = sortBuf.subarray(0, len).sort();
        let acc = 0;
        let i = 0;
        for (; i < len; i++) {
          acc += w[idx[from + (sorted[i]! % 16777216)]!]!;
          if (acc >= size / 2) break;
        }
        const rAt = (k: number) => Math.floor(sorted[k]! / 16777216);
        const med = rAt(i);
        // extend to the end of the median rank's run
        while (i + 1 < len && rAt(i + 1) === med) acc += w[idx[from + (sorted[++i]! % 16777216)]!]!;
        if (i + 1 < len) {
          cut = med;
          leftW = acc;
        } else {
          // the median rank is the largest: cut just below it
          let k = i;
          let accLeft = acc;
          while (k >= 0 && rAt(k) === med) accLeft -= w[idx[from + (sorted[k--]! % 16777216)]!]!;
          cut = k >= 0 ? rAt(k) : -1;
          leftW = accLeft;
        }
      }
      if (cut < 0 || leftW <= 0 || leftW >= size) continue;
      // in-place partition of idx[from..to) by rank ≤ base + cut
      let a = from;
      let b = to - 1;
      const lim = base + cut;
      while (a <= b) {
        if (rank[idx[a]!]! <= lim) a++;
        else {
          const tmp = idx[a]!;
          idx[a] = idx[b]!;
          idx[b] = tmp;
          b--;
        }
      }
      if (satisfies(idx, from, a, leftW) && satisfies(idx, a, to, size - leftW)) {
        stack.push([a, to, size - leftW], [from, a, leftW]);
        split = true;
        break;
      }
    }
    if (split) continue;
    // a final class
    const c = sizes.length;
    sizes.push(size);
    const vals: number[] = new Array(models.length);
    satisfies(idx, from, to, size, vals);
    vals.forEach(
      (v, mi) =>
        (achieved[mi] =
          models[mi]!.worst === 'min' ? Math.min(achieved[mi]!, v) : Math.max(achieved[mi]!, v)),
    );
    for (let i = from; i < to; i++) classOf[idx[i]!] = c;
    const lab: string[] = [];
    let ncp = 0;
    for (let j = 0; j < m; j++) {
      const col = cols[j]!;
      const h = table.qis[j]!.hierarchy;
      const vLo = col.byRank[lo[j]!]!;
      if (lo[j] === hi[j]) {
        lab.push(h.values[vLo]!);
        continue;
      }
      if (col.numeric && (h.height === 1 || table.qis[j]!.hierarchyKind === 'intervals')) {
        lab.push(`${h.values[vLo]}-${h.values[col.byRank[hi[j]!]!]}`);
        ncp += span[j] ? (col.numeric[hi[j]!]! - col.numeric[lo[j]!]!) / span[j]! : 0;
        continue;
      }
      // lowest common ancestor: the lowest level where every value in the class has one code
      let level = -1;
      for (let l = 1; l < h.height && level < 0; l++) {
        const codes = h.codes[l]!;
        const first = codes[vLo]!;
        let same = true;
        for (let i = from; i < to && same; i++)
          same = codes[table.qis[j]!.tupleCodes[0]![idx[i]!]!] === first;
        if (same) level = l;
      }
      if (level > 0) {
        const code = h.codes[level]![vLo]!;
        lab.push(h.labels[level]![code]!);
        ncp += h.values.length > 1 ? col.leaves[level]![code]! / h.values.length : 0;
      } else {
        const seen = new Set<string>();
        for (let i = from; i < to; i++) seen.add(h.values[table.qis[j]!.tupleCodes[0]![idx[i]!]!]!);
        lab.push(`{${[...seen].sort().join(',')}}`);
        ncp += seen.size / h.values.length;
      }
    }
    labels.push(lab);
    ncpSum += (size * ncp) / Math.max(1, m);
  }
  return {
    classOf,
    count: sizes.length,
    size: Float64Array.from(sizes),
    labels,
    ncp: total ? ncpSum / total : 0,
    achieved: achieved.map((v, i) =>
      v === (models[i]!.worst === 'min' ? Infinity : -Infinity) ? NaN : v,
    ),
  };
}
