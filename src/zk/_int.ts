/**
 * Integer assertion for the zk module whose messages never echo the value: record fields, rule
 * thresholds and periods can be personal data (a birth date, an income, a region code), so a
 * failure names the field and the accepted range only.
 * @module
 */
import { BukejianError } from '../errors.js';

/**
 * Asserts a safe integer in [min, max]; INVALID_TYPE / INVALID_RANGE without the value.
 * @example aint(record.income, 'record.income', 0, MAX_INCOME)
 */
export function aint(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new BukejianError(
      'INVALID_TYPE',
      `"${name}" expected integer, got ${value === null ? 'null' : typeof value}`,
    );
  }
  if (value < min || value > max) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"${name}" expected integer in [${min}, ${max}], got a value outside it`,
    );
  }
  return value;
}
