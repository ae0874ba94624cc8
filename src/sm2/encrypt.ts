/**
 * SM2 public-key encryption (GB/T 32918.4-2016 §6 encryption, §7 decryption):
 *   C1 = [k]G, (x2, y2) = [k]P_B, t = KDF(x2 ‖ y2, klen) ≠ 0, C2 = M ⊕ t, C3 = SM3(x2 ‖ M ‖ y2).
 * Encodings: raw C1 ‖ C3 ‖ C2 (GB/T 32918.4-2016, default) or C1 ‖ C2 ‖ C3 (2010 drafts, sm-crypto
 * mode 0) with C1 = 04 ‖ x1 ‖ y1 (input accepted with or without the 04), and GM/T 0009-2012 §7.2
 * DER `SEQUENCE { INTEGER x1, INTEGER y1, OCTET STRING C3, OCTET STRING C2 }` (OpenSSL's format).
 * Decryption fails with one error, DECRYPT_FAILED, whatever went wrong.
 * @module
 */
import { BukejianError } from '../errors.js';
import { kdf, sm3 } from '../sm3.js';
import { concatBytes, equalBytes, zeroize } from '../utils.js';
import { abytes, aoneOf, aoptions, toBytes, type Input } from '../_assert.js';
import {
  affineToBytes,
  fixedToNumber,
  mulBase,
  mulPoint,
  numberToFixed,
  sm2Curve,
  type Sm2Curve,
  type Sm2PointType,
} from './curve.js';
import { DerReader, TAG, derInteger, derSequence, tlv } from './der.js';
import { publicKeyCache } from './cache.js';
import type { Table } from './fast.js';
import { publicPoint, secretScalar } from './keys.js';
import { brokenSource, MAX_DRAWS, randomScalar } from '../_random.js';

/** Ciphertext component order of the raw format. */
export type CipherMode = 'c1c3c2' | 'c1c2c3';

/** Options of {@link encrypt} / {@link decrypt}. */
export interface EncryptOptions {
  /** Raw component order (ignored for DER, whose order is fixed). Default `'c1c3c2'`. */
  mode?: CipherMode;
  /** `'der'` (default, GM/T 0009) or `'raw'`. */
  format?: 'der' | 'raw';
}

/** The three ciphertext components. */
export interface CipherParts {
  c1: Uint8Array; // 04 ‖ x1 ‖ y1
  c2: Uint8Array;
  c3: Uint8Array;
}

function options(opts: EncryptOptions | undefined): { mode: CipherMode; format: 'der' | 'raw' } {
  const o = aoptions(opts, 'opts', ['mode', 'format']);
  return {
    mode: o.mode === undefined ? 'c1c3c2' : aoneOf(o.mode, 'mode', ['c1c3c2', 'c1c2c3'] as const),
    format: o.format === undefined ? 'der' : aoneOf(o.format, 'format', ['der', 'raw'] as const),
  };
}

function allZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/**
 * Internal: encryption with a given nonce source (the known-answer hook passes the standard's k).
 * Returns null when t is all zero for this k (the caller draws another k).
 * @example encryptWithK(curve, P, msg, k) // GB/T 32918.4 Annex A with the printed k
 */
export function encryptWithK(
  curve: Sm2Curve,
  P: Sm2PointType,
  msg: Uint8Array,
  k: bigint,
  table?: Table | null,
): CipherParts | null {
  const L = curve.fieldBytes;
  const C1 = mulBase(curve, k);
  const c1 = affineToBytes(curve, C1.x, C1.y);
  const S = table && curve.fast ? curve.fast.mulSecretTable(k, table) : mulPoint(curve, k, P);
  const xy = affineToBytes(curve, S.x, S.y).subarray(1);
  const t = kdf(xy, msg.length);
  if (allZero(t)) {
    zeroize(xy, t);
    return null;
  }
  const c2 = new Uint8Array(msg.length);
  for (let i = 0; i < msg.length; i++) c2[i] = msg[i]! ^ t[i]!;
  const c3 = sm3
    .create({ backend: 'js' })
    .update(xy.subarray(0, L))
    .update(msg)
    .update(xy.subarray(L))
    .digest();
  zeroize(xy, t);
  return { c1, c2, c3 };
}

/**
 * Encodes ciphertext parts.
 * @example encodeCiphertext(sm2Curve, parts, 'c1c3c2', 'raw')
 */
export function encodeCiphertext(
  curve: Sm2Curve,
  c: CipherParts,
  mode: CipherMode,
  format: 'der' | 'raw',
): Uint8Array {
  if (format === 'raw')
    return mode === 'c1c3c2' ? concatBytes(c.c1, c.c3, c.c2) : concatBytes(c.c1, c.c2, c.c3);
  const L = curve.fieldBytes;
  return derSequence(
    derInteger(fixedToNumber(c.c1.subarray(1, 1 + L))),
    derInteger(fixedToNumber(c.c1.subarray(1 + L))),
    tlv(TAG.OCTET_STRING, c.c3),
    tlv(TAG.OCTET_STRING, c.c2),
  );
}

const FAIL = (): BukejianError =>
  new BukejianError(
    'DECRYPT_FAILED',
    '"ciphertext" expected valid SM2 ciphertext, got one that does not decrypt',
  );

/**
 * Decodes a ciphertext into parts (C1 validated as a curve point); throws DECRYPT_FAILED.
 * @example const { parts, C1 } = decodeCiphertext(sm2Curve, ct, 'c1c3c2', 'der')
 */
export function decodeCiphertext(
  curve: Sm2Curve,
  ct: Uint8Array,
  mode: CipherMode,
  format: 'der' | 'raw',
): { parts: CipherParts; C1: Sm2PointType } {
  const L = curve.fieldBytes;
  const point = (c1: Uint8Array): Sm2PointType | null => {
    try {
      return publicPoint(c1, curve, 'C1');
    } catch {
      return null;
    }
  };
  if (format === 'der') {
    let x: bigint, y: bigint, c3: Uint8Array, c2: Uint8Array;
    try {
      const outer = new DerReader(ct);
      const s = outer.sequence();
      outer.end();
      x = s.integer(L + 1);
      y = s.integer(L + 1);
      c3 = s.octets();
      c2 = s.octets();
      s.end();
    } catch {
      throw FAIL();
    }
    if (x >= curve.params.p || y >= curve.params.p || c3.length !== 32 || c2.length === 0)
      throw FAIL();
    const c1 = concatBytes(Uint8Array.of(4), numberToFixed(x, L), numberToFixed(y, L));
    const C1 = point(c1);
    if (!C1) throw FAIL();
    return { parts: { c1, c2, c3 }, C1 };
  }
  // raw: with the 04 prefix when it parses as a point, otherwise without it
  const split = (body: Uint8Array): { parts: CipherParts; C1: Sm2PointType } | null => {
    if (body.length < 2 * L + 32 + 1) return null;
    const c1 = concatBytes(Uint8Array.of(4), body.subarray(0, 2 * L));
    const C1 = point(c1);
    if (!C1) return null;
    const rest = body.subarray(2 * L);
    const parts =
      mode === 'c1c3c2'
        ? { c1, c3: rest.subarray(0, 32), c2: rest.subarray(32) }
        : { c1, c2: rest.subarray(0, rest.length - 32), c3: rest.subarray(rest.length - 32) };
    return { parts, C1 };
  };
  const got = (ct[0] === 4 ? split(ct.subarray(1)) : null) ?? split(ct);
  if (!got) throw FAIL();
  return got;
}

/**
 * Internal: decryption of validated parts with scalar d on any curve; throws DECRYPT_FAILED.
 * @example decryptCore(sm2Curve, d, C1, parts) // plaintext or DECRYPT_FAILED
 */
export function decryptCore(
  curve: Sm2Curve,
  d: bigint,
  C1: Sm2PointType,
  parts: CipherParts,
): Uint8Array {
  const L = curve.fieldBytes;
  const S = mulPoint(curve, d, C1);
  const xy = affineToBytes(curve, S.x, S.y).subarray(1);
  const t = kdf(xy, parts.c2.length);
  if (allZero(t)) {
    zeroize(xy);
    throw FAIL();
  }
  const m = new Uint8Array(parts.c2.length);
  for (let i = 0; i < m.length; i++) m[i] = parts.c2[i]! ^ t[i]!;
  const u = sm3
    .create({ backend: 'js' })
    .update(xy.subarray(0, L))
    .update(m)
    .update(xy.subarray(L))
    .digest();
  zeroize(xy, t);
  if (!equalBytes(u, parts.c3)) {
    zeroize(m);
    throw FAIL();
  }
  return m;
}

/**
 * Encrypts `plaintext` (string = UTF-8, at least 1 byte) to an SM2 public key.
 * Default output: GM/T 0009 DER, which OpenSSL `pkeyutl -decrypt` reads.
 * @example
 * const ct = sm2.encrypt('身份证号 110101199003071234', publicKey)
 * const raw = sm2.encrypt(data, publicKey, { format: 'raw', mode: 'c1c2c3' }) // 04 ‖ x ‖ y ‖ C2 ‖ C3
 */
export function encrypt(
  plaintext: Input,
  publicKey: Uint8Array,
  opts?: EncryptOptions,
): Uint8Array {
  abytes(publicKey, 'publicKey');
  const entry = publicKeyCache.get(publicKey);
  const m = toBytes(plaintext, 'plaintext');
  if (m.length === 0)
    throw new BukejianError('INVALID_LENGTH', '"plaintext" expected at least 1 byte, got length=0');
  const o = options(opts);
  // A null result (all-zero KDF output) has probability ~2^-256 per k; a bounded retry count keeps
  // a broken random source from looping forever (randomScalar itself throws UNSUPPORTED for one).
  for (let i = 0; i < MAX_DRAWS; i++) {
    const c = encryptWithK(
      sm2Curve,
      entry.point,
      m,
      randomScalar(sm2Curve.params.n - 2n),
      entry.table,
    );
    if (c) return encodeCiphertext(sm2Curve, c, o.mode, o.format);
  }
  return brokenSource();
}

/**
 * Decrypts an SM2 ciphertext. Throws BukejianError('DECRYPT_FAILED') on any failure (bad encoding,
 * C1 not on the curve, all-zero KDF output, C3 mismatch compared in constant time); never returns
 * an empty or partial plaintext.
 * @example
 * const pt = sm2.decrypt(ct, secretKey)                                   // DER
 * const pt2 = sm2.decrypt(raw, secretKey, { format: 'raw', mode: 'c1c2c3' }) // with or without 04
 */
export function decrypt(
  ciphertext: Uint8Array,
  secretKey: Uint8Array,
  opts?: EncryptOptions,
): Uint8Array {
  abytes(ciphertext, 'ciphertext');
  const d = secretScalar(secretKey);
  const o = options(opts);
  const { parts, C1 } = decodeCiphertext(sm2Curve, ciphertext, o.mode, o.format);
  return decryptCore(sm2Curve, d, C1, parts);
}
