/**
 * Internal input assertions with one message grammar: `"name" expected <what>, got <what>`.
 * Wrong type → INVALID_TYPE, wrong length → INVALID_LENGTH (or the code given), out of range →
 * INVALID_RANGE, unknown option → INVALID_OPTION. Not exported from the package.
 * @module
 */
import { BukejianError, type ErrorCode } from './errors.js';

/** Bytes, or a string taken as its UTF-8 encoding. */
export type Input = Uint8Array | string;

// Names the type only. Never reads `constructor.name` (an object parsed from JSON can carry
// `{"constructor":{"name":"<a personal value>"}}`); the built-in tag of a typed array or a
// class instance cannot be set by data (JSON has no symbol keys).
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array';
  if (typeof v !== 'object') return typeof v;
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return ArrayBuffer.isView(v) || tag !== 'Object' ? tag : 'object';
}

/** True for a Uint8Array (also a Node Buffer or a Uint8Array from another realm). */
export function isBytes(a: unknown): a is Uint8Array {
  return a instanceof Uint8Array || (ArrayBuffer.isView(a) && a.constructor.name === 'Uint8Array');
}

/**
 * Asserts `value` is a Uint8Array, optionally of one of the given lengths.
 * @example abytes(key, 'key', 16) // throws KEY_LENGTH-like INVALID_LENGTH on a 15-byte key
 */
export function abytes(
  value: unknown,
  name: string,
  lengths?: number | readonly number[],
  code: ErrorCode = 'INVALID_LENGTH',
): Uint8Array {
  if (!isBytes(value)) {
    throw new BukejianError(
      'INVALID_TYPE',
      `"${name}" expected Uint8Array, got ${describe(value)}`,
    );
  }
  if (lengths !== undefined) {
    const ok =
      typeof lengths === 'number' ? value.length === lengths : lengths.includes(value.length);
    if (!ok) {
      const want = typeof lengths === 'number' ? `${lengths}` : lengths.join('|');
      throw new BukejianError(
        code,
        `"${name}" expected Uint8Array of length ${want}, got length=${value.length}`,
      );
    }
  }
  return value;
}

/** Asserts a safe integer within [min, max]. @example anumber(n, 'byteLength', 0, 2 ** 32) */
export function anumber(
  value: unknown,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new BukejianError('INVALID_TYPE', `"${name}" expected integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"${name}" expected integer in [${min}, ${max}], got ${value}`,
    );
  }
  return value;
}

/** Asserts a string. @example astring(id, 'userId') */
export function astring(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw new BukejianError('INVALID_TYPE', `"${name}" expected string, got ${describe(value)}`);
  }
  return value;
}

/**
 * Asserts `value` is one of `allowed` (an option switch).
 * @example aoneOf(opts.padding, 'padding', ['pkcs7', 'none'])
 */
export function aoneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const got = typeof value === 'string' ? JSON.stringify(value.slice(0, 32)) : describe(value);
    throw new BukejianError(
      'INVALID_OPTION',
      `"${name}" expected one of ${allowed.join('|')}, got ${got}`,
    );
  }
  return value as T;
}

/**
 * Asserts an options argument is undefined or a plain object whose keys are all known.
 * @example const o = aoptions(opts, 'opts', ['padding']);
 */
export function aoptions<T extends object>(
  value: T | undefined,
  name: string,
  known: readonly string[],
): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BukejianError(
      'INVALID_TYPE',
      `"${name}" expected options object, got ${describe(value)}`,
    );
  }
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) {
      throw new BukejianError(
        'INVALID_OPTION',
        `"${name}" expected keys ${known.join('|')}, got unknown key "${k.slice(0, 32)}"`,
      );
    }
  }
  return value;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** A message argument: bytes as they are, a string as UTF-8. @example toBytes('abc') */
export function toBytes(data: Input, name = 'data'): Uint8Array {
  if (typeof data === 'string') return encoder.encode(data);
  return abytes(data, name);
}
