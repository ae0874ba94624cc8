/**
 * PKCS#10 certification requests (RFC 2986) with SM2 keys, signed SM2-with-SM3 by the key they
 * carry (proof of possession), with the requester's signer ID (default `1234567812345678`).
 * @module
 */
import {
  Attributes,
  CertificationRequest as AsnRequest,
  CertificationRequestInfo,
} from '@peculiar/asn1-csr';
import { BukejianError } from '../errors.js';
import { abytes, aoptions } from '../_assert.js';
import { sm2 } from '../sm2/index.js';
import {
  AsnConvert,
  DEFAULT_ID,
  derList,
  isSm2Sm3,
  nameFromString,
  nameToString,
  outerElements,
  signedDer,
  sm2Spki,
  spkiKey,
  toPemText,
  u8,
} from './_asn1.js';

/** A parsed PKCS#10 request. */
export interface CertificationRequest {
  /** The request's DER bytes. */
  der: Uint8Array;
  /** Subject name as text, in request order (`C=CN, O=…, CN=…`). */
  subject: string;
  /** 65-byte SM2 public key, or undefined when the key is not an sm2p256v1 key. */
  publicKey: Uint8Array | undefined;
  /** OID of the signature algorithm. */
  signatureAlgorithm: string;
  /** The exact signed CertificationRequestInfo bytes. */
  info: Uint8Array;
  /** The signature value. */
  signature: Uint8Array;
  /** @internal the parsed ASN.1. */
  readonly asn: AsnRequest;
}

/**
 * Parses one request (PEM `CERTIFICATE REQUEST` or DER); INVALID_ENCODING when malformed.
 * @example const req = parseRequest(readFileSync('agency.csr', 'utf8'))
 */
export function parseRequest(input: string | Uint8Array): CertificationRequest {
  const der = new Uint8Array(derList(input, 'CERTIFICATE REQUEST')[0]!);
  let asn: AsnRequest;
  let parts: Uint8Array[];
  try {
    parts = outerElements(der);
    asn = AsnConvert.parse(der, AsnRequest);
  } catch (e) {
    if (e instanceof BukejianError) throw e;
    throw new BukejianError('INVALID_ENCODING', '"request" expected a PKCS#10 request', {
      cause: e,
    });
  }
  if (parts.length !== 3)
    throw new BukejianError('INVALID_ENCODING', '"request" expected 3 elements');
  const info = asn.certificationRequestInfo;
  return Object.freeze({
    der,
    subject: nameToString(info.subject),
    publicKey: spkiKey(info.subjectPKInfo),
    signatureAlgorithm: asn.signatureAlgorithm.algorithm,
    info: parts[0]!,
    signature: u8(asn.signature),
    asn,
  });
}

/**
 * True when the request is signed SM2-with-SM3 by the SM2 key inside it, under `userId`.
 * @example verifyRequest(req) // default ID 1234567812345678
 */
export function verifyRequest(
  req: CertificationRequest,
  opts?: { userId?: string | Uint8Array },
): boolean {
  const o = aoptions(opts, 'opts', ['userId']);
  if (!req.publicKey || !isSm2Sm3(req.asn.signatureAlgorithm)) return false;
  return sm2.verify(req.signature, req.info, req.publicKey, { userId: o.userId ?? DEFAULT_ID });
}

/** Options of `x509.createRequest`. */
export interface CreateRequestOptions {
  /** Subject name, certificate order: `C=CN, O=…, CN=…`. */
  subject: string;
  /** The requester's 32-byte SM2 secret key (its public key goes into the request). */
  secretKey: Uint8Array;
  /** Signer ID (default `1234567812345678`); the CA must be told it to verify the request. */
  userId?: string | Uint8Array;
}

/**
 * A PKCS#10 request for an SM2 key, signed by that key. Returns the parsed request (`.der`).
 * @example const req = createRequest({ subject: 'C=CN, O=某市数据局, CN=agency-310000', secretKey })
 */
export function createRequest(opts: CreateRequestOptions): CertificationRequest {
  const o = aoptions(opts, 'opts', ['subject', 'secretKey', 'userId']);
  const sk = abytes(o.secretKey, 'opts.secretKey', 32, 'INVALID_KEY');
  const info = new CertificationRequestInfo({
    version: 0,
    subject: nameFromString(o.subject as string),
    subjectPKInfo: sm2Spki(sm2.getPublicKey(sk)),
    attributes: new Attributes(),
  });
  const infoDer = u8(AsnConvert.serialize(info));
  const sig = sm2.sign(infoDer, sk, { userId: o.userId ?? DEFAULT_ID });
  return parseRequest(signedDer(infoDer, sig));
}

/** PEM text of a request. @example requestToPem(req) */
export function requestToPem(req: CertificationRequest): string {
  return toPemText('CERTIFICATE REQUEST', req.der);
}
