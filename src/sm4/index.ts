/**
 * `bukejian/sm4`: the SM4 block cipher (GB/T 32907-2016) and its modes: `ecb`, `cbc` (PKCS#7 by
 * default), `ctr`, `cfb`, `ofb` (GB/T 17964 / SP 800-38A), the AEADs `gcm` and `ccm`
 * (RFC 8998), the raw block permutation `block` for other constructions, and `stream` for
 * incremental encryption of large inputs in the classic modes.
 *
 * Security notes: the pure-TS SM4 and GHASH use look-up tables indexed by secret data, so they
 * are NOT constant time against cache-timing attackers; tag comparisons and PKCS#7 checks are.
 * @module
 */
import { ccm, gcm } from './aead.js';
import { block } from './block.js';
import { cbc, cfb, ctr, ecb, ofb } from './classic.js';
import { stream } from './stream.js';

export type { Cipher, BlockModeOptions, StreamModeOptions } from './classic.js';
export type { CcmOptions } from './aead.js';
export type { BlockCipher } from './block.js';
export type { CipherStream, StreamMode, StreamOptions } from './stream.js';
export { NATIVE_THRESHOLD } from './classic.js';
export { ecb, cbc, ctr, cfb, ofb, gcm, ccm, block, stream };

/**
 * All SM4 constructors in one frozen object.
 * @example
 * import { sm4 } from 'bukejian/sm4'
 * const sealed = sm4.gcm(key, nonce).encrypt(data)
 * const ct = sm4.cbc(key, iv).encrypt(data)
 */
export const sm4 = /* @__PURE__ */ Object.freeze({
  ecb,
  cbc,
  ctr,
  cfb,
  ofb,
  gcm,
  ccm,
  block,
  stream,
  blockLen: 16 as const,
});
