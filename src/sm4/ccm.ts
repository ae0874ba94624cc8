/**
 * SM4-CCM (NIST SP 800-38C / RFC 3610 with SM4; RFC 8998 §3.2, GB/T 36624-2018): CBC-MAC over
 * B0 ‖ encoded AAD ‖ plaintext, then CTR encryption of the message and of the MAC.
 * Nonce length 7..13 bytes (the length field then takes 15 − n bytes), tag length 4, 6, ..., 16.
 * CCM authenticates the plaintext, so decryption must decrypt before it can check the tag: the
 * decrypted buffer is wiped and never returned when the constant-time comparison fails.
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes, zeroize } from '../utils.js';
import { cryptWords, expandKey, OUT, readWord, view, writeWord } from './cipher.js';

/** Accepted nonce lengths (SP 800-38C A.1). @example CCM_NONCE_LENGTHS.includes(12) // true */
export const CCM_NONCE_LENGTHS = Object.freeze([7, 8, 9, 10, 11, 12, 13]);
/** Accepted tag lengths in bytes. @example CCM_TAG_LENGTHS.includes(5) // false */
export const CCM_TAG_LENGTHS = Object.freeze([4, 6, 8, 10, 12, 14, 16]);

/** Largest message for a nonce of `n` bytes: the length must fit in q = 15 − n bytes. @example ccmMaxBytes(13) // 65535 */
export function ccmMaxBytes(nonceLength: number): number {
  const q = 15 - nonceLength;
  return q >= 7 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * q) - 1;
}

/** CBC-MAC state: 4 words, updated block by block. */
class CbcMac {
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  private buf = new Uint8Array(16);
  constructor(private rk: Int32Array) {}
  block(b: Uint8Array, i: number): void {
    cryptWords(
      this.rk,
      this.s0 ^ readWord(b, i),
      this.s1 ^ readWord(b, i + 4),
      this.s2 ^ readWord(b, i + 8),
      this.s3 ^ readWord(b, i + 12),
    );
    const o = OUT;
    this.s0 = o[0]!;
    this.s1 = o[1]!;
    this.s2 = o[2]!;
    this.s3 = o[3]!;
  }
  /** Absorbs `data` zero-padded to whole blocks. */
  padded(data: Uint8Array): void {
    const full = data.length - (data.length % 16);
    let i = 0;
    if (full > 0) {
      const dv = view(data),
        o = OUT,
        rk = this.rk;
      let s0 = this.s0,
        s1 = this.s1,
        s2 = this.s2,
        s3 = this.s3;
      for (; i < full; i += 16) {
        cryptWords(
          rk,
          s0 ^ dv.getInt32(i),
          s1 ^ dv.getInt32(i + 4),
          s2 ^ dv.getInt32(i + 8),
          s3 ^ dv.getInt32(i + 12),
        );
        s0 = o[0]!;
        s1 = o[1]!;
        s2 = o[2]!;
        s3 = o[3]!;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
    }
    if (i < data.length) {
      this.buf.fill(0);
      this.buf.set(data.subarray(i));
      this.block(this.buf, 0);
      this.buf.fill(0);
    }
  }
}

/** The CBC-MAC T (first `tagLen` bytes unencrypted) of SP 800-38C §6.1 steps 1-4. */
function mac(
  rk: Int32Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  pt: Uint8Array,
  tagLen: number,
): CbcMac {
  const q = 15 - nonce.length;
  const b0 = new Uint8Array(16);
  b0[0] = (aad.length > 0 ? 0x40 : 0) | (((tagLen - 2) / 2) << 3) | (q - 1);
  b0.set(nonce, 1);
  for (let i = 15, n = pt.length; i > nonce.length; i--, n = Math.floor(n / 256)) b0[i] = n & 255;
  const m = new CbcMac(rk);
  m.block(b0, 0);
  if (aad.length > 0) {
    // a = len(A) encoded: 2 bytes below 2^16 − 2^8, else 0xfffe ‖ 4 bytes (0xffff ‖ 8 bytes is beyond JS arrays)
    const head =
      aad.length < 0xff00
        ? Uint8Array.of(aad.length >>> 8, aad.length & 255)
        : Uint8Array.of(
            0xff,
            0xfe,
            aad.length >>> 24,
            aad.length >>> 16,
            aad.length >>> 8,
            aad.length,
          );
    const first = new Uint8Array(head.length + aad.length);
    first.set(head);
    first.set(aad, head.length);
    m.padded(first);
  }
  m.padded(pt);
  return m;
}

/** CTR from A_i = flags(q−1) ‖ N ‖ [i]_q, i = 1, 2, ... (§6.1 step 5-8). Returns the words of S0 = E(A_0). */
function ctrCrypt(rk: Int32Array, nonce: Uint8Array, src: Uint8Array, dst: Uint8Array): Int32Array {
  const q = 15 - nonce.length;
  const a = new Uint8Array(16);
  a[0] = q - 1;
  a.set(nonce, 1);
  const o = OUT;
  cryptWords(rk, readWord(a, 0), readWord(a, 4), readWord(a, 8), readWord(a, 12));
  const s0 = o.slice();
  const len = src.length;
  for (let i = 0, ctr = 1; i < len; i += 16, ctr++) {
    for (let j = 15, n = ctr; j > nonce.length; j--, n = Math.floor(n / 256)) a[j] = n & 255;
    cryptWords(rk, readWord(a, 0), readWord(a, 4), readWord(a, 8), readWord(a, 12));
    if (len - i >= 16) {
      writeWord(dst, i, readWord(src, i) ^ o[0]!);
      writeWord(dst, i + 4, readWord(src, i + 4) ^ o[1]!);
      writeWord(dst, i + 8, readWord(src, i + 8) ^ o[2]!);
      writeWord(dst, i + 12, readWord(src, i + 12) ^ o[3]!);
    } else {
      const ks = new Uint8Array(16);
      writeWord(ks, 0, o[0]!);
      writeWord(ks, 4, o[1]!);
      writeWord(ks, 8, o[2]!);
      writeWord(ks, 12, o[3]!);
      for (let j = 0; i + j < len; j++) dst[i + j] = src[i + j]! ^ ks[j]!;
      zeroize(ks);
    }
  }
  zeroize(a);
  return s0;
}

function tagBytes(m: CbcMac, s0: Int32Array, tagLen: number): Uint8Array {
  const t = new Uint8Array(16);
  writeWord(t, 0, m.s0 ^ s0[0]!);
  writeWord(t, 4, m.s1 ^ s0[1]!);
  writeWord(t, 8, m.s2 ^ s0[2]!);
  writeWord(t, 12, m.s3 ^ s0[3]!);
  zeroize(s0);
  return t.subarray(0, tagLen);
}

/** CCM encryption: ciphertext ‖ tag (`tagLen` bytes). Inputs are already validated. @example ccmEncrypt(key, nonce12, aad, pt, 16) */
export function ccmEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  pt: Uint8Array,
  tagLen: number,
): Uint8Array {
  if (pt.length > ccmMaxBytes(nonce.length)) {
    throw new BukejianError(
      'DATA_LENGTH',
      `"plaintext" expected at most ${ccmMaxBytes(nonce.length)} bytes for this nonce length, got length=${pt.length}`,
    );
  }
  const rk = expandKey(key);
  const m = mac(rk, nonce, aad, pt, tagLen);
  const out = new Uint8Array(pt.length + tagLen);
  const s0 = ctrCrypt(rk, nonce, pt, out.subarray(0, pt.length));
  out.set(tagBytes(m, s0, tagLen), pt.length);
  zeroize(rk);
  return out;
}

/** CCM decryption of ciphertext ‖ tag: AUTH_FAILED (decrypted bytes wiped, nothing returned) on mismatch. @example ccmDecrypt(key, nonce12, aad, sealed, 16) */
export function ccmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  data: Uint8Array,
  tagLen: number,
): Uint8Array {
  if (data.length < tagLen)
    throw new BukejianError(
      'DATA_LENGTH',
      `"ciphertext" expected at least ${tagLen} bytes (the tag), got length=${data.length}`,
    );
  const ct = data.subarray(0, data.length - tagLen);
  if (ct.length > ccmMaxBytes(nonce.length))
    throw new BukejianError(
      'AUTH_FAILED',
      '"ciphertext" expected a valid authentication tag, got a mismatch',
    );
  const rk = expandKey(key);
  const pt = new Uint8Array(ct.length);
  const s0 = ctrCrypt(rk, nonce, ct, pt);
  const m = mac(rk, nonce, aad, pt, tagLen);
  const tag = tagBytes(m, s0, tagLen);
  zeroize(rk);
  if (!equalBytes(tag, data.subarray(ct.length))) {
    zeroize(pt);
    throw new BukejianError(
      'AUTH_FAILED',
      '"ciphertext" expected a valid authentication tag, got a mismatch',
    );
  }
  return pt;
}
