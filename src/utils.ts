/**
 * Byte helpers, input assertions with one message grammar, constant-time comparison and
 * secure randomness. Everything here is environment-neutral (Node ≥ 20 and browsers).
 *
 * Assertion messages follow one grammar: `"name" expected <what>, got <what>`.
 * @module
 */
import { BukejianError, type ErrorCode } from './errors.js';

/** Bytes, or a string taken as its UTF-8 encoding. */
export type Input = Uint8Array | string;

// Names the type only. Never reads `constructor.name` (an object parsed from JSON can carry
// `{"constructor":{"name":"<a personal value>"}}`); the built-in tag of a typed array or a
// class instance cannot be set by data (JSON has no symbol keys).
function describe(v: unknown): string {
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
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/** UTF-8 encode. @example utf8ToBytes('可用不可见') */
export function utf8ToBytes(s: string): Uint8Array {
  return encoder.encode(astring(s, 's'));
}

/** Strict UTF-8 decode: invalid sequences throw INVALID_ENCODING. @example bytesToUtf8(utf8ToBytes('中')) */
export function bytesToUtf8(b: Uint8Array): string {
  abytes(b, 'bytes');
  try {
    return decoder.decode(b);
  } catch {
    throw new BukejianError(
      'INVALID_ENCODING',
      '"bytes" expected valid UTF-8, got invalid sequence',
    );
  }
}

/** A message argument: bytes as they are, a string as UTF-8. @example toBytes('abc') */
export function toBytes(data: Input, name = 'data'): Uint8Array {
  if (typeof data === 'string') return encoder.encode(data);
  return abytes(data, name);
}

const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex. @example bytesToHex(new Uint8Array([1, 171])) // '01ab' */
export function bytesToHex(b: Uint8Array): string {
  abytes(b, 'bytes');
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** Parses even-length hex (either case); anything else throws INVALID_HEX. @example hexToBytes('01ab') */
export function hexToBytes(hex: string): Uint8Array {
  astring(hex, 'hex');
  if (hex.length % 2)
    throw new BukejianError('INVALID_HEX', `"hex" expected even length, got length=${hex.length}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0)
      throw new BukejianError(
        'INVALID_HEX',
        `"hex" expected hex digits, got non-hex at index ${2 * i}`,
      );
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Concatenates byte arrays. @example concatBytes(a, b) */
export function concatBytes(...arrays: Uint8Array[]): Uint8Array {
  let len = 0;
  for (let i = 0; i < arrays.length; i++) len += abytes(arrays[i], `arrays[${i}]`).length;
  const out = new Uint8Array(len);
  let pos = 0;
  for (const a of arrays) {
    out.set(a, pos);
    pos += a.length;
  }
  return out;
}

/**
 * Constant-time equality for equal-length inputs (time depends only on the length).
 * Different lengths return false at once: lengths are not secret.
 * @example equalBytes(computedTag, receivedTag)
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  abytes(a, 'a');
  abytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Cryptographically secure random bytes from `crypto.getRandomValues`.
 * @example const key = randomBytes(16)
 */
export function randomBytes(length = 32): Uint8Array {
  anumber(length, 'length', 0, 1 << 30);
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new BukejianError(
      'UNSUPPORTED',
      'crypto.getRandomValues expected in this environment, got none',
    );
  }
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < length; i += 65536)
    c.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
}

/** Overwrites arrays with zeros (best effort: JS cannot guarantee no copies remain). @example zeroize(secretKey) */
export function zeroize(...arrays: (Uint8Array | Uint32Array | Int32Array)[]): void {
  for (const a of arrays) a.fill(0);
}

/** Big-endian bytes → bigint. @example bytesToNumberBE(new Uint8Array([1, 0])) // 256n */
export function bytesToNumberBE(b: Uint8Array): bigint {
  abytes(b, 'bytes');
  return b.length === 0 ? 0n : BigInt('0x' + bytesToHex(b));
}

/** bigint → big-endian bytes of exactly `length` bytes (INVALID_RANGE if it does not fit). @example numberToBytesBE(256n, 2) */
export function numberToBytesBE(n: bigint, length: number): Uint8Array {
  if (typeof n !== 'bigint')
    throw new BukejianError('INVALID_TYPE', `"n" expected bigint, got ${describe(n)}`);
  anumber(length, 'length', 0, 1 << 20);
  if (n < 0n || (length < 1 << 16 && n >> BigInt(8 * length) !== 0n)) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"n" expected non-negative integer below 2^${8 * length}, got out of range`,
    );
  }
  return hexToBytes(n.toString(16).padStart(length * 2, '0'));
}
