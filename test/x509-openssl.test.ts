/**
 * `bukejian/x509` against the live `openssl` CLI (OpenSSL 3.0+), both ways: a chain made with
 * `openssl req` / `openssl x509 -req -sm3 -sigopt distid:1234567812345678` verifies with ours
 * (and fails with typed reasons when changed), and ours verifies under `openssl verify
 * -vfyopt distid:1234567812345678` / `openssl req -verify`.
 *
 * OpenSSL 3.0's `verify -vfyopt distid:…` sets the ID on the certificate being verified only;
 * the issuing CA certificates above it are checked with an empty ID, so a three-level chain
 * signed throughout with the default ID fails there at depth 1. Each link is therefore checked
 * on its own (`-partial_chain -CAfile <issuer>`), which covers every signature of the chain.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index.js';
import { x509 } from '../src/x509/index.js';
import { ossl, osslRun, withDir } from './helpers/openssl.js';

const ID = '1234567812345678';
const fail = (r: ReturnType<typeof x509.verifyChain>) => (r.ok ? 'ok' : `${r.reason}@${r.index}`);
const CA_EXT =
  'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n';
const LEAF_EXT = 'keyUsage=critical,digitalSignature\nauthorityKeyIdentifier=keyid\n';

const SIG = ['-sm3', '-sigopt', `distid:${ID}`];
let dir = '';
const f = (n: string) => path.join(dir, n);
const text = (n: string) => readFileSync(f(n), 'utf8');

/** `openssl x509 -req`: signs `name`.csr with `issuer`'s key into `name`.pem (extensions `ext`). */
function issue(name: string, issuer: string, ext: string, sigopt: string[], days = '365') {
  writeFileSync(f(`${name}.ext`), ext);
  ossl(
    'x509',
    '-req',
    '-in',
    f(`${name}.csr`),
    '-vfyopt',
    `distid:${ID}`,
    '-CA',
    f(`${issuer}.pem`),
    '-CAkey',
    f(`${issuer}.key`),
    '-sm3',
    ...sigopt,
    '-extfile',
    f(`${name}.ext`),
    '-days',
    days,
    '-set_serial',
    '0x1234567890abcdef',
    '-out',
    f(`${name}.pem`),
  );
  return text(`${name}.pem`);
}
/** A new SM2 key `name`.key and its request `name`.csr (signed with distid 1234567812345678). */
function request(name: string, cn: string) {
  ossl('genpkey', '-algorithm', 'SM2', '-out', f(`${name}.key`));
  ossl(
    'req',
    '-new',
    '-key',
    f(`${name}.key`),
    ...SIG,
    '-subj',
    `/C=CN/O=OpenSSL Test/CN=${cn}`,
    '-out',
    f(`${name}.csr`),
  );
  return text(`${name}.csr`);
}

/** One OpenSSL-made root → CA → leaf for the suite; variants re-issue only what they change. */
const c = { root: '', ca: '', leaf: '', leafCsr: '' };
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bkj-x509-ossl-'));
  ossl('genpkey', '-algorithm', 'SM2', '-out', f('root.key'));
  writeFileSync(f('req.cnf'), `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${CA_EXT}`);
  ossl(
    'req',
    '-new',
    '-x509',
    '-key',
    f('root.key'),
    ...SIG,
    '-subj',
    '/C=CN/O=OpenSSL Test/CN=OpenSSL Root',
    '-days',
    '3650',
    '-config',
    f('req.cnf'),
    '-extensions',
    'v3',
    '-out',
    f('root.pem'),
  );
  c.root = text('root.pem');
  request('ca', 'OpenSSL CA');
  c.ca = issue('ca', 'root', CA_EXT, ['-sigopt', `distid:${ID}`], '1000');
  c.leafCsr = request('leaf', 'agency-320000');
  c.leaf = issue('leaf', 'ca', LEAF_EXT, ['-sigopt', `distid:${ID}`]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OpenSSL-made SM2 chains verified by x509.verifyChain', () => {
  it('root → CA → leaf verifies; fields match openssl x509; the CSR verifies', () => {
    {
      expect(fail(x509.verifyChain(c.leaf, { anchors: c.root, intermediates: c.ca }))).toBe('ok');
      const leaf = x509.parseCertificate(c.leaf);
      writeFileSync(f('l.pem'), c.leaf);
      const out = ossl(
        'x509',
        '-in',
        f('l.pem'),
        '-noout',
        '-serial',
        '-subject',
        '-nameopt',
        'sep_comma_plus_space',
      ).toString();
      expect(out).toContain(`serial=${leaf.serialNumber.toUpperCase()}`);
      expect(leaf.serialNumber).toBe('1234567890abcdef');
      expect(out).toContain('subject=C=CN, O=OpenSSL Test, CN=agency-320000');
      expect(leaf.subject).toBe('C=CN, O=OpenSSL Test, CN=agency-320000');
      const req = x509.parseRequest(c.leafCsr);
      expect(x509.verifyRequest(req)).toBe(true);
      expect(req.publicKey).toEqual(leaf.publicKey);
    }
  });

  it('typed failures: tampered, expired / not yet valid, wrong user ID, unknown issuer', () => {
    {
      const opts = { anchors: c.root, intermediates: c.ca };
      const der = x509.parseCertificate(c.leaf).der.slice();
      der[Buffer.from(der).indexOf('agency-320000') + 7]! ^= 0x01;
      expect(fail(x509.verifyChain(der, opts))).toBe('BAD_SIGNATURE@0');
      const later = new Date(Date.now() + 400 * 86_400_000);
      expect(fail(x509.verifyChain(c.leaf, { ...opts, time: later }))).toBe('EXPIRED@0');
      const earlier = new Date(Date.now() - 2 * 86_400_000);
      expect(fail(x509.verifyChain(c.leaf, { ...opts, time: earlier }))).toBe('NOT_YET_VALID@0');
      expect(
        fail(x509.verifyChain(c.leaf, { ...opts, userId: 'agency-320000@example.gov.cn' })),
      ).toBe('USER_ID_MISMATCH@0');
      expect(fail(x509.verifyChain(c.leaf, { anchors: c.root }))).toBe('UNKNOWN_ISSUER@0');
    }
  });

  it('a leaf signed without -sigopt distid (OpenSSL signs with an empty ID) is USER_ID_MISMATCH', () => {
    writeFileSync(f('leaf-noid.csr'), c.leafCsr);
    const leaf = issue('leaf-noid', 'ca', LEAF_EXT, []);
    expect(fail(x509.verifyChain(leaf, { anchors: c.root, intermediates: c.ca }))).toBe(
      'USER_ID_MISMATCH@0',
    );
  });

  it('a CA certificate without CA:TRUE is NOT_CA; an unknown critical extension is refused', () => {
    request('ca2', 'OpenSSL CA 2');
    const notCa = issue(
      'ca2',
      'root',
      'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign\n',
      ['-sigopt', `distid:${ID}`],
    );
    writeFileSync(f('leaf2.csr'), c.leafCsr);
    const under = issue('leaf2', 'ca2', LEAF_EXT, ['-sigopt', `distid:${ID}`]);
    expect(fail(x509.verifyChain(under, { anchors: c.root, intermediates: notCa }))).toBe(
      'NOT_CA@1',
    );
    writeFileSync(f('leaf3.csr'), c.leafCsr);
    const crit = issue('leaf3', 'ca', `${LEAF_EXT}1.2.3.4.5=critical,ASN1:NULL\n`, [
      '-sigopt',
      `distid:${ID}`,
    ]);
    expect(fail(x509.verifyChain(crit, { anchors: c.root, intermediates: c.ca }))).toBe(
      'UNKNOWN_CRITICAL_EXTENSION@0',
    );
  });

  it('an ECDSA P-256 certificate parses but a chain through it is UNSUPPORTED_ALGORITHM (out of scope)', () =>
    withDir((f) => {
      ossl(
        'req',
        '-new',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        f('ec.key'),
        '-subj',
        '/CN=ecdsa',
        '-days',
        '30',
        '-out',
        f('ec.pem'),
      );
      const pem = readFileSync(f('ec.pem'), 'utf8');
      const c = x509.parseCertificate(pem);
      expect(c.publicKey).toBeUndefined();
      expect(c.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
      expect(fail(x509.verifyChain(pem, { anchors: pem }))).toBe('UNSUPPORTED_ALGORITHM@0');
    }));
});

describe('our certificates and requests under openssl', () => {
  it('openssl verify accepts each link of our chain with -vfyopt distid:1234567812345678, and refuses a changed one', () =>
    withDir((f) => {
      const root = sm2.keygen();
      const ca = sm2.keygen();
      const leaf = sm2.keygen();
      const r = x509.createCertificate({
        subject: 'C=CN, O=Bukejian, CN=Test Root',
        publicKey: root.publicKey,
        issuerKey: root.secretKey,
        ca: { pathLen: 1 },
      });
      const caReq = x509.createRequest({
        subject: 'C=CN, O=Bukejian, CN=Issuing CA',
        secretKey: ca.secretKey,
      });
      const c = x509.createCertificate({
        request: caReq,
        issuer: r,
        issuerKey: root.secretKey,
        ca: { pathLen: 0 },
      });
      const leafReq = x509.createRequest({
        subject: 'C=CN, O=某市数据局, CN=agency-440300',
        secretKey: leaf.secretKey,
      });
      const l = x509.createCertificate({ request: leafReq, issuer: c, issuerKey: ca.secretKey });
      writeFileSync(f('root.pem'), x509.toPem(r));
      writeFileSync(f('ca.pem'), x509.toPem(c));
      writeFileSync(f('leaf.pem'), x509.toPem(l));
      writeFileSync(f('leaf.csr'), x509.toPem(leafReq));
      const vfy = ['-vfyopt', `distid:${ID}`];
      expect(osslRun('verify', ...vfy, '-CAfile', f('root.pem'), f('ca.pem')).out).toContain(
        'ca.pem: OK',
      );
      expect(
        osslRun('verify', ...vfy, '-partial_chain', '-CAfile', f('ca.pem'), f('leaf.pem')).out,
      ).toContain('leaf.pem: OK');
      expect(osslRun('verify', ...vfy, '-CAfile', f('root.pem'), f('root.pem')).out).toContain(
        'root.pem: OK',
      );
      // the ID matters: OpenSSL's default (empty) ID does not verify our signature
      expect(
        osslRun('verify', '-partial_chain', '-CAfile', f('ca.pem'), f('leaf.pem')).status,
      ).not.toBe(0);
      expect(osslRun('req', '-in', f('leaf.csr'), '-verify', '-noout', ...vfy).out).toMatch(
        /verify OK|self-signature ok/i,
      );
      const text = ossl(
        'x509',
        '-in',
        f('ca.pem'),
        '-noout',
        '-text',
        '-nameopt',
        'utf8',
      ).toString();
      expect(text).toContain('CA:TRUE, pathlen:0');
      expect(text).toContain('Certificate Sign, CRL Sign');
      expect(text).toContain('SM2-with-SM3');
      expect(
        ossl(
          'x509',
          '-in',
          f('leaf.pem'),
          '-noout',
          '-subject',
          '-nameopt',
          'utf8,sep_comma_plus_space',
        ).toString(),
      ).toContain('C=CN, O=某市数据局, CN=agency-440300');
      const der = l.der.slice();
      der[Buffer.from(der).indexOf('agency-440300') + 7]! ^= 0x01;
      writeFileSync(f('bad.pem'), x509.toPem(x509.parseCertificate(der)));
      expect(
        osslRun('verify', ...vfy, '-partial_chain', '-CAfile', f('ca.pem'), f('bad.pem')).status,
      ).not.toBe(0);
    }));

  it('an OpenSSL CSR is signed by x509.createCertificate and the result passes openssl verify', () =>
    withDir((f) => {
      const root = sm2.keygen();
      const r = x509.createCertificate({
        subject: 'C=CN, CN=Test Root',
        publicKey: root.publicKey,
        issuerKey: root.secretKey,
        ca: true,
      });
      ossl('genpkey', '-algorithm', 'SM2', '-out', f('k.pem'));
      ossl(
        'req',
        '-new',
        '-key',
        f('k.pem'),
        '-sm3',
        '-sigopt',
        `distid:${ID}`,
        '-subj',
        '/C=CN/CN=from-openssl',
        '-out',
        f('k.csr'),
      );
      const cert = x509.createCertificate({
        request: readFileSync(f('k.csr'), 'utf8'),
        issuer: r,
        issuerKey: root.secretKey,
      });
      writeFileSync(f('root.pem'), x509.toPem(r));
      writeFileSync(f('cert.pem'), x509.toPem(cert));
      expect(
        osslRun('verify', '-vfyopt', `distid:${ID}`, '-CAfile', f('root.pem'), f('cert.pem')).out,
      ).toContain('cert.pem: OK');
      ossl('pkey', '-in', f('k.pem'), '-pubout', '-out', f('k.pub'));
      expect(cert.publicKey).toEqual(sm2.keys.fromPem(readFileSync(f('k.pub'), 'utf8')).publicKey);
    }));

  it('serial numbers are minimal positive DER INTEGERs: leading zeros, a high bit, the random default', () =>
    withDir((f) => {
      // regression: a random serial whose first byte masked to 0x00 was written with a padding
      // byte, which OpenSSL refuses to load ("unsupported"); about 1 certificate in 128
      const key = sm2.keygen();
      const cases: [Uint8Array | undefined, string | undefined][] = [
        [Uint8Array.of(0, 0, 0x12, 0x34), '1234'],
        [Uint8Array.of(0x80, 1), '8001'],
        [Uint8Array.of(0, 0xff), 'FF'],
        [undefined, undefined],
      ];
      for (const [serialNumber, expected] of cases) {
        const cert = x509.createCertificate({
          subject: 'C=CN, CN=Serial',
          publicKey: key.publicKey,
          issuerKey: key.secretKey,
          ca: true,
          ...(serialNumber ? { serialNumber } : {}),
        });
        writeFileSync(f('c.pem'), x509.toPem(cert));
        const out = ossl('x509', '-in', f('c.pem'), '-noout', '-serial').toString().trim();
        const hex = out.replace(/^serial=/, '');
        if (expected) expect(hex).toBe(expected);
        else expect(hex).toMatch(/^[4-7][0-9A-F]{31}$/);
        expect(cert.serialNumber.toUpperCase()).toBe(hex);
      }
      for (const bad of [new Uint8Array(3), new Uint8Array(21).fill(1)])
        expect(() =>
          x509.createCertificate({
            subject: 'C=CN, CN=Serial',
            publicKey: key.publicKey,
            issuerKey: key.secretKey,
            serialNumber: bad,
          }),
        ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }));
});
