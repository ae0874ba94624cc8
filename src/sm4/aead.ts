/**
 * The public AEAD wrappers `sm4.gcm` and `sm4.ccm`: arguments validated up front, a copy of
 * key/nonce/AAD taken at construction, and single use for encryption (a second `encrypt` on
 * the same instance, i.e. the same key and nonce, throws NONCE_REUSE; noble-ciphers'
 * `wrapCipher` habit). `encrypt` returns ciphertext ‖ tag; `decrypt` takes ciphertext ‖ tag.
 * @module
 */
import { BukejianError } from '../errors.js';
import { abytes, anumber, aoptions, toBytes, type Input } from '../_assert.js';
import { CCM_NONCE_LENGTHS, CCM_TAG_LENGTHS, ccmDecrypt, ccmEncrypt } from './ccm.js';
import { akey, type Cipher } from './classic.js';
import { gcmDecrypt, gcmEncrypt } from './gcm.js';

/** Options of `sm4.ccm`. */
export interface CcmOptions {
  /** Tag length in bytes: 4, 6, 8, 10, 12, 14 or 16 (default 16). */
  tagLength?: number;
}

/** Options of `sm4.gcm`. */
export interface GcmOptions {
  /**
   * Tag length in bytes: 12, 13, 14, 15 or 16 (default 16). A shorter tag is the leftmost bytes
   * of the full one (SP 800-38D §5.2.1.2); both sides must agree on the length. 4- and 8-byte
   * tags (SP 800-38D Appendix C) are refused: a forgery succeeds with probability 2^-32 / 2^-64
   * per try.
   */
  tagLength?: number;
}

/** GCM tag lengths accepted by `sm4.gcm`. */
export const GCM_TAG_LENGTHS: readonly number[] = Object.freeze([12, 13, 14, 15, 16]);

/** A GCM nonce: 1..2^28 bytes (12 recommended). */
export function agcmNonce(nonce: unknown): Uint8Array {
  const n = abytes(nonce, 'nonce');
  if (n.length === 0 || n.length > 2 ** 28) {
    throw new BukejianError(
      'NONCE_LENGTH',
      `"nonce" expected Uint8Array of length 1..2^28 (12 recommended), got length=${n.length}`,
    );
  }
  return n;
}

export function aaad(aad: unknown): Uint8Array {
  if (aad === undefined) return new Uint8Array(0);
  const a = abytes(aad, 'aad');
  if (a.length >= 2 ** 32)
    throw new BukejianError(
      'DATA_LENGTH',
      `"aad" expected fewer than 2^32 bytes, got length=${a.length}`,
    );
  return new Uint8Array(a);
}

function singleUse(
  enc: (pt: Uint8Array) => Uint8Array,
  dec: (ct: Uint8Array) => Uint8Array,
): Cipher {
  let used = false;
  return Object.freeze({
    encrypt(plaintext: Input): Uint8Array {
      const p = toBytes(plaintext, 'plaintext');
      if (used)
        throw new BukejianError(
          'NONCE_REUSE',
          '"encrypt" expected a fresh key+nonce instance, got a second call (create a new instance with a new nonce)',
        );
      used = true;
      return enc(p);
    },
    decrypt: (ciphertext: Uint8Array): Uint8Array => dec(abytes(ciphertext, 'ciphertext')),
  });
}

/**
 * SM4-GCM (RFC 8998): tag (16 bytes, or `tagLength` 12..15) appended to the ciphertext. `nonce`
 * is normally 12 random bytes (`randomBytes(12)`); any non-zero length is accepted. Never
 * encrypt twice under one key+nonce: an instance refuses to (NONCE_REUSE).
 * @example
 * const nonce = randomBytes(12)
 * const sealed = gcm(key, nonce, aad).encrypt('身份证号 440305198806140325') // synthetic ID, valid checksum
 * const pt = gcm(key, nonce, aad).decrypt(sealed) // throws AUTH_FAILED if anything was altered
 * const short = gcm(key, randomBytes(12), aad, { tagLength: 12 }).encrypt(data) // GmSSL -taglen 12
 */
export function gcm(
  key: Uint8Array,
  nonce: Uint8Array,
  aad?: Uint8Array,
  opts?: GcmOptions,
): Cipher {
  const k = new Uint8Array(akey(key));
  const n = new Uint8Array(agcmNonce(nonce));
  const a = aaad(aad);
  const o = aoptions(opts, 'opts', ['tagLength']);
  const tagLen = o.tagLength === undefined ? 16 : anumber(o.tagLength, 'tagLength', 0, 1024);
  if (!GCM_TAG_LENGTHS.includes(tagLen)) {
    throw new BukejianError(
      'TAG_LENGTH',
      `"tagLength" expected one of ${GCM_TAG_LENGTHS.join('|')}, got ${tagLen}`,
    );
  }
  return singleUse(
    (pt) => gcmEncrypt(k, n, a, pt, tagLen),
    (ct) => gcmDecrypt(k, n, a, ct, tagLen),
  );
}

/**
 * SM4-CCM (RFC 8998): `tagLength`-byte tag (default 16) appended to the ciphertext; nonce of
 * 7..13 bytes (12 is usual). Single-use for encryption like {@link gcm}.
 * @example const sealed = ccm(key, randomBytes(12), aad, { tagLength: 16 }).encrypt(data)
 */
export function ccm(
  key: Uint8Array,
  nonce: Uint8Array,
  aad?: Uint8Array,
  opts?: CcmOptions,
): Cipher {
  const k = new Uint8Array(akey(key));
  const n = new Uint8Array(abytes(nonce, 'nonce', CCM_NONCE_LENGTHS, 'NONCE_LENGTH'));
  const a = aaad(aad);
  const o = aoptions(opts, 'opts', ['tagLength']);
  const tagLen = o.tagLength === undefined ? 16 : anumber(o.tagLength, 'tagLength', 0, 1024);
  if (!CCM_TAG_LENGTHS.includes(tagLen)) {
    throw new BukejianError(
      'TAG_LENGTH',
      `"tagLength" expected one of ${CCM_TAG_LENGTHS.join('|')}, got ${tagLen}`,
    );
  }
  return singleUse(
    (pt) => ccmEncrypt(k, n, a, pt, tagLen),
    (ct) => ccmDecrypt(k, n, a, ct, tagLen),
  );
}
