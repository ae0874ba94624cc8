// Naive reference for the Adult tests (test/anon-adult.test.ts and test/anon-adult-lattice.test.ts):
// an exhaustive evaluation of every transformation of the lattice, written independently of
// src/anon: string hierarchies interned here, classes rolled up dimension by dimension in a
// depth-first walk over all nodes, and the non-uniform entropy computed straight from its
// definition over the raw records. Only `anonymize` (the code under test) and the CSV reader
// are imported.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { anonymize } from '../../src/anon/anonymize.js';
import { parseCsv, recordsToRows } from '../../src/anon/csv.js';
import { hierarchyFromTable } from '../../src/anon/hierarchy.js';

const dir = path.join(__dirname, '..', '..', 'benchmarks', 'data', 'adult');
export const ATTRS = [
  'sex',
  'age',
  'race',
  'marital-status',
  'education',
  'native-country',
  'workclass',
  'occupation',
  'salary-class',
];
export const rows = recordsToRows(
  parseCsv(readFileSync(path.join(dir, 'adult.csv'), 'utf8'), { delimiter: ';' }),
);
const tables: Record<string, string[][]> = Object.fromEntries(
  ATTRS.map((a) => [
    a,
    parseCsv(readFileSync(path.join(dir, `adult_hierarchy_${a}.csv`), 'utf8'), {
      delimiter: ';',
    }).filter((r) => r.length > 1),
  ]),
);

export interface Node {
  levels: number[];
  sizes: number[];
  distinct: number[]; // distinct sensitive values per class (0 when no sensitive attribute)
}

/** Visits every node of the lattice of `qis` with its class sizes (naive reference). */
function exhaustive(qis: string[], sensitive: string | null, visit: (n: Node) => void): void {
  const m = qis.length;
  // per attribute and level: value → code, and code(level l) → code(level l+1)
  const enc = qis.map((a) => {
    const t = tables[a]!;
    const h = t[0]!.length;
    const maps = Array.from({ length: h }, () => new Map<string, number>());
    const code = (l: number, v: string) => {
      const mp = maps[l]!;
      if (!mp.has(v)) mp.set(v, mp.size);
      return mp.get(v)!;
    };
    const up: Map<number, number>[] = Array.from({ length: h - 1 }, () => new Map());
    for (const r of t) {
      for (let l = 0; l + 1 < h; l++) {
        const a0 = code(l, r[l]!);
        const a1 = code(l + 1, r[l + 1]!);
        if (up[l]!.has(a0) && up[l]!.get(a0) !== a1) throw new Error('inconsistent hierarchy');
        up[l]!.set(a0, a1);
      }
    }
    return { h, level0: maps[0]!, up, radix: maps[0]!.size };
  });
  const sens = sensitive ? new Map<string, number>() : null;
  // initial classes: distinct level-0 tuples
  type Part = { codes: number[][]; size: number[]; mask: number[] };
  const init: Part = { codes: qis.map(() => []), size: [], mask: [] };
  const idx = new Map<string, number>();
  for (const r of rows) {
    const cs = qis.map((a, j) => enc[j]!.level0.get(r[a]!)!);
    const key = cs.join(',');
    let c = idx.get(key);
    if (c === undefined) {
      c = init.size.length;
      idx.set(key, c);
      cs.forEach((x, j) => init.codes[j]!.push(x));
      init.size.push(0);
      init.mask.push(0);
    }
    init.size[c]!++;
    if (sens) {
      const v = r[sensitive!]!;
      if (!sens.has(v)) sens.set(v, sens.size);
      init.mask[c]! |= 1 << sens.get(v)!;
    }
  }
  const mult: number[] = [];
  let p = 1;
  for (const e of enc) {
    mult.push(p);
    p *= e.radix;
  }
  const rollup = (part: Part, j: number, l: number): Part => {
    const out: Part = { codes: qis.map(() => []), size: [], mask: [] };
    const map = new Map<number, number>();
    const upj = enc[j]!.up[l]!;
    for (let c = 0; c < part.size.length; c++) {
      let key = 0;
      const cs = qis.map((_, i) => (i === j ? upj.get(part.codes[i]![c]!)! : part.codes[i]![c]!));
      cs.forEach((x, i) => (key += x * mult[i]!));
      let d = map.get(key);
      if (d === undefined) {
        d = out.size.length;
        map.set(key, d);
        cs.forEach((x, i) => out.codes[i]!.push(x));
        out.size.push(0);
        out.mask.push(0);
      }
      out.size[d]! += part.size[c]!;
      out.mask[d]! |= part.mask[c]!;
    }
    return out;
  };
  const popcount = (x: number) => {
    let n = 0;
    for (; x; x &= x - 1) n++;
    return n;
  };
  const levels = new Array<number>(m).fill(0);
  const rec = (j: number, part: Part) => {
    if (j === m) {
      visit({ levels: [...levels], sizes: part.size, distinct: part.mask.map(popcount) });
      return;
    }
    let cur = part;
    for (let l = 0; l < enc[j]!.h; l++) {
      levels[j] = l;
      rec(j + 1, cur);
      if (l + 1 < enc[j]!.h) cur = rollup(cur, j, l);
    }
    levels[j] = 0;
  };
  rec(0, init);
}

/** Non-uniform entropy (monotonic variant) of a level vector, from its definition. */
function nuEntropy(qis: string[], levels: number[]): number {
  let s = 0;
  qis.forEach((a, j) => {
    if (levels[j] === 0) return;
    const gen = new Map(tables[a]!.map((r) => [r[0]!, r[levels[j]!]!]));
    const cv = new Map<string, number>();
    const cg = new Map<string, number>();
    for (const r of rows) {
      cv.set(r[a]!, (cv.get(r[a]!) ?? 0) + 1);
      const g = gen.get(r[a]!)!;
      cg.set(g, (cg.get(g) ?? 0) + 1);
    }
    for (const [v, c] of cv) s += c * Math.log2(cg.get(gen.get(v)!)! / c);
  });
  return s;
}

export interface Case {
  name: string;
  accept: (n: Node) => boolean;
  config: Parameters<typeof anonymize>[1];
}

export function compare(qis: string[], sensitive: string | null, cases: Case[]) {
  const acceptable = cases.map(() => [] as number[][]);
  let nodes = 0;
  exhaustive(qis, sensitive, (node) => {
    nodes++;
    cases.forEach((c, i) => {
      if (c.accept(node)) acceptable[i]!.push(node.levels);
    });
  });
  const lossCache = new Map<string, number>();
  const loss = (lv: number[]) => {
    const key = lv.join(',');
    if (!lossCache.has(key)) lossCache.set(key, nuEntropy(qis, lv));
    return lossCache.get(key)!;
  };
  return cases.map((c, i) => {
    // the exhaustive optimum: the least loss over every acceptable transformation; the
    // per-attribute entropy terms are cached by level so 12,960 evaluations stay cheap
    const termCache = new Map<string, number>();
    const term = (j: number, l: number) => {
      const key = `${j}:${l}`;
      if (!termCache.has(key)) termCache.set(key, nuEntropy([qis[j]!], [l]));
      return termCache.get(key)!;
    };
    let best = Infinity;
    for (const lv of acceptable[i]!)
      best = Math.min(
        best,
        lv.reduce((s, l, j) => s + term(j, l), 0),
      );
    const { report } = anonymize(rows, c.config);
    const chosen = qis.map((q) => report.transformation![q]!);
    const isAcceptable = acceptable[i]!.some((lv) => lv.every((l, j) => l === chosen[j]));
    return {
      name: c.name,
      nodes,
      best,
      chosenLoss: loss(chosen),
      reported: report.utility.nonUniformEntropy,
      isAcceptable,
      report,
    };
  });
}

export const hier = (qis: string[]) =>
  Object.fromEntries(qis.map((q) => [q, hierarchyFromTable(tables[q]!)]));
export const n = rows.length;
