/**
 * `bukejian/x509`: SM2 certificates and certification requests as Chinese government CAs issue
 * them (X.509 v3 / PKCS#10 with sm2p256v1 keys and SM2-with-SM3 signatures, OID
 * 1.2.156.10197.1.501, GM/T 0015 profile): parse, verify a chain to given trust anchors, create
 * requests and certificates for test CAs and internal PKIs. Signatures use the signer ID
 * `1234567812345678` unless told otherwise (GM/T 0015, RFC 8998). RSA and ECDSA certificates are
 * out of scope (they parse, but a chain through one fails with UNSUPPORTED_ALGORITHM).
 *
 * Needs the optional peer dependencies `@peculiar/asn1-schema`, `@peculiar/asn1-x509` and
 * `@peculiar/asn1-csr` (`npm i @peculiar/asn1-schema @peculiar/asn1-x509 @peculiar/asn1-csr`);
 * no other subpath loads them. One frozen namespace `x509`.
 * @module
 */
import { certificateToPem, createCertificate, parseCertificate } from './certificate.js';
import { createRequest, parseRequest, requestToPem, verifyRequest } from './request.js';
import { verifyChain } from './verify.js';
import type { Certificate } from './certificate.js';
import type { CertificationRequest } from './request.js';

export type { Certificate, CreateCertificateOptions, KeyUsageName } from './certificate.js';
export type { CertificationRequest, CreateRequestOptions } from './request.js';
export type { ChainFailure, ChainResult, VerifyChainOptions } from './verify.js';

/**
 * PEM of a parsed certificate or request.
 * @example toPem(x509.parseCertificate(der))
 */
function toPem(obj: Certificate | CertificationRequest): string {
  return 'tbs' in obj ? certificateToPem(obj) : requestToPem(obj);
}

/**
 * SM2 X.509 in one frozen object:
 *
 * - `parseCertificate(pemOrDer)`, `parseRequest(pemOrDer)`: plain data ({@link Certificate},
 *   {@link CertificationRequest}); INVALID_ENCODING when malformed
 * - `verifyChain(leaf, { anchors, intermediates?, time?, userId? })`: `{ ok: true, path }` or
 *   `{ ok: false, reason, index, subject }` ({@link ChainResult})
 * - `verifyRequest(req, { userId? })`: the request's proof of possession
 * - `createRequest({ subject, secretKey, userId? })`, `createCertificate({ … })`, `toPem(obj)`
 * @example
 * import { x509 } from 'bukejian/x509'
 * import { sm2 } from 'bukejian/sm2'
 * const root = sm2.keygen()
 * const ca = x509.createCertificate({
 *   subject: 'C=CN, O=某市大数据局, CN=Test Root', publicKey: root.publicKey,
 *   issuerKey: root.secretKey, ca: { pathLen: 0 },
 * })
 * const agency = sm2.keygen()
 * const req = x509.createRequest({ subject: 'C=CN, CN=agency-310000', secretKey: agency.secretKey })
 * const cert = x509.createCertificate({ request: req, issuer: ca, issuerKey: root.secretKey })
 * x509.verifyChain(cert, { anchors: [ca] }) // { ok: true, path: [cert, ca] }
 */
export const x509 = /* @__PURE__ */ Object.freeze({
  /**
   * `parseCertificate(input)`: one X.509 certificate from PEM (`CERTIFICATE`, the first block)
   * or DER into a {@link Certificate}; INVALID_ENCODING when malformed.
   */
  parseCertificate,
  /**
   * `parseRequest(input)`: one PKCS#10 request from PEM (`CERTIFICATE REQUEST`) or DER into a
   * {@link CertificationRequest}; INVALID_ENCODING when malformed.
   */
  parseRequest,
  /**
   * `verifyChain(leaf, opts)`: validates the path from `leaf` through `opts.intermediates` to one
   * of `opts.anchors` ({@link VerifyChainOptions}): names, SM2-with-SM3 signatures under
   * `userId`, validity at `time`, basicConstraints, keyUsage, critical extensions. Returns
   * {@link ChainResult}; throws only for the caller's own bad options (INVALID_OPTION without
   * anchors).
   */
  verifyChain,
  /** `verifyRequest(req, { userId? })`: true when the request is signed by its own SM2 key. */
  verifyRequest,
  /**
   * `createRequest({ subject, secretKey, userId? })`: a PKCS#10 request signed by the key
   * ({@link CreateRequestOptions}).
   */
  createRequest,
  /**
   * `createCertificate(opts)`: a certificate signed by `issuerKey`, self-signed without `issuer`
   * ({@link CreateCertificateOptions}); from a `request` (its signature checked first) or a
   * `subject` + `publicKey`.
   */
  createCertificate,
  /** `toPem(certOrRequest)`: the PEM text (`CERTIFICATE` or `CERTIFICATE REQUEST`). */
  toPem,
  /** The OID of SM2-with-SM3 signatures, `'1.2.156.10197.1.501'`. */
  OID_SM2_SM3: '1.2.156.10197.1.501' as const,
});
