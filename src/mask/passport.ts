/**
 * Passports and travel permits of the PRC (formats only: none of these carries a check
 * character outside its machine-readable zone, so detection in text also requires a keyword):
 * ordinary passport `E` + 8 digits or `E` + letter + 7 digits (2012–), older `G`/`P`/`S`/`D` +
 * 7–8 digits; 往来港澳通行证 `C` + 8 digits or `C` + letter + 7 digits; 往来台湾通行证 `L` + 8
 * digits; 港澳居民来往内地通行证 (回乡证) `H`/`M` + 8 or 10 digits; 台湾居民来往大陆通行证 8 digits.
 * @module
 */
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { normalizeId } from './normalize.js';

/**
 * Travel document types recognised by {@link validatePassport}: `passport` (ordinary passport,
 * `E` + 8 digits or `E` + letter + 7 digits, older `G`/`P`/`S`/`D` + 7–8 digits),
 * `hk-macao-permit` (往来港澳通行证, `C` + 8 digits or `C` + letter + 7 digits), `taiwan-permit`
 * (往来台湾通行证, `L` + 8 digits), `home-return-permit` (回乡证, `H`/`M` + 8 or 10 digits), `mtp`
 * (台胞证, 8 digits; only matched when asked for, since any 8 digits match).
 */
export type TravelDocKind =
  'passport' | 'hk-macao-permit' | 'taiwan-permit' | 'home-return-permit' | 'mtp';

/**
 * What {@link validatePassport} returns: the normalized number and the document type it matches,
 * or `format` when it matches none.
 */
export type PassportResult =
  { valid: true; number: string; kind: TravelDocKind } | { valid: false; reason: 'format' };

const FORMATS: readonly [RegExp, TravelDocKind][] = [
  [/^E(?:\d{8}|[A-HJ-NP-Z]\d{7})$/, 'passport'],
  [/^[GPSD]\d{7,8}$/, 'passport'],
  [/^C(?:\d{8}|[A-HJ-NP-Z]\d{7})$/, 'hk-macao-permit'],
  [/^L\d{8}$/, 'taiwan-permit'],
  [/^[HM]\d{8}(?:\d{2})?$/, 'home-return-permit'],
  [/^\d{8}$/, 'mtp'],
];

/**
 * Validates the format of a passport or travel-permit number (normalized, upper-cased).
 * `mtp` (台胞证, 8 digits) is only returned when `kind: 'mtp'` is asked for, since any 8 digits match.
 * @example validatePassport('E12345678') // { valid: true, number: 'E12345678', kind: 'passport' }
 */
export function validatePassport(input: string, kind?: TravelDocKind): PassportResult {
  astring(input, 'input');
  const s = normalizeId(input);
  for (const [re, k] of FORMATS) {
    if ((kind === undefined ? k !== 'mtp' : k === kind) && re.test(s))
      return { valid: true, number: s, kind: k };
  }
  return { valid: false, reason: 'format' };
}

/**
 * A random synthetic ordinary passport number (`E` + 8 digits) for tests.
 * @example validatePassport(generatePassport()).valid // true
 */
export function generatePassport(random: (n: number) => Uint8Array = randomBytes): string {
  const b = random(8);
  let s = 'E';
  for (let i = 0; i < 8; i++) s += String(b[i]! % 10);
  return s;
}
