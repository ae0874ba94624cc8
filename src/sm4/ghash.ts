/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4), with per-key multiplication tables.
 *
 * X·H is linear in X over GF(2), so the 128-bit input is cut into windows of `w` bits and
 * X·H = ⊕_p T_p[window_p(X)], where T_p[v] = (v placed at window p)·H. Tables are built from
 * the 128 values H·x^k (repeated "multiply by x" = shift right with reduction by 0xe1‖0^120).
 * `w = 8` (16 tables × 256 entries, 64 KiB per key, 16 look-ups per block) is used for long
 * inputs, `w = 4` (32 × 16 entries, 8 KiB, 32 look-ups) for medium ones, where building the big
 * table would cost more than it saves (the same trade-off as noble-ciphers' `_polyval.ts`).
 * Very short inputs use Shoup's 4-bit method instead (one 16-entry table of nibble multiples of
 * H, Horner over the 32 nibbles with a fixed 16-entry reduction table, as in mbedTLS `gcm.c`):
 * almost no set-up, more work per block.
 *
 * The look-ups are indexed by data derived from H and the hashed values, so GHASH here is NOT
 * constant time with respect to cache timing (as the table-based SM4 under it).
 * @module
 */
import { readWord, view } from './cipher.js';

/** Inputs of at least this many bytes (AAD + ciphertext) use the 8-bit window. @example new Ghash(h, GHASH_BIG_TABLE_BYTES) // 64 KiB table */
export const GHASH_BIG_TABLE_BYTES = 4096;
/** Inputs below this many bytes use Shoup's single 16-entry table. @example new Ghash(h, 64) // Shoup */
export const GHASH_SHOUP_BYTES = 1024;

// x^128+k reductions for the 4 bits shifted out by z·x^4 (mbedTLS `last4`), for the top 16 bits.
const LAST4 = /* @__PURE__ */ Int32Array.from([
  0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0, 0xe100, 0xfd20, 0xd940, 0xc560,
  0x9180, 0x8da0, 0xa9c0, 0xb5e0,
]);

/** Shoup's table: M[v] = v·H for the 16 nibble values v (MSB of the nibble = x^0). */
function shoupTable(h: Int32Array): Int32Array {
  const t = new Int32Array(64);
  let v0 = h[0]!,
    v1 = h[1]!,
    v2 = h[2]!,
    v3 = h[3]!;
  for (let i = 8; i >= 1; i >>= 1) {
    t[4 * i] = v0;
    t[4 * i + 1] = v1;
    t[4 * i + 2] = v2;
    t[4 * i + 3] = v3;
    const carry = v3 & 1; // v = v·x
    v3 = (v3 >>> 1) | (v2 << 31);
    v2 = (v2 >>> 1) | (v1 << 31);
    v1 = (v1 >>> 1) | (v0 << 31);
    v0 = (v0 >>> 1) ^ (-carry & 0xe1000000);
  }
  for (let i = 2; i <= 8; i *= 2) {
    for (let j = 1; j < i; j++)
      for (let k = 0; k < 4; k++) t[4 * (i + j) + k] = t[4 * i + k]! ^ t[4 * j + k]!;
  }
  return t;
}

/**
 * A running GHASH state for one key H.
 * @example
 * const s = new Ghash(hWords, aad.length + ct.length).updatePadded(aad).updatePadded(ct)
 *   .updateLengths(aad.length, ct.length).digestInto(new Uint8Array(16))
 */
export class Ghash {
  private readonly t: Int32Array;
  private readonly w: 0 | 4 | 8; // 0 = Shoup
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private readonly buf = new Uint8Array(16);
  private pending = 0; // bytes waiting in buf for update()

  /** `h` = E_K(0^128) as four big-endian words; `expectedBytes` chooses the table size. */
  constructor(h: Int32Array, expectedBytes: number) {
    if (expectedBytes < GHASH_SHOUP_BYTES) {
      this.w = 0;
      this.t = shoupTable(h);
      return;
    }
    const w = expectedBytes >= GHASH_BIG_TABLE_BYTES ? 8 : 4;
    this.w = w;
    const n = 1 << w; // entries per window
    const windows = 128 / w;
    const t = new Int32Array(windows * n * 4);
    // x^k · H for k = 0..127, walked window by window; bit j (MSB first) of window p is x^(p·w + j).
    let v0 = h[0]!,
      v1 = h[1]!,
      v2 = h[2]!,
      v3 = h[3]!;
    const basis = new Int32Array(w * 4);
    for (let p = 0; p < windows; p++) {
      for (let j = 0; j < w; j++) {
        basis[4 * j] = v0;
        basis[4 * j + 1] = v1;
        basis[4 * j + 2] = v2;
        basis[4 * j + 3] = v3;
        // v = v · x: shift right by one bit, reduce with R = 0xe1 || 0^120
        const carry = v3 & 1;
        v3 = (v3 >>> 1) | (v2 << 31);
        v2 = (v2 >>> 1) | (v1 << 31);
        v1 = (v1 >>> 1) | (v0 << 31);
        v0 = (v0 >>> 1) ^ (-carry & 0xe1000000);
      }
      // entry e|bit = entry e ⊕ basis of that bit; bit 1 << b is window bit j = w − 1 − b (MSB first)
      const base = p * n * 4;
      for (let b = 0; b < w; b++) {
        const bit = 1 << b,
          q = 4 * (w - 1 - b);
        for (let e = 0; e < bit; e++) {
          const src = base + e * 4,
            dst = base + (e | bit) * 4;
          t[dst] = t[src]! ^ basis[q]!;
          t[dst + 1] = t[src + 1]! ^ basis[q + 1]!;
          t[dst + 2] = t[src + 2]! ^ basis[q + 2]!;
          t[dst + 3] = t[src + 3]! ^ basis[q + 3]!;
        }
      }
    }
    basis.fill(0);
    this.t = t;
  }

  /** S = (S ⊕ X)·H for the block given as four words. */
  private mul(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.t;
    let y0 = 0,
      y1 = 0,
      y2 = 0,
      y3 = 0;
    const w = this.w;
    if (w === 0) {
      // Shoup: Horner from the last nibble (x^124..x^127) to the first; z ← z·x^4 ⊕ M[nibble]
      const a0 = x0 ^ this.s0,
        a1 = x1 ^ this.s1,
        a2 = x2 ^ this.s2,
        a3 = x3 ^ this.s3; // no array per block
      for (let wi = 3; wi >= 0; wi--) {
        const x = wi === 3 ? a3 : wi === 2 ? a2 : wi === 1 ? a1 : a0;
        for (let sh = 0; sh < 32; sh += 4) {
          const rem = y3 & 15;
          y3 = (y3 >>> 4) | (y2 << 28);
          y2 = (y2 >>> 4) | (y1 << 28);
          y1 = (y1 >>> 4) | (y0 << 28);
          y0 = (y0 >>> 4) ^ (LAST4[rem]! << 16);
          const i = ((x >>> sh) & 15) << 2;
          y0 ^= t[i]!;
          y1 ^= t[i + 1]!;
          y2 ^= t[i + 2]!;
          y3 ^= t[i + 3]!;
        }
      }
      this.s0 = y0;
      this.s1 = y1;
      this.s2 = y2;
      this.s3 = y3;
      return;
    }
    const mask = (1 << w) - 1;
    for (let wi = 0, p = 0; wi < 4; wi++) {
      const x =
        wi === 0 ? x0 ^ this.s0 : wi === 1 ? x1 ^ this.s1 : wi === 2 ? x2 ^ this.s2 : x3 ^ this.s3;
      for (let sh = 32 - w; sh >= 0; sh -= w, p++) {
        const i = ((p << w) | ((x >>> sh) & mask)) << 2;
        y0 ^= t[i]!;
        y1 ^= t[i + 1]!;
        y2 ^= t[i + 2]!;
        y3 ^= t[i + 3]!;
      }
    }
    this.s0 = y0;
    this.s1 = y1;
    this.s2 = y2;
    this.s3 = y3;
  }

  /** Absorbs `data`, zero-padded to a whole number of blocks (as GCM does for AAD and C). */
  updatePadded(data: Uint8Array): this {
    const len = data.length;
    const full = len - (len % 16);
    let i = 0;
    if (this.w === 8) {
      // Hot loop, written out: same as mul() with the words read straight from the input.
      const t = this.t;
      let s0 = this.s0,
        s1 = this.s1,
        s2 = this.s2,
        s3 = this.s3;
      const dv = view(data);
      for (; i < full; i += 16) {
        const a = dv.getInt32(i) ^ s0,
          b = dv.getInt32(i + 4) ^ s1;
        const c = dv.getInt32(i + 8) ^ s2,
          d = dv.getInt32(i + 12) ^ s3;
        s0 = s1 = s2 = s3 = 0;
        let k: number;
        k = (a >>> 24) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (256 | ((a >>> 16) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (512 | ((a >>> 8) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (768 | (a & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (1024 | (b >>> 24)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (1280 | ((b >>> 16) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (1536 | ((b >>> 8) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (1792 | (b & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (2048 | (c >>> 24)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (2304 | ((c >>> 16) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (2560 | ((c >>> 8) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (2816 | (c & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (3072 | (d >>> 24)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (3328 | ((d >>> 16) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (3584 | ((d >>> 8) & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
        k = (3840 | (d & 255)) << 2;
        s0 ^= t[k]!;
        s1 ^= t[k + 1]!;
        s2 ^= t[k + 2]!;
        s3 ^= t[k + 3]!;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
    } else {
      for (; i < full; i += 16)
        this.mul(
          readWord(data, i),
          readWord(data, i + 4),
          readWord(data, i + 8),
          readWord(data, i + 12),
        );
    }
    if (i < len) {
      const b = this.buf;
      b.fill(0);
      b.set(data.subarray(i));
      this.mul(readWord(b, 0), readWord(b, 4), readWord(b, 8), readWord(b, 12));
      b.fill(0);
    }
    return this;
  }

  /**
   * Absorbs `data` as part of one longer string fed in pieces: partial blocks are carried to the
   * next call; {@link padPending} zero-pads the last one. Equals one `updatePadded` on the concatenation.
   */
  update(data: Uint8Array): this {
    const b = this.buf;
    let i = 0;
    if (this.pending > 0) {
      const take = Math.min(16 - this.pending, data.length);
      b.set(data.subarray(0, take), this.pending);
      this.pending += take;
      i = take;
      if (this.pending < 16) return this;
      this.mul(readWord(b, 0), readWord(b, 4), readWord(b, 8), readWord(b, 12));
      this.pending = 0;
    }
    const rest = data.length - i;
    const whole = rest - (rest % 16);
    if (whole > 0) this.updatePadded(data.subarray(i, i + whole));
    i += whole;
    if (i < data.length) {
      b.set(data.subarray(i));
      this.pending = data.length - i;
    }
    return this;
  }

  /** Zero-pads and absorbs a partial block left by {@link update}. */
  padPending(): this {
    if (this.pending > 0) {
      const b = this.buf;
      b.fill(0, this.pending);
      this.mul(readWord(b, 0), readWord(b, 4), readWord(b, 8), readWord(b, 12));
      b.fill(0);
      this.pending = 0;
    }
    return this;
  }

  /** Sets the running value back to zero (same key, same tables). */
  reset(): this {
    this.s0 = this.s1 = this.s2 = this.s3 = 0;
    return this;
  }

  /** Absorbs the final length block [len(A)]_64 ‖ [len(C)]_64 (lengths in bytes here, bits in the block). */
  updateLengths(aadBytes: number, dataBytes: number): this {
    const ab = aadBytes * 8,
      db = dataBytes * 8;
    this.mul(Math.floor(ab / 2 ** 32) | 0, ab | 0, Math.floor(db / 2 ** 32) | 0, db | 0);
    return this;
  }

  /** The current value S as 16 bytes. */
  digestInto(out: Uint8Array): Uint8Array {
    for (let i = 0; i < 4; i++) {
      const x = i === 0 ? this.s0 : i === 1 ? this.s1 : i === 2 ? this.s2 : this.s3;
      out[4 * i] = x >>> 24;
      out[4 * i + 1] = x >>> 16;
      out[4 * i + 2] = x >>> 8;
      out[4 * i + 3] = x;
    }
    return out;
  }

  /** Wipes the tables and the state. */
  destroy(): void {
    this.t.fill(0);
    this.buf.fill(0);
    this.s0 = this.s1 = this.s2 = this.s3 = 0;
  }
}
