/**
 * PBES2 (RFC 8018 §6.2) for encrypted PKCS#8: PBKDF2 with HMAC-SM3, HMAC-SHA256 or HMAC-SHA1,
 * and SM4-CBC, AES-128-CBC or AES-256-CBC with PKCS#7 padding. SM3 and SM4 are this package's
 * own (PBKDF2-HMAC-SM3 uses `node:crypto` when it has SM3, the pure-TS HMAC otherwise); SHA and
 * AES come from WebCrypto (`crypto.subtle`, present in Node ≥ 20 and every browser), which is
 * why everything here is async. No third-party code.
 * @module
 */
import { BukejianError } from '../errors.js';
import { hmacSm3 } from '../sm3.js';
import { cbc } from '../sm4/classic.js';
import { nodeModule } from '../_node.js';
import { zeroize } from '../utils.js';

/** PBKDF2 pseudo-random functions, by the names OpenSSL gives them. */
export type Pbkdf2Prf = 'hmacWithSM3' | 'hmacWithSHA256' | 'hmacWithSHA1';
/** PBES2 encryption schemes. */
export type Pbes2Cipher = 'sm4-cbc' | 'aes-128-cbc' | 'aes-256-cbc';

/** OIDs (RFC 8018 Appendix B, NIST CSOR, GM/T 0006; hmacWithSM3 as GmSSL writes it). */
export const PBES2_OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  prf: {
    hmacWithSM3: '1.2.156.10197.1.401.2',
    hmacWithSHA256: '1.2.840.113549.2.9',
    hmacWithSHA1: '1.2.840.113549.2.7',
  } as Record<Pbkdf2Prf, string>,
  cipher: {
    'sm4-cbc': '1.2.156.10197.1.104.2',
    'aes-128-cbc': '2.16.840.1.101.3.4.1.2',
    'aes-256-cbc': '2.16.840.1.101.3.4.1.42',
  } as Record<Pbes2Cipher, string>,
} as const;

/** Key length in bytes of each cipher. */
export const CIPHER_KEY_BYTES: Record<Pbes2Cipher, number> = {
  'sm4-cbc': 16,
  'aes-128-cbc': 16,
  'aes-256-cbc': 32,
};

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s)
    throw new BukejianError(
      'UNSUPPORTED',
      '"crypto.subtle" expected for PBKDF2-HMAC-SHA / AES-CBC, got none (use hmacWithSM3 + sm4-cbc)',
    );
  return s;
}

/** A fresh ArrayBuffer-backed copy (WebCrypto's BufferSource typing wants one). */
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

/**
 * PBKDF2-HMAC-SM3 in pure TypeScript (RFC 8018 §5.2): the keyed inner/outer SM3 states are
 * computed once and cloned for each of the `iterations` HMACs.
 * @example pbkdf2HmacSm3(utf8ToBytes('pw'), salt, 65536, 16)
 */
export function pbkdf2HmacSm3(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number,
): Uint8Array {
  const base = hmacSm3.create(password);
  const out = new Uint8Array(dkLen);
  const block = new Uint8Array(salt.length + 4);
  block.set(salt);
  for (let i = 1, pos = 0; pos < dkLen; i++, pos += 32) {
    block[salt.length] = i >>> 24;
    block[salt.length + 1] = i >>> 16;
    block[salt.length + 2] = i >>> 8;
    block[salt.length + 3] = i;
    let u = base.clone().update(block).digest();
    const t = u.slice();
    for (let j = 1; j < iterations; j++) {
      const next = base.clone().update(u).digest();
      zeroize(u);
      u = next;
      for (let k = 0; k < 32; k++) t[k]! ^= u[k]!;
    }
    out.set(t.subarray(0, Math.min(32, dkLen - pos)), pos);
    zeroize(u, t);
  }
  base.destroy();
  return out;
}

/** PBKDF2 with the given PRF; SM3 natively when `node:crypto` has it. @example await pbkdf2('hmacWithSM3', pw, salt, 65536, 16) */
export async function pbkdf2(
  prf: Pbkdf2Prf,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number,
): Promise<Uint8Array> {
  if (prf === 'hmacWithSM3') {
    const nc = nodeModule('node:crypto');
    if (nc?.getHashes().includes('sm3')) {
      const b = nc.pbkdf2Sync(password, salt, iterations, dkLen, 'sm3');
      const out = new Uint8Array(b);
      b.fill(0);
      return out;
    }
    return pbkdf2HmacSm3(password, salt, iterations, dkLen);
  }
  const s = subtle();
  const k = await s.importKey('raw', buf(password), 'PBKDF2', false, ['deriveBits']);
  const hash = prf === 'hmacWithSHA256' ? 'SHA-256' : 'SHA-1';
  const bits = await s.deriveBits(
    { name: 'PBKDF2', salt: buf(salt), iterations, hash },
    k,
    dkLen * 8,
  );
  return new Uint8Array(bits);
}

/** CBC with PKCS#7 under SM4 (this package) or AES (WebCrypto). @example await cbcEncrypt('sm4-cbc', key, iv, pt) */
export async function cbcEncrypt(
  cipher: Pbes2Cipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  if (cipher === 'sm4-cbc') return cbc(key, iv).encrypt(data);
  const s = subtle();
  const k = await s.importKey('raw', buf(key), 'AES-CBC', false, ['encrypt']);
  return new Uint8Array(await s.encrypt({ name: 'AES-CBC', iv: buf(iv) }, k, buf(data)));
}

/**
 * CBC decryption with the PKCS#7 check; null (never an exception carrying details, never
 * unpadded bytes) when the length or the padding is wrong.
 * @example const pt = await cbcDecrypt('aes-256-cbc', key, iv, ct) // null on a wrong key
 */
export async function cbcDecrypt(
  cipher: Pbes2Cipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array | null> {
  if (data.length === 0 || data.length % 16) return null;
  try {
    if (cipher === 'sm4-cbc') return cbc(key, iv).decrypt(data);
    const s = subtle();
    const k = await s.importKey('raw', buf(key), 'AES-CBC', false, ['decrypt']);
    return new Uint8Array(await s.decrypt({ name: 'AES-CBC', iv: buf(iv) }, k, buf(data)));
  } catch (e) {
    if (e instanceof BukejianError && e.code === 'UNSUPPORTED') throw e;
    return null;
  }
}
