/**
 * SM4-GCM (NIST SP 800-38D with SM4 as the block cipher; RFC 8998 §3.1, GB/T 36624-2018).
 * Tags are 16 bytes by default; 12..15-byte tags are the leftmost bytes of the full tag
 * (SP 800-38D §5.2.1.2, §7.1 step 6 "MSB_t"), which GmSSL (`-taglen`) and other peers send.
 * Nonces of any non-zero length are accepted (12 bytes is the standard and
 * fastest choice; other lengths are hashed into J0 with GHASH as §7.1 specifies).
 * Decryption computes the tag over the ciphertext first, compares it in constant time, and only
 * then decrypts: nothing is decrypted, let alone returned, for a forged message.
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes, zeroize } from '../utils.js';
import { cryptWords, expandKey, OUT, readWord, view, writeWord } from './cipher.js';
import { Ghash } from './ghash.js';

/** Largest plaintext GCM allows: 2^32 − 2 blocks (SP 800-38D §5.2.1.1). @example pt.length <= GCM_MAX_BYTES */
export const GCM_MAX_BYTES = (2 ** 32 - 2) * 16;

/** Per-message GCM state: round keys, GHASH tables for H, and J0. */
export interface GcmKeyState {
  rk: Int32Array;
  gh: Ghash;
  j0: Int32Array;
}

/**
 * Round keys, H = E_K(0^128) with its GHASH tables (sized for `expectedBytes`), and J0 (§7.1).
 * @example const st = setup(key, nonce12, aad.length + pt.length)
 */
export function setup(key: Uint8Array, nonce: Uint8Array, expectedBytes: number): GcmKeyState {
  const rk = expandKey(key);
  cryptWords(rk, 0, 0, 0, 0);
  const h = OUT.slice();
  const gh = new Ghash(h, expectedBytes);
  zeroize(h);
  let j0: Int32Array;
  if (nonce.length === 12) {
    j0 = Int32Array.of(readWord(nonce, 0), readWord(nonce, 4), readWord(nonce, 8), 1);
  } else {
    // J0 = GHASH(IV ‖ 0^s ‖ 0^64 ‖ [len(IV)]_64)
    gh.updatePadded(nonce).updateLengths(0, nonce.length);
    const b = gh.digestInto(new Uint8Array(16));
    j0 = Int32Array.of(readWord(b, 0), readWord(b, 4), readWord(b, 8), readWord(b, 12));
    zeroize(b);
    gh.reset();
  }
  return { rk, gh, j0 };
}

/** GCTR from inc32(J0): the counter's low 32 bits wrap, the upper 96 stay (§6.5). */
function gctr(rk: Int32Array, j0: Int32Array, src: Uint8Array, dst: Uint8Array): void {
  const o = OUT;
  const c0 = j0[0]!,
    c1 = j0[1]!,
    c2 = j0[2]!;
  let c3 = j0[3]!;
  const len = src.length;
  let i = 0;
  const sv = view(src),
    dv = view(dst);
  for (; len - i >= 16; i += 16) {
    c3 = (c3 + 1) | 0;
    cryptWords(rk, c0, c1, c2, c3);
    dv.setInt32(i, sv.getInt32(i) ^ o[0]!);
    dv.setInt32(i + 4, sv.getInt32(i + 4) ^ o[1]!);
    dv.setInt32(i + 8, sv.getInt32(i + 8) ^ o[2]!);
    dv.setInt32(i + 12, sv.getInt32(i + 12) ^ o[3]!);
  }
  if (i < len) {
    c3 = (c3 + 1) | 0;
    cryptWords(rk, c0, c1, c2, c3);
    const ks = new Uint8Array(16);
    writeWord(ks, 0, o[0]!);
    writeWord(ks, 4, o[1]!);
    writeWord(ks, 8, o[2]!);
    writeWord(ks, 12, o[3]!);
    for (let j = 0; i < len; i++, j++) dst[i] = src[i]! ^ ks[j]!;
    zeroize(ks);
  }
}

/** tag = E_K(J0) ⊕ GHASH_H(A, C) */
function tagOf(st: GcmKeyState, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const s = st.gh
    .updatePadded(aad)
    .updatePadded(ct)
    .updateLengths(aad.length, ct.length)
    .digestInto(new Uint8Array(16));
  const j = st.j0;
  cryptWords(st.rk, j[0]!, j[1]!, j[2]!, j[3]!);
  const o = OUT;
  for (let i = 0; i < 4; i++) writeWord(s, 4 * i, readWord(s, 4 * i) ^ o[i]!);
  return s;
}

/** Wipes round keys, J0 and the GHASH tables. @example wipe(st) */
export function wipe(st: GcmKeyState): void {
  zeroize(st.rk, st.j0);
  st.gh.destroy();
}

/** GCM encryption: ciphertext ‖ tag (`tagLen` bytes, default 16). Inputs are already validated. @example gcmEncrypt(key, nonce12, aad, pt) */
export function gcmEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  pt: Uint8Array,
  tagLen = 16,
): Uint8Array {
  if (pt.length > GCM_MAX_BYTES)
    throw new BukejianError(
      'DATA_LENGTH',
      `"plaintext" expected at most ${GCM_MAX_BYTES} bytes, got length=${pt.length}`,
    );
  const st = setup(key, nonce, aad.length + pt.length);
  const out = new Uint8Array(pt.length + tagLen);
  const ct = out.subarray(0, pt.length);
  gctr(st.rk, st.j0, pt, ct);
  const tag = tagOf(st, aad, ct);
  out.set(tag.subarray(0, tagLen), pt.length);
  zeroize(tag);
  wipe(st);
  return out;
}

/** GCM decryption of ciphertext ‖ tag (`tagLen` bytes): AUTH_FAILED (and nothing decrypted) unless the tag matches. @example gcmDecrypt(key, nonce12, aad, sealed) */
export function gcmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  data: Uint8Array,
  tagLen = 16,
): Uint8Array {
  if (data.length < tagLen)
    throw new BukejianError(
      'DATA_LENGTH',
      `"ciphertext" expected at least ${tagLen} bytes (the tag), got length=${data.length}`,
    );
  const ct = data.subarray(0, data.length - tagLen);
  const st = setup(key, nonce, aad.length + ct.length);
  const tag = tagOf(st, aad, ct).subarray(0, tagLen);
  if (!equalBytes(tag, data.subarray(data.length - tagLen))) {
    wipe(st);
    throw new BukejianError(
      'AUTH_FAILED',
      '"ciphertext" expected a valid authentication tag, got a mismatch',
    );
  }
  const out = new Uint8Array(ct.length);
  gctr(st.rk, st.j0, ct, out);
  wipe(st);
  return out;
}
