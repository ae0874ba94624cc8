// UCI Adult, full lattices: the optimal search returns the same transformation and information
// loss as an exhaustive evaluation of all 12,960 transformations (k-anonymity, k = 5 and 100,
// 0 % and 4 % suppression) and of all 4,320 transformations for distinct l-diversity on
// occupation. Part of npm test (the issue requires the full-lattice comparison); about a minute on 2 cores.
import { describe, expect, it } from 'vitest';
import { ATTRS, compare, hier, n, rows, type Case } from './helpers/anon-reference.js';

describe('Adult: optimal search = exhaustive evaluation', () => {
  it('has the documented shape', () => {
    expect(rows.length).toBe(30162);
    expect(Object.keys(rows[0]!)).toEqual(ATTRS);
  });

  it('k-anonymity, k = 5 and 100, suppression 0 % and 4 %, all 9 attributes (12,960 transformations)', () => {
    const kCase = (k: number, s: number): Case => ({
      name: `k=${k} s=${s}`,
      accept: (node) =>
        node.sizes.reduce((acc, z) => acc + (z < k ? z : 0), 0) <= Math.floor(s * n),
      config: {
        quasiIdentifiers: hier(ATTRS),
        models: [{ type: 'k-anonymity', k }],
        suppressionLimit: s,
      },
    });
    const results = compare(ATTRS, null, [
      kCase(5, 0),
      kCase(5, 0.04),
      kCase(100, 0),
      kCase(100, 0.04),
    ]);
    for (const r of results) {
      expect(r.nodes).toBe(12960);
      expect(r.isAcceptable, r.name).toBe(true);
      expect(r.chosenLoss / r.best, r.name).toBeCloseTo(1, 9);
      expect(r.reported / r.best, r.name).toBeCloseTo(1, 9);
      expect(r.report.lattice!.checked).toBeLessThan(12960);
      expect(r.report.models[0]!.achieved).toBeGreaterThanOrEqual(
        r.name.startsWith('k=5 ') ? 5 : 100,
      );
      expect(r.report.suppressed).toBeLessThanOrEqual(
        Math.floor(Number(r.name.split('s=')[1]) * n),
      );
    }
  }, 240_000);

  it('distinct 3-diversity on occupation (8 quasi-identifiers, 4,320 transformations), 0 % and 4 %', () => {
    const qis = ATTRS.filter((a) => a !== 'occupation');
    const lCase = (l: number, s: number): Case => ({
      name: `l=${l} s=${s}`,
      accept: (node) =>
        node.sizes.reduce((acc, z, c) => acc + (node.distinct[c]! < l ? z : 0), 0) <=
        Math.floor(s * n),
      config: {
        quasiIdentifiers: hier(qis),
        models: [{ type: 'l-diversity', attribute: 'occupation', l, variant: 'distinct' }],
        suppressionLimit: s,
      },
    });
    const results = compare(qis, 'occupation', [lCase(3, 0), lCase(3, 0.04)]);
    for (const r of results) {
      expect(r.nodes).toBe(4320);
      expect(r.isAcceptable, r.name).toBe(true);
      expect(r.chosenLoss / r.best, r.name).toBeCloseTo(1, 9);
      expect(r.report.models[0]!.achieved).toBeGreaterThanOrEqual(3);
    }
  }, 240_000);
});
