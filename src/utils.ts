/**
 * `bukejian/utils`: byte helpers (hex, UTF-8, concatenation), constant-time comparison, secure
 * randomness and wiping. Everything here is environment-neutral (Node ≥ 20 and browsers).
 * @module
 */
import { abytes, anumber, astring } from './_assert.js';
import { BukejianError } from './errors.js';

export type { Input } from './_assert.js';

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
