/**
 * The iden3 binary container shared by `.zkey` and `.wtns` files:
 *   magic (4 ASCII bytes) ‖ version u32 ‖ nSections u32 ‖ nSections × (type u32 ‖ size u64 ‖ bytes)
 * all little-endian. Malformed containers throw `INVALID_ENCODING`.
 * @module
 */
import { BukejianError } from '../errors.js';

/**
 * Splits a container into its sections (type → bytes, views into `buf`).
 * @example const s = binSections(zkey, 'zkey', 1); s.get(2) // the Groth16 header
 */
export function binSections(
  buf: Uint8Array,
  magic: string,
  version: number,
): Map<number, Uint8Array> {
  const bad = (msg: string): never => {
    throw new BukejianError('INVALID_ENCODING', `${magic}: ${msg}`);
  };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 12 || String.fromCharCode(...buf.subarray(0, 4)) !== magic)
    bad(`not a ${magic} file`);
  if (dv.getUint32(4, true) !== version)
    bad(`version ${dv.getUint32(4, true)}, expected ${version}`);
  const out = new Map<number, Uint8Array>();
  let p = 12;
  for (let i = 0, n = dv.getUint32(8, true); i < n; i++) {
    if (p + 12 > buf.length) bad('truncated section header');
    const type = dv.getUint32(p, true);
    const size = dv.getUint32(p + 4, true) + dv.getUint32(p + 8, true) * 2 ** 32;
    p += 12;
    if (p + size > buf.length) bad('truncated section');
    if (out.has(type)) bad(`section ${type} repeated`);
    out.set(type, buf.subarray(p, p + size));
    p += size;
  }
  return out;
}
