// Unit tests of bukejian/anon building blocks against hand-computed values and naive references:
// CSV (RFC 4180 examples, round trip, every chunk split), hierarchies and builders, privacy models
// (entropy, recursive-(c,l), EMD by hand), risk (per-record brute force), metrics (definition).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvParser } from '../src/_csv.js';
import { anonymize, validateConfig } from '../src/anon/anonymize.js';
import {
  adminCodeHierarchy,
  buildHierarchy,
  dateHierarchy,
  idAreaHierarchy,
  intervalHierarchy,
  prefixHierarchy,
  treeHierarchy,
} from '../src/anon/builders.js';
import { parseCsv, recordsToRows, toCsv } from '../src/anon/csv.js';
import {
  compileHierarchy,
  hierarchyFromCsv,
  hierarchyFromTable,
  validateHierarchy,
} from '../src/anon/hierarchy.js';
import { lossTerms } from '../src/anon/metrics.js';
import { compileModel } from '../src/anon/models.js';
import { reidentificationRisk, riskFromClassSizes } from '../src/anon/risk.js';
import { encodeTable } from '../src/anon/table.js';
import { isBukejianError } from '../src/errors.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return isBukejianError(e) ? e.code : `not a BukejianError: ${String(e)}`;
  }
  return undefined;
};

describe('csv', () => {
  it('parses RFC 4180 examples', () => {
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a,"b,c","say ""hi"""\n"multi\nline",x')).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['multi\nline', 'x'],
    ]);
    expect(parseCsv('x;;"";\r\r\n', { delimiter: ';' })).toEqual([['x', '', '', ''], ['']]);
    expect(parseCsv('中文,"北京市"\n')).toEqual([['中文', '北京市']]);
    expect(parseCsv('')).toEqual([]);
  });
  it('rejects malformed quoting with INVALID_DATA', () => {
    expect(code(() => parseCsv('a"b,c'))).toBe('INVALID_DATA');
    expect(code(() => parseCsv('"ab"c,d'))).toBe('INVALID_DATA');
    expect(code(() => parseCsv('"abc'))).toBe('INVALID_DATA');
    expect(code(() => parseCsv('a', { delimiter: '"' }))).toBe('INVALID_OPTION');
  });
  it('one parser: the lenient mode (mask streams) keeps as data what the strict one refuses', () => {
    const all = (text: string, strict: boolean) => {
      const p = createCsvParser(undefined, strict);
      return [...p.push(text), ...p.end()];
    };
    expect(all('a"b,c\n"ab"c,d\n', false)).toEqual([
      ['a"b', 'c'],
      ['abc', 'd'],
    ]);
    expect(code(() => all('a"b,c\n', true))).toBe('INVALID_DATA');
    expect(code(() => all('"ab"c,d\n', true))).toBe('INVALID_DATA');
    for (const strict of [true, false]) {
      expect(all('a,"b,""c"""\r\n1,2', strict)).toEqual([
        ['a', 'b,"c"'],
        ['1', '2'],
      ]);
      expect(code(() => all('a,"b', strict))).toBe('INVALID_DATA');
    }
  });
  it('round trips arbitrary records, fed in any chunking', () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', '中', ';'),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (recs, cut) => {
          const text = toCsv(recs);
          expect(parseCsv(text)).toEqual(recs);
          const p = createCsvParser(undefined, true);
          const at = text.length ? cut % text.length : 0;
          const out = [...p.push(text.slice(0, at)), ...p.push(text.slice(at)), ...p.end()];
          expect(out).toEqual(recs);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('every split point of a Chinese CSV gives the same records', () => {
    const text = '姓名,地区\r\n"张三, 测试",110105\r\n李四,"31""01""15"\n';
    const whole = parseCsv(text);
    for (let i = 0; i <= text.length; i++) {
      const p = createCsvParser(undefined, true);
      expect([...p.push(text.slice(0, i)), ...p.push(text.slice(i)), ...p.end()]).toEqual(whole);
    }
  });
  it('turns records into rows and checks field counts', () => {
    expect(recordsToRows([['a', 'b'], ['1', '2'], ['']])).toEqual([{ a: '1', b: '2' }]);
    expect(code(() => recordsToRows([['a', 'b'], ['1']]))).toBe('INVALID_DATA');
    expect(code(() => recordsToRows([['a', 'a']]))).toBe('INVALID_DATA');
  });
});

describe('hierarchies', () => {
  const adultAge = readFileSync(
    path.join(__dirname, '..', 'benchmarks', 'data', 'adult', 'adult_hierarchy_age.csv'),
    'utf8',
  );
  it('loads an ARX hierarchy', () => {
    const h = hierarchyFromCsv(adultAge);
    expect(h.height).toBe(5);
    expect([0, 1, 2, 3, 4].map((l) => h.generalize('37', l))).toEqual([
      '37',
      '35-39',
      '30-39',
      '20-39',
      '*',
    ]);
    expect(h.generalize('200', 1)).toBeUndefined();
  });
  it('validates coverage and consistency', () => {
    const h = hierarchyFromTable([
      ['a', 'X', '*'],
      ['b', 'X', '*'],
      ['c', 'Y', '*'],
    ]);
    expect(validateHierarchy(h, ['a', 'b', 'c'])).toBe(true);
    expect(code(() => validateHierarchy(h, ['a', 'd']))).toBe('INVALID_DATA');
    const bad = hierarchyFromTable([
      ['a', 'X', 'P'],
      ['b', 'X', 'Q'],
    ]);
    expect(code(() => validateHierarchy(bad, ['a', 'b']))).toBe('INVALID_DATA');
    expect(
      code(() =>
        hierarchyFromTable([
          ['a', 'X'],
          ['a', 'Y'],
        ]),
      ),
    ).toBe('INVALID_DATA');
    expect(code(() => hierarchyFromTable([['a', 'X'], ['b']]))).toBe('INVALID_DATA');
  });
  it('builders give the documented values', () => {
    const age = intervalHierarchy({ widths: [5, 10, 20] });
    expect([0, 1, 2, 3, 4].map((l) => age.generalize('37', l))).toEqual([
      '37',
      '35-39',
      '30-39',
      '20-39',
      '*',
    ]);
    expect(age.generalize('x', 1)).toBeUndefined();
    expect(code(() => intervalHierarchy({ widths: [5, 12] }))).toBe('INVALID_CONFIG');
    const d = dateHierarchy();
    expect([0, 1, 2, 3].map((l) => d.generalize('1990-07-15', l))).toEqual([
      '1990-07-15',
      '1990-07',
      '1990',
      '*',
    ]);
    expect(d.generalize('1990-02-30', 1)).toBeUndefined();
    expect(dateHierarchy({ levels: ['quarter', 'decade'] }).generalize('1990-07-15', 1)).toBe(
      '1990-Q3',
    );
    const ad = adminCodeHierarchy();
    expect([0, 1, 2, 3].map((l) => ad.generalize('110105', l))).toEqual([
      '110105',
      '110100',
      '110000',
      '*',
    ]);
    const id = idAreaHierarchy();
    expect([1, 2, 3, 4].map((l) => id.generalize('44030519900101123X', l))).toEqual([
      '440305',
      '440300',
      '440000',
      '*',
    ]);
    expect(id.generalize('4403051990010112', 1)).toBeUndefined();
    const pc = prefixHierarchy({ length: 6, masked: [2, 4] });
    expect([0, 1, 2, 3].map((l) => pc.generalize('100080', l))).toEqual([
      '100080',
      '1000**',
      '10****',
      '*',
    ]);
    const tree = treeHierarchy({ Asia: { East: ['China', 'Japan'] }, Europe: ['France'] });
    expect([0, 1, 2, 3].map((l) => tree.generalize('China', l))).toEqual([
      'China',
      'East',
      'Asia',
      '*',
    ]);
    expect([0, 1, 2, 3].map((l) => tree.generalize('France', l))).toEqual([
      'France',
      'France',
      'Europe',
      '*',
    ]);
    expect(buildHierarchy({ type: 'intervals', widths: [10] }).generalize('25', 1)).toBe('20-29');
    expect(code(() => buildHierarchy({ type: 'nope' } as never))).toBe('INVALID_OPTION');
  });
  it('builders are consistent hierarchies on random data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 50 }),
        fc.array(fc.integer({ min: 110000, max: 659999 }), { minLength: 1, maxLength: 30 }),
        (ages, codes) => {
          compileHierarchy(
            intervalHierarchy({ widths: [5, 10, 20, 40] }),
            [...new Set(ages.map(String))],
            'age',
          );
          const vals = [...new Set(codes.map((c) => String(c)))];
          compileHierarchy(adminCodeHierarchy(), vals, 'county');
          compileHierarchy(prefixHierarchy({ length: 6 }), vals, 'code');
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('models', () => {
  const sens = (values: string[]) =>
    encodeTable(
      values.map((v) => ({ q: '1', s: v })),
      { q: hierarchyFromTable([['1', '*']]) },
      ['s'],
    ).sensitive;
  const hist = (counts: number[]) => ({
    codes: Int32Array.from(counts.map((_, i) => i)),
    counts: Float64Array.from(counts),
    m: counts.length,
    size: counts.reduce((a, b) => a + b, 0),
  });
  it('entropy and recursive l-diversity match their definitions', () => {
    const s = sens(['a', 'b', 'c', 'd']);
    const ent = compileModel({ type: 'l-diversity', attribute: 's', l: 2, variant: 'entropy' }, s);
    const h = hist([2, 1, 1]);
    const H = -(0.5 * Math.log2(0.5) + 2 * 0.25 * Math.log2(0.25)); // 1.5 bits
    expect(ent.measure(h.size, h.codes, h.counts, h.m)).toBeCloseTo(2 ** H, 12);
    expect(ent.ok(ent.measure(h.size, h.codes, h.counts, h.m))).toBe(true);
    const rec = compileModel(
      { type: 'l-diversity', attribute: 's', l: 2, variant: 'recursive', c: 1 },
      s,
    );
    // r1 = 5 < c·(r2 + r3) = 1·(3 + 2) is false; with c = 2 it holds
    const h2 = hist([3, 5, 2]);
    expect(rec.measure(h2.size, h2.codes, h2.counts, h2.m)).toBe(1);
    expect(rec.ok(1)).toBe(false);
    const rec2 = compileModel(
      { type: 'l-diversity', attribute: 's', l: 2, variant: 'recursive', c: 2 },
      s,
    );
    expect(rec2.ok(rec2.measure(h2.size, h2.codes, h2.counts, h2.m))).toBe(true);
    expect(
      code(() =>
        compileModel(
          { type: 'l-diversity', attribute: 's', l: 2, variant: 'recursive' } as never,
          s,
        ),
      ),
    ).toBe('INVALID_CONFIG');
    expect(code(() => compileModel({ type: 'l-diversity', attribute: 'zz', l: 2 }, s))).toBe(
      'INVALID_CONFIG',
    );
  });
  it('t-closeness: equal distance is half the L1 distance; hierarchical EMD by hand (Li et al.)', () => {
    const s = sens(['a', 'b', 'c', 'd']); // uniform q = 1/4 each
    const eq = compileModel({ type: 't-closeness', attribute: 's', t: 0.3 }, s);
    const h = hist([1, 1]); // p = (1/2, 1/2, 0, 0)
    expect(eq.measure(h.size, h.codes, h.counts, h.m)).toBeCloseTo(0.5, 12);
    const tree = { type: 'tree' as const, tree: { X: ['a', 'b'], Y: ['c', 'd'] } };
    const hi = compileModel(
      { type: 't-closeness', attribute: 's', t: 0.3, distance: 'hierarchical', hierarchy: tree },
      s,
    );
    // p = (1/2, 1/2, 0, 0): all extra mass moves across the root: 1 · 1/2
    expect(hi.measure(h.size, h.codes, h.counts, h.m)).toBeCloseTo(0.5, 12);
    // p = (1/2, 0, 1/2, 0): mass moves within X and within Y: 2 · (1/2 · 1/4)
    const h3 = { codes: Int32Array.from([0, 2]), counts: Float64Array.from([1, 1]), m: 2, size: 2 };
    expect(hi.measure(h3.size, h3.codes, h3.counts, h3.m)).toBeCloseTo(0.25, 12);
    // a "hierarchy" without a single root is not a tree: moving mass between X and Y would cost 0
    const forest = {
      type: 'table' as const,
      rows: [
        ['a', 'X'],
        ['b', 'X'],
        ['c', 'Y'],
        ['d', 'Y'],
      ],
    };
    expect(
      code(() =>
        compileModel(
          {
            type: 't-closeness',
            attribute: 's',
            t: 0.3,
            distance: 'hierarchical',
            hierarchy: forest,
          },
          s,
        ),
      ),
    ).toBe('INVALID_CONFIG');
  });
  it('random distributions: flat hierarchical EMD = equal-distance EMD = ½ L1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 6, maxLength: 6 }),
        (pop, cls) => {
          const values = pop.flatMap((c, i) => Array<string>(c).fill(`v${i}`));
          const s = sens(values);
          const flatSpec = { type: 'table' as const, rows: pop.map((_, i) => [`v${i}`, '*']) };
          const eq = compileModel({ type: 't-closeness', attribute: 's', t: 1 }, s);
          const hi = compileModel(
            {
              type: 't-closeness',
              attribute: 's',
              t: 1,
              distance: 'hierarchical',
              hierarchy: flatSpec,
            },
            s,
          );
          const counts: number[] = [...cls.slice(0, pop.length)];
          if (!counts.some((c) => c > 0)) counts[0] = 1;
          const codes: number[] = [];
          const cnt: number[] = [];
          counts.forEach((c, i) => {
            if (c > 0) {
              codes.push(s[0]!.values.indexOf(`v${i}`));
              cnt.push(c);
            }
          });
          const size = cnt.reduce((a, b) => a + b, 0);
          const total = values.length;
          let l1 = 0;
          pop.forEach((c, i) => (l1 += Math.abs((counts[i] ?? 0) / size - c / total)));
          const a = eq.measure(size, Int32Array.from(codes), Float64Array.from(cnt), codes.length);
          const b = hi.measure(size, Int32Array.from(codes), Float64Array.from(cnt), codes.length);
          expect(a).toBeCloseTo(l1 / 2, 12);
          expect(b).toBeCloseTo(l1 / 2, 12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('risk', () => {
  it('matches a per-record brute force (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.constantFrom('1', '2', '3'), b: fc.constantFrom('x', 'y') }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.record({ a: fc.constantFrom('1', '2', '3'), b: fc.constantFrom('x', 'y') }), {
          maxLength: 40,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (sample, extra, threshold) => {
          const population = [...sample, ...extra];
          const key = (r: { a: string; b: string }) => r.a + '|' + r.b;
          const f = (r: { a: string; b: string }) => sample.filter((x) => key(x) === key(r)).length;
          const F = (r: { a: string; b: string }) =>
            population.filter((x) => key(x) === key(r)).length;
          const rp = sample.map((r) => 1 / f(r));
          const rj = sample.map((r) => 1 / F(r));
          const rep = reidentificationRisk(sample, ['a', 'b'], { threshold, population });
          const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
          expect(rep.prosecutor.average).toBeCloseTo(mean(rp), 12);
          expect(rep.prosecutor.maximum).toBeCloseTo(Math.max(...rp), 12);
          expect(rep.prosecutor.recordsAtRisk).toBe(rp.filter((x) => x > threshold).length);
          expect(rep.prosecutor.recordsAtRiskShare).toBeCloseTo(
            rp.filter((x) => x > threshold).length / sample.length,
            12,
          );
          expect(rep.journalist.recordsAtRisk).toBe(rj.filter((x) => x > threshold).length);
          expect(rep.journalist.recordsAtRiskShare).toBeCloseTo(
            rj.filter((x) => x > threshold).length / sample.length,
            12,
          );
          expect(rep.journalist.average).toBeCloseTo(mean(rj), 12);
          expect(rep.journalist.maximum).toBeCloseTo(Math.max(...rj), 12);
          expect(rep.marketer.average).toBeCloseTo(mean(rj), 12);
          expect(rep.sampleUniques).toBeCloseTo(
            sample.filter((r) => f(r) === 1).length / sample.length,
            12,
          );
          const own = reidentificationRisk(sample, ['a', 'b']);
          expect(own.journalist.maximum).toBeCloseTo(Math.max(...rp), 12);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('rejects a population smaller than the sample class', () => {
    expect(code(() => riskFromClassSizes([3], [2]))).toBe('INVALID_RANGE');
    expect(riskFromClassSizes([1, 4, 5]).prosecutor.maximum).toBe(1);
  });
});

describe('metrics', () => {
  it('non-uniform entropy terms follow the definition', () => {
    const rows = ['20', '21', '21', '35', '36', '36', '36'].map((age) => ({ age }));
    const t = encodeTable(rows, { age: intervalHierarchy({ widths: [10] }) }, []);
    const terms = lossTerms(t, 'entropy')[0]!;
    // level 1: 20-29 holds 3 records (20 ×1, 21 ×2), 30-39 holds 4 (35 ×1, 36 ×3)
    const want =
      1 * Math.log2(3 / 1) + 2 * Math.log2(3 / 2) + 1 * Math.log2(4 / 1) + 3 * Math.log2(4 / 3);
    expect(terms[0]).toBe(0);
    expect(terms[1]).toBeCloseTo(want, 12);
    expect(terms[2]).toBeCloseTo(
      1 * Math.log2(7) + 2 * Math.log2(7 / 2) + 1 * Math.log2(7) + 3 * Math.log2(7 / 3),
      12,
    );
  });
});

describe('configuration', () => {
  const base = {
    quasiIdentifiers: { age: { type: 'intervals', widths: [10] } },
    models: [{ type: 'k-anonymity', k: 2 }],
  } as const;
  it('validates and fills defaults', () => {
    const c = validateConfig(structuredClone(base) as never);
    expect(c.suppressionLimit).toBe(0);
    expect(c.algorithm).toBe('optimal');
    expect(c.metric).toBe('entropy');
  });
  it('rejects bad configurations with stable codes', () => {
    expect(code(() => validateConfig({ ...base, extra: 1 } as never))).toBe('INVALID_OPTION');
    expect(code(() => validateConfig({ ...base, models: [] } as never))).toBe('INVALID_CONFIG');
    expect(
      code(() => validateConfig({ ...base, models: [{ type: 'k-anonymity', k: 0 }] } as never)),
    ).toBe('INVALID_RANGE');
    expect(code(() => validateConfig({ ...base, suppressionLimit: 2 } as never))).toBe(
      'INVALID_CONFIG',
    );
    expect(code(() => validateConfig({ ...base, algorithm: 'x' } as never))).toBe('INVALID_OPTION');
    expect(code(() => validateConfig({ ...base, sensitive: ['age'] } as never))).toBe(
      'INVALID_CONFIG',
    );
    expect(
      code(() =>
        validateConfig({
          ...base,
          models: [{ type: 't-closeness', attribute: 's', t: 2 }],
        } as never),
      ),
    ).toBe('INVALID_CONFIG');
  });
  it('reports missing columns and uncovered values as INVALID_DATA, and no solution', () => {
    expect(code(() => anonymize([{ x: '1' }], base as never))).toBe('INVALID_DATA');
    expect(code(() => anonymize([{ age: 'old' }], base as never))).toBe('INVALID_DATA');
    const rows = [
      { age: '30', d: 'flu' },
      { age: '31', d: 'flu' },
    ];
    expect(
      code(() =>
        anonymize(rows, {
          quasiIdentifiers: base.quasiIdentifiers,
          models: [{ type: 'l-diversity', attribute: 'd', l: 2 }],
        } as never),
      ),
    ).toBe('INVALID_DATA');
  });
});
