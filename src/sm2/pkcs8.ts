/**
 * Encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, RFC 5958 EncryptedPrivateKeyInfo with RFC 8018
 * PBES2), as GmSSL writes it (PBKDF2-HMAC-SM3, 65,536 iterations, SM4-CBC) and as OpenSSL does
 * (`openssl pkcs8 -topk8`: PBKDF2-HMAC-SHA256 and AES-256-CBC by default, `-v2 sm4-cbc`).
 * `toPem` / `fromPem` with a password are async (WebCrypto does the SHA/AES part).
 * A wrong password, like any tampering, gives DECRYPT_FAILED: the padding, the PrivateKeyInfo
 * structure and the match of the private key with its embedded public key are all checked, and
 * no key material comes out of a failed decryption.
 * @module
 */
import { BukejianError } from '../errors.js';
import { abytes, anumber, aoneOf, aoptions } from '../_assert.js';
import { randomBytes, utf8ToBytes, zeroize } from '../utils.js';
import { DerReader, TAG, derInteger, derOid, derSequence, tlv } from './der.js';
import {
  parsePrivateKeyInfo,
  pem,
  plainFromPem,
  plainToPem,
  privateKeyInfo,
  unpem,
  type PemKey,
} from './pem.js';
import {
  CIPHER_KEY_BYTES,
  PBES2_OID,
  cbcDecrypt,
  cbcEncrypt,
  pbkdf2,
  type Pbes2Cipher,
  type Pbkdf2Prf,
} from './_pbes2.js';

/** Options of `sm2.keys.toPem(secretKey, opts)`: write an `ENCRYPTED PRIVATE KEY`. */
export interface EncryptPemOptions {
  /** The password (a string is UTF-8). Required, non-empty. */
  password: string | Uint8Array;
  /** PBKDF2 iterations: at least 10,000 (INVALID_RANGE below), default 65,536 as GmSSL. */
  iterations?: number;
  /**
   * PBKDF2 PRF: `'hmacWithSM3'` (default, GmSSL's; OpenSSL 3.0 cannot read it) or
   * `'hmacWithSHA256'` (OpenSSL's default).
   */
  prf?: 'hmacWithSM3' | 'hmacWithSHA256';
  /** Cipher: `'sm4-cbc'` (default), `'aes-128-cbc'` or `'aes-256-cbc'` (OpenSSL's default). */
  cipher?: Pbes2Cipher;
}

/** Options of `sm2.keys.fromPem(text, opts)`: read an `ENCRYPTED PRIVATE KEY`. */
export interface DecryptPemOptions {
  /** The password (a string is UTF-8). */
  password: string | Uint8Array;
}

const MIN_ITERATIONS = 10_000;
/** Iteration counts above this in a file are refused before any work (a hostile file could ask 2^31). */
const MAX_ITERATIONS = 1 << 24;
const WRITE_PRFS = ['hmacWithSM3', 'hmacWithSHA256'] as const;
const CIPHERS = ['sm4-cbc', 'aes-128-cbc', 'aes-256-cbc'] as const;

function apassword(p: unknown): Uint8Array {
  if (p === undefined)
    throw new BukejianError('INVALID_OPTION', '"opts.password" expected, got none');
  const b = typeof p === 'string' ? utf8ToBytes(p) : abytes(p, 'opts.password');
  if (b.length === 0)
    throw new BukejianError('INVALID_OPTION', '"opts.password" expected non-empty, got empty');
  return b;
}

function byOid<T extends string>(table: Record<T, string>, oid: string, what: string): T {
  for (const [k, v] of Object.entries(table) as [T, string][]) if (v === oid) return k;
  throw new BukejianError(
    'UNSUPPORTED',
    `"pem" expected ${what} ${Object.keys(table).join('|')}, got OID ${oid.slice(0, 40)}`,
  );
}

/**
 * `ENCRYPTED PRIVATE KEY` PEM of a secret key (PBES2; see {@link EncryptPemOptions}).
 * @example const pem = await encryptedPrivateKeyToPem(secretKey, { password: 'correct horse' })
 */
export async function encryptedPrivateKeyToPem(
  secretKey: Uint8Array,
  opts: EncryptPemOptions,
): Promise<string> {
  const o = aoptions(opts, 'opts', ['password', 'iterations', 'prf', 'cipher']);
  const password = apassword(o.password);
  const iterations =
    o.iterations === undefined
      ? 65_536
      : anumber(o.iterations, 'opts.iterations', MIN_ITERATIONS, MAX_ITERATIONS);
  const prf: Pbkdf2Prf =
    o.prf === undefined ? 'hmacWithSM3' : aoneOf(o.prf, 'opts.prf', WRITE_PRFS);
  const cipher: Pbes2Cipher =
    o.cipher === undefined ? 'sm4-cbc' : aoneOf(o.cipher, 'opts.cipher', CIPHERS);
  const info = privateKeyInfo(secretKey);
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const keyLen = CIPHER_KEY_BYTES[cipher];
  const key = await pbkdf2(prf, password, salt, iterations, keyLen);
  const ct = await cbcEncrypt(cipher, key, iv, info);
  zeroize(key, info);
  // GmSSL writes the HMAC-SM3 AlgorithmIdentifier without parameters and refuses a NULL there;
  // RFC 8018 (and OpenSSL) give hmacWithSHA* a NULL.
  const prfId =
    prf === 'hmacWithSM3'
      ? derSequence(derOid(PBES2_OID.prf[prf]))
      : derSequence(derOid(PBES2_OID.prf[prf]), tlv(0x05, new Uint8Array(0)));
  const kdf = derSequence(
    derOid(PBES2_OID.pbkdf2),
    derSequence(
      tlv(TAG.OCTET_STRING, salt),
      derInteger(BigInt(iterations)),
      derInteger(BigInt(keyLen)),
      prfId,
    ),
  );
  const enc = derSequence(derOid(PBES2_OID.cipher[cipher]), tlv(TAG.OCTET_STRING, iv));
  const der = derSequence(
    derSequence(derOid(PBES2_OID.pbes2), derSequence(kdf, enc)),
    tlv(TAG.OCTET_STRING, ct),
  );
  return pem('ENCRYPTED PRIVATE KEY', der);
}

interface Pbes2Params {
  salt: Uint8Array;
  iterations: number;
  keyLen: number | undefined;
  prf: Pbkdf2Prf;
  cipher: Pbes2Cipher;
  iv: Uint8Array;
  data: Uint8Array;
}

/** EncryptedPrivateKeyInfo with PBES2 → its parameters (INVALID_ENCODING / UNSUPPORTED). */
function parseEncrypted(der: Uint8Array): Pbes2Params {
  const r = new DerReader(der);
  const s = r.sequence();
  r.end();
  const alg = s.sequence();
  const data = s.octets();
  s.end();
  const scheme = alg.oid();
  if (scheme !== PBES2_OID.pbes2)
    throw new BukejianError(
      'UNSUPPORTED',
      `"pem" expected PBES2 (1.2.840.113549.1.5.13), got OID ${scheme.slice(0, 40)}`,
    );
  const params = alg.sequence();
  alg.end();
  const kdf = params.sequence();
  const enc = params.sequence();
  params.end();
  const kdfOid = kdf.oid();
  if (kdfOid !== PBES2_OID.pbkdf2)
    throw new BukejianError(
      'UNSUPPORTED',
      `"pem" expected PBKDF2 (1.2.840.113549.1.5.12), got OID ${kdfOid.slice(0, 40)}`,
    );
  const kp = kdf.sequence();
  kdf.end();
  const salt = kp.octets();
  const it = kp.integer(4);
  if (it < 1n || it > BigInt(MAX_ITERATIONS))
    throw new BukejianError(
      'INVALID_ENCODING',
      `"pem" expected PBKDF2 iterations in 1..${MAX_ITERATIONS}, got ${it}`,
    );
  const keyLen = kp.peek() === TAG.INTEGER ? Number(kp.integer(2)) : undefined;
  let prf: Pbkdf2Prf = 'hmacWithSHA1'; // RFC 8018: DEFAULT algid-hmacWithSHA1
  if (!kp.done) {
    const p = kp.sequence();
    prf = byOid(PBES2_OID.prf, p.oid(), 'PBKDF2 PRF');
    if (!p.done) {
      p.read(0x05);
      p.end();
    }
  }
  kp.end();
  const cipher = byOid(PBES2_OID.cipher, enc.oid(), 'cipher');
  const iv = enc.octets();
  enc.end();
  if (iv.length !== 16)
    throw new BukejianError('INVALID_ENCODING', `"pem" expected a 16-byte IV, got ${iv.length}`);
  if (keyLen !== undefined && keyLen !== CIPHER_KEY_BYTES[cipher])
    throw new BukejianError(
      'INVALID_ENCODING',
      `"pem" expected keyLength ${CIPHER_KEY_BYTES[cipher]} for ${cipher}, got ${keyLen}`,
    );
  return { salt, iterations: Number(it), keyLen, prf, cipher, iv, data };
}

function decryptFailed(): BukejianError {
  return new BukejianError(
    'DECRYPT_FAILED',
    '"pem" expected the right password for the encrypted private key, got a key that does not decrypt it',
  );
}

/**
 * Reads an `ENCRYPTED PRIVATE KEY` DER with a password. Malformed envelopes throw
 * INVALID_ENCODING, unknown algorithms UNSUPPORTED, a wrong password DECRYPT_FAILED.
 * @example const k = await decryptPrivateKeyInfo(der, 'correct horse')
 */
export async function decryptPrivateKeyInfo(
  der: Uint8Array,
  password: Uint8Array,
): Promise<PemKey> {
  const p = parseEncrypted(der);
  const key = await pbkdf2(p.prf, password, p.salt, p.iterations, CIPHER_KEY_BYTES[p.cipher]);
  const info = await cbcDecrypt(p.cipher, key, p.iv, p.data);
  zeroize(key);
  if (!info) throw decryptFailed();
  try {
    return parsePrivateKeyInfo(info);
  } catch {
    throw decryptFailed(); // garbage after a lucky padding, or a key not matching its public key
  } finally {
    zeroize(info);
  }
}

/**
 * PEM of a key. Without options: a 32-byte key is written as PKCS#8 `PRIVATE KEY`, a 33/65-byte
 * key as SPKI `PUBLIC KEY` (synchronously). With `{ password }`: a Promise of an
 * `ENCRYPTED PRIVATE KEY` ({@link EncryptPemOptions}); public keys are not encrypted
 * (INVALID_OPTION).
 * @example
 * const { secretKey, publicKey } = keygen()
 * toPem(publicKey)                                          // '-----BEGIN PUBLIC KEY-----…'
 * const locked = await toPem(secretKey, { password: 'correct horse battery' })
 */
export function toPem(key: Uint8Array): string;
export function toPem(key: Uint8Array, opts: EncryptPemOptions): Promise<string>;
export function toPem(key: Uint8Array, opts?: EncryptPemOptions): string | Promise<string> {
  if (opts === undefined) return plainToPem(key);
  return (async () => {
    abytes(key, 'key', [32, 33, 65], 'INVALID_KEY');
    if (key.length !== 32)
      throw new BukejianError(
        'INVALID_OPTION',
        '"opts.password" expected only with a private key, got a public key',
      );
    return encryptedPrivateKeyToPem(key, opts);
  })();
}

/**
 * Reads a PEM key. Without options (synchronously): PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY`
 * or SPKI `PUBLIC KEY` on sm2p256v1; an `ENCRYPTED PRIVATE KEY` throws INVALID_OPTION. With
 * `{ password }`: a Promise, and `ENCRYPTED PRIVATE KEY` (PBES2 with PBKDF2-HMAC-SM3/SHA256/SHA1
 * and SM4-CBC / AES-128/256-CBC) is read too; a wrong password rejects with DECRYPT_FAILED.
 * @example
 * const k = fromPem(readFileSync('key.pem', 'utf8'))
 * const g = await fromPem(readFileSync('gmssl-key.pem', 'utf8'), { password })
 */
export function fromPem(text: string): PemKey;
export function fromPem(text: string, opts: DecryptPemOptions): Promise<PemKey>;
export function fromPem(text: string, opts?: DecryptPemOptions): PemKey | Promise<PemKey> {
  if (opts === undefined) return plainFromPem(text);
  return (async () => {
    const o = aoptions(opts, 'opts', ['password']);
    const password = apassword(o.password);
    const { label, der } = unpem(text);
    if (label !== 'ENCRYPTED PRIVATE KEY') return plainFromPem(text);
    return decryptPrivateKeyInfo(der, password);
  })();
}
