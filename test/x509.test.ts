/**
 * `bukejian/x509` on GmSSL 3.x certificates and requests (test/fixtures/gmssl, generated
 * 2026-12-05, so chains are checked at fixed dates) and on chains issued by the module itself:
 * parsing, path validation and every typed failure reason. Live OpenSSL interop is in
 * x509-openssl.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index.js';
import { x509 } from '../src/x509/index.js';

const dir = path.join(import.meta.dirname, 'fixtures/gmssl');
const fx = (f: string) => readFileSync(path.join(dir, f), 'utf8');
const AT = new Date('2027-06-01T00:00:00Z');
const gm = { anchors: fx('root-cert.pem'), intermediates: fx('ca-cert.pem'), time: AT };

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}
const fail = (r: ReturnType<typeof x509.verifyChain>) => (r.ok ? 'ok' : `${r.reason}@${r.index}`);

describe('GmSSL certificates and requests', () => {
  it('parses the leaf as `gmssl certparse` printed it', () => {
    const c = x509.parseCertificate(fx('leaf-cert.pem'));
    expect(c.version).toBe(3);
    expect(c.serialNumber).toBe('3dc80fedc41243c7cfd9bec7');
    expect(c.subject).toBe('C=CN, O=Bukejian Test Agency, CN=agency-310000');
    expect(c.issuer).toBe('C=CN, O=Bukejian Test Agency CA, CN=Bukejian Test Issuing CA');
    expect(c.notBefore.toISOString()).toBe('2026-12-05T11:11:22.000Z');
    expect(c.notAfter.toISOString()).toBe('2027-12-05T11:11:22.000Z');
    expect(c.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(c.basicConstraints).toBeUndefined();
    expect(c.signatureAlgorithm).toBe('1.2.156.10197.1.501');
    expect(c.authorityKeyId).toBe(
      'b4e5c7b2317ed1bab3f6433475a641760f0ae43ccc117976f46778440be71ae6',
    );
    expect(c.publicKey).toEqual(sm2.keys.fromPem(fx('leaf-pub.pem')).publicKey);
    const root = x509.parseCertificate(fx('root-cert.pem'));
    expect(root.basicConstraints).toEqual({ ca: true, pathLen: 1 });
    expect(root.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(x509.toPem(c)).toBe(fx('leaf-cert.pem').trim() + '\n');
  });

  it('root → issuing CA → leaf verifies (default ID); the path is leaf, CA, root', () => {
    const r = x509.verifyChain(fx('leaf-cert.pem'), gm);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.path.map((c) => c.subject.split('CN=')[1])).toEqual([
        'agency-310000',
        'Bukejian Test Issuing CA',
        'Bukejian Test Root CA',
      ]);
    // the chain file as one bundle of intermediates, the leaf first in it
    expect(
      x509.verifyChain(fx('leaf-cert.pem'), { ...gm, intermediates: fx('chain.pem') }).ok,
    ).toBe(true);
  });

  it('dates, issuer, signer ID and tampering give typed reasons', () => {
    const leaf = fx('leaf-cert.pem');
    expect(fail(x509.verifyChain(leaf, { ...gm, time: new Date('2026-12-01') }))).toBe(
      'NOT_YET_VALID@0',
    );
    expect(fail(x509.verifyChain(leaf, { ...gm, time: new Date('2028-01-01') }))).toBe('EXPIRED@0');
    expect(fail(x509.verifyChain(leaf, { anchors: gm.anchors, time: AT }))).toBe(
      'UNKNOWN_ISSUER@0',
    );
    expect(fail(x509.verifyChain(leaf, { ...gm, userId: 'agency-310000@example.gov.cn' }))).toBe(
      'USER_ID_MISMATCH@0',
    );
    const der = x509.parseCertificate(leaf).der;
    const cn = Buffer.from(der).indexOf('agency-310000');
    const renamed = der.slice();
    renamed[cn + 8] = 0x39; // agency-390000: the TBS changed, the signature did not
    expect(x509.parseCertificate(renamed).subject).toContain('agency-390000');
    expect(fail(x509.verifyChain(renamed, gm))).toBe('BAD_SIGNATURE@0');
    const resigned = der.slice();
    resigned[resigned.length - 5]! ^= 0x01; // inside s of the signature
    expect(fail(x509.verifyChain(resigned, gm))).toBe('BAD_SIGNATURE@0');
    expect(fail(x509.verifyChain(der.subarray(0, 100), gm))).toBe('MALFORMED@0');
  });

  it('certgen -sm2_id at this GmSSL commit still signs under the default ID (README)', () => {
    const c = x509.parseCertificate(fx('root-id-cert.pem'));
    const id = 'bukejian-root@example.gov.cn';
    expect(sm2.verify(c.signature, c.tbs, c.publicKey!)).toBe(true);
    expect(sm2.verify(c.signature, c.tbs, c.publicKey!, { userId: id })).toBe(false);
    expect(x509.verifyChain(c, { anchors: [c], time: AT }).ok).toBe(true);
  });

  it('GmSSL requests: parsed, signed by their own key; a changed request is not', () => {
    for (const [f, pub, cn] of [
      ['leaf-req.pem', 'leaf-pub.pem', 'agency-310000'],
      ['ca-req.pem', 'ca-pub.pem', 'Bukejian Test Issuing CA'],
    ]) {
      const req = x509.parseRequest(fx(f));
      expect(req.subject).toContain(`CN=${cn}`);
      expect(req.publicKey).toEqual(sm2.keys.fromPem(fx(pub)).publicKey);
      expect(x509.verifyRequest(req)).toBe(true);
      expect(x509.verifyRequest(req, { userId: 'someone-else' })).toBe(false);
      const d = req.der.slice();
      d[Buffer.from(d).indexOf(cn.slice(0, 6))]! ^= 0x20; // case of the first letter
      expect(x509.verifyRequest(x509.parseRequest(d))).toBe(false);
    }
  });

  it('anchors are required; malformed input to parse throws INVALID_ENCODING', () => {
    expect(code(() => x509.verifyChain(fx('leaf-cert.pem'), {} as never))).toBe('INVALID_OPTION');
    expect(code(() => x509.verifyChain(fx('leaf-cert.pem'), { anchors: [] }))).toBe(
      'INVALID_OPTION',
    );
    expect(code(() => x509.parseCertificate('no pem here'))).toBe('INVALID_ENCODING');
    expect(code(() => x509.parseCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3])))).toBe(
      'INVALID_ENCODING',
    );
    expect(code(() => x509.parseRequest(fx('leaf-cert.pem')))).toBe('INVALID_ENCODING');
  });
});

describe('certificates issued by x509.createCertificate', () => {
  const root = sm2.keygen();
  const ca = sm2.keygen();
  const leaf = sm2.keygen();
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2030-01-01T00:00:00Z');
  const at = new Date('2027-01-01T00:00:00Z');
  const mkRoot = (ca: boolean | { pathLen: number } = { pathLen: 1 }) =>
    x509.createCertificate({
      subject: 'C=CN, O=某市大数据局, CN=Test Root',
      publicKey: root.publicKey,
      issuerKey: root.secretKey,
      ca,
      notBefore: t0,
      notAfter: t1,
    });
  const mkCa = (
    issuer: ReturnType<typeof mkRoot>,
    o: Partial<Parameters<typeof x509.createCertificate>[0]> = {},
  ) =>
    x509.createCertificate({
      request: x509.createRequest({
        subject: 'C=CN, O=某市大数据局, CN=Issuing CA',
        secretKey: ca.secretKey,
      }),
      issuer,
      issuerKey: root.secretKey,
      ca: { pathLen: 0 },
      notBefore: t0,
      notAfter: t1,
      ...o,
    });
  const mkLeaf = (
    issuer: ReturnType<typeof mkRoot>,
    o: Partial<Parameters<typeof x509.createCertificate>[0]> = {},
  ) =>
    x509.createCertificate({
      subject: 'C=CN, O=某区政务服务中心, CN=agency-440300',
      publicKey: leaf.publicKey,
      issuer,
      issuerKey: ca.secretKey,
      notBefore: t0,
      notAfter: t1,
      ...o,
    });

  it('a three-level chain verifies; fields read back', () => {
    const r = mkRoot();
    const c = mkCa(r);
    const l = mkLeaf(c);
    expect(fail(x509.verifyChain(l, { anchors: [r], intermediates: [c], time: at }))).toBe('ok');
    expect(l.subject).toBe('C=CN, O=某区政务服务中心, CN=agency-440300');
    expect(l.issuer).toBe(c.subject);
    expect(l.keyUsage).toEqual(['digitalSignature']);
    expect(c.basicConstraints).toEqual({ ca: true, pathLen: 0 });
    expect(l.authorityKeyId).toBe(c.subjectKeyId);
    expect(r.subject).toBe(r.issuer);
    // PEM round trip and a PEM bundle as anchors
    const again = x509.parseCertificate(x509.toPem(l));
    expect(again.der).toEqual(l.der);
    expect(
      x509.verifyChain(x509.toPem(l), { anchors: x509.toPem(c) + x509.toPem(r), time: at }).ok,
    ).toBe(true);
  });

  it('non-CA intermediate, path length, key usage, expired CA: typed reasons at the right index', () => {
    const r = mkRoot();
    const notCa = mkCa(r, { ca: false, keyUsage: ['keyCertSign'] });
    expect(
      fail(x509.verifyChain(mkLeaf(notCa), { anchors: [r], intermediates: [notCa], time: at })),
    ).toBe('NOT_CA@1');
    const noSign = mkCa(r, { keyUsage: ['digitalSignature'] });
    expect(
      fail(x509.verifyChain(mkLeaf(noSign), { anchors: [r], intermediates: [noSign], time: at })),
    ).toBe('KEY_USAGE@1');
    const c = mkCa(r);
    const encOnly = mkLeaf(c, { keyUsage: ['keyEncipherment'] });
    expect(fail(x509.verifyChain(encOnly, { anchors: [r], intermediates: [c], time: at }))).toBe(
      'KEY_USAGE@0',
    );
    // root pathLen 0, then two CAs below it: CA2 (pathLen 0) issued by CA1
    const r0 = mkRoot({ pathLen: 0 });
    const ca1 = mkCa(r0, { ca: { pathLen: 1 } });
    const ca2 = x509.createCertificate({
      subject: 'C=CN, CN=Second CA',
      publicKey: ca.publicKey,
      issuer: ca1,
      issuerKey: ca.secretKey,
      ca: true,
      notBefore: t0,
      notAfter: t1,
    });
    const l2 = mkLeaf(ca2);
    expect(fail(x509.verifyChain(l2, { anchors: [r0], intermediates: [ca1, ca2], time: at }))).toBe(
      'PATH_LENGTH@3',
    );
    const shortCa = mkCa(r, { notAfter: new Date('2026-06-01T00:00:00Z') });
    expect(
      fail(x509.verifyChain(mkLeaf(shortCa), { anchors: [r], intermediates: [shortCa], time: at })),
    ).toBe('EXPIRED@1');
  });

  it('a custom signer ID: verifies with it; a default-ID chain checked under a custom ID is USER_ID_MISMATCH', () => {
    const r = mkRoot();
    const c = mkCa(r, { userId: 'root-ca@example.gov.cn' });
    const l = mkLeaf(c, { userId: 'root-ca@example.gov.cn' });
    const opts = { anchors: [r], intermediates: [c], time: at };
    expect(fail(x509.verifyChain(l, { ...opts, userId: 'root-ca@example.gov.cn' }))).toBe('ok');
    // signed under a custom ID, checked under the default: indistinguishable from tampering
    expect(fail(x509.verifyChain(l, opts))).toBe('BAD_SIGNATURE@0');
    const d = mkLeaf(mkCa(r));
    expect(
      fail(x509.verifyChain(d, { anchors: [r], intermediates: [mkCa(r)], time: at, userId: 'x' })),
    ).toBe('USER_ID_MISMATCH@0');
  });

  it('refuses a request with a bad signature and an issuer key that is not the issuer’s', () => {
    const r = mkRoot();
    const req = x509.createRequest({
      subject: 'C=CN, CN=x',
      secretKey: leaf.secretKey,
      userId: 'me',
    });
    expect(
      code(() => x509.createCertificate({ request: req, issuer: r, issuerKey: root.secretKey })),
    ).toBe('INVALID_DATA');
    expect(
      x509.createCertificate({
        request: req,
        requestUserId: 'me',
        issuer: r,
        issuerKey: root.secretKey,
      }).publicKey,
    ).toEqual(leaf.publicKey);
    expect(code(() => mkLeaf(r))).toBe('INVALID_KEY'); // signed with ca's key under the root's name
    expect(
      code(() =>
        x509.createCertificate({
          subject: 'C=CN, CN=x',
          publicKey: leaf.publicKey,
          issuerKey: root.secretKey,
        }),
      ),
    ).toBe('INVALID_KEY');
    expect(code(() => x509.createRequest({ subject: 'XX=1', secretKey: leaf.secretKey }))).toBe(
      'INVALID_OPTION',
    );
  });
});
