// Live interop with the `openssl` CLI (OpenSSL 3.x) on random keys and messages, user ID
// 1234567812345678 via -pkeyopt distid (commands as in test/vectors/README.md). Bounded: each
// direction runs a few cases (every spawn costs ~10 ms+). Skipped, with a message, without openssl.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sm2 } from '../src/sm2/index.js';
import { randomBytes } from '../src/utils.js';
import { toHex } from './helpers/vectors.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const ID = '1234567812345678';
const CASES = 3;

function withDir<T>(fn: (f: (name: string) => string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'bkj-sm2-'));
  try {
    return fn((name) => path.join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const ossl = (...args: string[]): Buffer =>
  execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const osslOk = (...args: string[]): boolean => spawnSync('openssl', args).status === 0;

describe('openssl CLI interop', () => {
  it('the openssl CLI with SM2 is available (a missing oracle fails, it is not skipped)', () =>
    expect(hasOpenssl).toBe(true));
  it('PEM keys from openssl genpkey load, match `openssl pkey -text`, and are re-encoded byte for byte', () =>
    withDir((f) => {
      ossl('genpkey', '-algorithm', 'SM2', '-out', f('key.pem'));
      ossl('pkey', '-in', f('key.pem'), '-pubout', '-out', f('pub.pem'));
      const text = ossl('pkey', '-in', f('key.pem'), '-text', '-noout').toString();
      const grab = (label: string): string =>
        text
          .split(label)[1]!
          .split(/\n[A-Za-z]/)[0]!
          .replace(/[\s:]/g, '');
      const k = sm2.keys.fromPem(readFileSync(f('key.pem'), 'utf8'));
      expect(k.type).toBe('private');
      if (k.type !== 'private') return;
      expect(toHex(k.secretKey)).toBe(grab('priv:').padStart(64, '0'));
      expect(toHex(k.publicKey)).toBe(grab('pub:'));
      expect(toHex(sm2.keys.fromPem(readFileSync(f('pub.pem'), 'utf8')).publicKey)).toBe(
        toHex(k.publicKey),
      );
      expect(sm2.keys.toPem(k.secretKey)).toBe(readFileSync(f('key.pem'), 'utf8'));
      expect(sm2.keys.toPem(k.publicKey)).toBe(readFileSync(f('pub.pem'), 'utf8'));
    }));

  it('our PEM keys load in openssl (private → same public key)', () =>
    withDir((f) => {
      const k = sm2.keygen();
      writeFileSync(f('k.pem'), sm2.keys.toPem(k.secretKey));
      writeFileSync(f('p.pem'), sm2.keys.toPem(k.publicKey));
      expect(ossl('pkey', '-in', f('k.pem'), '-pubout').toString()).toBe(
        sm2.keys.toPem(k.publicKey),
      );
      expect(ossl('pkey', '-pubin', '-in', f('p.pem'), '-pubout').toString()).toBe(
        sm2.keys.toPem(k.publicKey),
      );
    }));

  it('ours signs → openssl pkeyutl -verify accepts (and rejects a changed message)', () =>
    withDir((f) => {
      for (let i = 0; i < CASES; i++) {
        const k = sm2.keygen();
        const msg = randomBytes(1 + i * 97);
        writeFileSync(f('p.pem'), sm2.keys.toPem(k.publicKey));
        writeFileSync(f('m.bin'), msg);
        writeFileSync(f('s.der'), sm2.sign(msg, k.secretKey));
        const args = [
          'pkeyutl',
          '-verify',
          '-rawin',
          '-digest',
          'sm3',
          '-pkeyopt',
          `distid:${ID}`,
          '-pubin',
          '-inkey',
          f('p.pem'),
          '-in',
          f('m.bin'),
          '-sigfile',
          f('s.der'),
        ];
        expect(osslOk(...args)).toBe(true);
        writeFileSync(f('m.bin'), Uint8Array.from([...msg, 0]));
        expect(osslOk(...args)).toBe(false);
      }
    }));

  it('openssl signs → ours verifies (and not under another ID)', () =>
    withDir((f) => {
      for (let i = 0; i < CASES; i++) {
        const k = sm2.keygen();
        const msg = randomBytes(i * 50);
        writeFileSync(f('k.pem'), sm2.keys.toPem(k.secretKey));
        writeFileSync(f('m.bin'), msg);
        ossl(
          'pkeyutl',
          '-sign',
          '-rawin',
          '-digest',
          'sm3',
          '-pkeyopt',
          `distid:${ID}`,
          '-inkey',
          f('k.pem'),
          '-in',
          f('m.bin'),
          '-out',
          f('s.der'),
        );
        const sig = new Uint8Array(readFileSync(f('s.der')));
        expect(sm2.verify(sig, msg, k.publicKey)).toBe(true);
        expect(sm2.verify(sig, msg, k.publicKey, { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
      }
    }));

  it('openssl encrypts → ours decrypts', () =>
    withDir((f) => {
      for (let i = 0; i < CASES; i++) {
        const k = sm2.keygen();
        const msg = randomBytes(1 + i * 120);
        writeFileSync(f('p.pem'), sm2.keys.toPem(k.publicKey));
        writeFileSync(f('m.bin'), msg);
        ossl(
          'pkeyutl',
          '-encrypt',
          '-pubin',
          '-inkey',
          f('p.pem'),
          '-in',
          f('m.bin'),
          '-out',
          f('c.der'),
        );
        expect(toHex(sm2.decrypt(new Uint8Array(readFileSync(f('c.der'))), k.secretKey))).toBe(
          toHex(msg),
        );
      }
    }));

  it('ours encrypts (DER) → openssl decrypts', () =>
    withDir((f) => {
      for (let i = 0; i < CASES; i++) {
        const k = sm2.keygen();
        const msg = randomBytes(1 + i * 120);
        writeFileSync(f('k.pem'), sm2.keys.toPem(k.secretKey));
        writeFileSync(f('c.der'), sm2.encrypt(msg, k.publicKey));
        ossl('pkeyutl', '-decrypt', '-inkey', f('k.pem'), '-in', f('c.der'), '-out', f('m.bin'));
        expect(toHex(new Uint8Array(readFileSync(f('m.bin'))))).toBe(toHex(msg));
      }
    }));

  it('a P-256 (prime256v1) PEM key is refused with INVALID_KEY', () =>
    withDir((f) => {
      ossl(
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-out',
        f('ec.pem'),
      );
      expect(() => sm2.keys.fromPem(readFileSync(f('ec.pem'), 'utf8'))).toThrowError(
        expect.objectContaining({ code: 'INVALID_KEY' }),
      );
    }));
});
