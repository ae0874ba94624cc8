/**
 * SM2 signature encodings: DER `SEQUENCE { INTEGER r, INTEGER s }` (GM/T 0009-2012 §7.3, what
 * OpenSSL, GmSSL and BouncyCastle exchange) and raw r ‖ s (2 × 32 bytes). Decoding is strict
 * (canonical DER only) and returns null instead of throwing: signatures are untrusted input.
 * @module
 */
import { DerReader, derInteger, derSequence } from './der.js';
import { fixedToNumber, numberToFixed } from './curve.js';

/** Signature formats. */
export type SignatureFormat = 'der' | 'raw';

/**
 * Encodes (r, s).
 * @example encodeSignature(r, s, 'der')
 */
export function encodeSignature(
  r: bigint,
  s: bigint,
  format: SignatureFormat,
  len = 32,
): Uint8Array {
  if (format === 'raw') {
    const out = new Uint8Array(2 * len);
    out.set(numberToFixed(r, len), 0);
    out.set(numberToFixed(s, len), len);
    return out;
  }
  return derSequence(derInteger(r), derInteger(s));
}

/**
 * Decodes a signature, or null when it is not a canonical encoding. Range checks are left to verify.
 * @example decodeSignature(sig, 'der') // { r, s } or null
 */
export function decodeSignature(
  sig: Uint8Array,
  format: SignatureFormat,
  len = 32,
): { r: bigint; s: bigint } | null {
  if (format === 'raw') {
    if (sig.length !== 2 * len) return null;
    return { r: fixedToNumber(sig.subarray(0, len)), s: fixedToNumber(sig.subarray(len)) };
  }
  try {
    const outer = new DerReader(sig);
    const seq = outer.sequence();
    outer.end();
    const r = seq.integer(len + 1);
    const s = seq.integer(len + 1);
    seq.end();
    return { r, s };
  } catch {
    return null;
  }
}
