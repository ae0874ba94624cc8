/**
 * Rule-based hierarchy builders (the ARX "hierarchy wizard" kinds): numeric intervals (age bands),
 * dates (day → month → year → `*`), Chinese administrative division codes (GB/T 2260: 6-digit
 * county → city `xxxx00` → province `xx0000` → `*`), the area prefix of a resident ID number
 * (GB 11643: the first six digits), prefix masking (postcodes, phone prefixes) and categorical trees.
 * {@link buildHierarchy} turns a JSON spec into one of these, so configurations stay JSON.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoneOf, aoptions, astring } from '../_assert.js';
import { hierarchyFromTable, identityHierarchy, type Hierarchy } from './hierarchy.js';

const TOP = '*';

function make(
  kind: string,
  height: number,
  gen: (v: string, level: number) => string | undefined,
): Hierarchy {
  return Object.freeze({
    height,
    kind,
    generalize: (v: string, level: number) => {
      if (typeof v !== 'string' || !Number.isInteger(level) || level < 0 || level >= height)
        return undefined;
      if (level === height - 1) return gen(v, 0) === undefined ? undefined : TOP;
      return gen(v, level);
    },
  });
}

/** Options of the `intervals` hierarchy ({@link buildHierarchy} with `type: 'intervals'`). */
export interface IntervalOptions {
  /** Band widths per level, each a multiple of the previous one, e.g. `[5, 10, 20]`. */
  widths: number[];
  /** Where bands start (default 0): bands are `[start + i·w, start + (i+1)·w)`. */
  start?: number;
}

/**
 * Numeric intervals: level i puts an integer into a band of width `widths[i-1]`, labelled `lo-hi`
 * (inclusive, like ARX: `20-24`); the top level is `*`. Non-integers are not covered.
 * @example
 * const age = intervalHierarchy({ widths: [5, 10] });
 * age.generalize('37', 1); // '35-39'
 * age.generalize('37', 3); // '*'
 */
export function intervalHierarchy(opts: IntervalOptions): Hierarchy {
  const o = aoptions(opts, 'intervals', ['widths', 'start']);
  if (!Array.isArray(o.widths) || o.widths.length === 0) {
    throw new BukejianError(
      'INVALID_CONFIG',
      '"widths" expected a non-empty array of integers, got none',
    );
  }
  const widths = o.widths.map((w, i) => anumber(w, `widths[${i}]`, 1));
  widths.forEach((w, i) => {
    if (i && w % widths[i - 1]! !== 0) {
      throw new BukejianError(
        'INVALID_CONFIG',
        `"widths[${i}]" expected a multiple of widths[${i - 1}], got ${w}`,
      );
    }
  });
  const start = o.start === undefined ? 0 : anumber(o.start, 'start', Number.MIN_SAFE_INTEGER);
  return make('intervals', widths.length + 2, (v, level) => {
    if (!/^-?\d{1,15}$/.test(v.trim())) return undefined;
    const x = Number(v.trim());
    if (level === 0) return v;
    const w = widths[level - 1]!;
    const lo = start + Math.floor((x - start) / w) * w;
    return `${lo}-${lo + w - 1}`;
  });
}

/** Options of the `dates` hierarchy ({@link buildHierarchy} with `type: 'dates'`). */
export interface DateOptions {
  /** Levels above the day, in order; default `['month', 'year']`. */
  levels?: ('month' | 'quarter' | 'year' | 'decade')[];
}

/**
 * ISO dates `YYYY-MM-DD`: → `YYYY-MM` → `YYYY` → `*` by default (also `quarter` `YYYY-Q1`,
 * `decade` `1990s`). Invalid calendar dates are not covered.
 * @example dateHierarchy().generalize('1990-07-15', 1); // '1990-07'
 */
export function dateHierarchy(opts?: DateOptions): Hierarchy {
  const o = aoptions(opts, 'dates', ['levels']);
  const levels = o.levels ?? ['month', 'year'];
  if (!Array.isArray(levels))
    throw new BukejianError('INVALID_CONFIG', '"levels" expected an array, got another type');
  const order = { day: 0, month: 1, quarter: 2, year: 3, decade: 4 } as const;
  let prev = 0;
  levels.forEach((l, i) => {
    const r = order[aoneOf(l, `levels[${i}]`, ['month', 'quarter', 'year', 'decade'])];
    if (r <= prev)
      throw new BukejianError(
        'INVALID_CONFIG',
        `"levels[${i}]" expected a coarser unit than the level below, got ${l}`,
      );
    prev = r;
  });
  return make('dates', levels.length + 2, (v, level) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) return undefined;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dt = new Date(Date.UTC(y, mo - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d)
      return undefined;
    if (level === 0) return v;
    switch (levels[level - 1]!) {
      case 'month':
        return `${m[1]}-${m[2]}`;
      case 'quarter':
        return `${m[1]}-Q${Math.floor((mo - 1) / 3) + 1}`;
      case 'year':
        return m[1]!;
      case 'decade':
        return `${Math.floor(y / 10) * 10}s`;
    }
  });
}

/**
 * Chinese administrative division codes (GB/T 2260): a 6-digit county code → its city
 * (`xxxx00`) → its province (`xx0000`) → `*`.
 * @example adminCodeHierarchy().generalize('110105', 1); // '110100'
 */
export function adminCodeHierarchy(): Hierarchy {
  return make('adminCode', 4, (v, level) => {
    if (!/^[1-9]\d{5}$/.test(v)) return undefined;
    return level === 0 ? v : level === 1 ? v.slice(0, 4) + '00' : v.slice(0, 2) + '0000';
  });
}

/**
 * The area prefix of an 18-character resident ID number (GB 11643): ID → county (first six digits)
 * → city → province → `*`. Level 0 is the ID itself, so this is only useful when the ID column
 * must be generalized rather than dropped; the checksum is not checked here (see `bukejian/mask`).
 * @example idAreaHierarchy().generalize('11010519491231002X', 1); // '110105'
 */
export function idAreaHierarchy(): Hierarchy {
  return make('idArea', 5, (v, level) => {
    if (!/^[1-9]\d{16}[\dX]$/.test(v)) return undefined;
    return level === 0
      ? v
      : level === 1
        ? v.slice(0, 6)
        : level === 2
          ? v.slice(0, 4) + '00'
          : v.slice(0, 2) + '0000';
  });
}

/** Options of the `prefix` hierarchy ({@link buildHierarchy} with `type: 'prefix'`). */
export interface PrefixOptions {
  /** Number of trailing characters masked at each level (increasing), default 1, 2, … up to length−1. */
  masked?: number[];
  /** The fixed length (in characters) of every value; other lengths are not covered. */
  length: number;
  /** Mask character (default `*`). */
  maskChar?: string;
}

/**
 * Prefix masking for fixed-length codes: level i keeps the prefix and masks `masked[i-1]` trailing
 * characters (postcode `100080` → `10008*` → `1000**` …); the top level is `*`.
 * @example prefixHierarchy({ length: 6, masked: [2, 4] }).generalize('100080', 1); // '1000**'
 */
export function prefixHierarchy(opts: PrefixOptions): Hierarchy {
  const o = aoptions(opts, 'prefix', ['masked', 'length', 'maskChar']);
  const len = anumber(o.length, 'length', 1, 64);
  const maskChar = o.maskChar === undefined ? '*' : astring(o.maskChar, 'maskChar');
  if (maskChar.length !== 1)
    throw new BukejianError(
      'INVALID_CONFIG',
      `"maskChar" expected one character, got length=${maskChar.length}`,
    );
  const masked = (o.masked ?? Array.from({ length: len - 1 }, (_, i) => i + 1)).map((m, i) =>
    anumber(m, `masked[${i}]`, 1, len),
  );
  masked.forEach((m, i) => {
    if (i && m <= masked[i - 1]!)
      throw new BukejianError(
        'INVALID_CONFIG',
        `"masked[${i}]" expected more than masked[${i - 1}], got ${m}`,
      );
  });
  return make('prefix', masked.length + 2, (v, level) => {
    if ([...v].length !== len) return undefined;
    if (level === 0) return v;
    const chars = [...v];
    const m = masked[level - 1]!;
    return chars.slice(0, len - m).join('') + maskChar.repeat(m);
  });
}

/** A categorical tree: a leaf is a string, an inner node maps child labels to subtrees (or lists leaves). */
export type TreeSpec = { [label: string]: TreeSpec | string[] };

/**
 * A categorical tree, e.g. `{ Asia: { East: ['China', 'Japan'] }, Europe: ['France'] }` (the root `*`
 * is implied). Leaves shallower than the deepest one repeat themselves at the lowest levels, so every
 * value has the same number of levels. Duplicate leaves are INVALID_CONFIG.
 * @example
 * const h = treeHierarchy({ Asia: { East: ['China', 'Japan'] }, Europe: ['France'] });
 * h.generalize('China', 2); // 'Asia'
 * h.generalize('France', 1); // 'France' (padded), h.generalize('France', 2) === 'Europe'
 */
export function treeHierarchy(tree: TreeSpec): Hierarchy {
  const paths: string[][] = []; // leaf → ancestors, nearest first
  const walk = (node: TreeSpec | string[], ancestors: string[], depth: number) => {
    if (depth > 32)
      throw new BukejianError('INVALID_CONFIG', '"tree" expected depth at most 32, got deeper');
    if (Array.isArray(node)) {
      for (const leaf of node) {
        // leaves are values from the data: name the type only (never the value, nor a constructor name it carries)
        if (typeof leaf !== 'string')
          throw new BukejianError(
            'INVALID_TYPE',
            `"tree leaf" expected string, got ${leaf === null ? 'null' : typeof leaf}`,
          );
        paths.push([leaf, ...ancestors]);
      }
      return;
    }
    if (node === null || typeof node !== 'object')
      throw new BukejianError(
        'INVALID_CONFIG',
        '"tree" expected objects and arrays of strings, got another type',
      );
    for (const [label, child] of Object.entries(node))
      walk(child, [label, ...ancestors], depth + 1);
  };
  walk(tree, [], 0);
  if (!paths.length)
    throw new BukejianError('INVALID_CONFIG', '"tree" expected at least one leaf, got none');
  const depth = Math.max(...paths.map((p) => p.length));
  const rows = paths.map((p) => [...Array<string>(depth - p.length).fill(p[0]!), ...p, TOP]);
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r[0]!))
      throw new BukejianError('INVALID_CONFIG', '"tree" expected each leaf once, got a duplicate');
    seen.add(r[0]!);
  }
  const t = hierarchyFromTable(rows);
  return Object.freeze({ height: t.height, kind: 'tree', generalize: t.generalize });
}

/** The JSON form of a hierarchy in a configuration. */
export type HierarchySpec =
  | { type: 'table'; rows: string[][] }
  | { type: 'intervals'; widths: number[]; start?: number }
  | { type: 'dates'; levels?: DateOptions['levels'] }
  | { type: 'adminCode' }
  | { type: 'idArea' }
  | { type: 'prefix'; length: number; masked?: number[]; maskChar?: string }
  | { type: 'tree'; tree: TreeSpec }
  | { type: 'identity' };

/**
 * Builds a hierarchy from its JSON spec (the CLI also accepts `{ "type": "file", "path": … }` and
 * turns it into `table` before calling this).
 * @example buildHierarchy({ type: 'intervals', widths: [5, 10, 20] }).height // 5
 */
export function buildHierarchy(spec: HierarchySpec): Hierarchy {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new BukejianError(
      'INVALID_CONFIG',
      '"hierarchy" expected a spec object, got another type',
    );
  }
  const type = aoneOf(spec.type, 'hierarchy.type', [
    'table',
    'intervals',
    'dates',
    'adminCode',
    'idArea',
    'prefix',
    'tree',
    'identity',
  ]);
  const { type: _t, ...rest } = spec as { type: string } & Record<string, unknown>;
  void _t;
  switch (type) {
    case 'table':
      aoptions(rest, 'hierarchy', ['rows']);
      return hierarchyFromTable((spec as { rows: string[][] }).rows);
    case 'intervals':
      return intervalHierarchy(rest as unknown as IntervalOptions);
    case 'dates':
      return dateHierarchy(rest as DateOptions);
    case 'adminCode':
      aoptions(rest, 'hierarchy', []);
      return adminCodeHierarchy();
    case 'idArea':
      aoptions(rest, 'hierarchy', []);
      return idAreaHierarchy();
    case 'prefix':
      return prefixHierarchy(rest as unknown as PrefixOptions);
    case 'tree':
      aoptions(rest, 'hierarchy', ['tree']);
      return treeHierarchy((spec as { tree: TreeSpec }).tree);
    case 'identity':
      aoptions(rest, 'hierarchy', []);
      return identityHierarchy();
  }
}
