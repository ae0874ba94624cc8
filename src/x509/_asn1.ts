/**
 * The X.509 structures through `@peculiar/asn1-schema` / `-x509` / `-csr` (MIT, the PKI.js
 * family; typed classes for every RFC 5280 / RFC 2986 structure, maintained, no native code) and
 * the SM2 specifics around them: SM2-with-SM3 signatures over the exact encoded TBS bytes,
 * SM2 SubjectPublicKeyInfo, distinguished names as text, PEM bundles, strict outer DER.
 * Only the `bukejian/x509` subpath imports these optional peers.
 * @module
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import { BukejianError } from '../errors.js';
import { derOid } from '../sm2/der.js';
import { pem, unpem } from '../sm2/pem.js';
import { sm2 } from '../sm2/index.js';
import { bytesToHex, concatBytes } from '../utils.js';

/** SM2 signature with SM3 (GM/T 0006, RFC 8998 §3.2.1). */
export const OID_SM2_SM3 = '1.2.156.10197.1.501';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_SM2_CURVE = '1.2.156.10197.1.301';
/** GB/T 32918.2 / GM/T 0009 default signer ID, the one GM/T 0015 certificates use. */
export const DEFAULT_ID = '1234567812345678';

export { AsnConvert, OctetString };

/** The bytes of an ArrayBuffer (or view) as a Uint8Array copy. */
export const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof ArrayBuffer
    ? new Uint8Array(b.slice(0))
    : new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/** A fresh ArrayBuffer holding `b`. */
export const ab = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer;

function bad(what: string): never {
  throw new BukejianError('INVALID_ENCODING', `"certificate" expected DER, got ${what}`);
}

/**
 * The complete TLVs of the elements of the outer SEQUENCE of `der` (strict definite lengths),
 * so the signed TBS bytes are exactly those received, not a re-encoding.
 * @example const [tbs, alg, sig] = outerElements(certDer)
 */
export function outerElements(der: Uint8Array): Uint8Array[] {
  const [inner, end] = tlvAt(der, 0, 0x30);
  if (end !== der.length) bad('trailing bytes');
  const out: Uint8Array[] = [];
  for (let p = inner; p < end;) {
    const [, e] = tlvAt(der, p, -1);
    out.push(der.subarray(p, e));
    p = e;
  }
  return out;
}

/** [start of value, end of element] of the TLV at `pos` (tag checked unless -1). */
function tlvAt(b: Uint8Array, pos: number, tag: number): [number, number] {
  if (pos + 2 > b.length) bad('a truncated element');
  if (tag >= 0 && b[pos] !== tag) bad('an unexpected tag');
  if ((b[pos]! & 0x1f) === 0x1f) bad('a multi-byte tag');
  let len = b[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) bad('an indefinite or oversized length');
    if (b[p] === 0) bad('a non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    if (len < 0x80) bad('a non-minimal length');
    p += n;
  }
  if (p + len > b.length) bad('a truncated value');
  return [p, p + len];
}

/** The DER of every `label` block in a PEM text (one or many), or the bytes as one DER. */
export function derList(input: string | Uint8Array, label: string): Uint8Array[] {
  if (input instanceof Uint8Array) return [input];
  if (typeof input !== 'string')
    throw new BukejianError('INVALID_TYPE', `"${label}" expected PEM string or DER bytes`);
  const out: Uint8Array[] = [];
  const marker = `-----BEGIN ${label}-----`;
  for (let i = input.indexOf(marker); i >= 0; i = input.indexOf(marker, i + marker.length)) {
    const end = input.indexOf(`-----END ${label}-----`, i);
    if (end < 0) break;
    out.push(unpem(input.slice(i, end + label.length + 14)).der);
  }
  if (out.length === 0)
    throw new BukejianError(
      'INVALID_ENCODING',
      `"pem" expected -----BEGIN ${label}----- block, got none`,
    );
  return out;
}

export { pem as toPemText };

/** AlgorithmIdentifier SM2-with-SM3, parameters absent (as GmSSL and OpenSSL write it). */
export const sm2Sm3Alg = (): AlgorithmIdentifier =>
  new AlgorithmIdentifier({ algorithm: OID_SM2_SM3 });

/** True for SM2-with-SM3 with absent or NULL parameters. */
export function isSm2Sm3(a: AlgorithmIdentifier): boolean {
  if (a.algorithm !== OID_SM2_SM3) return false;
  const p = a.parameters;
  return p === undefined || p === null || (p.byteLength === 2 && u8(p)[0] === 5);
}

/** SPKI of an SM2 public key: id-ecPublicKey with the sm2p256v1 curve OID, point uncompressed. */
export function sm2Spki(publicKey: Uint8Array): SubjectPublicKeyInfo {
  return new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: ab(derOid(OID_SM2_CURVE)),
    }),
    subjectPublicKey: ab(sm2.keys.decompress(publicKey)),
  });
}

/** The SM2 public key of an SPKI, or undefined for another algorithm or curve or a bad point. */
export function spkiKey(spki: SubjectPublicKeyInfo): Uint8Array | undefined {
  const a = spki.algorithm;
  if (a.algorithm !== OID_EC_PUBLIC_KEY || !a.parameters) return undefined;
  if (bytesToHex(u8(a.parameters)) !== bytesToHex(derOid(OID_SM2_CURVE))) return undefined;
  const pub = u8(spki.subjectPublicKey);
  return sm2.keys.isValidPublicKey(pub) ? sm2.keys.decompress(pub) : undefined;
}

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};
const BY_SHORT: Record<string, string> = Object.fromEntries(
  Object.entries(SHORT).map(([k, v]) => [v.toLowerCase(), k]),
);

const escape = (v: string): string => v.replace(/([\\,+=])/g, '\\$1');

/** A Name as text, attributes in certificate order: `C=CN, O=…, CN=…` (`,` `+` `=` `\` escaped). */
export function nameToString(name: Name): string {
  return name
    .map((rdn) =>
      rdn
        .map((atv) => {
          const k = SHORT[atv.type] ?? atv.type;
          const v = atv.value.anyValue
            ? '#' + bytesToHex(u8(atv.value.anyValue))
            : escape(atv.value.toString());
          return `${k}=${v}`;
        })
        .join('+'),
    )
    .join(', ');
}

/**
 * Parses `C=CN, O=Bukejian, CN=agency-310000` (certificate order; `\,` escapes) into a Name:
 * C as PrintableString, everything else UTF8String (as OpenSSL writes it).
 * @example nameFromString('C=CN, CN=test')
 */
export function nameFromString(text: string): Name {
  if (typeof text !== 'string' || !text.trim())
    throw new BukejianError('INVALID_OPTION', '"subject" expected a name such as "C=CN, CN=…"');
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) cur += c + text[++i];
    else if (c === ',') (parts.push(cur), (cur = ''));
    else cur += c;
  }
  parts.push(cur);
  return new Name(
    parts.map((p) => {
      const m = /^\s*([A-Za-z0-9.]+)\s*=(.*)$/s.exec(p);
      if (!m)
        throw new BukejianError(
          'INVALID_OPTION',
          `"subject" expected TYPE=value, got "${p.trim().slice(0, 40)}"`,
        );
      const type = BY_SHORT[m[1]!.toLowerCase()] ?? (/^\d+(\.\d+)+$/.test(m[1]!) ? m[1]! : '');
      if (!type)
        throw new BukejianError(
          'INVALID_OPTION',
          `"subject" expected a known attribute, got "${m[1]!.slice(0, 20)}"`,
        );
      const value = m[2]!.trim().replace(/\\(.)/g, '$1');
      const v =
        type === '2.5.4.6'
          ? new AttributeValue({ printableString: value })
          : type === '1.2.840.113549.1.9.1' || type === '0.9.2342.19200300.100.1.25'
            ? new AttributeValue({ ia5String: value })
            : new AttributeValue({ utf8String: value });
      return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: v })]);
    }),
  );
}

/** Names equal: identical DER, or the same text after RFC 5280 §7.1-style case/space folding. */
export function sameName(a: Name, b: Name): boolean {
  const da = u8(AsnConvert.serialize(a));
  const db = u8(AsnConvert.serialize(b));
  if (bytesToHex(da) === bytesToHex(db)) return true;
  const fold = (n: Name) => nameToString(n).toLowerCase().replace(/\s+/g, ' ');
  return fold(a) === fold(b);
}

/** DER SEQUENCE { tbs, alg, BIT STRING sig } around already-encoded parts. */
export function signedDer(tbs: Uint8Array, sig: Uint8Array): Uint8Array {
  const alg = u8(AsnConvert.serialize(sm2Sm3Alg()));
  const bits = concatBytes(Uint8Array.of(0x03), len(sig.length + 1), Uint8Array.of(0), sig);
  const body = concatBytes(tbs, alg, bits);
  return concatBytes(Uint8Array.of(0x30), len(body.length), body);
}

function len(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const b: number[] = [];
  for (let l = n; l > 0; l = Math.floor(l / 256)) b.unshift(l & 0xff);
  return Uint8Array.of(0x80 | b.length, ...b);
}
