// Suppressed records release nothing (security review, item 5): 40 ordinary rows plus one outlier
// { age: 95, county: 650102, diagnosis: HIV }, k = 5 and distinct 2-diversity on diagnosis, 5 %
// suppression. The optimal search suppresses the outlier; it used to be released as a `*|*` row
// carrying HIV while the report said every model held and no record was at risk. Now it is removed
// (the default) or becomes a row of '*' in every column ('mask'), and the report's figures are
// checked against a naive recount of the released rows. Mondrian (which suppresses nothing) is
// checked on the same table.
import { describe, expect, it } from 'vitest';
import { anonymize, type AnonymizeConfig } from '../src/anon/anonymize.js';

const DX = ['flu', 'asthma', 'gastritis', 'diabetes'];
const ordinary = Array.from({ length: 40 }, (_, i) => ({
  age: 30 + (i % 10),
  county: i % 2 ? 110105 : 110101,
  diagnosis: DX[i % 4]!,
}));
const OUTLIER = { age: 95, county: 650102, diagnosis: 'HIV' };
const rows = [...ordinary, OUTLIER];

const CONFIG: AnonymizeConfig = {
  quasiIdentifiers: {
    age: { type: 'intervals', widths: [5, 10, 20] },
    county: { type: 'adminCode' },
  },
  models: [
    { type: 'k-anonymity', k: 5 },
    { type: 'l-diversity', attribute: 'diagnosis', l: 2 },
  ],
  suppressionLimit: 0.05,
};

const isMasked = (o: Record<string, string>) => Object.values(o).every((v) => v === '*');

/** Classes of the released (not masked) rows by their age|county strings, counted naively. */
function recount(out: Record<string, string>[]) {
  const released = out.filter((o) => !isMasked(o));
  const classes = new Map<string, Record<string, string>[]>();
  for (const o of released) {
    const key = `${o.age}|${o.county}`;
    if (!classes.has(key)) classes.set(key, []);
    classes.get(key)!.push(o);
  }
  const members = [...classes.values()];
  const risk = released.map((o) => 1 / classes.get(`${o.age}|${o.county}`)!.length);
  return {
    released: released.length,
    classes: members.length,
    minSize: Math.min(...members.map((m) => m.length)),
    minDistinct: Math.min(...members.map((m) => new Set(m.map((o) => o.diagnosis)).size)),
    maxRisk: Math.max(...risk),
    atRisk: risk.filter((r) => r > 0.2).length,
    atRiskShare: risk.filter((r) => r > 0.2).length / released.length,
    members,
  };
}

describe('a suppressed outlier releases nothing (optimal search)', () => {
  it('default: the outlier is removed, no row carries HIV, and the report matches the released rows', () => {
    const { rows: out, report } = anonymize(rows, CONFIG);
    expect(out.length).toBe(40);
    expect(JSON.stringify(out)).not.toContain('HIV');
    expect(out.some((o) => o.age === '*' || o.county === '*')).toBe(false);
    expect(report.suppressedRows).toBe('remove');
    expect(report.records).toBe(41);
    expect(report.suppressed).toBe(1);
    expect(report.releasedRecords).toBe(40);
    const r = recount(out);
    expect(r.released).toBe(40);
    expect(report.classes).toBe(r.classes);
    expect(r.minSize).toBeGreaterThanOrEqual(5);
    expect(r.minDistinct).toBeGreaterThanOrEqual(2);
    expect(report.models.map((m) => m.achieved)).toEqual([r.minSize, r.minDistinct]);
    expect(report.risk.after.records).toBe(40);
    expect(report.risk.after.prosecutor.maximum).toBe(r.maxRisk);
    expect(report.risk.after.prosecutor.recordsAtRisk).toBe(r.atRisk);
    expect(report.risk.after.prosecutor.recordsAtRiskShare).toBe(r.atRiskShare);
  });

  it("'mask': the outlier's row is '*' in every column, no row carries HIV, and the report matches the released rows", () => {
    const { rows: out, report } = anonymize(rows, { ...CONFIG, suppressedRows: 'mask' });
    expect(out.length).toBe(41);
    expect(out[40]).toEqual({ age: '*', county: '*', diagnosis: '*' });
    expect(JSON.stringify(out)).not.toContain('HIV');
    expect(out.filter(isMasked).length).toBe(1);
    expect(report.suppressedRows).toBe('mask');
    expect(report.suppressed).toBe(1);
    expect(report.releasedRecords).toBe(40);
    const r = recount(out);
    expect(r.released).toBe(40);
    expect(report.classes).toBe(r.classes);
    expect(report.models.map((m) => m.achieved)).toEqual([r.minSize, r.minDistinct]);
    expect(report.risk.after.records).toBe(40);
    expect(report.risk.after.prosecutor.maximum).toBe(r.maxRisk);
    expect(report.risk.after.prosecutor.recordsAtRisk).toBe(r.atRisk);
    expect(report.risk.after.prosecutor.recordsAtRiskShare).toBe(r.atRiskShare);
  });

  it("'mask' also masks insensitive columns of a suppressed record (only the row's existence is released)", () => {
    const withVisits = rows.map((x, i) => ({
      ...x,
      visits: i === 40 ? 'VISITS-OF-OUTLIER' : String(i % 7),
      name: `person ${i}`,
    }));
    const { rows: out } = anonymize(withVisits, {
      ...CONFIG,
      insensitive: ['visits'],
      suppressedRows: 'mask',
    });
    expect(out[40]).toEqual({ age: '*', county: '*', diagnosis: '*', visits: '*' });
    expect(JSON.stringify(out)).not.toContain('OUTLIER');
    expect(out[0]).toEqual({ age: '30-34', county: '110101', diagnosis: 'flu', visits: '0' });
  });
});

describe('the same table with Mondrian (nothing suppressed)', () => {
  for (const mode of ['remove', 'mask'] as const) {
    it(`suppressedRows '${mode}': the outlier is released only inside a class of ≥ 5 records with ≥ 2 diagnoses, as reported`, () => {
      const { rows: out, report } = anonymize(rows, {
        ...CONFIG,
        algorithm: 'mondrian',
        suppressedRows: mode,
      });
      expect(out.length).toBe(41);
      expect(report.suppressed).toBe(0);
      expect(report.releasedRecords).toBe(41);
      const r = recount(out);
      const hiv = r.members.find((m) => m.some((o) => o.diagnosis === 'HIV'))!;
      expect(hiv.length).toBeGreaterThanOrEqual(5);
      expect(new Set(hiv.map((o) => o.diagnosis)).size).toBeGreaterThanOrEqual(2);
      expect(report.classes).toBe(r.classes);
      expect(report.models.map((m) => m.achieved)).toEqual([r.minSize, r.minDistinct]);
      expect(report.risk.after.records).toBe(41);
      expect(report.risk.after.prosecutor.maximum).toBe(r.maxRisk);
      expect(report.risk.after.prosecutor.recordsAtRisk).toBe(r.atRisk);
      expect(report.risk.after.prosecutor.recordsAtRiskShare).toBe(r.atRiskShare);
    });
  }
});
