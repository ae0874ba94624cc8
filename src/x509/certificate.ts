/**
 * X.509 v3 certificates with SM2 keys (RFC 5280 structure, GM/T 0015 profile): parsing into
 * plain data, and issuing (self-signed roots, CAs and leaves for test CAs and internal PKIs),
 * signed SM2-with-SM3 over the TBS bytes with the issuer's signer ID.
 * @module
 */
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate as AsnCertificate,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  SubjectKeyIdentifier,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  type Name,
} from '@peculiar/asn1-x509';
import { BukejianError } from '../errors.js';
import { abytes, aoptions } from '../_assert.js';
import { sm2 } from '../sm2/index.js';
import { sm3 } from '../sm3.js';
import { bytesToHex, hexToBytes, randomBytes } from '../utils.js';
import {
  AsnConvert,
  DEFAULT_ID,
  OctetString,
  ab,
  derList,
  isSm2Sm3,
  nameFromString,
  nameToString,
  outerElements,
  signedDer,
  sm2Sm3Alg,
  sm2Spki,
  spkiKey,
  toPemText,
  u8,
} from './_asn1.js';
import { parseRequest, verifyRequest, type CertificationRequest } from './request.js';

/** Key usage names (RFC 5280 §4.2.1.3). */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const USAGE_FLAGS: [KeyUsageName, number][] = [
  ['digitalSignature', KeyUsageFlags.digitalSignature],
  ['nonRepudiation', KeyUsageFlags.nonRepudiation],
  ['keyEncipherment', KeyUsageFlags.keyEncipherment],
  ['dataEncipherment', KeyUsageFlags.dataEncipherment],
  ['keyAgreement', KeyUsageFlags.keyAgreement],
  ['keyCertSign', KeyUsageFlags.keyCertSign],
  ['cRLSign', KeyUsageFlags.cRLSign],
  ['encipherOnly', KeyUsageFlags.encipherOnly],
  ['decipherOnly', KeyUsageFlags.decipherOnly],
];

/** A parsed certificate: plain data plus the exact DER it came from. */
export interface Certificate {
  /** The certificate's DER bytes. */
  der: Uint8Array;
  /** 1 or 3 (X.509 version). */
  version: number;
  /** Serial number, lowercase hex (without the DER sign byte), as `openssl x509 -serial` shows it. */
  serialNumber: string;
  /** Subject name as text, in certificate order (`C=CN, O=…, CN=…`). */
  subject: string;
  /** Issuer name as text. */
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** 65-byte SM2 public key, or undefined when the key is not an sm2p256v1 key. */
  publicKey: Uint8Array | undefined;
  /** OID of the signature algorithm (SM2-with-SM3 is 1.2.156.10197.1.501). */
  signatureAlgorithm: string;
  /** basicConstraints, if present: cA and the optional pathLenConstraint. */
  basicConstraints: { ca: boolean; pathLen?: number } | undefined;
  /** keyUsage bits set, if the extension is present. */
  keyUsage: KeyUsageName[] | undefined;
  /** subjectKeyIdentifier (hex), if present. */
  subjectKeyId: string | undefined;
  /** authorityKeyIdentifier keyIdentifier (hex), if present. */
  authorityKeyId: string | undefined;
  /** Every extension: OID and criticality. */
  extensions: { oid: string; critical: boolean }[];
  /** The exact signed TBSCertificate bytes. */
  tbs: Uint8Array;
  /** The signature value (DER SEQUENCE { r, s } for SM2). */
  signature: Uint8Array;
  /** @internal the parsed ASN.1 (names for chaining). */
  readonly asn: AsnCertificate;
}

/** 16 random bytes as a positive, minimally encoded DER INTEGER (first byte 0x40..0x7f). */
function randomSerial(): Uint8Array {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x3f) | 0x40;
  return b;
}

/**
 * A caller's serial (big-endian unsigned) as DER INTEGER content: leading zero bytes removed
 * (DER is minimal; OpenSSL refuses padded integers) and a 0x00 sign byte before a high bit.
 * RFC 5280 §4.1.2.2: positive, at most 20 octets.
 */
function derPositive(serial: Uint8Array): Uint8Array {
  let i = 0;
  while (i < serial.length && serial[i] === 0) i++;
  const v = serial.subarray(i);
  const out = new Uint8Array(v.length + (v[0]! >= 0x80 ? 1 : 0));
  out.set(v, out.length - v.length);
  if (v.length === 0 || out.length > 20)
    throw new BukejianError(
      'INVALID_OPTION',
      `"opts.serialNumber" expected a positive integer of at most 20 DER octets`,
    );
  return out;
}

/** Hex of a serial number without the sign byte DER adds before a high bit. */
function serialHex(b: Uint8Array): string {
  return bytesToHex(b.length > 1 && b[0] === 0 && b[1]! & 0x80 ? b.subarray(1) : b);
}

function ext<T>(exts: Extensions | undefined, oid: string, type: new () => T): T | undefined {
  const e = exts?.find((x) => x.extnID === oid);
  return e ? AsnConvert.parse(e.extnValue, type) : undefined;
}

/**
 * Parses one certificate (PEM `CERTIFICATE` or DER). Malformed input throws INVALID_ENCODING.
 * @example const cert = parseCertificate(readFileSync('agency.pem', 'utf8'))
 */
export function parseCertificate(input: string | Uint8Array): Certificate {
  const der = new Uint8Array(derList(input, 'CERTIFICATE')[0]!);
  let asn: AsnCertificate;
  let parts: Uint8Array[];
  try {
    parts = outerElements(der);
    asn = AsnConvert.parse(der, AsnCertificate);
  } catch (e) {
    if (e instanceof BukejianError) throw e;
    throw new BukejianError('INVALID_ENCODING', '"certificate" expected an X.509 certificate', {
      cause: e,
    });
  }
  if (parts.length !== 3)
    throw new BukejianError('INVALID_ENCODING', '"certificate" expected 3 elements');
  const t = asn.tbsCertificate;
  const bc = ext(t.extensions, id_ce_basicConstraints, BasicConstraints);
  const ku = ext(t.extensions, id_ce_keyUsage, KeyUsage);
  const ski = ext(t.extensions, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier);
  const aki = ext(t.extensions, id_ce_authorityKeyIdentifier, AuthorityKeyIdentifier);
  const kuBits = ku ? ku.toNumber() : 0;
  const sigAlg = isSm2Sm3(t.signature) && isSm2Sm3(asn.signatureAlgorithm) ? 1 : 0;
  return Object.freeze({
    der,
    version: t.version + 1,
    serialNumber: serialHex(u8(t.serialNumber)),
    subject: nameToString(t.subject),
    issuer: nameToString(t.issuer),
    notBefore: t.validity.notBefore.getTime(),
    notAfter: t.validity.notAfter.getTime(),
    publicKey: spkiKey(t.subjectPublicKeyInfo),
    signatureAlgorithm: sigAlg ? asn.signatureAlgorithm.algorithm : `${t.signature.algorithm}`,
    basicConstraints: bc
      ? bc.pathLenConstraint === undefined
        ? { ca: bc.cA }
        : { ca: bc.cA, pathLen: bc.pathLenConstraint }
      : undefined,
    keyUsage: ku ? USAGE_FLAGS.filter(([, f]) => kuBits & f).map(([n]) => n) : undefined,
    subjectKeyId: ski ? bytesToHex(u8(ski.buffer)) : undefined,
    authorityKeyId: aki?.keyIdentifier ? bytesToHex(u8(aki.keyIdentifier.buffer)) : undefined,
    extensions: Array.from(t.extensions ?? [], (e) => ({ oid: e.extnID, critical: !!e.critical })),
    tbs: parts[0]!,
    signature: u8(asn.signatureValue),
    asn,
  });
}

/** The PEM text of a parsed certificate. @example certificateToPem(cert) */
export function certificateToPem(cert: Certificate): string {
  return toPemText('CERTIFICATE', cert.der);
}

/** Options of `x509.createCertificate`. */
export interface CreateCertificateOptions {
  /** Subject name (`C=CN, O=…, CN=…`); with `request`, taken from the request instead. */
  subject?: string;
  /** Subject SM2 public key; with `request`, taken from the request instead. */
  publicKey?: Uint8Array;
  /** A PKCS#10 request (PEM, DER or parsed) whose signature is checked first (INVALID_DATA). */
  request?: string | Uint8Array | CertificationRequest;
  /** Signer ID the request was signed with (default `1234567812345678`). */
  requestUserId?: string | Uint8Array;
  /** The issuing CA's certificate; omitted → self-signed (issuer = subject, key = issuerKey's). */
  issuer?: string | Uint8Array | Certificate;
  /** The issuer's 32-byte SM2 secret key (required). */
  issuerKey: Uint8Array;
  /** The issuer's signer ID for the certificate signature (default `1234567812345678`). */
  userId?: string | Uint8Array;
  /** Serial number bytes (default 16 random bytes, positive). */
  serialNumber?: Uint8Array;
  /** Start of validity (default now). */
  notBefore?: Date;
  /** End of validity (default `notBefore` + 365 days). */
  notAfter?: Date;
  /** A CA certificate: `true`, or `{ pathLen }` to bound the CAs below it. Default false. */
  ca?: boolean | { pathLen: number };
  /** keyUsage bits; default `keyCertSign, cRLSign` for a CA, `digitalSignature` otherwise. */
  keyUsage?: KeyUsageName[];
}

const keyId = (publicKey: Uint8Array): Uint8Array => sm3(publicKey).subarray(0, 20);

function extension(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID: oid,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

/**
 * Issues a certificate signed SM2-with-SM3 by `issuerKey` (see {@link CreateCertificateOptions}):
 * a self-signed root without `issuer`, else a certificate under the given CA. Returns the parsed
 * certificate (`.der`; PEM with `x509.toPem`).
 * @example
 * const root = createCertificate({ subject: 'C=CN, CN=Test Root', publicKey: rootPub, issuerKey: rootSk, ca: true })
 */
export function createCertificate(opts: CreateCertificateOptions): Certificate {
  const o = aoptions(opts, 'opts', [
    'subject',
    'publicKey',
    'request',
    'requestUserId',
    'issuer',
    'issuerKey',
    'userId',
    'serialNumber',
    'notBefore',
    'notAfter',
    'ca',
    'keyUsage',
  ]);
  const issuerKey = abytes(o.issuerKey, 'opts.issuerKey', 32, 'INVALID_KEY');
  const issuerPub = sm2.getPublicKey(issuerKey);
  let subjectName: Name;
  let publicKey: Uint8Array;
  if (o.request !== undefined) {
    const req =
      typeof o.request === 'string' || o.request instanceof Uint8Array
        ? parseRequest(o.request)
        : o.request;
    if (!verifyRequest(req, { userId: o.requestUserId }))
      throw new BukejianError(
        'INVALID_DATA',
        '"opts.request" expected a request signed by its own key, got a bad signature',
      );
    subjectName = req.asn.certificationRequestInfo.subject;
    publicKey = req.publicKey!;
  } else {
    subjectName = nameFromString(o.subject as string);
    publicKey = sm2.keys.decompress(abytes(o.publicKey, 'opts.publicKey'));
  }
  let issuerName = subjectName;
  let akid = keyId(publicKey);
  if (o.issuer !== undefined) {
    const ic =
      typeof o.issuer === 'string' || o.issuer instanceof Uint8Array
        ? parseCertificate(o.issuer)
        : o.issuer;
    if (!ic.publicKey || bytesToHex(ic.publicKey) !== bytesToHex(issuerPub))
      throw new BukejianError(
        'INVALID_KEY',
        '"opts.issuerKey" expected the key of the issuer certificate, got another key',
      );
    issuerName = ic.asn.tbsCertificate.subject;
    akid = ic.subjectKeyId ? hexToBytes(ic.subjectKeyId) : keyId(ic.publicKey);
  } else if (bytesToHex(publicKey) !== bytesToHex(issuerPub)) {
    throw new BukejianError(
      'INVALID_KEY',
      '"opts.issuerKey" expected the subject key for a self-signed certificate, got another key',
    );
  }
  const notBefore = o.notBefore ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = o.notAfter ?? new Date(notBefore.getTime() + 365 * 86_400_000);
  if (!(notBefore instanceof Date) || !(notAfter instanceof Date) || !(notAfter > notBefore))
    throw new BukejianError('INVALID_OPTION', '"opts.notAfter" expected a Date after notBefore');
  const isCa = o.ca !== undefined && o.ca !== false;
  const pathLen = typeof o.ca === 'object' ? o.ca.pathLen : undefined;
  if (pathLen !== undefined && !(Number.isSafeInteger(pathLen) && pathLen >= 0))
    throw new BukejianError('INVALID_OPTION', '"opts.ca.pathLen" expected an integer >= 0');
  const usage = o.keyUsage ?? (isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']);
  let bits = 0;
  for (const u of usage) {
    const f = USAGE_FLAGS.find(([n]) => n === u);
    if (!f) throw new BukejianError('INVALID_OPTION', `"opts.keyUsage" expected key usage names`);
    bits |= f[1];
  }
  const serialBytes = o.serialNumber
    ? derPositive(abytes(o.serialNumber, 'opts.serialNumber'))
    : randomSerial();
  const exts = [
    ...(isCa
      ? [
          extension(
            id_ce_basicConstraints,
            true,
            new BasicConstraints({ cA: true, pathLenConstraint: pathLen }),
          ),
        ]
      : []),
    extension(id_ce_keyUsage, true, new KeyUsage(bits)),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(publicKey))),
    ...(o.issuer !== undefined
      ? [
          extension(
            id_ce_authorityKeyIdentifier,
            false,
            new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(akid) }),
          ),
        ]
      : []),
  ];
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: ab(serialBytes),
    signature: sm2Sm3Alg(),
    issuer: issuerName,
    validity: new Validity({ notBefore, notAfter }),
    subject: subjectName,
    subjectPublicKeyInfo: sm2Spki(publicKey),
    extensions: new Extensions(exts),
  });
  const tbsDer = u8(AsnConvert.serialize(tbs));
  const sig = sm2.sign(tbsDer, issuerKey, { userId: o.userId ?? DEFAULT_ID });
  return parseCertificate(signedDer(tbsDer, sig));
}
