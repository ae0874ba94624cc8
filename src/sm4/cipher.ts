/**
 * The SM4 block cipher (GB/T 32907-2016, GM/T 0002-2012): the S-box τ, the linear transforms
 * L and L′, the key schedule (§7.3) and the 32-round function (§7.1-7.2) on 128-bit blocks.
 *
 * Speed: the round transform T = L∘τ is evaluated with four 256-entry tables (T-tables,
 * `T0[a] = L(Sbox[a] << 24)`, `T1..T3` its byte rotations), so one round is four table look-ups
 * and XORs. Table look-ups are indexed by secret data: this code is NOT constant time with
 * respect to cache timing (an attacker sharing the CPU cache could learn key bits). Use the
 * native backend (OpenSSL) or a hardware implementation where that threat matters.
 * @module
 */

/** The S-box of GB/T 32907-2016 §6.2 (re-derived algebraically in the tests). @example SBOX[0x00] // 0xd6 */
export const SBOX = /* @__PURE__ */ Uint8Array.from([
  0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
  0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
  0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
  0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
  0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
  0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
  0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
  0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
  0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
  0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
  0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
  0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
  0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
  0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
  0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
  0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48,
]);

/** System parameter FK of the key schedule (GB/T 32907-2016 §7.3.1; re-derived in the tests). @example FK[0] >>> 0 // 0xa3b1bac6 */
export const FK = /* @__PURE__ */ Int32Array.from([0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc]);

/** Fixed parameters CK_0..CK_31 (GB/T 32907-2016 §7.3.2: byte j of CK_i is (4i + j)·7 mod 256). @example CK[1] // 0x1c232a31 */
export const CK = /* @__PURE__ */ Int32Array.from([
  0x00070e15, 0x1c232a31, 0x383f464d, 0x545b6269, 0x70777e85, 0x8c939aa1, 0xa8afb6bd, 0xc4cbd2d9,
  0xe0e7eef5, 0xfc030a11, 0x181f262d, 0x343b4249, 0x50575e65, 0x6c737a81, 0x888f969d, 0xa4abb2b9,
  0xc0c7ced5, 0xdce3eaf1, 0xf8ff060d, 0x141b2229, 0x30373e45, 0x4c535a61, 0x686f767d, 0x848b9299,
  0xa0a7aeb5, 0xbcc3cad1, 0xd8dfe6ed, 0xf4fb0209, 0x10171e25, 0x2c333a41, 0x484f565d, 0x646b7279,
]);

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** τ: the S-box applied to each byte of a word (§6.2). */
function tau(a: number): number {
  const S = SBOX;
  return (
    (S[a >>> 24]! << 24) | (S[(a >>> 16) & 255]! << 16) | (S[(a >>> 8) & 255]! << 8) | S[a & 255]!
  );
}

/** L′ of the key schedule: B ⊕ (B <<< 13) ⊕ (B <<< 23) (§7.3). */
const lKey = (b: number): number => b ^ rotl(b, 13) ^ rotl(b, 23);
/** L of the round function: B ⊕ (B <<< 2) ⊕ (B <<< 10) ⊕ (B <<< 18) ⊕ (B <<< 24) (§6.2). */
const lRound = (b: number): number => b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24);

// T-tables: T0[a] = L(S[a] << 24), T1[a] = L(S[a] << 16) = T0[a] >>> 8 (rotation), ...
// (built by a function whose result is used: a bare `/* @__PURE__ */` IIFE that only fills arrays
// would be dropped by tree-shaking bundlers, leaving all-zero tables.)
function buildTables(): Int32Array[] {
  const t = [new Int32Array(256), new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  for (let a = 0; a < 256; a++) {
    const x = lRound(SBOX[a]! << 24);
    t[0]![a] = x;
    t[1]![a] = rotl(x, 24);
    t[2]![a] = rotl(x, 16);
    t[3]![a] = rotl(x, 8);
  }
  return t;
}
const TABLES = /* @__PURE__ */ buildTables();
const T0 = TABLES[0]!,
  T1 = TABLES[1]!,
  T2 = TABLES[2]!,
  T3 = TABLES[3]!;

/**
 * The key schedule (§7.3): the 32 encryption round keys rk_0..rk_31 of a 16-byte key (into `rk`
 * when given). For decryption use the same keys in reverse order ({@link reverseRoundKeys}).
 * No length check here.
 * @example const rk = expandKey(key) // Int32Array(32)
 */
export function expandKey(key: Uint8Array, rk: Int32Array = new Int32Array(32)): Int32Array {
  let k0 = ((key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!) ^ FK[0]!;
  let k1 = ((key[4]! << 24) | (key[5]! << 16) | (key[6]! << 8) | key[7]!) ^ FK[1]!;
  let k2 = ((key[8]! << 24) | (key[9]! << 16) | (key[10]! << 8) | key[11]!) ^ FK[2]!;
  let k3 = ((key[12]! << 24) | (key[13]! << 16) | (key[14]! << 8) | key[15]!) ^ FK[3]!;
  for (let i = 0; i < 32; i++) {
    const k4 = k0 ^ lKey(tau(k1 ^ k2 ^ k3 ^ CK[i]!));
    rk[i] = k4;
    k0 = k1;
    k1 = k2;
    k2 = k3;
    k3 = k4;
  }
  return rk;
}

/** The round keys in reverse order (decryption, §7.2). @example const drk = reverseRoundKeys(rk) */
export function reverseRoundKeys(rk: Int32Array, d: Int32Array = new Int32Array(32)): Int32Array {
  for (let i = 0; i < 32; i++) d[i] = rk[31 - i]!;
  return d;
}

/**
 * Output of {@link cryptWords}: the four big-endian words of the last block processed.
 * Module-level scratch (JS is single-threaded per realm); callers copy it out at once.
 * @example cryptWords(rk, 0, 0, 0, 0); const h0 = OUT[0]
 */
export const OUT = /* @__PURE__ */ new Int32Array(4);

/**
 * The 32 rounds and the reverse transform R on a block given as four big-endian words; the
 * result goes to {@link OUT}. `rk` decides the direction (encryption or reversed keys).
 * @example cryptWords(rk, x0, x1, x2, x3); const y0 = OUT[0]
 */
export function cryptWords(rk: Int32Array, x0: number, x1: number, x2: number, x3: number): void {
  const t0 = T0,
    t1 = T1,
    t2 = T2,
    t3 = T3;
  for (let i = 0; i < 32; i += 4) {
    let a = x1 ^ x2 ^ x3 ^ rk[i]!;
    x0 ^= t0[a >>> 24]! ^ t1[(a >>> 16) & 255]! ^ t2[(a >>> 8) & 255]! ^ t3[a & 255]!;
    a = x2 ^ x3 ^ x0 ^ rk[i + 1]!;
    x1 ^= t0[a >>> 24]! ^ t1[(a >>> 16) & 255]! ^ t2[(a >>> 8) & 255]! ^ t3[a & 255]!;
    a = x3 ^ x0 ^ x1 ^ rk[i + 2]!;
    x2 ^= t0[a >>> 24]! ^ t1[(a >>> 16) & 255]! ^ t2[(a >>> 8) & 255]! ^ t3[a & 255]!;
    a = x0 ^ x1 ^ x2 ^ rk[i + 3]!;
    x3 ^= t0[a >>> 24]! ^ t1[(a >>> 16) & 255]! ^ t2[(a >>> 8) & 255]! ^ t3[a & 255]!;
  }
  const o = OUT;
  o[0] = x3;
  o[1] = x2;
  o[2] = x1;
  o[3] = x0;
}

/** A DataView over exactly the bytes of `b` (V8 compiles getInt32/setInt32 to single loads). @example view(buf).getInt32(16) */
export const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Reads the big-endian word at `b[i..i+4)`. @example readWord(Uint8Array.of(0, 0, 1, 0), 0) // 256 */
export const readWord = (b: Uint8Array, i: number): number =>
  (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;

/** Writes `x` big-endian at `b[i..i+4)`. @example writeWord(out, 12, counter) */
export function writeWord(b: Uint8Array, i: number, x: number): void {
  b[i] = x >>> 24;
  b[i + 1] = x >>> 16;
  b[i + 2] = x >>> 8;
  b[i + 3] = x;
}

/**
 * One block: `dst[dOff..dOff+16) = SM4_rk(src[sOff..sOff+16))` (src and dst may overlap exactly).
 * @example cryptBlock(rk, pt, 0, ct, 0)
 */
export function cryptBlock(
  rk: Int32Array,
  src: Uint8Array,
  sOff: number,
  dst: Uint8Array,
  dOff: number,
): void {
  cryptWords(
    rk,
    readWord(src, sOff),
    readWord(src, sOff + 4),
    readWord(src, sOff + 8),
    readWord(src, sOff + 12),
  );
  const o = OUT;
  writeWord(dst, dOff, o[0]!);
  writeWord(dst, dOff + 4, o[1]!);
  writeWord(dst, dOff + 8, o[2]!);
  writeWord(dst, dOff + 12, o[3]!);
}
