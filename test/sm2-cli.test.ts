// `bukejian sm2 …` end to end: spawns the built dist/cli.js (`npm test` builds first) and checks
// its outputs with the library and vice versa.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sm2 } from '../src/sm2/index.js';
import { toHex } from './helpers/vectors.js';

// BUKEJIAN_CLI may point at another build of the same sources (e.g. while dist/ is being rebuilt).
const cli = process.env.BUKEJIAN_CLI ?? path.join(__dirname, '..', 'dist', 'cli.js');
const run = (args: string[], input?: Uint8Array | string) => {
  const r = spawnSync(process.execPath, [cli, 'sm2', ...args], { input });
  return { code: r.status, out: r.stdout, text: r.stdout.toString(), err: r.stderr.toString() };
};

describe('bukejian sm2 (dist/cli.js)', () => {
  it('dist/cli.js exists (run `npm run build`)', () => expect(existsSync(cli)).toBe(true));

  it('keygen --pem --out, sign, verify, tamper, encrypt, decrypt', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-sm2-cli-'));
    try {
      const f = (n: string) => path.join(dir, n);
      const kg = run(['keygen', '--pem', '--out', f('key.pem')]);
      expect(kg.code).toBe(0);
      writeFileSync(f('pub.pem'), kg.text);
      const key = sm2.keys.fromPem(readFileSync(f('key.pem'), 'utf8'));
      expect(key.type).toBe('private');
      if (key.type !== 'private') throw new Error('expected a private key');
      expect(toHex(sm2.keys.fromPem(kg.text).publicKey)).toBe(toHex(key.publicKey));
      writeFileSync(f('msg.txt'), '数据共享申请 2026-0001');

      const sig = run([
        'sign',
        '--key',
        f('key.pem'),
        '--user-id',
        'agency-7',
        '--out',
        f('sig.der'),
        f('msg.txt'),
      ]);
      expect(sig.code).toBe(0);
      expect(
        sm2.verify(
          new Uint8Array(readFileSync(f('sig.der'))),
          '数据共享申请 2026-0001',
          key.publicKey,
          { userId: 'agency-7' },
        ),
      ).toBe(true);
      expect(
        run([
          'verify',
          '--key',
          f('pub.pem'),
          '--user-id',
          'agency-7',
          '--sig',
          f('sig.der'),
          f('msg.txt'),
        ]),
      ).toMatchObject({ code: 0, text: 'OK\n' });
      expect(
        run(['verify', '--key', f('pub.pem'), '--sig', f('sig.der'), f('msg.txt')]),
      ).toMatchObject({ code: 1, text: 'FAIL\n' });
      expect(
        run(
          ['verify', '--key', f('pub.pem'), '--user-id', 'agency-7', '--sig', f('sig.der'), '-'],
          'tampered',
        ).code,
      ).toBe(1);

      const raw = run(['sign', '--key', f('key.pem'), '--format', 'raw', '--hex', '-'], 'abc');
      expect(raw.code).toBe(0);
      expect(raw.text.trim()).toHaveLength(128);
      expect(
        run(
          [
            'verify',
            '--key',
            toHex(key.publicKey),
            '--format',
            'raw',
            '--sig-hex',
            raw.text.trim(),
            '-',
          ],
          'abc',
        ).code,
      ).toBe(0);

      const enc = run([
        'encrypt',
        '--key',
        f('pub.pem'),
        '--mode',
        'c1c2c3',
        '--format',
        'raw',
        '--hex',
        f('msg.txt'),
      ]);
      expect(enc.code).toBe(0);
      expect(
        new TextDecoder().decode(
          sm2.decrypt(Buffer.from(enc.text.trim(), 'hex'), key.secretKey, {
            format: 'raw',
            mode: 'c1c2c3',
          }),
        ),
      ).toBe('数据共享申请 2026-0001');
      const dec = run(
        ['decrypt', '--key', f('key.pem'), '--mode', 'c1c2c3', '--format', 'raw', '--hex', '-'],
        enc.text,
      );
      expect(dec).toMatchObject({ code: 0, text: '数据共享申请 2026-0001' });

      writeFileSync(f('ct.der'), sm2.encrypt(new Uint8Array([0, 1, 2, 255]), key.publicKey));
      const dec2 = run(['decrypt', '--key', toHex(key.secretKey), f('ct.der')]);
      expect(dec2.code).toBe(0);
      expect(toHex(new Uint8Array(dec2.out))).toBe('000102ff');
      expect(run(['decrypt', '--key', f('key.pem'), '--out', f('pt.bin'), f('ct.der')]).code).toBe(
        0,
      );
      expect(toHex(new Uint8Array(readFileSync(f('pt.bin'))))).toBe('000102ff');
      expect(statSync(f('pt.bin')).mode & 0o777).toBe(0o600); // plaintext file: owner only
      const wrong = run(['decrypt', '--key', toHex(sm2.keygen().secretKey), f('ct.der')]);
      expect(wrong.code).toBe(1);
      expect(wrong.out.length).toBe(0);
      expect(wrong.err).toContain('DECRYPT_FAILED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keygen prints JSON hex; usage errors exit 2', () => {
    const kg = run(['keygen']);
    const j = JSON.parse(kg.text) as { secretKey: string; publicKey: string };
    expect(toHex(sm2.getPublicKey(Buffer.from(j.secretKey, 'hex')))).toBe(j.publicKey);
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['sign', '--bogus']).code).toBe(2);
    expect(run(['--help']).code).toBe(0);
  });
});
