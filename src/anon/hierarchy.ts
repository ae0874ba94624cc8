/**
 * Generalization hierarchies (the value generalization hierarchies of full-domain generalization,
 * Samarati/Sweeney; the table format of the ARX Data Anonymization Tool): level 0 is the original
 * value, level `height - 1` the most general (usually `*`). A hierarchy is a frozen object with a
 * `generalize(value, level)` function, so tabular (ARX CSV) and rule-based hierarchies (intervals,
 * dates, administrative codes, see `builders.ts`) are used the same way.
 *
 * {@link compileHierarchy} checks a hierarchy against the values actually present: every value must
 * be covered, and the hierarchy must be consistent (a value has exactly one parent per level: two
 * values that meet at level i stay together at every level above i).
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber } from '../_assert.js';
import { parseCsv } from './csv.js';

/** A generalization hierarchy: `generalize(v, 0) === v`, `undefined` when `v` is not covered. */
export interface Hierarchy {
  /** Number of levels including level 0 (a hierarchy `value;*` has height 2). */
  readonly height: number;
  /** What built it ('table', 'intervals', 'dates', 'adminCode', 'idArea', 'prefix', 'tree'). */
  readonly kind: string;
  /**
   * The generalization of `value` at `level` (0 = the value itself, `height - 1` = the top, usually
   * `*`); `undefined` when the value is not covered or `level` is outside `[0, height)`.
   */
  generalize(value: string, level: number): string | undefined;
}

/**
 * A hierarchy from ARX-format rows: `[value, level1, …, top]`, all of the same length.
 * Duplicate values with different generalizations are INVALID_DATA.
 * @example
 * const sex = hierarchyFromTable([['Male', '*'], ['Female', '*']]);
 * sex.generalize('Male', 1); // '*'
 */
export function hierarchyFromTable(rows: readonly (readonly string[])[]): Hierarchy {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new BukejianError('INVALID_DATA', '"hierarchy" expected at least one row, got none');
  }
  const height = rows[0]!.length;
  if (height < 1)
    throw new BukejianError(
      'INVALID_DATA',
      '"hierarchy" expected rows with at least one column, got 0',
    );
  const map = new Map<string, readonly string[]>();
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== height || r.some((x) => typeof x !== 'string')) {
      throw new BukejianError(
        'INVALID_DATA',
        `"hierarchy" expected ${height} string columns per row, got a different row at index ${i}`,
      );
    }
    const prev = map.get(r[0]!);
    if (prev && prev.some((x, j) => x !== r[j])) {
      throw new BukejianError(
        'INVALID_DATA',
        `"hierarchy" expected one generalization per value, got two for the value of row ${i}`,
      );
    }
    map.set(r[0]!, Object.freeze([...r]));
  });
  return Object.freeze({
    height,
    kind: 'table',
    generalize: (value: string, level: number) => map.get(value)?.[level],
  });
}

/**
 * A hierarchy from ARX CSV text (`value;level1;…;*`, `;` by default), blank lines ignored.
 * @example hierarchyFromCsv('Male;*\r\nFemale;*\r\n').height // 2
 */
export function hierarchyFromCsv(text: string, delimiter = ';'): Hierarchy {
  const rows = parseCsv(text, { delimiter }).filter((r) => !(r.length === 1 && r[0] === ''));
  return hierarchyFromTable(rows);
}

/** A hierarchy with only level 0 (the attribute is kept as it is). @example identityHierarchy().height // 1 */
export function identityHierarchy(): Hierarchy {
  return Object.freeze({
    height: 1,
    kind: 'identity',
    generalize: (v: string, level: number) => (level === 0 ? v : undefined),
  });
}

/**
 * A hierarchy compiled for the distinct values of one column: `codes[l][i]` is the level-l class
 * (0-based, dense) of value `values[i]`, `labels[l][c]` the level-l text of class `c`.
 */
export interface CompiledHierarchy {
  readonly height: number;
  readonly values: readonly string[];
  readonly codes: readonly Int32Array[];
  readonly labels: readonly (readonly string[])[];
}

/**
 * Checks `h` against the distinct `values` of a column and tabulates it. Throws INVALID_DATA when a
 * value is not covered or when the hierarchy is inconsistent (a level-l class splits at level l+1).
 * `name` is the column name for messages (values are never echoed: they may be personal data);
 * `rowOf(i)` (optional) gives the 0-based row where `values[i]` first occurs, named in the message.
 * @example
 * const c = compileHierarchy(sex, ['Male', 'Female'], 'sex');
 * c.labels[1]; // ['*']
 */
export function compileHierarchy(
  h: Hierarchy,
  values: readonly string[],
  name: string,
  rowOf?: (valueIndex: number) => number,
): CompiledHierarchy {
  const height = anumber(h?.height, `${name}.height`, 1, 64);
  const codes: Int32Array[] = [];
  const labels: string[][] = [];
  for (let l = 0; l < height; l++) {
    const index = new Map<string, number>();
    const lab: string[] = [];
    const code = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const g = l === 0 ? values[i]! : h.generalize(values[i]!, l);
      if (typeof g !== 'string') {
        const row = rowOf?.(i);
        throw new BukejianError(
          'INVALID_DATA',
          `"${name.slice(0, 40)}" hierarchy expected to cover every value, got an uncovered value at level ${l}${
            row === undefined ? '' : ` in row ${row + 1} (rows[${row}])`
          }`,
        );
      }
      let c = index.get(g);
      if (c === undefined) {
        c = lab.length;
        index.set(g, c);
        lab.push(g);
      }
      code[i] = c;
    }
    codes.push(code);
    labels.push(lab);
  }
  // consistency: the map level l → level l+1 must be a function
  for (let l = 0; l + 1 < height; l++) {
    const up = new Int32Array(labels[l]!.length).fill(-1);
    const a = codes[l]!;
    const b = codes[l + 1]!;
    for (let i = 0; i < values.length; i++) {
      if (up[a[i]!] === -1) up[a[i]!] = b[i]!;
      else if (up[a[i]!] !== b[i]) {
        throw new BukejianError(
          'INVALID_DATA',
          `"${name}" hierarchy expected one parent per level, got a level-${l} group split at level ${l + 1}`,
        );
      }
    }
  }
  return Object.freeze({
    height,
    values: Object.freeze([...values]),
    codes: Object.freeze(codes),
    labels: Object.freeze(labels),
  });
}

/**
 * Validates a hierarchy against values without keeping the tables: returns `true` or throws
 * INVALID_DATA (uncovered value, inconsistent levels).
 * @example validateHierarchy(sex, ['Male', 'Female'], 'sex'); // true
 */
export function validateHierarchy(
  h: Hierarchy,
  values: Iterable<string>,
  name = 'hierarchy',
): true {
  compileHierarchy(h, [...new Set(values)], name);
  return true;
}
