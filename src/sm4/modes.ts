/**
 * The classic SM4 modes of operation on raw bytes (GB/T 17964-2021 = NIST SP 800-38A):
 * ECB and CBC on whole blocks, and CTR, CFB-128 and OFB as keystream modes that accept any
 * length and can be fed in pieces (the state carries partial blocks across calls). CTR
 * increments the whole 16-byte counter block as a 128-bit big-endian integer, wrapping at
 * 2^128 (OpenSSL / GmSSL semantics). No argument checking here: the public wrappers in
 * `classic.ts` and `stream.ts` validate first.
 * @module
 */
import { cryptWords, OUT, readWord, view, writeWord } from './cipher.js';

/** ECB on `len` bytes (a multiple of 16) from `src` to `dst` (may be the same array). @example ecbBlocks(rk, pt, ct, pt.length) */
export function ecbBlocks(rk: Int32Array, src: Uint8Array, dst: Uint8Array, len: number): void {
  const o = OUT,
    s = view(src),
    d = src === dst ? s : view(dst);
  for (let i = 0; i < len; i += 16) {
    cryptWords(rk, s.getInt32(i), s.getInt32(i + 4), s.getInt32(i + 8), s.getInt32(i + 12));
    d.setInt32(i, o[0]!);
    d.setInt32(i + 4, o[1]!);
    d.setInt32(i + 8, o[2]!);
    d.setInt32(i + 12, o[3]!);
  }
}

/** CBC encryption of `len` bytes (multiple of 16); `iv` (4 words) is updated to the last block. @example cbcEncryptBlocks(rk, ivWords, pt, ct, pt.length) */
export function cbcEncryptBlocks(
  rk: Int32Array,
  iv: Int32Array,
  src: Uint8Array,
  dst: Uint8Array,
  len: number,
): void {
  const o = OUT,
    s = view(src),
    d = src === dst ? s : view(dst);
  let c0 = iv[0]!,
    c1 = iv[1]!,
    c2 = iv[2]!,
    c3 = iv[3]!;
  for (let i = 0; i < len; i += 16) {
    cryptWords(
      rk,
      s.getInt32(i) ^ c0,
      s.getInt32(i + 4) ^ c1,
      s.getInt32(i + 8) ^ c2,
      s.getInt32(i + 12) ^ c3,
    );
    c0 = o[0]!;
    c1 = o[1]!;
    c2 = o[2]!;
    c3 = o[3]!;
    d.setInt32(i, c0);
    d.setInt32(i + 4, c1);
    d.setInt32(i + 8, c2);
    d.setInt32(i + 12, c3);
  }
  iv[0] = c0;
  iv[1] = c1;
  iv[2] = c2;
  iv[3] = c3;
}

/** CBC decryption (reversed round keys `drk`); `iv` is updated to the last ciphertext block. In place is fine. @example cbcDecryptBlocks(reverseRoundKeys(rk), ivWords, ct, pt, ct.length) */
export function cbcDecryptBlocks(
  drk: Int32Array,
  iv: Int32Array,
  src: Uint8Array,
  dst: Uint8Array,
  len: number,
): void {
  const o = OUT,
    s = view(src),
    d = src === dst ? s : view(dst);
  let p0 = iv[0]!,
    p1 = iv[1]!,
    p2 = iv[2]!,
    p3 = iv[3]!;
  for (let i = 0; i < len; i += 16) {
    const c0 = s.getInt32(i),
      c1 = s.getInt32(i + 4),
      c2 = s.getInt32(i + 8),
      c3 = s.getInt32(i + 12);
    cryptWords(drk, c0, c1, c2, c3);
    d.setInt32(i, o[0]! ^ p0);
    d.setInt32(i + 4, o[1]! ^ p1);
    d.setInt32(i + 8, o[2]! ^ p2);
    d.setInt32(i + 12, o[3]! ^ p3);
    p0 = c0;
    p1 = c1;
    p2 = c2;
    p3 = c3;
  }
  iv[0] = p0;
  iv[1] = p1;
  iv[2] = p2;
  iv[3] = p3;
}

/**
 * Which keystream construction a {@link Keystream} runs: `ctr` increments the whole 128-bit
 * counter block, `gctr` only its low 32 bits (GCM's inc32, SP 800-38D §6.2).
 * @example const k: KeystreamKind = 'cfb-dec'
 */
export type KeystreamKind = 'ctr' | 'gctr' | 'ofb' | 'cfb-enc' | 'cfb-dec';

/**
 * CTR / OFB / CFB-128 state: the register (counter, output feedback or ciphertext feedback),
 * the current keystream block and how much of it is used. `process` may be called repeatedly
 * with pieces of any length; the result equals one call on the concatenation.
 * @example const ks = new Keystream(expandKey(key), iv, 'ctr'); ks.process(chunk, out)
 */
export class Keystream {
  private r = new Int32Array(4); // register: counter / feedback
  private ks = new Uint8Array(16); // current keystream block
  private fb = new Uint8Array(16); // CFB: ciphertext bytes of the current block
  private pos = 16; // bytes of ks already used (16 = none left)

  constructor(
    private rk: Int32Array,
    iv: Uint8Array,
    private kind: KeystreamKind,
  ) {
    for (let i = 0; i < 4; i++) this.r[i] = readWord(iv, 4 * i);
  }

  /** Computes the next keystream block from the register and advances the register. */
  private next(): void {
    const r = this.r,
      o = OUT;
    cryptWords(this.rk, r[0]!, r[1]!, r[2]!, r[3]!);
    const ks = this.ks;
    writeWord(ks, 0, o[0]!);
    writeWord(ks, 4, o[1]!);
    writeWord(ks, 8, o[2]!);
    writeWord(ks, 12, o[3]!);
    if (this.kind === 'ctr') {
      for (let i = 3; i >= 0; i--) if ((r[i] = (r[i]! + 1) | 0) !== 0) break;
    } else if (this.kind === 'gctr') {
      r[3] = (r[3]! + 1) | 0;
    } else if (this.kind === 'ofb') {
      r.set(o);
    }
    this.pos = 0;
  }

  /** XORs the keystream into `src[0..len)` writing `dst` (may be the same array). */
  process(src: Uint8Array, dst: Uint8Array, len = src.length): void {
    const kind = this.kind,
      ks = this.ks,
      fb = this.fb;
    const cfb = kind === 'cfb-enc' || kind === 'cfb-dec';
    let i = 0;
    // finish a partial block left by the previous call
    while (this.pos < 16 && i < len) {
      const c = src[i]! ^ ks[this.pos]!;
      if (cfb) fb[this.pos] = kind === 'cfb-enc' ? c : src[i]!;
      dst[i++] = c;
      if (++this.pos === 16 && cfb) for (let j = 0; j < 4; j++) this.r[j] = readWord(fb, 4 * j);
    }
    // whole blocks, words straight from the buffers
    const r = this.r,
      o = OUT,
      rk = this.rk;
    const sv = len - i >= 16 ? view(src) : null,
      dv = sv && src !== dst ? view(dst) : sv;
    if (kind === 'ctr' || kind === 'gctr') {
      const wide = kind === 'ctr';
      let r0 = r[0]!,
        r1 = r[1]!,
        r2 = r[2]!,
        r3 = r[3]!;
      for (; len - i >= 16; i += 16) {
        cryptWords(rk, r0, r1, r2, r3);
        dv!.setInt32(i, sv!.getInt32(i) ^ o[0]!);
        dv!.setInt32(i + 4, sv!.getInt32(i + 4) ^ o[1]!);
        dv!.setInt32(i + 8, sv!.getInt32(i + 8) ^ o[2]!);
        dv!.setInt32(i + 12, sv!.getInt32(i + 12) ^ o[3]!);
        if (
          (r3 = (r3 + 1) | 0) === 0 &&
          wide &&
          (r2 = (r2 + 1) | 0) === 0 &&
          (r1 = (r1 + 1) | 0) === 0
        )
          r0 = (r0 + 1) | 0;
      }
      r[0] = r0;
      r[1] = r1;
      r[2] = r2;
      r[3] = r3;
    } else if (kind === 'ofb') {
      let r0 = r[0]!,
        r1 = r[1]!,
        r2 = r[2]!,
        r3 = r[3]!;
      for (; len - i >= 16; i += 16) {
        cryptWords(rk, r0, r1, r2, r3);
        r0 = o[0]!;
        r1 = o[1]!;
        r2 = o[2]!;
        r3 = o[3]!;
        dv!.setInt32(i, sv!.getInt32(i) ^ r0);
        dv!.setInt32(i + 4, sv!.getInt32(i + 4) ^ r1);
        dv!.setInt32(i + 8, sv!.getInt32(i + 8) ^ r2);
        dv!.setInt32(i + 12, sv!.getInt32(i + 12) ^ r3);
      }
      r[0] = r0;
      r[1] = r1;
      r[2] = r2;
      r[3] = r3;
    } else {
      const enc = kind === 'cfb-enc';
      let r0 = r[0]!,
        r1 = r[1]!,
        r2 = r[2]!,
        r3 = r[3]!;
      for (; len - i >= 16; i += 16) {
        cryptWords(rk, r0, r1, r2, r3);
        const s0 = sv!.getInt32(i),
          s1 = sv!.getInt32(i + 4),
          s2 = sv!.getInt32(i + 8),
          s3 = sv!.getInt32(i + 12);
        const c0 = s0 ^ o[0]!,
          c1 = s1 ^ o[1]!,
          c2 = s2 ^ o[2]!,
          c3 = s3 ^ o[3]!;
        dv!.setInt32(i, c0);
        dv!.setInt32(i + 4, c1);
        dv!.setInt32(i + 8, c2);
        dv!.setInt32(i + 12, c3);
        if (enc) {
          r0 = c0;
          r1 = c1;
          r2 = c2;
          r3 = c3;
        } else {
          r0 = s0;
          r1 = s1;
          r2 = s2;
          r3 = s3;
        }
      }
      r[0] = r0;
      r[1] = r1;
      r[2] = r2;
      r[3] = r3;
    }
    // a trailing partial block
    if (i < len) {
      this.next();
      for (; i < len; i++) {
        const c = src[i]! ^ ks[this.pos]!;
        if (cfb) fb[this.pos] = kind === 'cfb-enc' ? c : src[i]!;
        dst[i] = c;
        this.pos++;
      }
    }
  }

  /** Wipes the register and keystream. */
  destroy(): void {
    this.r.fill(0);
    this.ks.fill(0);
    this.fb.fill(0);
  }
}
