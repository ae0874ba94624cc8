/**
 * Self-delimiting, checksummed frames for the append-only files of the file store, and the
 * recovery scan that finds where the durable data ends.
 *
 * A frame is `"BKJF" ‖ u32be length ‖ u32be CRC-32(body) ‖ body`. CRC-32 (ISO 3309 / IEEE 802.3,
 * the zlib polynomial) detects torn and garbled writes; it is not a security check: tampering is
 * caught by the Merkle tree and the signed checkpoints, not here.
 *
 * Recovery rule: frames are read from the start. The first position that does not hold a
 * complete, valid frame ends the durable data, and everything after it is a torn tail, unless a
 * valid frame appears anywhere after that position (damage in the middle of a file is not a torn
 * append: it throws `INTEGRITY` instead of silently dropping later data).
 * @module
 */
import { BukejianError } from '../../errors.js';

const MAGIC = 0x424b4a46; // "BKJF"
/** Bytes before the body of every frame. @example frame.subarray(FRAME_HEADER) // the body */
export const FRAME_HEADER = 12;
/** Largest accepted frame body (a sanity bound against a garbled length field). @example body.length <= MAX_FRAME */
export const MAX_FRAME = 1 << 30;

const CRC_TABLE = /* @__PURE__ */ (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (reflected, polynomial 0xEDB88320) of `b`. @example crc32(utf8ToBytes('123456789')) // 0xcbf43926 */
export function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Wraps `body` in a frame. @example encodeFrame(utf8ToBytes('checkpoint')) */
export function encodeFrame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER + body.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC);
  v.setUint32(4, body.length);
  v.setUint32(8, crc32(body));
  out.set(body, FRAME_HEADER);
  return out;
}

/** Where the valid frames of a file are, and how much torn tail follows them. */
export interface FrameScan {
  /** `[start, end)` byte ranges of the bodies of the valid frames, in order. */
  bodies: [number, number][];
  /** Length of the valid prefix: the file should be truncated to this. */
  end: number;
}

function validAt(buf: Uint8Array, v: DataView, p: number): number {
  if (p + FRAME_HEADER > buf.length || v.getUint32(p) !== MAGIC) return -1;
  const len = v.getUint32(p + 4);
  if (len > MAX_FRAME || p + FRAME_HEADER + len > buf.length) return -1;
  if (crc32(buf.subarray(p + FRAME_HEADER, p + FRAME_HEADER + len)) !== v.getUint32(p + 8))
    return -1;
  return p + FRAME_HEADER + len;
}

/**
 * Scans the frames of a whole file. Throws `INTEGRITY` when a damaged frame is followed by a valid
 * one (corruption, not a torn append).
 * @example const { bodies, end } = scanFrames(bytes); if (end < bytes.length) truncate(end)
 */
export function scanFrames(buf: Uint8Array): FrameScan {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const bodies: [number, number][] = [];
  let p = 0;
  for (;;) {
    const next = validAt(buf, v, p);
    if (next < 0) break;
    bodies.push([p + FRAME_HEADER, next]);
    p = next;
  }
  // Whatever follows the last valid frame must not contain a valid frame anywhere (whatever the
  // damaged frame's length field says): otherwise this is damage in the middle, not a torn append,
  // and truncating would destroy good data.
  for (let q = p + 1; q + FRAME_HEADER <= buf.length; q++) {
    if (buf[q] === 0x42 && v.getUint32(q) === MAGIC && validAt(buf, v, q) >= 0) {
      throw new BukejianError(
        'INTEGRITY',
        `stored frame at offset ${p} is damaged and followed by valid data`,
      );
    }
  }
  return { bodies, end: p };
}
