/**
 * The sm2 PSI group's batches on the WebAssembly kernel (../../sm2/_wasm.ts): messages are
 * expanded here (expand_message_xmd with SM3, RFC 9380 §5.3.1) straight into the kernel's memory,
 * which then maps them to the curve (SSWU) and blinds them; received x-coordinates are copied in,
 * decoded (square root) and blinded there. ./sm2.ts chooses between this and the JavaScript path.
 * @module
 */
import { BukejianError } from '../../errors.js';
import { oddScalar, recode } from '../../sm2/_point.js';
import type { Sm2Wasm } from '../../sm2/_wasm.js';
import { sm3 } from '../../sm3.js';

const LEN = 32;

/** Where a batch's input comes from: messages to hash, or x-only elements to lift. */
export type Source = { msgs: Uint8Array[] } | { flat: Uint8Array };

/**
 * The batch function of the kernel `w` for the hash-to-curve domain separation tag `dst`:
 * `(k, src, s, m, out)` writes k·P_i for items s .. s + m − 1 (m ≤ LAYOUT.MAX) at out[32i]; it
 * returns false when the kernel met a zero divisor (invalid points, or an exceptional addition)
 * and the caller must use the JavaScript path, and throws INVALID_POINT for the first invalid
 * element, as the item-by-item path does.
 * @example const run = kernelBatch(w, SM2_DST); if (!run(k, { msgs }, 0, m, out)) fallback()
 */
export function kernelBatch(
  w: Sm2Wasm,
  dst: string,
): (k: bigint, src: Source, s: number, m: number, out: Uint8Array) => boolean {
  const { x, mem, L } = w;
  // DST' = DST ‖ I2OSP(len(DST), 1) (the tag is shorter than 255 bytes)
  const d = new TextEncoder().encode(dst);
  const dstPrime = new Uint8Array(d.length + 1);
  dstPrime.set(d);
  dstPrime[d.length] = d.length;
  let b0buf = new Uint8Array(0);
  const bibuf = new Uint8Array(33 + dstPrime.length);
  bibuf.set(dstPrime, 33);
  const kbytes = new Uint8Array(32);

  /**
   * expand_message_xmd(msg, dst, 96) with SM3 into the kernel's input `at`: u0's 48 bytes at
   * at + 16 and u1's at at + 80, each after 16 zero bytes (two 64-byte big-endian values).
   */
  function expandInto(msg: Uint8Array, at: number): void {
    const len = 64 + msg.length + 3 + dstPrime.length;
    if (b0buf.length < len) b0buf = new Uint8Array(len);
    const b = b0buf.subarray(0, len);
    b.fill(0, 0, 64); // Z_pad
    b.set(msg, 64);
    const q = 64 + msg.length;
    b[q] = 0; // I2OSP(96, 2)
    b[q + 1] = 96;
    b[q + 2] = 0; // I2OSP(0, 1)
    b.set(dstPrime, q + 3);
    const b0 = sm3(b);
    mem.fill(0, at, at + 16);
    mem.fill(0, at + 64, at + 80);
    let bi: Uint8Array = new Uint8Array(32); // b_1 = H(b_0 ‖ 1 ‖ DST'): b_0 xor 0
    for (let i = 1; i <= 3; i++) {
      for (let j = 0; j < 32; j++) bibuf[j] = b0[j]! ^ bi[j]!;
      bibuf[32] = i;
      bi = sm3(bibuf);
      // bytes 32(i − 1) .. 32i of the 96: u0 = [0, 48), u1 = [48, 96)
      for (let j = 0; j < 32; j++) {
        const k = 32 * (i - 1) + j;
        mem[at + (k < 48 ? 16 + k : 80 + (k - 48))] = bi[j]!;
      }
    }
  }

  return (k, src, s, m, out) => {
    if ('msgs' in src) {
      for (let j = 0; j < m; j++) expandInto(src.msgs[s + j]!, L.IN + 128 * j);
      if (!x.hashMany(m)) return false;
    } else {
      mem.set(src.flat.subarray(s * LEN, (s + m) * LEN), L.IN);
      x.liftMany(m);
      for (let j = 0; j < m; j++) {
        const st = mem[L.STATUS + j]!;
        if (st === 1) throw new BukejianError('INVALID_POINT', 'sm2 x-coordinate out of range');
        if (st === 2)
          throw new BukejianError('INVALID_POINT', 'sm2 x-coordinate is not on the curve');
      }
    }
    // the window digits of k (x-only output: oddScalar's parity flip needs no correction)
    oddScalar(k, kbytes);
    recode(kbytes, 5, 52, w.digits);
    if (!x.mulManyX(m)) return false;
    out.set(mem.subarray(L.OUT, L.OUT + m * LEN), s * LEN);
    return true;
  };
}
