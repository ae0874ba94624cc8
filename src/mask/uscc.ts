/**
 * Unified social credit codes (GB 32100-2015 法人和其他组织统一社会信用代码): 18 characters from
 * the 31-character set `0-9 A-H J-N P-R T U W-Y` (no I O S V Z): registration authority (1),
 * organization category (1), GB/T 2260 area code (6), organization code (9, GB 11714 with its
 * own MOD 11 check character) and a MOD 31 check character with weights 3^i mod 31 (§4.2).
 * @module
 */
import { BukejianError } from '../errors.js';
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { normalizeId } from './normalize.js';

/** The 31-character set of GB 32100 in value order. @example USCC_CHARSET.length // 31 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const VALUE = /* @__PURE__ */ new Map([...USCC_CHARSET].map((c, i) => [c, i]));
const BODY17 = /^[0-9A-HJ-NP-RTUW-Y]{17}$/;

/**
 * What {@link validateUscc} returns: the normalized code and its parts, or why the input is not a
 * code (`format`: not 18 characters of the GB 32100 set in the right places; `checksum`: the
 * MOD 31 check character does not match). The embedded organization code's own check is reported
 * separately (`orgCodeValid`) and does not make the code invalid.
 */
export type UsccResult =
  | {
      valid: true;
      /** The 18 characters, upper case, half-width. */
      code: string;
      /** Registration authority character (1 机构编制, 5 民政, 9 工商, Y 其他, ...). */
      authority: string;
      /** Organization category character (second character; its meaning depends on `authority`). */
      category: string;
      /** GB/T 2260 administrative area code of the registering authority (characters 3–8). */
      areaCode: string;
      /** The embedded 9-character organization code (GB 11714). */
      orgCode: string;
      /** Whether the organization code's own GB 11714 check character verifies. */
      orgCodeValid: boolean;
    }
  | { valid: false; reason: 'format' | 'checksum' };

/**
 * The GB 32100 check character of the first 17 characters.
 * @example usccCheckChar('91350100M000100Y4') // '3'
 */
export function usccCheckChar(body17: string): string {
  astring(body17, 'body17');
  if (!BODY17.test(body17))
    throw new BukejianError(
      'INVALID_DATA',
      '"body17" expected 17 characters of the GB 32100 set, got other',
    );
  return check17(body17);
}

/** Check character of the first 17 characters of `s` (known to be in the set). */
function check17(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VALUE.get(body17[i]!)! * WEIGHTS[i]!;
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

/**
 * The GB 11714 check character of an 8-character organization code body (digits/letters,
 * letter value = 10 + index in A–Z); `X` stands for 10.
 * @example orgCodeCheckChar('M0001000') // 'Y'
 */
export function orgCodeCheckChar(body8: string): string {
  astring(body8, 'body8');
  if (!/^[0-9A-Z]{8}$/.test(body8))
    throw new BukejianError('INVALID_DATA', '"body8" expected 8 characters 0-9 A-Z, got other');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8.charCodeAt(i);
    sum += (c <= 57 ? c - 48 : c - 55) * ORG_WEIGHTS[i]!;
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/**
 * Validates a unified social credit code (full-width and lower case normalized).
 * @example validateUscc('91350100M000100Y43').valid // true
 */
export function validateUscc(input: string): UsccResult {
  astring(input, 'input');
  const s = normalizeId(input);
  if (!/^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/.test(s))
    return { valid: false, reason: 'format' };
  if (check17(s) !== s[17]) return { valid: false, reason: 'checksum' };
  const orgCode = s.slice(8, 17);
  return {
    valid: true,
    code: s,
    authority: s[0]!,
    category: s[1]!,
    areaCode: s.slice(2, 8),
    orgCode,
    orgCodeValid:
      /^[0-9A-Z]{8}[0-9X]$/.test(orgCode) && orgCodeCheckChar(orgCode.slice(0, 8)) === orgCode[8],
  };
}

/**
 * A random synthetic code (authority 9, category 1, given area code, valid organization code and
 * check character) for tests.
 * @example validateUscc(generateUscc('110105')).valid // true
 */
export function generateUscc(
  areaCode = '110105',
  random: (n: number) => Uint8Array = randomBytes,
): string {
  if (typeof areaCode !== 'string' || !/^\d{6}$/.test(areaCode))
    throw new BukejianError('INVALID_OPTION', '"areaCode" expected 6 digits, got other');
  const b = random(8);
  let org = '';
  for (let i = 0; i < 8; i++) org += String(b[i]! % 10);
  const body = '91' + areaCode + org + orgCodeCheckChar(org);
  return body + check17(body);
}
