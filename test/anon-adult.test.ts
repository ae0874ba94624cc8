// UCI Adult (benchmarks/data/adult, with the ARX hierarchies), a 5-attribute projection so the
// exhaustive comparison stays fast (the full 12,960-node lattices are in test/anon-adult-lattice.test.ts):
// the optimal search returns the transformation and information loss of an exhaustive evaluation.
import { describe, expect, it } from 'vitest';
import { ATTRS, compare, hier, n, rows, type Case } from './helpers/anon-reference.js';

const QIS = ['sex', 'age', 'race', 'marital-status', 'education'];

describe('Adult (5 quasi-identifiers, 240 transformations): optimal search = exhaustive evaluation', () => {
  it('has the documented shape', () => {
    expect(rows.length).toBe(30162);
    expect(Object.keys(rows[0]!)).toEqual(ATTRS);
  });

  it('k-anonymity, k = 5 and 100, suppression 0 % and 4 %', () => {
    const kCase = (k: number, s: number): Case => ({
      name: `k=${k} s=${s}`,
      accept: (node) =>
        node.sizes.reduce((acc, z) => acc + (z < k ? z : 0), 0) <= Math.floor(s * n),
      config: {
        quasiIdentifiers: hier(QIS),
        models: [{ type: 'k-anonymity', k }],
        suppressionLimit: s,
      },
    });
    for (const r of compare(QIS, null, [
      kCase(5, 0),
      kCase(5, 0.04),
      kCase(100, 0),
      kCase(100, 0.04),
    ])) {
      expect(r.nodes).toBe(240);
      expect(r.isAcceptable, r.name).toBe(true);
      expect(r.chosenLoss / r.best, r.name).toBeCloseTo(1, 9);
      expect(r.reported / r.best, r.name).toBeCloseTo(1, 9);
    }
  });

  it('distinct l-diversity on occupation, l = 3 and 6, 0 % and 4 %', () => {
    const lCase = (l: number, s: number): Case => ({
      name: `l=${l} s=${s}`,
      accept: (node) =>
        node.sizes.reduce((acc, z, c) => acc + (node.distinct[c]! < l ? z : 0), 0) <=
        Math.floor(s * n),
      config: {
        quasiIdentifiers: hier(QIS),
        models: [{ type: 'l-diversity', attribute: 'occupation', l }],
        suppressionLimit: s,
      },
    });
    for (const r of compare(QIS, 'occupation', [
      lCase(3, 0),
      lCase(3, 0.04),
      lCase(6, 0),
      lCase(6, 0.04),
    ])) {
      expect(r.isAcceptable, r.name).toBe(true);
      expect(r.chosenLoss / r.best, r.name).toBeCloseTo(1, 9);
      expect(r.report.models[0]!.achieved).toBeGreaterThanOrEqual(Number(r.name.slice(2, 3)));
    }
  });
});
