/**
 * Motor-vehicle licence plates (GA 36-2018): province abbreviation, issuing-authority letter
 * (A–Z without I and O), then 5 characters (ordinary) or 6 (new-energy: `D`/`F`/`A`–`K` first
 * for small cars, `D`/`F` last for large ones), optionally followed by 警/学/挂/领/港/澳/试/超.
 * @module
 */
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { toHalfWidth } from './normalize.js';

/** Province abbreviations used on plates. @example PLATE_PROVINCES.includes('粤') // true */
export const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

/**
 * What {@link validatePlate} returns: the plate without separator, its province abbreviation and
 * whether it is a new-energy plate (8 characters), or `format` when it is not a plate number.
 */
export type PlateResult =
  | { valid: true; plate: string; province: string; newEnergy: boolean }
  | { valid: false; reason: 'format' };

/** The plate pattern, unanchored (shared with detection). @example new RegExp(`^${PLATE_SOURCE}$`).test('京A12345') // true */
export const PLATE_SOURCE = `[${PLATE_PROVINCES}][A-HJ-NP-Z][·• ]?(?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳领试超]|[DFA-K][A-HJ-NP-Z0-9]\\d{4}|\\d{5}[DF])`;
const PLATE = /* @__PURE__ */ new RegExp(`^${PLATE_SOURCE}$`);

/**
 * Validates a plate number (full-width normalized, upper-cased; a `·` or space after the
 * authority letter is accepted and removed).
 * @example validatePlate('京A·12345') // { valid: true, plate: '京A12345', province: '京', newEnergy: false }
 */
export function validatePlate(input: string): PlateResult {
  astring(input, 'input');
  const s = toHalfWidth(input).trim().toUpperCase();
  if (!PLATE.test(s)) return { valid: false, reason: 'format' };
  const plate = s.replace(/[·• ]/, '');
  return { valid: true, plate, province: plate[0]!, newEnergy: plate.length === 8 };
}

/**
 * A random synthetic ordinary plate (province, authority letter, 5 digits) for tests.
 * @example validatePlate(generatePlate()).valid // true
 */
export function generatePlate(random: (n: number) => Uint8Array = randomBytes): string {
  const b = random(7);
  let s = PLATE_PROVINCES[b[0]! % PLATE_PROVINCES.length]! + 'ABCDEFGHJKLMNPQRSTUVWXYZ'[b[1]! % 24];
  for (let i = 2; i < 7; i++) s += String(b[i]! % 10);
  return s;
}
