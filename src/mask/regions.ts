/**
 * GB/T 2260 administrative-division lookups (province / prefecture-level city / county-level
 * area) over the generated table in `regions-data.ts`. The table is unpacked lazily on first use,
 * so importing bukejian/mask costs nothing until a region is looked up.
 * @module
 */
import { REGIONS_PACKED } from './regions-data.js';

/** A resolved division code: names at each level that exists in the table. */
export interface Region {
  /** The code looked up (2, 4 or 6 digits). */
  code: string;
  province: string;
  /** Prefecture-level city name; `市辖区`/`县` placeholders of municipalities are reported as null. */
  city: string | null;
  district: string | null;
}

interface Tables {
  names: Map<string, string>;
  provinces: string[];
  children: Map<string, string[]>;
}

let tables: Tables | undefined;

function load(): Tables {
  if (tables) return tables;
  const names = new Map<string, string>();
  const provinces: string[] = [];
  const children = new Map<string, string[]>();
  for (const entry of REGIONS_PACKED.split(';')) {
    let i = 0;
    while (i < entry.length && entry.charCodeAt(i) >= 48 && entry.charCodeAt(i) <= 57) i++;
    const code = entry.slice(0, i);
    names.set(code, entry.slice(i));
    if (code.length === 2) provinces.push(code);
    else {
      const parent = code.slice(0, code.length - 2);
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(code);
    }
  }
  return (tables = { names, provinces, children });
}

const PLACEHOLDER = /* @__PURE__ */ new Set([
  '市辖区',
  '县',
  '省直辖县级行政区划',
  '自治区直辖县级行政区划',
]);

/**
 * The name of a 2-, 4- or 6-digit GB/T 2260 code, or null when the table does not hold it.
 * @example regionName('110105') // '朝阳区'
 */
export function regionName(code: string): string | null {
  return load().names.get(code) ?? null;
}

/**
 * Resolves a division code (2, 4 or 6 digits; trailing `00` pairs mean "the whole level", so
 * `440000` is 广东省) to its names, or null if the province is unknown. A 6-digit code whose
 * county is not in the current table (a code retired since an ID was issued) still resolves to
 * its province and, when known, its city.
 * @example lookupRegion('110105') // { code: '110105', province: '北京市', city: null, district: '朝阳区' }
 */
export function lookupRegion(code: string): Region | null {
  const t = load();
  const n = code.length;
  if (n !== 2 && n !== 4 && n !== 6) return null;
  for (let i = 0; i < n; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const province = t.names.get(code.slice(0, 2));
  if (!province) return null;
  let city: string | null = null;
  let district: string | null = null;
  if (code.length >= 4 && code.slice(2, 4) !== '00') {
    const c = t.names.get(code.slice(0, 4));
    city = c && !PLACEHOLDER.has(c) ? c : null;
  }
  // County level: the code's own entry (for cities without counties this is the city itself,
  // e.g. 441900 东莞市); a retired code has none.
  if (code.length === 6 && code.slice(2) !== '0000') district = t.names.get(code) ?? null;
  return { code, province, city, district };
}

/**
 * True when `code` is a 6-digit county-level code in the table.
 * @example isKnownArea('110105') // true
 */
export function isKnownArea(code: string): boolean {
  return code.length === 6 && load().names.has(code);
}

/**
 * The 2-digit province codes in the table (31 mainland provinces plus 71, 81, 82).
 * @example provinceCodes().includes('44') // true
 */
export function provinceCodes(): readonly string[] {
  return load().provinces;
}

/**
 * The child codes of a 2-digit province (4-digit cities) or 4-digit city (6-digit areas).
 * @example childCodes('1101').length // 16
 */
export function childCodes(code: string): readonly string[] {
  return load().children.get(code) ?? [];
}

/**
 * Every 6-digit county-level code in the table (for generators and tests).
 * @example areaCodes().length > 2800 // true
 */
export function areaCodes(): readonly string[] {
  const t = load();
  const out: string[] = [];
  for (const code of t.names.keys()) if (code.length === 6) out.push(code);
  return out;
}
