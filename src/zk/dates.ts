/**
 * Calendar dates as YYYYMMDD integers (e.g. 20261125), the form the eligibility circuit
 * compares. Integer order equals calendar order, so "born at least N years before today" is
 * `birth + N*10000 <= today`. Validation is strict Gregorian (29 February only in leap years).
 * @module
 */
import { BukejianError } from '../errors.js';

/** Smallest accepted date (the circuit range-checks dates to 32 bits). @example isDate(MIN_DATE) // true */
export const MIN_DATE = 18000101;
/** Largest accepted date. @example isDate(MAX_DATE + 1) // false */
export const MAX_DATE = 29991231;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when `v` is a real calendar date written YYYYMMDD within [MIN_DATE, MAX_DATE]. @example isDate(20240229) // true */
export function isDate(v: unknown): v is number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < MIN_DATE || v > MAX_DATE)
    return false;
  const y = Math.floor(v / 10000);
  const m = Math.floor(v / 100) % 100;
  const d = v % 100;
  return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/**
 * Asserts a YYYYMMDD date. @example adate(20261125, 'today')
 */
export function adate(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new BukejianError('INVALID_TYPE', `"${name}" expected YYYYMMDD integer, got ${typeof v}`);
  }
  if (!isDate(v))
    throw new BukejianError(
      'INVALID_RANGE',
      `"${name}" expected a valid YYYYMMDD date in [${MIN_DATE}, ${MAX_DATE}], got another integer`,
    );
  return v;
}

/**
 * The YYYYMMDD date of a JS Date in UTC+8 (China Standard Time), e.g. for `today`.
 * @example dateOf(new Date()) // 20261125
 */
export function dateOf(d: Date): number {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
}
