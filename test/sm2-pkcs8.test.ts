/**
 * Encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, PBES2) in `sm2.keys.toPem/fromPem(…, { password })`:
 * GmSSL 3.x keys (fixtures: PBKDF2-HMAC-SM3 ×65,536 + SM4-CBC) and signatures, live
 * `openssl pkcs8` both ways (AES-256-CBC + HMAC-SHA256 by default, `-v2 sm4-cbc`, AES-128 +
 * HMAC-SHA1), our default SM3/SM4 output decrypted by node:crypto (pbkdf2 'sm3', 'sm4-cbc') and
 * parsed by `openssl pkey`, PBKDF2-HMAC-SM3 in TS against node:crypto, and wrong passwords
 * (never key material, always DECRYPT_FAILED). OpenSSL 3.0 has no HMAC-SM3 PRF for PBKDF2
 * (`-v2prf hmacWithSM3` → "unsupported prf"), so SM3-PRF interop is with GmSSL only.
 */
import crypto from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index.js';
import { pbkdf2HmacSm3 } from '../src/sm2/_pbes2.js';
import { bytesToHex, utf8ToBytes } from '../src/utils.js';
import { ossl, osslRun, withDir } from './helpers/openssl.js';

const dir = path.join(import.meta.dirname, 'fixtures/gmssl');
const fixture = (f: string) => readFileSync(path.join(dir, f), 'utf8');
const PASS = 'bukejian-fixture-pass';

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('GmSSL encrypted PKCS#8 (PBKDF2-HMAC-SM3, SM4-CBC)', () => {
  it('the three fixture keys decrypt to the public keys GmSSL wrote next to them', async () => {
    for (const name of ['root', 'ca', 'leaf']) {
      const k = await sm2.keys.fromPem(fixture(`${name}-key.pem`), { password: PASS });
      expect(k.type).toBe('private');
      expect(k.publicKey).toEqual(sm2.keys.fromPem(fixture(`${name}-pub.pem`)).publicKey);
    }
  });
  it("GmSSL's sm2sign signatures (default and custom ID) verify under the decrypted key", async () => {
    const k = await sm2.keys.fromPem(fixture('leaf-key.pem'), { password: PASS });
    const msg = readFileSync(path.join(dir, 'msg.txt'));
    const sig = new Uint8Array(readFileSync(path.join(dir, 'msg.sig')));
    const sigId = new Uint8Array(readFileSync(path.join(dir, 'msg-id.sig')));
    expect(sm2.verify(sig, msg, k.publicKey)).toBe(true);
    expect(sm2.verify(sigId, msg, k.publicKey, { userId: 'agency-310000@example.gov.cn' })).toBe(
      true,
    );
    expect(sm2.verify(sigId, msg, k.publicKey)).toBe(false);
  });
  it('a wrong password: DECRYPT_FAILED; no password: INVALID_OPTION', async () => {
    const pem = fixture('leaf-key.pem');
    expect(await code(sm2.keys.fromPem(pem, { password: 'bukejian-fixture-pasS' }))).toBe(
      'DECRYPT_FAILED',
    );
    expect(await code(() => sm2.keys.fromPem(pem))).toBe('INVALID_OPTION');
  });
});

describe('openssl pkcs8 interop', () => {
  it('reads openssl -topk8 output: default AES-256/SHA256, -v2 sm4-cbc, AES-128/SHA1', () =>
    withDir(async (f) => {
      ossl('genpkey', '-algorithm', 'SM2', '-out', f('plain.pem'));
      const plain = sm2.keys.fromPem(readFileSync(f('plain.pem'), 'utf8'));
      const variants = [
        [],
        ['-v2', 'sm4-cbc'],
        ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'],
        ['-v2', 'aes-256-cbc', '-iter', '100000'],
      ];
      for (const v of variants) {
        ossl(
          'pkcs8',
          '-topk8',
          '-in',
          f('plain.pem'),
          '-passout',
          'pass:p@ss 密码',
          ...v,
          '-out',
          f('enc.pem'),
        );
        const k = await sm2.keys.fromPem(readFileSync(f('enc.pem'), 'utf8'), {
          password: 'p@ss 密码',
        });
        expect(k).toEqual(plain);
        expect(
          await code(sm2.keys.fromPem(readFileSync(f('enc.pem'), 'utf8'), { password: 'p@ss' })),
        ).toBe('DECRYPT_FAILED');
      }
    }));

  it('openssl reads ours with prf hmacWithSHA256 (AES-256-CBC, AES-128-CBC, SM4-CBC)', () =>
    withDir(async (f) => {
      const { secretKey } = sm2.keygen();
      for (const cipher of ['aes-256-cbc', 'aes-128-cbc', 'sm4-cbc'] as const) {
        const pem = await sm2.keys.toPem(secretKey, {
          password: 'agency pass',
          prf: 'hmacWithSHA256',
          cipher,
          iterations: 10_000,
        });
        writeFileSync(f('ours.pem'), pem);
        const text = ossl('asn1parse', '-in', f('ours.pem')).toString();
        expect(text).toContain(cipher === 'sm4-cbc' ? 'sm4-cbc' : cipher);
        expect(text).toContain('hmacWithSHA256');
        const out = ossl('pkcs8', '-in', f('ours.pem'), '-passin', 'pass:agency pass').toString();
        expect(out).toBe(sm2.keys.toPem(secretKey));
        expect(
          osslRun('pkcs8', '-in', f('ours.pem'), '-passin', 'pass:agency pasS').status,
        ).not.toBe(0);
      }
    }));

  it('our default (PBKDF2-HMAC-SM3 ×65,536, SM4-CBC) decrypts with node:crypto and parses in openssl', () =>
    withDir(async (f) => {
      const { secretKey } = sm2.keygen();
      const pem = await sm2.keys.toPem(secretKey, { password: 'agency pass' });
      writeFileSync(f('ours.pem'), pem);
      // fields read by openssl asn1parse, the decryption by node:crypto: nothing of ours
      const lines = ossl('asn1parse', '-in', f('ours.pem')).toString().split('\n');
      const hex = (i: number) => lines[i]!.split('[HEX DUMP]:')[1]!.trim();
      const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
      expect(lines[at(/OBJECT/) + 0]).toContain('PBES2');
      expect(lines.some((l) => l.includes(':1.2.156.10197.1.401.2'))).toBe(true);
      const saltLine = at(/OCTET STRING +\[HEX DUMP\]/);
      const iter = parseInt(lines[saltLine + 1]!.split(':').pop()!, 16);
      expect(iter).toBe(65_536);
      expect(lines[saltLine + 2]).toMatch(/INTEGER +:10$/);
      const ivLine = lines.findIndex(
        (l, i) => i > saltLine && /OCTET STRING +\[HEX DUMP\]/.test(l),
      );
      expect(lines[ivLine - 1]).toContain('sm4-cbc');
      const ctLine = lines.findIndex((l, i) => i > ivLine && /OCTET STRING/.test(l));
      const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      const offset = Number(lines[ctLine]!.trim().split(':')[0]);
      const hl = Number(/hl= *(\d+)/.exec(lines[ctLine]!)![1]);
      const ct = der.subarray(offset + hl);
      const key = crypto.pbkdf2Sync(
        'agency pass',
        Buffer.from(hex(saltLine), 'hex'),
        iter,
        16,
        'sm3',
      );
      const d = crypto.createDecipheriv('sm4-cbc', key, Buffer.from(hex(ivLine), 'hex'));
      writeFileSync(f('plain.der'), Buffer.concat([d.update(ct), d.final()]));
      const back = ossl('pkey', '-inform', 'DER', '-in', f('plain.der')).toString();
      expect(back).toBe(sm2.keys.toPem(secretKey));
    }));
});

describe('wrong passwords and hostile files', () => {
  it('300 wrong passwords on a 1-iteration AES-256 key all give DECRYPT_FAILED (padding and structure)', () =>
    withDir(async (f) => {
      ossl('genpkey', '-algorithm', 'SM2', '-out', f('plain.pem'));
      ossl(
        'pkcs8',
        '-topk8',
        '-in',
        f('plain.pem'),
        '-passout',
        'pass:right',
        '-iter',
        '1',
        '-out',
        f('enc.pem'),
      );
      const pem = readFileSync(f('enc.pem'), 'utf8');
      const codes = new Set<string | undefined>();
      for (let i = 0; i < 300; i++)
        codes.add(await code(sm2.keys.fromPem(pem, { password: `wrong-${i}` })));
      expect([...codes]).toEqual(['DECRYPT_FAILED']);
    }));

  // Envelopes built with node:crypto around chosen plaintexts: the padding is right, the content not.
  function envelope(plaintext: Buffer, declaredIterations = 1): string {
    const iterations = declaredIterations > 1000 ? 1 : declaredIterations; // refused before use
    const salt = Buffer.alloc(8, 7);
    const iv = Buffer.alloc(16, 9);
    const key = crypto.pbkdf2Sync('pw', salt, iterations, 32, 'sha256');
    const c = crypto.createCipheriv('aes-256-cbc', key, iv);
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    const dd = (tag: number, v: Buffer) => {
      const n = v.length;
      const len =
        n < 128 ? Buffer.of(n) : n < 256 ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 255);
      return Buffer.concat([Buffer.of(tag), len, v]);
    };
    const seq = (...v: Buffer[]) => dd(0x30, Buffer.concat(v));
    const oid = (hex: string) => dd(0x06, Buffer.from(hex, 'hex'));
    const int = (n: number) => {
      let h = n.toString(16);
      if (h.length % 2) h = '0' + h;
      if (parseInt(h.slice(0, 2), 16) >= 0x80) h = '00' + h;
      return dd(0x02, Buffer.from(h, 'hex'));
    };
    const der = seq(
      seq(
        oid('2a864886f70d01050d'),
        seq(
          seq(
            oid('2a864886f70d01050c'),
            seq(
              dd(0x04, salt),
              int(declaredIterations),
              seq(oid('2a864886f70d0209'), Buffer.of(5, 0)),
            ),
          ),
          seq(oid('60864801650304012a'), dd(0x04, iv)),
        ),
      ),
      dd(0x04, ct),
    );
    return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${der.toString('base64')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
  }

  it('right padding around garbage, or a key whose embedded public key differs: DECRYPT_FAILED', async () => {
    expect(
      await code(sm2.keys.fromPem(envelope(Buffer.from('not a key at all')), { password: 'pw' })),
    ).toBe('DECRYPT_FAILED');
    const a = sm2.keygen();
    const b = sm2.keygen();
    const infoA = Buffer.from(
      sm2.keys.toPem(a.secretKey).replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    );
    // swap in b's public key (the last 65 bytes of the PKCS#8 DER are the uncompressed point)
    const mixed = Buffer.concat([infoA.subarray(0, infoA.length - 65), Buffer.from(b.publicKey)]);
    expect(await code(sm2.keys.fromPem(envelope(mixed), { password: 'pw' }))).toBe(
      'DECRYPT_FAILED',
    );
    const ok = await sm2.keys.fromPem(envelope(infoA), { password: 'pw' });
    expect(bytesToHex(ok.publicKey)).toBe(bytesToHex(a.publicKey));
  });

  it('an absurd iteration count is refused before any work (INVALID_ENCODING)', async () => {
    const t = Date.now();
    expect(
      await code(sm2.keys.fromPem(envelope(Buffer.from('x'), 2 ** 25), { password: 'pw' })),
    ).toBe('INVALID_ENCODING');
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('an unsupported cipher (des-ede3-cbc) is UNSUPPORTED', () =>
    withDir(async (f) => {
      ossl('genpkey', '-algorithm', 'SM2', '-out', f('plain.pem'));
      ossl(
        'pkcs8',
        '-topk8',
        '-in',
        f('plain.pem'),
        '-passout',
        'pass:pw',
        '-v2',
        'des3',
        '-out',
        f('enc.pem'),
      );
      expect(
        await code(sm2.keys.fromPem(readFileSync(f('enc.pem'), 'utf8'), { password: 'pw' })),
      ).toBe('UNSUPPORTED');
    }));
});

describe('options', () => {
  const { secretKey, publicKey } = sm2.keygen();
  it('write: iterations floor 10,000, known prf/cipher, non-empty password, private keys only', async () => {
    expect(await code(sm2.keys.toPem(secretKey, { password: 'p', iterations: 9_999 }))).toBe(
      'INVALID_RANGE',
    );
    expect(
      await code(sm2.keys.toPem(secretKey, { password: 'p', prf: 'hmacWithSHA1' as never })),
    ).toBe('INVALID_OPTION');
    expect(await code(sm2.keys.toPem(secretKey, { password: 'p', cipher: 'des3' as never }))).toBe(
      'INVALID_OPTION',
    );
    expect(await code(sm2.keys.toPem(secretKey, { password: '' }))).toBe('INVALID_OPTION');
    expect(await code(sm2.keys.toPem(secretKey, {} as never))).toBe('INVALID_OPTION');
    expect(await code(sm2.keys.toPem(publicKey, { password: 'p' }))).toBe('INVALID_OPTION');
  });
  it('round trip with bytes as the password; an unencrypted PEM with a password still reads', async () => {
    const pw = Uint8Array.of(0, 1, 2, 255);
    const pem = await sm2.keys.toPem(secretKey, { password: pw, iterations: 10_000 });
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect((await sm2.keys.fromPem(pem, { password: pw })).publicKey).toEqual(publicKey);
    const plain = await sm2.keys.fromPem(sm2.keys.toPem(secretKey), { password: 'unused' });
    expect(plain.publicKey).toEqual(publicKey);
  });
});

describe('PBKDF2-HMAC-SM3 in TypeScript against node:crypto', () => {
  it('matches crypto.pbkdf2Sync(…, "sm3") for several lengths and counts', () => {
    for (const [pw, salt, it, len] of [
      ['password', 'salt', 1, 32],
      ['password', 'salt', 2, 16],
      ['密码 pass', 'NaCl-16-bytes!!!', 1000, 40],
      ['', 'x', 3, 64],
    ] as const) {
      const want = crypto.pbkdf2Sync(pw, salt, it, len, 'sm3');
      expect(bytesToHex(pbkdf2HmacSm3(utf8ToBytes(pw), utf8ToBytes(salt), it, len))).toBe(
        want.toString('hex'),
      );
    }
  });
});
