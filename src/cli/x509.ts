/**
 * `bukejian x509 <req|sign|verify|show>`: SM2 certificates and requests from the command line
 * (PEM files; keys as for `bukejian sm2`, encrypted ones with --password-file). Needs the
 * optional peers @peculiar/asn1-schema, -x509 and -csr. Exit codes: 0 ok, 1 verification
 * failed, 2 usage.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BukejianError } from '../errors.js';
import { sm2 } from '../sm2/index.js';
import { bytesToHex } from '../utils.js';
import {
  x509,
  type Certificate,
  type CertificationRequest,
  type KeyUsageName,
} from '../x509/index.js';
import { parseArgs } from './args.js';
import { loadKey, readPassword } from './sm2.js';

/**
 * Help text of `bukejian x509`.
 * @example console.log(usage)
 */
export const usage = `usage: bukejian x509 <command> [options]

  req     --key SK --subject NAME [--user-id ID] [--out FILE]
          a PKCS#10 request (PEM) for the key, signed by it
  sign    --ca-key SK (--req FILE [--req-user-id ID] | --self --subject NAME) [--ca-cert FILE]
          [--days N] [--ca [--path-len N]] [--key-usage U,U] [--user-id ID] [--out FILE]
          a certificate (PEM) signed by --ca-key: from the request under --ca-cert, or a
          self-signed root for the key itself with --self
  verify  --anchors FILE [--intermediates FILE] [--time ISO-DATE] [--user-id ID] CERT
          prints "OK" and the path, or "FAIL <REASON> at <index> (<subject>)" and exits 1
  show    FILE | --req FILE   the fields of a certificate (or a request) as JSON

options:
  --key, --ca-key K  PEM (PRIVATE KEY / ENCRYPTED PRIVATE KEY / EC PRIVATE KEY), hex file or hex
  --password-file F  password of an ENCRYPTED PRIVATE KEY (first line of F)
  --subject NAME     "C=CN, O=…, CN=…" in certificate order (escape commas as \\,)
  --user-id ID       signer ID of the signature made or checked (default 1234567812345678)
  --req-user-id ID   signer ID the request was signed with (default 1234567812345678)
  --key-usage U,U    digitalSignature, nonRepudiation, keyEncipherment, keyCertSign, cRLSign, …
                     (default keyCertSign,cRLSign with --ca, digitalSignature otherwise)
  --days N           validity from now (default 365)

OpenSSL 3.0 checks these with: openssl verify -vfyopt distid:1234567812345678 -CAfile ISSUER CERT
(it applies the ID to CERT only, so check a three-level chain link by link with -partial_chain).`;

const read = (f: string | true | undefined, name: string): string => {
  if (typeof f !== 'string')
    throw new BukejianError('INVALID_OPTION', `"--${name}" expected a file, got none`);
  return readFileSync(f, 'utf8');
};

function write(flags: Record<string, string | true>, text: string): void {
  if (typeof flags.out === 'string') writeFileSync(flags.out, text);
  else process.stdout.write(text);
}

const str = (v: string | true | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

function certJson(c: Certificate): object {
  return {
    version: c.version,
    serialNumber: c.serialNumber,
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    signatureAlgorithm: c.signatureAlgorithm,
    publicKey: c.publicKey ? bytesToHex(c.publicKey) : null,
    basicConstraints: c.basicConstraints ?? null,
    keyUsage: c.keyUsage ?? null,
    subjectKeyId: c.subjectKeyId ?? null,
    authorityKeyId: c.authorityKeyId ?? null,
    extensions: c.extensions,
  };
}

function reqJson(r: CertificationRequest): object {
  return {
    subject: r.subject,
    signatureAlgorithm: r.signatureAlgorithm,
    publicKey: r.publicKey ? bytesToHex(r.publicKey) : null,
    signatureValid: x509.verifyRequest(r),
  };
}

/**
 * Runs `bukejian x509 <command> …`; resolves to the exit code.
 * @example await run(['verify', '--anchors', 'root.pem', 'leaf.pem'])
 */
export async function run(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  const { flags, positionals } = parseArgs(
    rest,
    [
      'key',
      'ca-key',
      'ca-cert',
      'req',
      'subject',
      'user-id',
      'req-user-id',
      'key-usage',
      'days',
      'path-len',
      'anchors',
      'intermediates',
      'time',
      'out',
      'password-file',
    ],
    ['ca', 'self'],
  );
  const userId = str(flags['user-id']);
  switch (cmd) {
    case 'req': {
      const secretKey = await loadKey(flags.key, 'private', readPassword(flags));
      const subject = str(flags.subject);
      if (!subject) throw new BukejianError('INVALID_OPTION', '"--subject" expected a name');
      write(flags, x509.toPem(x509.createRequest({ subject, secretKey, userId })));
      return 0;
    }
    case 'sign': {
      const issuerKey = await loadKey(flags['ca-key'], 'private', readPassword(flags));
      const days = flags.days === undefined ? 365 : Number(flags.days);
      if (!Number.isSafeInteger(days) || days < 1)
        throw new BukejianError('INVALID_OPTION', '"--days" expected a positive integer');
      const pathLen = flags['path-len'] === undefined ? undefined : Number(flags['path-len']);
      if (pathLen !== undefined && !(Number.isSafeInteger(pathLen) && pathLen >= 0))
        throw new BukejianError('INVALID_OPTION', '"--path-len" expected an integer >= 0');
      const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
      const common = {
        issuerKey,
        userId,
        notBefore,
        notAfter: new Date(notBefore.getTime() + days * 86_400_000),
        ca: flags.ca ? (pathLen === undefined ? true : { pathLen }) : false,
        keyUsage: str(flags['key-usage'])
          ?.split(',')
          .map((u) => u.trim()) as KeyUsageName[] | undefined,
      };
      let cert: Certificate;
      if (flags.self) {
        const subject = str(flags.subject);
        if (!subject) throw new BukejianError('INVALID_OPTION', '"--subject" expected a name');
        cert = x509.createCertificate({
          ...common,
          subject,
          publicKey: sm2.getPublicKey(issuerKey),
        });
      } else {
        cert = x509.createCertificate({
          ...common,
          request: read(flags.req, 'req'),
          requestUserId: str(flags['req-user-id']),
          issuer: read(flags['ca-cert'], 'ca-cert'),
        });
      }
      write(flags, x509.toPem(cert));
      return 0;
    }
    case 'verify': {
      if (positionals.length !== 1)
        throw new BukejianError('INVALID_OPTION', '"CERT" expected one certificate file');
      const time = str(flags.time) === undefined ? undefined : new Date(str(flags.time)!);
      if (time && Number.isNaN(time.getTime()))
        throw new BukejianError('INVALID_OPTION', '"--time" expected an ISO date');
      const r = x509.verifyChain(readFileSync(positionals[0]!, 'utf8'), {
        anchors: read(flags.anchors, 'anchors'),
        intermediates:
          flags.intermediates === undefined
            ? undefined
            : read(flags.intermediates, 'intermediates'),
        time,
        userId,
      });
      if (r.ok) {
        console.log('OK');
        for (const c of r.path) console.log(`  ${c.subject}`);
        return 0;
      }
      console.log(`FAIL ${r.reason} at ${r.index} (${r.subject})`);
      return 1;
    }
    case 'show': {
      if (typeof flags.req === 'string') {
        console.log(JSON.stringify(reqJson(x509.parseRequest(read(flags.req, 'req'))), null, 2));
        return 0;
      }
      if (positionals.length !== 1)
        throw new BukejianError('INVALID_OPTION', '"FILE" expected one certificate file');
      console.log(
        JSON.stringify(
          certJson(x509.parseCertificate(readFileSync(positionals[0]!, 'utf8'))),
          null,
          2,
        ),
      );
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}
