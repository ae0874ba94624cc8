/**
 * Certification path validation for SM2 certificates (a subset of RFC 5280 §6): from the leaf
 * up through the given intermediates to one of the given trust anchors, checking at every step
 * name chaining (issuer = subject), the SM2-with-SM3 signature under the issuer's signer ID,
 * validity dates, basicConstraints (cA, pathLenConstraint) and keyUsage (keyCertSign for CAs,
 * digitalSignature for the leaf when the extension is present), and refusing unknown critical
 * extensions. Not covered: revocation (CRL/OCSP), name constraints and policies (a certificate
 * marking them critical fails), RSA/ECDSA certificates (UNSUPPORTED_ALGORITHM).
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions } from '../_assert.js';
import { sm2 } from '../sm2/index.js';
import { bytesToHex, utf8ToBytes } from '../utils.js';
import { DEFAULT_ID, derList, isSm2Sm3, sameName } from './_asn1.js';
import { parseCertificate, type Certificate } from './certificate.js';

/** Why a chain does not verify. */
export type ChainFailure =
  | 'MALFORMED' // a certificate that does not parse
  | 'UNSUPPORTED_ALGORITHM' // not SM2-with-SM3 / not an sm2p256v1 key
  | 'BAD_SIGNATURE' // the issuer's key does not verify the signature (tampered)
  | 'USER_ID_MISMATCH' // the signature verifies, but under another signer ID than the one given
  | 'EXPIRED' // time after notAfter
  | 'NOT_YET_VALID' // time before notBefore
  | 'NOT_CA' // an issuer without basicConstraints cA = true
  | 'PATH_LENGTH' // more CAs below an issuer than its pathLenConstraint allows
  | 'KEY_USAGE' // keyUsage without keyCertSign (issuer) or digitalSignature (leaf)
  | 'UNKNOWN_CRITICAL_EXTENSION' // a critical extension this verifier does not process
  | 'UNKNOWN_ISSUER'; // no intermediate or anchor with the issuer's name (and key identifier)

/** Result of `x509.verifyChain`. */
export type ChainResult =
  | { ok: true; path: Certificate[] }
  | {
      ok: false;
      reason: ChainFailure;
      /** Index in the path (0 = leaf) of the certificate that failed. */
      index: number;
      /** Subject of that certificate (no key material). */
      subject: string;
    };

/** Options of `x509.verifyChain`. */
export interface VerifyChainOptions {
  /** Trusted certificates (PEM bundle, DER, or parsed). Required (INVALID_OPTION without). */
  anchors: string | Uint8Array | (string | Uint8Array | Certificate)[];
  /** Untrusted intermediate CA certificates to build the path from. */
  intermediates?: string | Uint8Array | (string | Uint8Array | Certificate)[];
  /** The time to check validity at (default now). */
  time?: Date;
  /** Signer ID of the certificate signatures (default `1234567812345678`, GM/T 0015). */
  userId?: string | Uint8Array;
}

const KNOWN_CRITICAL = new Set([
  '2.5.29.19', // basicConstraints
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extKeyUsage (not restricted here)
  '2.5.29.17', // subjectAltName
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
]);
const MAX_DEPTH = 8;
/** Issuer candidates tried per step (same name and key id): bounds the work a peer can cause. */
const MAX_CANDIDATES = 8;

function certs(input: VerifyChainOptions['anchors'] | undefined, name: string): Certificate[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? input : [input];
  return list.flatMap((c) =>
    typeof c === 'string' || c instanceof Uint8Array
      ? derList(c, 'CERTIFICATE').map((d) => parseCertificate(d))
      : c && typeof c === 'object' && (c as Certificate).der instanceof Uint8Array
        ? [c as Certificate]
        : (() => {
            throw new BukejianError('INVALID_TYPE', `"${name}" expected certificates`);
          })(),
  );
}

const idBytes = (id: string | Uint8Array): string =>
  bytesToHex(typeof id === 'string' ? utf8ToBytes(id) : id);

/** The signature of `child` under `issuer`'s key: true, or the failure reason. */
function checkSignature(
  child: Certificate,
  issuer: Certificate,
  userId: string | Uint8Array,
): true | ChainFailure {
  if (!issuer.publicKey || child.signatureAlgorithm !== '1.2.156.10197.1.501')
    return 'UNSUPPORTED_ALGORITHM';
  if (!isSm2Sm3(child.asn.signatureAlgorithm)) return 'UNSUPPORTED_ALGORITHM';
  if (sm2.verify(child.signature, child.tbs, issuer.publicKey, { userId })) return true;
  // A typed reason for the common mix-up: signed under the default ID or OpenSSL's empty one.
  for (const other of [DEFAULT_ID, ''])
    if (idBytes(other) !== idBytes(userId))
      if (sm2.verify(child.signature, child.tbs, issuer.publicKey, { userId: other }))
        return 'USER_ID_MISMATCH';
  return 'BAD_SIGNATURE';
}

function issuerCandidates(child: Certificate, pool: Certificate[]): Certificate[] {
  return pool.filter(
    (c) =>
      sameName(c.asn.tbsCertificate.subject, child.asn.tbsCertificate.issuer) &&
      (!child.authorityKeyId || !c.subjectKeyId || c.subjectKeyId === child.authorityKeyId),
  );
}

/**
 * Verifies `leaf` up to one of `opts.anchors` ({@link VerifyChainOptions}). Another party's bad
 * certificate gives `{ ok: false, reason, index, subject }` ({@link ChainFailure}); only the
 * caller's own bad options throw.
 * @example
 * const r = verifyChain(peerPem, { anchors: rootPem, intermediates: caPem })
 * if (!r.ok) console.log(r.reason) // 'EXPIRED', 'BAD_SIGNATURE', 'NOT_CA', …
 */
export function verifyChain(
  leaf: string | Uint8Array | Certificate,
  opts: VerifyChainOptions,
): ChainResult {
  const o = aoptions(opts, 'opts', ['anchors', 'intermediates', 'time', 'userId']);
  if (o.anchors === undefined)
    throw new BukejianError(
      'INVALID_OPTION',
      '"opts.anchors" expected trusted certificates, got none',
    );
  const anchors = certs(o.anchors, 'opts.anchors');
  if (anchors.length === 0)
    throw new BukejianError('INVALID_OPTION', '"opts.anchors" expected at least one certificate');
  const time = o.time ?? new Date();
  if (!(time instanceof Date) || Number.isNaN(time.getTime()))
    throw new BukejianError('INVALID_OPTION', '"opts.time" expected a valid Date');
  const userId = o.userId ?? DEFAULT_ID;
  let intermediates: Certificate[];
  let first: Certificate;
  try {
    intermediates = certs(o.intermediates, 'opts.intermediates');
    first = typeof leaf === 'string' || leaf instanceof Uint8Array ? parseCertificate(leaf) : leaf;
  } catch (e) {
    if (e instanceof BukejianError && e.code === 'INVALID_ENCODING')
      return { ok: false, reason: 'MALFORMED', index: 0, subject: '' };
    throw e;
  }
  const path: Certificate[] = [first];
  const fail = (reason: ChainFailure, i: number): ChainResult => ({
    ok: false,
    reason,
    index: i,
    subject: path[i]?.subject ?? '',
  });
  const isAnchor = (c: Certificate) => anchors.some((a) => bytesToHex(a.der) === bytesToHex(c.der));
  for (let i = 0; ; i++) {
    const cur = path[i]!;
    // per-certificate checks
    if (time < cur.notBefore) return fail('NOT_YET_VALID', i);
    if (time > cur.notAfter) return fail('EXPIRED', i);
    if (!cur.publicKey) return fail('UNSUPPORTED_ALGORITHM', i);
    if (cur.extensions.some((e) => e.critical && !KNOWN_CRITICAL.has(e.oid)))
      return fail('UNKNOWN_CRITICAL_EXTENSION', i);
    if (i === 0) {
      if (cur.keyUsage && !cur.keyUsage.includes('digitalSignature') && !isAnchor(cur))
        return fail('KEY_USAGE', i);
    } else {
      if (!cur.basicConstraints?.ca) return fail('NOT_CA', i);
      if (cur.keyUsage && !cur.keyUsage.includes('keyCertSign')) return fail('KEY_USAGE', i);
      // CAs between this one and the leaf (self-issued ones do not count, RFC 5280 §6.1.4 (l))
      const below = path.slice(1, i).filter((c) => c.subject !== c.issuer).length;
      const max = cur.basicConstraints.pathLen;
      if (max !== undefined && below > max) return fail('PATH_LENGTH', i);
    }
    if (isAnchor(cur)) return { ok: true, path };
    if (i + 1 >= MAX_DEPTH) return fail('UNKNOWN_ISSUER', i);
    // the issuer: an anchor first, else an intermediate not already on the path
    const used = new Set(path.map((c) => bytesToHex(c.der)));
    const candidates = [
      ...issuerCandidates(cur, anchors),
      ...issuerCandidates(cur, intermediates).filter((c) => !used.has(bytesToHex(c.der))),
    ];
    if (candidates.length === 0) return fail('UNKNOWN_ISSUER', i);
    let chosen: Certificate | undefined;
    let firstFailure: ChainFailure | undefined;
    for (const c of candidates.slice(0, MAX_CANDIDATES)) {
      const r = checkSignature(cur, c, userId);
      if (r === true) {
        chosen = c;
        break;
      }
      firstFailure ??= r;
    }
    if (!chosen) return fail(firstFailure!, i);
    path.push(chosen);
  }
}
