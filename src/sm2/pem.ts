/**
 * SM2 keys as PEM, in the shapes `openssl genpkey -algorithm SM2` and `openssl pkey -pubout` write:
 * PKCS#8 `PRIVATE KEY` (RFC 5208 / RFC 5915 ECPrivateKey inside) and SPKI `PUBLIC KEY` (RFC 5480),
 * both with algorithm id-ecPublicKey (1.2.840.10045.2.1) and curve OID 1.2.156.10197.1.301.
 * SEC1 `EC PRIVATE KEY` PEM is also read. Parsing is strict DER; foreign curves are rejected.
 * @module
 */
import { BukejianError } from '../errors.js';
import { abytes, astring } from '../_assert.js';
import { b64decode, b64encode } from '../_base64.js';
import { fixedToNumber, mulBasePoint, numberToFixed, sm2Curve } from './curve.js';
import { DerReader, TAG, derInteger, derOid, derSequence, tlv } from './der.js';
import { publicPoint, secretScalar } from './keys.js';

/**
 * id-ecPublicKey (RFC 5480).
 * @example derOid(OID_EC_PUBLIC_KEY)
 */
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
/**
 * The SM2 curve sm2p256v1 (GM/T 0006).
 * @example derOid(OID_SM2)
 */
export const OID_SM2 = '1.2.156.10197.1.301';

/** A key read from PEM. */
export type PemKey =
  | { type: 'private'; secretKey: Uint8Array; publicKey: Uint8Array }
  | { type: 'public'; publicKey: Uint8Array };

function pemBody(s: string): Uint8Array {
  const out = b64decode(s);
  if (out) return out;
  throw new BukejianError(
    'INVALID_ENCODING',
    '"pem" expected base64 body, got invalid characters or length',
  );
}

/** PEM armour of DER bytes, 64 base64 characters a line. @example pem('PRIVATE KEY', der) */
export function pem(label: string, der: Uint8Array): string {
  const body = b64encode(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

function algorithm(): Uint8Array {
  return derSequence(derOid(OID_EC_PUBLIC_KEY), derOid(OID_SM2));
}

/**
 * PKCS#8 PrivateKeyInfo DER of a secret key (RFC 5915 ECPrivateKey with the public key inside).
 * @example const der = privateKeyInfo(secretKey)
 */
export function privateKeyInfo(secretKey: Uint8Array): Uint8Array {
  const d = secretScalar(secretKey);
  const pub = mulBasePoint(sm2Curve, d).toBytes(false);
  const ecPrivateKey = derSequence(
    derInteger(1n),
    tlv(TAG.OCTET_STRING, numberToFixed(d, 32)),
    tlv(0xa1, tlv(TAG.BIT_STRING, Uint8Array.from([0, ...pub]))),
  );
  return derSequence(derInteger(0n), algorithm(), tlv(TAG.OCTET_STRING, ecPrivateKey));
}

/**
 * PKCS#8 PEM of a secret key (with the public key inside, as OpenSSL writes it).
 * @example
 * const pem = privateKeyToPem(secretKey) // '-----BEGIN PRIVATE KEY-----…'
 */
export function privateKeyToPem(secretKey: Uint8Array): string {
  return pem('PRIVATE KEY', privateKeyInfo(secretKey));
}

/**
 * SPKI PEM of a public key (written uncompressed).
 * @example
 * const pem = publicKeyToPem(publicKey) // '-----BEGIN PUBLIC KEY-----…'
 */
export function publicKeyToPem(publicKey: Uint8Array): string {
  const pub = publicPoint(publicKey).toBytes(false);
  return pem(
    'PUBLIC KEY',
    derSequence(algorithm(), tlv(TAG.BIT_STRING, Uint8Array.from([0, ...pub]))),
  );
}

/**
 * PEM of a key: a 32-byte key is written as PKCS#8 `PRIVATE KEY`, a 33/65-byte key as SPKI `PUBLIC KEY`.
 * @example
 * const { secretKey, publicKey } = keygen()
 * plainToPem(secretKey); plainToPem(publicKey)
 */
export function plainToPem(key: Uint8Array): string {
  abytes(key, 'key', [32, 33, 65], 'INVALID_KEY');
  return key.length === 32 ? privateKeyToPem(key) : publicKeyToPem(key);
}

function checkAlgorithm(r: DerReader): void {
  const alg = r.sequence();
  if (alg.oid() !== OID_EC_PUBLIC_KEY)
    throw new BukejianError('INVALID_KEY', '"pem" expected id-ecPublicKey, got another algorithm');
  if (alg.oid() !== OID_SM2)
    throw new BukejianError(
      'INVALID_KEY',
      '"pem" expected curve 1.2.156.10197.1.301, got another curve',
    );
  alg.end();
}

/** RFC 5915 ECPrivateKey → secret key (and the public key derived from it, checked against [1] if present). */
function parseEcPrivateKey(der: Uint8Array, outerCurveChecked: boolean): PemKey {
  const r = new DerReader(der);
  const s = r.sequence();
  r.end();
  if (s.integer() !== 1n)
    throw new BukejianError('INVALID_ENCODING', '"pem" expected ECPrivateKey version 1, got other');
  const dBytes = s.octets();
  if (dBytes.length > 32)
    throw new BukejianError('INVALID_KEY', '"pem" expected 32-byte private key, got longer');
  const secretKey = numberToFixed(fixedToNumber(dBytes), 32);
  const d = secretScalar(secretKey);
  if (s.peek() === 0xa0) {
    const params = new DerReader(s.read(0xa0));
    if (params.oid() !== OID_SM2)
      throw new BukejianError(
        'INVALID_KEY',
        '"pem" expected curve 1.2.156.10197.1.301, got another curve',
      );
    params.end();
  } else if (!outerCurveChecked) {
    throw new BukejianError('INVALID_KEY', '"pem" expected curve parameters, got none');
  }
  const publicKey = mulBasePoint(sm2Curve, d).toBytes(false);
  if (s.peek() === 0xa1) {
    const inner = new DerReader(s.read(0xa1));
    const pub = inner.bits();
    inner.end();
    const given = publicPoint(pub, sm2Curve, 'pem public key');
    if (!given.equals(sm2Curve.Point.fromBytes(publicKey))) {
      throw new BukejianError(
        'INVALID_KEY',
        '"pem" expected public key matching the private key, got mismatch',
      );
    }
  }
  s.end();
  return { type: 'private', secretKey, publicKey };
}

/**
 * The label and DER body of the first PEM block of `text` (INVALID_ENCODING when there is none).
 * @example const { label, der } = unpem(text)
 */
export function unpem(text: string): { label: string; der: Uint8Array } {
  astring(text, 'pem');
  // Located with indexOf, not a lazy regex with a back-reference: that one rescans the rest of
  // the text from every "-----BEGIN", quadratic on hostile input (216 KB took 0.85 s).
  const begin = text.indexOf('-----BEGIN ');
  const labelEnd = begin < 0 ? -1 : text.indexOf('-----', begin + 11);
  const label = labelEnd < 0 ? '' : text.slice(begin + 11, labelEnd);
  const end = /^[A-Z ]{1,40}$/.test(label)
    ? text.indexOf(`-----END ${label}-----`, labelEnd + 5)
    : -1;
  if (end < 0)
    throw new BukejianError('INVALID_ENCODING', '"pem" expected -----BEGIN …----- block, got none');
  const der = pemBody(text.slice(labelEnd + 5, end).replace(/\s+/g, ''));
  return { label, der };
}

/**
 * Parses an unencrypted PKCS#8 PrivateKeyInfo on sm2p256v1 (strict DER; the embedded public key,
 * if any, must match the private key).
 * @example const k = parsePrivateKeyInfo(der)
 */
export function parsePrivateKeyInfo(der: Uint8Array): PemKey {
  const r = new DerReader(der);
  const s = r.sequence();
  r.end();
  if (s.integer() !== 0n)
    throw new BukejianError('INVALID_ENCODING', '"pem" expected PKCS#8 version 0, got other');
  checkAlgorithm(s);
  const inner = s.octets();
  if (s.peek() === 0xa0) s.read(0xa0); // optional PKCS#8 attributes: ignored
  s.end();
  return parseEcPrivateKey(inner, true);
}

/**
 * Reads an unencrypted PEM key: PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or SPKI `PUBLIC KEY`
 * on sm2p256v1. Other curves/algorithms throw INVALID_KEY; malformed DER or base64 throws
 * INVALID_ENCODING; an `ENCRYPTED PRIVATE KEY` throws INVALID_OPTION (it needs a password).
 * @example
 * const k = plainFromPem(readFileSync('key.pem', 'utf8'))
 */
export function plainFromPem(text: string): PemKey {
  const { label, der } = unpem(text);
  if (label === 'PUBLIC KEY') {
    const r = new DerReader(der);
    const s = r.sequence();
    r.end();
    checkAlgorithm(s);
    const pub = s.bits();
    s.end();
    return {
      type: 'public',
      publicKey: publicPoint(pub, sm2Curve, 'pem public key').toBytes(false),
    };
  }
  if (label === 'PRIVATE KEY') return parsePrivateKeyInfo(der);
  if (label === 'EC PRIVATE KEY') return parseEcPrivateKey(der, false);
  if (label === 'ENCRYPTED PRIVATE KEY')
    throw new BukejianError(
      'INVALID_OPTION',
      '"opts.password" expected for an ENCRYPTED PRIVATE KEY, got none',
    );
  throw new BukejianError(
    'INVALID_KEY',
    `"pem" expected PRIVATE KEY, ENCRYPTED PRIVATE KEY, EC PRIVATE KEY or PUBLIC KEY, got ${label.slice(0, 24)}`,
  );
}
