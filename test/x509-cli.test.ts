// `bukejian sm2 keygen --password-file` and `bukejian x509 req|sign|verify|show` end to end:
// spawns the built dist/cli.js (`npm run build` first) and checks the results with the library,
// the GmSSL fixtures and the openssl CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index.js';
import { x509 } from '../src/x509/index.js';
import { osslRun, withDir } from './helpers/openssl.js';

const cli = process.env.BUKEJIAN_CLI ?? path.join(__dirname, '..', 'dist', 'cli.js');
const run = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const fixtures = path.join(__dirname, 'fixtures/gmssl');

describe('bukejian sm2 keygen --password-file (dist/cli.js)', () => {
  it('dist/cli.js exists (run `npm run build`)', () => expect(existsSync(cli)).toBe(true));

  it('writes an ENCRYPTED PRIVATE KEY that the library, sign and a wrong password treat right', () =>
    withDir(async (f) => {
      writeFileSync(f('pw'), 'agency passphrase 口令\n');
      writeFileSync(f('bad'), 'agency passphrase\n');
      const kg = run(['sm2', 'keygen', '--password-file', f('pw'), '--out', f('key.pem')]);
      expect(kg.code).toBe(0);
      const pem = readFileSync(f('key.pem'), 'utf8');
      expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      const k = await sm2.keys.fromPem(pem, { password: 'agency passphrase 口令' });
      expect(k.publicKey).toEqual(sm2.keys.fromPem(kg.out).publicKey);
      writeFileSync(f('msg'), '交换回执 2026-0001');
      const sig = run([
        'sm2',
        'sign',
        '--key',
        f('key.pem'),
        '--password-file',
        f('pw'),
        '--out',
        f('sig'),
        f('msg'),
      ]);
      expect(sig.code).toBe(0);
      expect(
        sm2.verify(new Uint8Array(readFileSync(f('sig'))), readFileSync(f('msg')), k.publicKey),
      ).toBe(true);
      const wrong = run([
        'sm2',
        'sign',
        '--key',
        f('key.pem'),
        '--password-file',
        f('bad'),
        f('msg'),
      ]);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toContain('DECRYPT_FAILED');
      expect(wrong.err).not.toContain('agency passphrase');
      const none = run(['sm2', 'sign', '--key', f('key.pem'), f('msg')]);
      expect(none.code).toBe(2);
    }));

  it('signs with a GmSSL encrypted key', () =>
    withDir((f) => {
      writeFileSync(f('pw'), 'bukejian-fixture-pass');
      const sig = run(
        [
          'sm2',
          'sign',
          '--key',
          path.join(fixtures, 'leaf-key.pem'),
          '--password-file',
          f('pw'),
          '--hex',
        ],
        'hello',
      );
      expect(sig.code).toBe(0);
      const pub = sm2.keys.fromPem(
        readFileSync(path.join(fixtures, 'leaf-pub.pem'), 'utf8'),
      ).publicKey;
      expect(sm2.verify(Buffer.from(sig.out.trim(), 'hex'), 'hello', pub)).toBe(true);
    }));
});

describe('bukejian x509 (dist/cli.js)', () => {
  it('sign --self, req, sign --req, verify, show; openssl verify agrees', () =>
    withDir((f) => {
      for (const n of ['root', 'leaf'])
        writeFileSync(f(`${n}.key`), sm2.keys.toPem(sm2.keygen().secretKey)); // keygen CLI: above
      const root = run([
        'x509',
        'sign',
        '--self',
        '--ca-key',
        f('root.key'),
        '--subject',
        'C=CN, O=某市大数据局, CN=Test Root',
        '--ca',
        '--path-len',
        '0',
        '--days',
        '30',
        '--out',
        f('root.pem'),
      ]);
      expect(root.code).toBe(0);
      const req = run([
        'x509',
        'req',
        '--key',
        f('leaf.key'),
        '--subject',
        'C=CN, O=Agency\\, Inc., CN=agency-440300',
        '--out',
        f('leaf.csr'),
      ]);
      expect(req.code).toBe(0);
      const shownReq = JSON.parse(run(['x509', 'show', '--req', f('leaf.csr')]).out);
      expect(shownReq).toMatchObject({
        subject: 'C=CN, O=Agency\\, Inc., CN=agency-440300',
        signatureValid: true,
      });
      const signed = run([
        'x509',
        'sign',
        '--ca-key',
        f('root.key'),
        '--ca-cert',
        f('root.pem'),
        '--req',
        f('leaf.csr'),
        '--key-usage',
        'digitalSignature,nonRepudiation',
        '--out',
        f('leaf.pem'),
      ]);
      expect(signed.code).toBe(0);
      const ok = run(['x509', 'verify', '--anchors', f('root.pem'), f('leaf.pem')]);
      expect(ok.code).toBe(0);
      expect(ok.out).toBe(
        'OK\n  C=CN, O=Agency\\, Inc., CN=agency-440300\n  C=CN, O=某市大数据局, CN=Test Root\n',
      );
      const shown = JSON.parse(run(['x509', 'show', f('leaf.pem')]).out);
      expect(shown).toMatchObject({
        version: 3,
        keyUsage: ['digitalSignature', 'nonRepudiation'],
        basicConstraints: null,
      });
      expect(shown.publicKey).toBe(shownReq.publicKey);
      expect(JSON.parse(run(['x509', 'show', f('root.pem')]).out).basicConstraints).toEqual({
        ca: true,
        pathLen: 0,
      });
      const later = run([
        'x509',
        'verify',
        '--anchors',
        f('root.pem'),
        '--time',
        '2099-01-01',
        f('leaf.pem'),
      ]);
      expect(later.code).toBe(1);
      expect(later.out).toBe('FAIL EXPIRED at 0 (C=CN, O=Agency\\, Inc., CN=agency-440300)\n');
      const wrongId = run([
        'x509',
        'verify',
        '--anchors',
        f('root.pem'),
        '--user-id',
        'x',
        f('leaf.pem'),
      ]);
      expect(wrongId.out).toMatch(/^FAIL USER_ID_MISMATCH at 0/);
      expect(
        osslRun(
          'verify',
          '-vfyopt',
          'distid:1234567812345678',
          '-CAfile',
          f('root.pem'),
          f('leaf.pem'),
        ).out,
      ).toContain('leaf.pem: OK');
      expect(x509.parseCertificate(readFileSync(f('leaf.pem'), 'utf8')).issuer).toBe(
        'C=CN, O=某市大数据局, CN=Test Root',
      );
      expect(run(['x509', 'verify', f('leaf.pem')]).code).toBe(2); // anchors required
    }));

  it('verifies the GmSSL chain at a fixed date', () => {
    const r = run([
      'x509',
      'verify',
      '--anchors',
      path.join(fixtures, 'root-cert.pem'),
      '--intermediates',
      path.join(fixtures, 'ca-cert.pem'),
      '--time',
      '2027-06-01T00:00:00Z',
      path.join(fixtures, 'leaf-cert.pem'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('OK');
  });
});
