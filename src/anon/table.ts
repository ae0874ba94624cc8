/**
 * Dictionary encoding of a microdata table for the anonymization engines: each quasi-identifier
 * column becomes integer codes with its hierarchy tabulated per level, each sensitive column becomes
 * integer codes, and identical records are collapsed into distinct "base tuples" with a count, so
 * that every lattice node is evaluated on the distinct tuples rather than on all records.
 * @module
 */
import { BukejianError } from '../errors.js';
import { compileHierarchy, type CompiledHierarchy, type Hierarchy } from './hierarchy.js';

/** A row of microdata: column name → value (strings; numbers are stringified). */
export type Row = Readonly<Record<string, string | number>>;

/** One encoded quasi-identifier. */
export interface QiColumn {
  readonly name: string;
  readonly hierarchy: CompiledHierarchy;
  /** `kind` of the hierarchy it was compiled from ('intervals', 'table', …). */
  readonly hierarchyKind: string;
  /** Per base tuple: level → generalized class code. */
  readonly tupleCodes: readonly Int32Array[];
  /** Number of distinct generalized values per level. */
  readonly sizes: readonly number[];
}

/** One encoded sensitive attribute. */
export interface SensitiveColumn {
  readonly name: string;
  readonly values: readonly string[];
  /** Per base tuple: the value code. */
  readonly tupleCodes: Int32Array;
  /** Number of records with each value in the whole input. */
  readonly totals: Float64Array;
}

/** The encoded table. */
export interface EncodedTable {
  readonly n: number;
  readonly qis: readonly QiColumn[];
  readonly sensitive: readonly SensitiveColumn[];
  /** Number of distinct (quasi-identifier, sensitive) tuples. */
  readonly tuples: number;
  /** Records per base tuple. */
  readonly tupleCount: Int32Array;
  /** Base tuple of each input record. */
  readonly rowTuple: Int32Array;
}

/** Reads a cell as a string; a missing column is INVALID_DATA (the row index, never the content). */
export function cell(row: Row, name: string, i: number): string {
  const v = row == null ? undefined : row[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new BukejianError('INVALID_DATA', `"rows[${i}]" expected a string or number in column "${name.slice(0, 40)}", got ${v === undefined ? 'nothing' : typeof v}`);
}

/** Encodes a column: distinct values in first-seen order and the code of each row. */
export function encodeColumn(rows: readonly Row[], name: string): { values: string[]; codes: Int32Array } {
  const index = new Map<string, number>();
  const values: string[] = [];
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = cell(rows[i]!, name, i);
    let c = index.get(v);
    if (c === undefined) {
      c = values.length;
      index.set(v, c);
      values.push(v);
    }
    codes[i] = c;
  }
  return { values, codes };
}

/**
 * Groups `len` items by the tuple of `columns[j][i]` (each in `[0, radix[j])`). Returns each item's
 * group (dense, first-seen order), the number of groups and the first item of each group.
 */
export function groupTuples(
  columns: readonly Int32Array[],
  radix: readonly number[],
  len: number,
): { groupOf: Int32Array; groups: number; first: Int32Array } {
  const groupOf = new Int32Array(len);
  const firstList: number[] = [];
  let product = 1;
  for (const r of radix) product *= Math.max(1, r);
  if (product <= Number.MAX_SAFE_INTEGER) {
    const mult: number[] = [];
    let m = 1;
    for (const r of radix) {
      mult.push(m);
      m *= Math.max(1, r);
    }
    // open addressing on the mixed-radix key (faster than a Map for millions of lookups)
    let cap = 16;
    while (cap < len * 2) cap *= 2;
    const mask = cap - 1;
    const keys = new Float64Array(cap);
    const slot = new Int32Array(cap).fill(-1);
    const k = columns.length;
    for (let i = 0; i < len; i++) {
      let key = 0;
      for (let j = 0; j < k; j++) key += columns[j]![i]! * mult[j]!;
      const hi = Math.floor(key / 4294967296);
      let h = (Math.imul(key >>> 0, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca6b)) & mask;
      h = (h ^ (h >>> 15)) & mask;
      for (;;) {
        const g = slot[h]!;
        if (g < 0) {
          slot[h] = firstList.length;
          keys[h] = key;
          groupOf[i] = firstList.length;
          firstList.push(i);
          break;
        }
        if (keys[h] === key) {
          groupOf[i] = g;
          break;
        }
        h = (h + 1) & mask;
      }
    }
  } else {
    const map = new Map<string, number>();
    for (let i = 0; i < len; i++) {
      let key = '';
      for (const col of columns) key += col[i]! + ',';
      let g = map.get(key);
      if (g === undefined) {
        g = firstList.length;
        map.set(key, g);
        firstList.push(i);
      }
      groupOf[i] = g;
    }
  }
  return { groupOf, groups: firstList.length, first: Int32Array.from(firstList) };
}

/**
 * Encodes `rows`: quasi-identifiers with their hierarchies (validated against the data), sensitive
 * attributes, and the distinct base tuples.
 * @example
 * const t = encodeTable(rows, { age: intervalHierarchy({ widths: [10] }) }, ['disease']);
 * t.tuples; // number of distinct (age, disease) pairs
 */
export function encodeTable(rows: readonly Row[], qis: Readonly<Record<string, Hierarchy>>, sensitive: readonly string[]): EncodedTable {
  if (!Array.isArray(rows)) throw new BukejianError('INVALID_TYPE', '"rows" expected an array of objects, got another type');
  const n = rows.length;
  const qiNames = Object.keys(qis);
  const overlap = sensitive.find((s) => qiNames.includes(s));
  if (overlap !== undefined) throw new BukejianError('INVALID_CONFIG', `"${overlap.slice(0, 40)}" expected to be either a quasi-identifier or sensitive, got both`);
  const qiEnc = qiNames.map((name) => ({ name, ...encodeColumn(rows, name) }));
  const sEnc = sensitive.map((name) => ({ name, ...encodeColumn(rows, name) }));
  const cols = [...qiEnc.map((c) => c.codes), ...sEnc.map((c) => c.codes)];
  const radix = [...qiEnc.map((c) => c.values.length), ...sEnc.map((c) => c.values.length)];
  const { groupOf, groups, first } = groupTuples(cols, radix, n);
  const tupleCount = new Int32Array(groups);
  for (let i = 0; i < n; i++) tupleCount[groupOf[i]!]!++;
  const qiCols: QiColumn[] = qiEnc.map((c) => {
    const hierarchy = compileHierarchy(qis[c.name]!, c.values, c.name);
    const tupleCodes = hierarchy.codes.map((levelCodes) => {
      const out = new Int32Array(groups);
      for (let t = 0; t < groups; t++) out[t] = levelCodes[c.codes[first[t]!]!]!;
      return out;
    });
    return Object.freeze({ name: c.name, hierarchy, hierarchyKind: qis[c.name]!.kind, tupleCodes, sizes: hierarchy.labels.map((l) => l.length) });
  });
  const sCols: SensitiveColumn[] = sEnc.map((c) => {
    const tupleCodes = new Int32Array(groups);
    for (let t = 0; t < groups; t++) tupleCodes[t] = c.codes[first[t]!]!;
    const totals = new Float64Array(c.values.length);
    for (let i = 0; i < n; i++) totals[c.codes[i]!]!++;
    return Object.freeze({ name: c.name, values: c.values, tupleCodes, totals });
  });
  return Object.freeze({ n, qis: qiCols, sensitive: sCols, tuples: groups, tupleCount, rowTuple: groupOf });
}
