/**
 * Chinese postal addresses split at the GB/T 2260 levels: province, prefecture-level city,
 * county-level district, then the rest (street, number, room). Names are matched against the
 * generated region table, accepting the short forms in common use (广东 for 广东省, 内蒙古 for
 * 内蒙古自治区, 深圳 for 深圳市).
 * @module
 */
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { toHalfWidth } from './normalize.js';
import { provinceCodes, childCodes, regionName, areaCodes } from './regions.js';

/** An address split at the administrative levels it names. */
export interface AddressParts {
  province: string | null;
  city: string | null;
  district: string | null;
  /** Everything after the last recognised level. */
  rest: string;
  /** GB/T 2260 code of the deepest recognised level, or null. */
  code: string | null;
}

const SUFFIX =
  /(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|地区|省|市|盟|区|县|旗)$/;

const STREET = /^(?:路|街|道|大道|大街|巷|胡同|里|弄)/;

function shortForms(full: string): string[] {
  const short = full.replace(SUFFIX, '');
  return short.length >= 2 && short !== full ? [full, short] : [full];
}

// Names (full and short form) per code, computed once per code: address matching runs per
// record in applyPolicy and per candidate in detect. Placeholders (市辖区, 县, …) match nothing.
const FORMS = /* @__PURE__ */ new Map<string, readonly string[]>();
function formsOf(code: string): readonly string[] {
  let f = FORMS.get(code);
  if (!f) {
    const n = regionName(code)!;
    f = n === '市辖区' || n === '县' || n.endsWith('直辖县级行政区划') ? [] : shortForms(n);
    FORMS.set(code, f);
  }
  return f;
}

// The county-level codes of a province with no prefecture level matched (municipalities).
const GRANDCHILDREN = /* @__PURE__ */ new Map<string, readonly string[]>();
function grandchildren(province: string): readonly string[] {
  let g = GRANDCHILDREN.get(province);
  if (!g)
    GRANDCHILDREN.set(province, (g = childCodes(province).flatMap((code) => childCodes(code))));
  return g;
}

function matchLevel(
  s: string,
  pos: number,
  codes: readonly string[],
): { code: string; len: number } | null {
  let best: { code: string; len: number } | null = null;
  for (const code of codes) {
    const forms = formsOf(code);
    for (let i = 0; i < forms.length; i++) {
      const form = forms[i]!;
      if (!s.startsWith(form, pos) || (best && form.length <= best.len)) continue;
      // a short form (中山 for 中山区) followed by a street word is a street (中山路), not an area
      if (i > 0 && STREET.test(s.slice(pos + form.length))) continue;
      best = { code, len: form.length };
    }
  }
  return best;
}

/**
 * Splits an address at province / city / district. Municipalities (北京, 上海, 天津, 重庆) have
 * no prefecture level: their districts are found directly under the province.
 * @example splitAddress('广东省深圳市南山区科技园路1号') // { province: '广东省', city: '深圳市', district: '南山区', rest: '科技园路1号', code: '440305' }
 */
export function splitAddress(input: string): AddressParts {
  astring(input, 'input');
  const s = toHalfWidth(input).trim();
  const out: AddressParts = { province: null, city: null, district: null, rest: s, code: null };
  const p = matchLevel(s, 0, provinceCodes());
  if (!p) return out;
  let pos = p.len;
  out.province = s.slice(0, pos);
  out.code = p.code;
  const cities = childCodes(p.code);
  const c = matchLevel(s, pos, cities);
  let areas: readonly string[];
  if (c) {
    out.city = s.slice(pos, pos + c.len);
    out.code = c.code;
    pos += c.len;
    // a city without districts (东莞市, 中山市) lists itself as its one county-level unit
    areas = childCodes(c.code).filter((a) => regionName(a) !== regionName(c.code));
  } else areas = grandchildren(p.code);
  const d = matchLevel(s, pos, areas);
  if (d) {
    out.district = s.slice(pos, pos + d.len);
    out.code = d.code;
    pos += d.len;
  }
  out.rest = s.slice(pos);
  return out;
}

/**
 * A random synthetic address: a mainland county from the table, an invented street and number.
 * @example splitAddress(generateAddress()).province !== null // true
 */
export function generateAddress(random: (n: number) => Uint8Array = randomBytes): string {
  const b = random(4);
  const codes = areaCodes().filter((c) => !/^(71|81|82)/.test(c));
  const code = codes[((b[0]! << 8) | b[1]!) % codes.length]!;
  const c = regionName(code.slice(0, 4))!;
  const city = c === '市辖区' || c === '县' || c.endsWith('行政区划') ? '' : c;
  const county = regionName(code)!;
  const street = ['人民路', '解放路', '建设大街', '中山路', '和平街'][b[2]! % 5];
  return (
    regionName(code.slice(0, 2))! +
    city +
    (county === city ? '' : county) +
    street +
    (1 + b[3]!) +
    '号'
  );
}
