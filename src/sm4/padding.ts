/**
 * PKCS#7 padding (RFC 5652 §6.3) for 16-byte blocks: 1..16 bytes each equal to the pad length.
 * The check on removal reads the last 16 bytes whatever the pad length and decides once at the
 * end (no early exit on the first wrong byte).
 * @module
 */
import { BukejianError } from '../errors.js';

// Padding is added by the callers straight into their output buffers (classic.ts, stream.ts).

/**
 * The length of `data` without its PKCS#7 padding; BAD_PADDING if the padding is malformed.
 * `data.length` must be a non-zero multiple of 16 (the caller checks).
 * @example const pt = dec.subarray(0, unpadLength(dec))
 */
export function unpadLength(data: Uint8Array): number {
  const len = data.length;
  const n = data[len - 1]!;
  // bad = (n == 0) | (n > 16) | any of the last n bytes != n, computed over all 16 tail bytes
  let bad = ((n - 1) >>> 8) | ((16 - n) >>> 8); // n-1 < 0 or 16-n < 0 sets high bits
  for (let i = 1; i <= 16; i++) {
    const inPad = ((i - n - 1) >>> 8) & 1; // 1 when i <= n
    bad |= inPad * (data[len - i]! ^ n);
  }
  if (bad !== 0)
    throw new BukejianError(
      'BAD_PADDING',
      '"ciphertext" expected valid PKCS#7 padding, got invalid padding',
    );
  return len - n;
}
