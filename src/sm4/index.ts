/**
 * `bukejian/sm4`: the SM4 block cipher (GB/T 32907-2016) and its modes: `ecb`, `cbc` (PKCS#7 by
 * default), `ctr`, `cfb`, `ofb` (GB/T 17964 / SP 800-38A), the AEADs `gcm` and `ccm`
 * (RFC 8998), the raw block permutation `block` for other constructions, `stream` for
 * incremental encryption of large inputs in the classic modes, and `gcmStream` for large inputs
 * in GCM (two-pass decryption: nothing is decrypted before the tag is verified). One frozen
 * namespace `sm4`; constructors take the key first and bind it (as `@noble/ciphers`).
 *
 * Security notes: the pure-TS SM4 and GHASH use look-up tables indexed by secret data, so they
 * are NOT constant time against cache-timing attackers; tag comparisons and PKCS#7 checks are.
 * @module
 */
import { ccm, gcm } from './aead.js';
import { block } from './block.js';
import { cbc, cfb, ctr, ecb, ofb } from './classic.js';
import { gcmStream } from './gcm-stream.js';
import { stream } from './stream.js';

export type { Cipher, BlockModeOptions, StreamModeOptions } from './classic.js';
export type { CcmOptions, GcmOptions } from './aead.js';
export type { BlockCipher } from './block.js';
export type { CipherStream, StreamMode, StreamOptions } from './stream.js';
export type { GcmStream } from './gcm-stream.js';

/**
 * All SM4 constructors in one frozen object:
 *
 * - `gcm(key, nonce, aad?, { tagLength })`, `ccm(key, nonce, aad?, { tagLength })`: single-use AEADs,
 *   `encrypt(pt)` → ciphertext ‖ tag, `decrypt(sealed)` throws AUTH_FAILED on any change
 * - `ecb(key, opts?)`, `cbc(key, iv, opts?)` (PKCS#7 by default), `ctr`, `cfb`, `ofb(key, iv, opts?)`
 * - `stream(mode, key, iv, opts?)`: `update`/`final` for the classic modes
 * - `gcmStream(key, nonce, aad?)`: GCM for inputs larger than memory
 * - `block(key)`: the raw 16-byte permutation; `blockLen` = 16
 * @example
 * import { sm4 } from 'bukejian/sm4'
 * import { randomBytes } from 'bukejian/utils'
 * const key = randomBytes(16), nonce = randomBytes(12), iv = randomBytes(16)
 * const sealed = sm4.gcm(key, nonce).encrypt('身份证号 440305198806140325')
 * const opened = sm4.gcm(key, nonce).decrypt(sealed) // throws AUTH_FAILED if anything changed
 * const ct = sm4.cbc(key, iv).encrypt(new Uint8Array(20)) // 32 bytes with PKCS#7
 */
export const sm4 = /* @__PURE__ */ Object.freeze({
  /**
   * `ecb(key, opts?)`: SM4-ECB {@link Cipher}, PKCS#7 by default ({@link BlockModeOptions}).
   * Equal blocks give equal ciphertext: only for single random blocks such as wrapped keys.
   * Throws KEY_LENGTH unless the key is 16 bytes.
   */
  ecb,
  /**
   * `cbc(key, iv, opts?)`: SM4-CBC {@link Cipher} with a 16-byte IV, PKCS#7 by default
   * ({@link BlockModeOptions}); no integrity, prefer `gcm`. Throws KEY_LENGTH / IV_LENGTH;
   * `decrypt` throws DATA_LENGTH (not a non-zero multiple of 16 bytes) or BAD_PADDING.
   */
  cbc,
  /**
   * `ctr(key, iv, opts?)`: SM4-CTR {@link Cipher}; the 16-byte `iv` is the initial counter block
   * (128-bit big-endian, wrapping). Any length; never reuse a key+iv pair. Throws KEY_LENGTH /
   * IV_LENGTH.
   */
  ctr,
  /** `cfb(key, iv, opts?)`: SM4-CFB-128 {@link Cipher}, 16-byte IV, any length (KEY/IV_LENGTH). */
  cfb,
  /** `ofb(key, iv, opts?)`: SM4-OFB {@link Cipher}, 16-byte IV, any length (KEY/IV_LENGTH). */
  ofb,
  /**
   * `gcm(key, nonce, aad?, opts?)`: single-use SM4-GCM AEAD (RFC 8998); `encrypt` returns
   * ciphertext ‖ tag (16 bytes, or 12..15 with {@link GcmOptions} `tagLength`; TAG_LENGTH for
   * others) and throws NONCE_REUSE on a second call, `decrypt` throws AUTH_FAILED on any change.
   * Nonce 1..2^28 bytes, 12 random bytes recommended (NONCE_LENGTH otherwise).
   */
  gcm,
  /**
   * `ccm(key, nonce, aad?, opts?)`: single-use SM4-CCM AEAD (RFC 8998) with a 7..13-byte nonce
   * (NONCE_LENGTH) and a tag of 4, 6, …, 16 bytes ({@link CcmOptions}, TAG_LENGTH); `decrypt`
   * throws AUTH_FAILED on any change, a second `encrypt` throws NONCE_REUSE.
   */
  ccm,
  /** `block(key)`: the raw SM4 permutation on 16-byte blocks ({@link BlockCipher}). */
  block,
  /**
   * `stream(mode, key, iv, opts?)`: an incremental {@link CipherStream} for `'ecb'` (iv `null`),
   * `'cbc'`, `'ctr'`, `'cfb'` or `'ofb'`, byte-identical to the one-shot mode
   * ({@link StreamOptions}).
   */
  stream,
  /**
   * `gcmStream(key, nonce, aad?)`: SM4-GCM for inputs larger than memory ({@link GcmStream});
   * decryption takes two passes, so nothing is decrypted before the tag verifies.
   */
  gcmStream,
  /** The SM4 block size in bytes, 16. */
  blockLen: 16 as const,
});
