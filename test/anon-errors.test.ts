// No anon error message echoes a record value (security review, item 9): every error path of
// bukejian/anon we could find is driven with inputs that contain a distinctive marker value (in
// cells, quasi-identifier and sensitive values, hierarchy values), and the marker must never appear
// in `err.message`, while the error code is the documented one. Messages name the column and the
// row or line number instead.
import { describe, expect, it } from 'vitest';
import { createCsvParser } from '../src/_csv.js';
import { anonymize, type AnonymizeConfig } from '../src/anon/anonymize.js';
import {
  adminCodeHierarchy,
  buildHierarchy,
  dateHierarchy,
  idAreaHierarchy,
  intervalHierarchy,
  prefixHierarchy,
  treeHierarchy,
} from '../src/anon/builders.js';
import { parseCsv, recordsToRows } from '../src/anon/csv.js';
import {
  compileHierarchy,
  hierarchyFromCsv,
  hierarchyFromTable,
  validateHierarchy,
  type Hierarchy,
} from '../src/anon/hierarchy.js';
import { reidentificationRisk } from '../src/anon/risk.js';
import { encodeTable, type Row } from '../src/anon/table.js';
import { BukejianError } from '../src/errors.js';

// a made-up resident ID number and name: what a leaking message would show
const MARKER = '65010219491231002X';
const NAME = '马某某标记';

/** The error `fn` throws: a BukejianError whose message contains neither marker. */
function failure(fn: () => unknown): BukejianError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(BukejianError);
  const e = err as BukejianError;
  expect(e.message).not.toContain(MARKER);
  expect(e.message).not.toContain(NAME);
  expect(e.message).not.toContain(MARKER.slice(0, 12));
  return e;
}

const AGE = { type: 'intervals' as const, widths: [10] };
const base = (extra: Partial<AnonymizeConfig> = {}): AnonymizeConfig => ({
  quasiIdentifiers: { age: AGE },
  sensitive: ['diagnosis'],
  models: [{ type: 'k-anonymity', k: 1 }],
  ...extra,
});
const good = (i: number): Record<string, string> => ({
  name: NAME,
  id: MARKER,
  age: String(30 + i),
  diagnosis: i % 2 ? 'flu' : 'asthma',
});

describe('anon error messages never echo record values', () => {
  it('CSV parsing: malformed quoting, unterminated fields, ragged records, duplicate header names', () => {
    expect(failure(() => parseCsv(`a,b\r\n${MARKER}"${NAME},1\r\n`)).code).toBe('INVALID_DATA');
    expect(failure(() => parseCsv(`a,b\r\n"${MARKER}"${NAME},1\r\n`)).code).toBe('INVALID_DATA');
    expect(failure(() => parseCsv(`a,b\r\n1,"${MARKER} ${NAME}`)).code).toBe('INVALID_DATA');
    const p = createCsvParser(undefined, true);
    p.push(`a\n"${MARKER}`);
    expect(failure(() => p.end()).code).toBe('INVALID_DATA');
    const e = failure(() =>
      recordsToRows([
        ['name', 'id'],
        [NAME, MARKER, 'extra'],
      ]),
    );
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toContain('record 2');
    expect(failure(() => recordsToRows([[MARKER, MARKER]])).code).toBe('INVALID_DATA');
    expect(failure(() => hierarchyFromCsv(`${MARKER};"${NAME}"x\r\n`)).code).toBe('INVALID_DATA');
    // text that is not a string (e.g. a parsed JSON object whose own "constructor" names the value)
    const carrier = { constructor: { name: MARKER } } as unknown as string;
    expect(failure(() => createCsvParser(undefined, true).push(carrier)).code).toBe('INVALID_TYPE');
    expect(failure(() => parseCsv(carrier)).code).toBe('INVALID_TYPE');
    expect(failure(() => hierarchyFromCsv(carrier)).code).toBe('INVALID_TYPE');
  });

  it('cells: a missing column, a non-finite number, an object, null rows', () => {
    const e = failure(() =>
      anonymize([good(0), { name: NAME, id: MARKER, diagnosis: 'flu' }], base()),
    );
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toContain('rows[1]');
    expect(e.message).toContain('"age"');
    expect(failure(() => anonymize([good(0), { ...good(1), age: Number.NaN }], base())).code).toBe(
      'INVALID_DATA',
    );
    const obj = { toString: () => MARKER, constructor: { name: MARKER } } as unknown as string;
    expect(failure(() => anonymize([good(0), { ...good(1), age: obj }], base())).code).toBe(
      'INVALID_DATA',
    );
    expect(failure(() => anonymize([good(0), { ...good(1), diagnosis: obj }], base())).code).toBe(
      'INVALID_DATA',
    );
    expect(failure(() => anonymize([good(0), null as unknown as Row], base())).code).toBe(
      'INVALID_DATA',
    );
    expect(
      failure(() =>
        encodeTable([{ age: MARKER }], { age: intervalHierarchy({ widths: [10] }) }, ['diagnosis']),
      ).code,
    ).toBe('INVALID_DATA');
    expect(
      failure(() => reidentificationRisk([{ a: MARKER }], ['a'], { population: [{ b: MARKER }] }))
        .code,
    ).toBe('INVALID_DATA');
  });

  it('quasi-identifier values no hierarchy covers: non-numeric in a numeric column, bad dates, codes, IDs, lengths, tables, trees', () => {
    const cases: [string, AnonymizeConfig['quasiIdentifiers'][string]][] = [
      [MARKER, AGE], // not a number
      [`${NAME}`, AGE],
      ['12.5', AGE], // a number, but not an integer
      [MARKER, { type: 'dates' }],
      ['2023-02-30', { type: 'dates' }],
      [MARKER, { type: 'adminCode' }],
      [`${MARKER}0`, { type: 'idArea' }],
      [MARKER, { type: 'prefix', length: 6 }],
      [MARKER, { type: 'table', rows: [['30', '*']] }],
      [MARKER, { type: 'tree', tree: { a: ['30'] } }],
    ];
    for (const [value, spec] of cases) {
      const rows = [good(0), { ...good(1), age: value }];
      const e = failure(() => anonymize(rows, { ...base(), quasiIdentifiers: { age: spec } }));
      expect(e.code, JSON.stringify(spec)).toBe('INVALID_DATA');
      expect(e.message).toContain('"age"');
      expect(
        failure(() =>
          anonymize(rows, { ...base(), quasiIdentifiers: { age: spec }, algorithm: 'mondrian' }),
        ).code,
      ).toBe('INVALID_DATA');
    }
    for (const h of [
      adminCodeHierarchy(),
      idAreaHierarchy(),
      dateHierarchy(),
      prefixHierarchy({ length: 3 }),
      intervalHierarchy({ widths: [5] }),
    ]) {
      expect(failure(() => validateHierarchy(h, [MARKER, NAME], 'col')).code).toBe('INVALID_DATA');
      expect(failure(() => compileHierarchy(h, [NAME], 'col')).code).toBe('INVALID_DATA');
    }
  });

  it('an uncovered value is located by column, hierarchy level and row number (its first row), never by value', () => {
    const cases: [string, string, AnonymizeConfig['quasiIdentifiers'][string], number][] = [
      ['30', MARKER, AGE, 1],
      ['2020-01-15', '2023-02-30', { type: 'dates' }, 1],
      ['110101', MARKER, { type: 'adminCode' }, 1],
      ['30', MARKER, { type: 'table', rows: [['30', '*']] }, 1],
      ['30', MARKER, { type: 'tree', tree: { a: ['30'] } }, 1],
      // covered at level 1, not at level 2
      [
        '30',
        MARKER,
        {
          height: 3,
          kind: 'custom',
          generalize: (v: string, l: number) => (l === 1 ? 'x' : v === MARKER ? undefined : '*'),
        } as Hierarchy,
        2,
      ],
    ];
    for (const algorithm of ['optimal', 'mondrian'] as const)
      for (const [ok, bad, spec, level] of cases) {
        // the uncovered value first occurs in row 4 (rows[3]), again in row 6
        const rows = [0, 1, 2, 3, 4, 5].map((i) => ({
          ...good(i),
          visits: ok,
          age: i === 3 || i === 5 ? bad : ok,
        }));
        const e = failure(() =>
          anonymize(rows, {
            ...base(),
            quasiIdentifiers: { visits: { type: 'tree', tree: { a: [ok] } }, age: spec },
            algorithm,
          }),
        );
        expect(e.code).toBe('INVALID_DATA');
        expect(e.message).toBe(
          `"age" hierarchy expected to cover every value, got an uncovered value at level ${level} in row 4 (rows[3])`,
        );
        expect(e.message).not.toContain(bad);
      }
  });

  it('hierarchy tables and trees built from data values: inconsistent, duplicated, ragged, not strings', () => {
    // MARKER and NAME meet at level 1 but split at level 2
    const split = hierarchyFromTable([
      [MARKER, 'g', MARKER],
      [NAME, 'g', NAME],
    ]);
    const e = failure(() =>
      anonymize(
        [
          { q: MARKER, s: 'a' },
          { q: NAME, s: 'b' },
        ],
        {
          quasiIdentifiers: { q: split },
          sensitive: ['s'],
          models: [{ type: 'k-anonymity', k: 1 }],
        },
      ),
    );
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toContain('"q"');
    expect(
      failure(() =>
        hierarchyFromTable([
          [MARKER, 'a'],
          [MARKER, NAME],
        ]),
      ).code,
    ).toBe('INVALID_DATA');
    expect(failure(() => hierarchyFromTable([[MARKER, '*'], [NAME]])).code).toBe('INVALID_DATA');
    expect(
      failure(() =>
        hierarchyFromTable([
          [MARKER, '*'],
          [NAME, 7 as unknown as string],
        ]),
      ).code,
    ).toBe('INVALID_DATA');
    expect(failure(() => treeHierarchy({ a: [MARKER], b: [MARKER] })).code).toBe('INVALID_CONFIG');
    expect(
      failure(() =>
        treeHierarchy({ a: [MARKER, { constructor: { name: MARKER } } as unknown as string] }),
      ).code,
    ).toBe('INVALID_TYPE');
    expect(failure(() => treeHierarchy({ [MARKER]: NAME as unknown as string[] })).code).toBe(
      'INVALID_CONFIG',
    );
    expect(
      failure(() =>
        buildHierarchy({
          type: 'table',
          rows: [
            [MARKER, 'a'],
            [MARKER, 'b'],
          ],
        }),
      ).code,
    ).toBe('INVALID_DATA');
  });

  it('sensitive values: t-closeness hierarchies that miss a value or have two roots, models no transformation satisfies', () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({
      ...good(i),
      diagnosis: i < 3 ? MARKER : NAME,
    }));
    const tc = (hierarchy: AnonymizeConfig['quasiIdentifiers'][string]): AnonymizeConfig =>
      base({
        models: [
          {
            type: 't-closeness',
            attribute: 'diagnosis',
            t: 0.5,
            distance: 'hierarchical',
            hierarchy: hierarchy as never,
          },
        ],
      });
    let e = failure(() => anonymize(rows, tc({ type: 'table', rows: [[MARKER, '*']] })));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toContain('"diagnosis"');
    // NAME first occurs in rows[3]: column, level and row are named
    expect(e.message).toBe(
      '"diagnosis" hierarchy expected to cover every value, got an uncovered value at level 1 in row 4 (rows[3])',
    );
    e = failure(() =>
      anonymize(
        rows,
        tc({
          type: 'table',
          rows: [
            [MARKER, MARKER],
            [NAME, NAME],
          ],
        }),
      ),
    );
    expect(e.code).toBe('INVALID_CONFIG');
    // one diagnosis for everybody: no transformation is 2-diverse
    const same = rows.map((r) => ({ ...r, diagnosis: MARKER }));
    const l2 = base({ models: [{ type: 'l-diversity', attribute: 'diagnosis', l: 2 }] });
    expect(failure(() => anonymize(same, l2)).code).toBe('INVALID_DATA');
    expect(failure(() => anonymize(same, { ...l2, algorithm: 'mondrian' })).code).toBe(
      'INVALID_DATA',
    );
    // a sensitive column missing from a row
    expect(failure(() => anonymize([good(0), { age: '31', id: MARKER }], base())).code).toBe(
      'INVALID_DATA',
    );
  });

  it('custom hierarchy objects that misbehave on data values', () => {
    const bad: Hierarchy = {
      height: 2,
      kind: 'custom',
      generalize: (v, l) => (l === 0 ? v : v === MARKER ? (undefined as unknown as string) : '*'),
    };
    expect(
      failure(() =>
        anonymize([good(0), { ...good(1), age: MARKER }], base({ quasiIdentifiers: { age: bad } })),
      ).code,
    ).toBe('INVALID_DATA');
    const notString: Hierarchy = {
      height: 2,
      kind: 'custom',
      generalize: (v, l) => (l === 0 ? v : ({ v } as unknown as string)),
    };
    expect(failure(() => compileHierarchy(notString, [MARKER], 'age')).code).toBe('INVALID_DATA');
  });
});
