/**
 * Citizen identification numbers (GB 11643-1999 公民身份号码): the 18-character number
 * (6-digit GB/T 2260 area code, YYYYMMDD birth date, 3-digit sequence whose parity is the sex,
 * ISO 7064 MOD 11-2 check character), the 15-digit legacy number (YYMMDD, 19xx, no check
 * character) and its conversion to 18, and the residence permits for Hong Kong, Macao and Taiwan
 * residents (港澳台居民居住证, same layout with area prefixes 810000 / 820000 / 830000).
 * @module
 */
import { BukejianError } from '../errors.js';
import { randomBytes } from '../utils.js';
import { astring, aoptions } from '../_assert.js';
import { normalizeId } from './normalize.js';
import { lookupRegion, areaCodes, type Region } from './regions.js';

/** ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for the 17 body digits (GB 11643 §7.1). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Which document the number belongs to. */
export type IdCardKind = 'resident' | 'permit-hk' | 'permit-mo' | 'permit-tw';

/** Why a number does not validate. */
export type IdCardReason = 'format' | 'area' | 'birthDate' | 'checksum';

/** A valid number, parsed. */
export interface IdCardValid {
  valid: true;
  /** The 18-character number (converted when the input was a 15-digit legacy number). */
  id: string;
  kind: IdCardKind;
  /** True when the input was a 15-digit legacy number. */
  legacy: boolean;
  areaCode: string;
  /** Region names from GB/T 2260; null for the residence permits (810000/820000/830000). */
  region: Region | null;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: 'male' | 'female';
}

/** An invalid number with the first reason found. */
export interface IdCardInvalid {
  valid: false;
  reason: IdCardReason;
}

/**
 * What {@link validateIdCard} returns: the parsed number when `valid` is true, otherwise the first
 * reason found. Narrow on `valid` before reading the other fields.
 */
export type IdCardResult = IdCardValid | IdCardInvalid;

/** Options of {@link validateIdCard}. */
export interface IdCardValidateOptions {
  /** Reject birth dates after this day (default: today). `null` accepts future dates (FPE tokens). */
  now?: Date | null;
  /** Accept 15-digit legacy numbers (default true). */
  legacy?: boolean;
}

const PERMITS: Record<string, IdCardKind> = {
  '810000': 'permit-hk',
  '820000': 'permit-mo',
  '830000': 'permit-tw',
};
/**
 * GB/T 2260 provinces that issue no resident ID numbers (台湾省 71, 香港 81, 澳门 82): their
 * residents hold the residence permits above, whose only area codes are 810000/820000/830000.
 */
const NOT_RESIDENT = /* @__PURE__ */ new Set(['71', '81', '82']);

/**
 * The ISO 7064 MOD 11-2 check character of the first 17 digits.
 * @example idCardCheckChar('11010519491231002') // 'X'
 */
export function idCardCheckChar(body17: string): string {
  astring(body17, 'body17');
  if (!/^\d{17}$/.test(body17))
    throw new BukejianError('INVALID_DATA', '"body17" expected 17 digits, got other');
  return check17(body17);
}

/** Check character of the first 17 characters of `s` (known to be digits). */
function check17(s: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

// Today as YYYYMMDD, recomputed at most once a minute (validation runs in hot loops).
let today = 0,
  todayAt = -Infinity;
function todayNumber(): number {
  const t = Date.now();
  if (t - todayAt > 60_000) {
    const n = new Date(t);
    today = n.getFullYear() * 10000 + (n.getMonth() + 1) * 100 + n.getDate();
    todayAt = t;
  }
  return today;
}

/** Days in month `m` (1–12) of year `y` (Gregorian). @example daysInMonth(2000, 2) // 29 */
export function daysInMonth(y: number, m: number): number {
  return m === 2
    ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(m)
      ? 30
      : 31;
}

function dateOk(y: number, m: number, d: number, now: Date | null | undefined): boolean {
  if (y < 1800 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return false;
  if (now === null) return true;
  const n =
    now === undefined
      ? todayNumber()
      : now.getFullYear() * 10000 + (now.getMonth() + 1) * 100 + now.getDate();
  return y * 10000 + m * 100 + d <= n;
}

/**
 * Validates an 18-character ID number, a 15-digit legacy number, or an HK/Macao/Taiwan residence
 * permit number (full-width input is normalized first). Returns the parsed fields, or the reason.
 * Area codes: the province must exist; a county code retired since issue still validates (its
 * `region.district` is null).
 * @example validateIdCard('11010519491231002X') // { valid: true, sex: 'female', birthDate: '1949-12-31', ... }
 */
export function validateIdCard(input: string, opts?: IdCardValidateOptions): IdCardResult {
  astring(input, 'input');
  const o = opts === undefined ? {} : aoptions(opts, 'opts', ['now', 'legacy']);
  const now = o.now;
  if (now !== undefined && now !== null && !(now instanceof Date && !Number.isNaN(now.getTime()))) {
    throw new BukejianError('INVALID_OPTION', '"now" expected a valid Date or null, got other');
  }
  const s = normalizeId(input);
  let id: string;
  let legacy = false;
  if (s.length === 15 && o.legacy !== false && /^\d{15}$/.test(s)) {
    legacy = true;
    id = s.slice(0, 6) + '19' + s.slice(6);
    id += check17(id);
  } else if (s.length === 18 && /^\d{17}[\dA-Z]$/.test(s))
    id = s; // a wrong check letter: checksum
  else return { valid: false, reason: 'format' };
  const areaCode = id.slice(0, 6);
  const kind = PERMITS[areaCode] ?? 'resident';
  // Residence permits date from 2018: there is no 15-digit permit number.
  if (legacy && kind !== 'resident') return { valid: false, reason: 'area' };
  const region =
    kind === 'resident' && !NOT_RESIDENT.has(areaCode.slice(0, 2)) ? lookupRegion(areaCode) : null;
  // A county code in the table, or one with a known province that is not a province/city
  // aggregate (xx0000 / xxxx00) unless the table lists it (441900 东莞市 is a county-level code).
  if (kind === 'resident' && (!region || (!region.district && areaCode.endsWith('00'))))
    return { valid: false, reason: 'area' };
  const y = +id.slice(6, 10),
    m = +id.slice(10, 12),
    d = +id.slice(12, 14);
  if (!dateOk(y, m, d, now)) return { valid: false, reason: 'birthDate' };
  if (!legacy && check17(id) !== id[17]) return { valid: false, reason: 'checksum' };
  return {
    valid: true,
    id,
    kind,
    legacy,
    areaCode,
    region,
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
  };
}

/**
 * Converts a valid 15-digit legacy number to 18 characters (inserts `19`, appends the check
 * character). Throws INVALID_DATA for anything that is not a valid legacy number.
 * @example idCard15to18('110105491231002') // '11010519491231002X'
 */
export function idCard15to18(id15: string): string {
  astring(id15, 'id15');
  const s = normalizeId(id15);
  const r = s.length === 15 ? validateIdCard(s, { now: null }) : null;
  if (!r || !r.valid)
    throw new BukejianError(
      'INVALID_DATA',
      `"id15" expected a valid 15-digit ID number, got ${r ? r.reason : 'format'} error`,
    );
  return r.id;
}

/** Options of {@link generateIdCard}; anything left out is chosen at random. */
export interface IdCardGenerateOptions {
  /** 6-digit area code (a county in the table), or `hk` / `mo` / `tw` for a residence permit. */
  area?: string;
  /** `YYYYMMDD`; must be a real date. */
  birth?: string;
  sex?: 'male' | 'female';
  /** Random source (default: {@link randomBytes}); pass a seeded one for reproducible data. */
  random?: (n: number) => Uint8Array;
}

function randInt(rnd: (n: number) => Uint8Array, max: number): number {
  const b = rnd(4);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % max;
}

/**
 * Generates a synthetic, checksum-valid 18-character ID number for tests (never a real person's
 * by intent: the sequence is random). Fields not given are random: area from the table, birth
 * date in 1940–2010, sex.
 * @example generateIdCard({ area: '110105', birth: '19900101', sex: 'female' })
 */
export function generateIdCard(opts?: IdCardGenerateOptions): string {
  const o = aoptions(opts, 'opts', ['area', 'birth', 'sex', 'random']);
  const rnd = o.random ?? randomBytes;
  let area = o.area;
  if (area === 'hk' || area === 'mo' || area === 'tw')
    area = { hk: '810000', mo: '820000', tw: '830000' }[area];
  if (area === undefined) {
    const codes = areaCodes();
    area = codes[randInt(rnd, codes.length)]!;
  }
  if (!/^\d{6}$/.test(area))
    throw new BukejianError('INVALID_OPTION', '"area" expected 6 digits or hk|mo|tw, got other');
  let birth = o.birth;
  if (birth === undefined) {
    const y = 1940 + randInt(rnd, 71),
      m = 1 + randInt(rnd, 12),
      d = 1 + randInt(rnd, daysInMonth(y, m));
    birth = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  }
  if (
    !/^\d{8}$/.test(birth) ||
    !dateOk(+birth.slice(0, 4), +birth.slice(4, 6), +birth.slice(6, 8), null)
  ) {
    throw new BukejianError('INVALID_OPTION', '"birth" expected a real date YYYYMMDD, got other');
  }
  const sex = o.sex ?? (randInt(rnd, 2) ? 'male' : 'female');
  const seq = randInt(rnd, 500) * 2 + (sex === 'male' ? 1 : 0);
  const body = area + birth + String(seq).padStart(3, '0');
  const id = body + check17(body);
  const r = validateIdCard(id, { now: null });
  if (!r.valid)
    throw new BukejianError(
      'INVALID_OPTION',
      `"area" expected a county-level area code or hk|mo|tw, got ${r.reason} error`,
    );
  return id;
}
