/**
 * Golomb-compressed sets (GCS; Putze, Sanders, Singler, "Cache-, Hash- and Space-Efficient Bloom
 * Filters", 2007; the BIP-158 construction) for sending the server's encrypted set compactly.
 *
 * Each member is a 53-bit hash h (from {@link hash53}); with N members and false-positive rate
 * 2^-P it maps to v = ⌊h · N·2^P / 2^53⌋ in [0, N·2^P). The sorted values are delta-coded with
 * Golomb-Rice parameter P: quotient in unary (1…10), remainder in P bits, MSB first. Size is about
 * (P + 1.5) bits per member; at P = 30 (fpr ≈ 9.3e-10) that is ≈ 3.9 bytes per member.
 *
 * Encoding: u8 P ‖ u32 N ‖ u32 bitLength ‖ ⌈bitLength/8⌉ bytes; the decoder rejects trailing or
 * missing bytes, non-zero padding bits, runaway unary codes and values outside the range.
 * @module
 */
import { BukejianError } from '../errors.js';

const TWO53 = 2 ** 53;

/**
 * The top 53 bits of a digest as a non-negative integer-valued number.
 * @example
 * hash53(sha256(element)) // 0 ≤ h < 2^53
 */
export function hash53(d: Uint8Array): number {
  const hi = ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0; // 32 bits
  const lo = (d[4]! << 13) | (d[5]! << 5) | (d[6]! >>> 3); // 21 bits
  return hi * 2 ** 21 + lo;
}

/**
 * The Golomb-Rice parameter P = ⌈log2(1/fpr)⌉ for a false-positive rate.
 * @example
 * riceParameter(1e-9) // 30
 */
export function riceParameter(fpr: number): number {
  if (!(fpr > 0 && fpr < 1))
    throw new BukejianError('INVALID_RANGE', `"fpr" expected number in (0, 1), got ${fpr}`);
  return Math.max(1, Math.ceil(-Math.log2(fpr)));
}

function mapper(n: number, P: number): (h: number) => number {
  const range = n * 2 ** P;
  if (range > TWO53)
    throw new BukejianError(
      'INVALID_RANGE',
      `GCS range N·2^P exceeds 2^53 (N=${n}, P=${P}); split the set into buckets`,
    );
  const scale = range / TWO53; // exact: division by a power of two
  return (h) => Math.floor(h * scale);
}

class BitWriter {
  buf: Uint8Array;
  bits = 0;
  constructor(bytes: number) {
    this.buf = new Uint8Array(Math.max(16, bytes));
  }
  private grow(extra: number): void {
    if ((this.bits + extra + 7) >>> 3 <= this.buf.length) return;
    const b = new Uint8Array(this.buf.length * 2 + ((extra + 7) >>> 3));
    b.set(this.buf);
    this.buf = b;
  }
  /** Appends `count` one bits and a zero. */
  unary(count: number): void {
    this.grow(count + 1);
    for (let i = 0; i < count; i++, this.bits++)
      this.buf[this.bits >>> 3]! |= 0x80 >>> (this.bits & 7);
    this.bits++;
  }
  /** Appends the low `width` bits of `v` (v < 2^53), MSB first. */
  value(v: number, width: number): void {
    this.grow(width);
    for (let i = width - 1; i >= 0; i--, this.bits++) {
      if (Math.floor(v / 2 ** i) % 2 === 1) this.buf[this.bits >>> 3]! |= 0x80 >>> (this.bits & 7);
    }
  }
}

/**
 * Encodes a set of 53-bit hashes as a GCS with false-positive rate ≤ 2^-P.
 * @example
 * const bytes = encodeGcs(hashes, riceParameter(1e-9))
 */
export function encodeGcs(hashes: ArrayLike<number>, P: number): Uint8Array {
  if (!Number.isInteger(P) || P < 1 || P > 48)
    throw new BukejianError('INVALID_RANGE', `"P" expected integer 1..48, got ${P}`);
  const n = hashes.length;
  if (n > 0xffffffff) throw new BukejianError('INVALID_LENGTH', 'GCS too large');
  const map = mapper(Math.max(n, 1), P);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = map(hashes[i]!);
  vals.sort();
  const M = 2 ** P;
  const w = new BitWriter(Math.ceil((n * (P + 2)) / 8));
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const d = vals[i]! - prev;
    prev = vals[i]!;
    const q = Math.floor(d / M);
    w.unary(q);
    w.value(d - q * M, P);
  }
  const body = w.buf.subarray(0, (w.bits + 7) >>> 3);
  const out = new Uint8Array(9 + body.length);
  const dv = new DataView(out.buffer);
  out[0] = P;
  dv.setUint32(1, n);
  dv.setUint32(5, w.bits);
  out.set(body, 9);
  return out;
}

/** A decoded GCS: query with {@link GcsSet.has}. */
export interface GcsSet {
  readonly size: number;
  readonly P: number;
  /** True when the hash is (probably) a member. */
  has(h: number): boolean;
}

/**
 * Decodes and validates a GCS produced by {@link encodeGcs}.
 * @example
 * const set = decodeGcs(bytes); set.has(hash53(sha256(e)))
 */
export function decodeGcs(bytes: Uint8Array): GcsSet {
  const bad = (m: string): never => {
    throw new BukejianError('INVALID_ENCODING', `GCS: ${m}`);
  };
  if (bytes.length < 9) bad('truncated header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const P = bytes[0]!;
  const n = dv.getUint32(1);
  const bits = dv.getUint32(5);
  if (P < 1 || P > 48) bad('parameter out of range');
  if (bytes.length !== 9 + Math.ceil(bits / 8)) bad('length does not match the bit count');
  if (bits < n * (P + 1)) bad('bit count too small for the member count');
  const range = Math.max(n, 1) * 2 ** P;
  if (range > TWO53) bad('range exceeds 2^53');
  const M = 2 ** P;
  const vals = new Float64Array(n);
  let pos = 0;
  const bit = (): number => {
    if (pos >= bits) bad('truncated body');
    const b = (bytes[9 + (pos >>> 3)]! >>> (7 - (pos & 7))) & 1;
    pos++;
    return b;
  };
  let prev = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    while (bit() === 1) if (++q > range / M) bad('unary code overruns the range');
    let r = 0;
    for (let j = 0; j < P; j++) r = r * 2 + bit();
    prev += q * M + r;
    if (prev >= range) bad('value out of range');
    vals[i] = prev;
  }
  if (pos !== bits) bad('trailing bits');
  const last = bits & 7;
  if (last && (bytes[bytes.length - 1]! & (0xff >>> last)) !== 0) bad('non-zero padding bits');
  const map = mapper(Math.max(n, 1), P);
  const has = (h: number): boolean => {
    const v = map(h);
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = vals[mid]!;
      if (x === v) return true;
      if (x < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  return Object.freeze({ size: n, P, has });
}
