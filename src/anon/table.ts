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
  /** The row where each value first occurs (for error messages, which never carry the value). */
  readonly firstRow?: Int32Array;
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

/** Reads a cell as a string; a missing column is INVALID_DATA (the row index, never the content). @example cell({ age: 34 }, 'age', 0) // '34' */
export function cell(row: Row, name: string, i: number): string {
  const v = row == null ? undefined : row[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new BukejianError(
    'INVALID_DATA',
    `"rows[${i}]" expected a string or number in column "${name.slice(0, 40)}", got ${v === undefined ? 'nothing' : typeof v}`,
  );
}

/** Encodes a column: distinct values in first-seen order and the code of each row. @example encodeColumn([{ a: 'x' }, { a: 'y' }, { a: 'x' }], 'a') // { values: ['x', 'y'], codes: [0, 1, 0] } */
export function encodeColumn(
  rows: readonly Row[],
  name: string,
): { values: string[]; codes: Int32Array } {
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

let scratch = new Int32Array(1 << 16);
let scratchKeys = new Float64Array(1 << 16);
let firstBuf = new Int32Array(1 << 16);

/**
 * Groups `len` items by the tuple of `columns[j][i]` (each in `[0, radix[j])`). Returns each item's
 * group (dense), the number of groups and the first item of each group; `null` as soon as there
 * would be more than `maxGroups` groups.
 *
 * Refinement one column at a time (smallest radix first): the key of an item is
 * (group so far) · radix + code, looked up in a direct-address table while that is small (cache
 * friendly) and in an open-addressing hash table otherwise. Every pass is a sequential scan.
 * @example groupTuples([Int32Array.of(0, 1, 0)], [2], 3) // { groupOf: [0, 1, 0], groups: 2, first: [0, 1] }
 */
export function groupTuples(
  columns: readonly Int32Array[],
  radix: readonly number[],
  len: number,
  maxGroups = Infinity,
): { groupOf: Int32Array; groups: number; first: Int32Array } | null {
  const g = new Int32Array(len);
  let groups = len > 0 ? 1 : 0;
  const order = radix.map((_, j) => j).sort((a, b) => radix[a]! - radix[b]! || a - b);
  let first: Int32Array = new Int32Array(groups);
  if (firstBuf.length < len) firstBuf = new Int32Array(len);
  const fb = firstBuf;
  let passes = 0;
  for (const j of order) {
    const S = radix[j]!;
    if (S <= 1) continue;
    const col = columns[j]!;
    const span = groups * S;
    let nf = 0; // groups created in this pass; fb[0..nf) their first items
    if (span <= 1 << 22 && span <= 4 * len + 4096) {
      if (scratch.length < span) scratch = new Int32Array(Math.max(span, scratch.length * 2));
      scratch.fill(-1, 0, span);
      const table = scratch;
      for (let i = 0; i < len; i++) {
        const k = g[i]! * S + col[i]!;
        let v = table[k]!;
        if (v < 0) {
          if (nf >= maxGroups) return null;
          v = table[k] = nf;
          fb[nf++] = i;
        }
        g[i] = v;
      }
    } else {
      let cap = 16;
      while (cap < Math.min(span, len) * 2) cap *= 2;
      const mask = cap - 1;
      if (scratch.length < cap) scratch = new Int32Array(cap);
      if (scratchKeys.length < cap) scratchKeys = new Float64Array(cap);
      const slot = scratch;
      const keys = scratchKeys;
      slot.fill(-1, 0, cap);
      for (let i = 0; i < len; i++) {
        const key = g[i]! * S + col[i]!;
        // murmur3 fmix32 of both halves
        let x = (key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x27d4eb2f);
        x ^= x >>> 16;
        x = Math.imul(x, 0x85ebca6b);
        x ^= x >>> 13;
        x = Math.imul(x, 0xc2b2ae35);
        x ^= x >>> 16;
        let h = x & mask;
        for (;;) {
          const v = slot[h]!;
          if (v < 0) {
            if (nf >= maxGroups) return null;
            slot[h] = nf;
            keys[h] = key;
            g[i] = nf;
            fb[nf++] = i;
            break;
          }
          if (keys[h] === key) {
            g[i] = v;
            break;
          }
          h = (h + 1) & mask;
        }
      }
    }
    groups = nf;
    if (groups > maxGroups) return null;
    passes++;
  }
  if (passes) first = fb.slice(0, groups);
  if (groups === 1 && first.length === 0) first = new Int32Array([0]);
  return { groupOf: g, groups, first };
}

/**
 * Encodes `rows`: quasi-identifiers with their hierarchies (validated against the data), sensitive
 * attributes, and the distinct base tuples.
 * @example
 * const t = encodeTable(rows, { age: buildHierarchy({ type: 'intervals', widths: [10] }) }, ['disease']);
 * t.tuples; // number of distinct (age, disease) pairs
 */
export function encodeTable(
  rows: readonly Row[],
  qis: Readonly<Record<string, Hierarchy>>,
  sensitive: readonly string[],
): EncodedTable {
  if (!Array.isArray(rows))
    throw new BukejianError(
      'INVALID_TYPE',
      '"rows" expected an array of objects, got another type',
    );
  const n = rows.length;
  const qiNames = Object.keys(qis);
  const overlap = sensitive.find((s) => qiNames.includes(s));
  if (overlap !== undefined)
    throw new BukejianError(
      'INVALID_CONFIG',
      `"${overlap.slice(0, 40)}" expected to be either a quasi-identifier or sensitive, got both`,
    );
  const qiEnc = qiNames.map((name) => ({ name, ...encodeColumn(rows, name) }));
  const sEnc = sensitive.map((name) => ({ name, ...encodeColumn(rows, name) }));
  const cols = [...qiEnc.map((c) => c.codes), ...sEnc.map((c) => c.codes)];
  const radix = [...qiEnc.map((c) => c.values.length), ...sEnc.map((c) => c.values.length)];
  const { groupOf, groups, first } = groupTuples(cols, radix, n)!;
  const tupleCount = new Int32Array(groups);
  for (let i = 0; i < n; i++) tupleCount[groupOf[i]!]!++;
  const qiCols: QiColumn[] = qiEnc.map((c) => {
    const hierarchy = compileHierarchy(qis[c.name]!, c.values, c.name, (v) => c.codes.indexOf(v));
    const tupleCodes = hierarchy.codes.map((levelCodes) => {
      const out = new Int32Array(groups);
      for (let t = 0; t < groups; t++) out[t] = levelCodes[c.codes[first[t]!]!]!;
      return out;
    });
    return Object.freeze({
      name: c.name,
      hierarchy,
      hierarchyKind: qis[c.name]!.kind,
      tupleCodes,
      sizes: hierarchy.labels.map((l) => l.length),
    });
  });
  const sCols: SensitiveColumn[] = sEnc.map((c) => {
    const tupleCodes = new Int32Array(groups);
    for (let t = 0; t < groups; t++) tupleCodes[t] = c.codes[first[t]!]!;
    const totals = new Float64Array(c.values.length);
    for (let i = 0; i < n; i++) totals[c.codes[i]!]!++;
    const firstRow = new Int32Array(c.values.length).fill(-1);
    for (let i = n - 1; i >= 0; i--) firstRow[c.codes[i]!] = i;
    return Object.freeze({ name: c.name, values: c.values, tupleCodes, totals, firstRow });
  });
  return Object.freeze({
    n,
    qis: qiCols,
    sensitive: sCols,
    tuples: groups,
    tupleCount,
    rowTuple: groupOf,
  });
}
