// `bukejian sm4` end to end through the built CLI (dist/cli.js; the suite runs after the build):
// standard vectors, agreement with node:crypto on files larger than one read chunk, no output at
// all for a forged AEAD message or bad padding, and usage errors.
import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = path.resolve(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-sm4-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [cli, 'sm4', ...args], { input, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

const K = '0123456789abcdeffedcba9876543210';
const key = Buffer.from(K, 'hex');
const IV = 'ffeeddccbbaa99887766554433221100';
const iv = Buffer.from(IV, 'hex');

describe('bukejian sm4', () => {
  it('GCM: RFC 8998 A.1 via stdin/stdout, and back', () => {
    const pt = Buffer.from(
      'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa',
      'hex',
    );
    const args = [
      '--mode',
      'gcm',
      '--key',
      K,
      '--nonce',
      '00001234567800000000abcd',
      '--aad',
      'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    ];
    const enc = run(['encrypt', ...args], pt);
    expect(enc.code).toBe(0);
    expect(enc.out.toString('hex')).toBe(
      '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d83de3541e4c2b58177e065a9bf7b62ec',
    );
    const dec = run(['decrypt', ...args], enc.out);
    expect(dec.code).toBe(0);
    expect(dec.out.equals(pt)).toBe(true);
  });

  it('GCM/CCM: a forged file gives exit 1, AUTH_FAILED, and no output file', () => {
    const pt = randomBytes(300_000);
    const inFile = path.join(dir, 'pt.bin'),
      ctFile = path.join(dir, 'ct.bin');
    writeFileSync(inFile, pt);
    for (const [mode, nonce] of [
      ['gcm', '0a0b0c0d0e0f101112131415'],
      ['ccm', '0a0b0c0d0e0f1011'],
    ] as const) {
      const args = ['--mode', mode, '--key', K, '--nonce', nonce, '--aad', 'abcd'];
      expect(run(['encrypt', ...args, inFile, ctFile]).code).toBe(0);
      const back = path.join(dir, `back-${mode}.bin`);
      expect(run(['decrypt', ...args, ctFile, back]).code).toBe(0);
      expect(readFileSync(back).equals(pt)).toBe(true);
      // wrong AAD, flipped ciphertext byte, truncated tag: nothing written anywhere
      const ct = readFileSync(ctFile);
      const flipped = Buffer.from(ct);
      flipped[12345] ^= 1;
      for (const [input, extra] of [
        [ct, ['--aad', 'abce']],
        [flipped, []],
        [ct.subarray(0, ct.length - 1), []],
      ] as const) {
        const out = path.join(dir, `forged-${mode}.bin`);
        const a = [
          ...args.filter((x, i) => !(extra.length && (x === '--aad' || args[i - 1] === '--aad'))),
          ...extra,
        ];
        const r = run(['decrypt', ...a, '-', out], input);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/AUTH_FAILED/);
        expect(existsSync(out)).toBe(false);
        const r2 = run(['decrypt', ...a], input);
        expect(r2.code).toBe(1);
        expect(r2.out.length).toBe(0); // stdout: not one byte
      }
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('classic modes stream files and agree with node:crypto in both directions', () => {
    const pt = randomBytes(200_003); // several read chunks, not a multiple of 16
    const inFile = path.join(dir, 'big.bin');
    writeFileSync(inFile, pt);
    for (const mode of ['cbc', 'ecb', 'ctr', 'cfb', 'ofb'] as const) {
      const c = createCipheriv(`sm4-${mode}`, key, mode === 'ecb' ? null : iv);
      const want = Buffer.concat([c.update(pt), c.final()]);
      const ivArgs = mode === 'ecb' ? [] : ['--iv', IV];
      const outFile = path.join(dir, `big.${mode}`);
      const enc = run(['encrypt', '--mode', mode, '--key', K, ...ivArgs, inFile, outFile]);
      expect(enc.code).toBe(0);
      expect(readFileSync(outFile).equals(want)).toBe(true);
      const dec = run(['decrypt', '--mode', mode, '--key', K, ...ivArgs], want);
      expect(dec.code).toBe(0);
      expect(dec.out.equals(pt)).toBe(true);
    }
  });

  it('CBC with a bad final padding: exit 1, BAD_PADDING, no output file', () => {
    const c = createCipheriv('sm4-cbc', key, iv).setAutoPadding(false);
    const bad = Buffer.concat([c.update(Buffer.alloc(64, 0x42)), c.final()]);
    const out = path.join(dir, 'badpad.out');
    const r = run(['decrypt', '--mode', 'cbc', '--key', K, '--iv', IV, '-', out], bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/BAD_PADDING/);
    expect(existsSync(out)).toBe(false);
  });

  it('I/O failures exit 1 with the error code (missing input, unwritable output)', () => {
    const r1 = run([
      'encrypt',
      '--mode',
      'gcm',
      '--key',
      K,
      '--nonce',
      '00',
      path.join(dir, 'does-not-exist'),
    ]);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/ENOENT/);
    const r2 = run(
      [
        'encrypt',
        '--mode',
        'gcm',
        '--key',
        K,
        '--nonce',
        '00',
        '-',
        path.join(dir, 'no-such-dir', 'out.bin'),
      ],
      Buffer.from('x'),
    );
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/ENOENT/);
  });

  it('--key-file and --padding none', () => {
    const kf = path.join(dir, 'key.hex');
    writeFileSync(kf, K + '\n', { mode: 0o600 });
    const r = run(['encrypt', '--mode', 'ecb', '--key-file', kf, '--padding', 'none'], key);
    expect(r.code).toBe(0);
    expect(r.out.toString('hex')).toBe('681edf34d206965e86b3e94f536e4246'); // GB/T 32907 example 1
  });

  it.each([
    [['frobnicate', '--key', K]],
    [['encrypt', '--mode', 'xts', '--key', K]],
    [['encrypt', '--mode', 'gcm', '--nonce', '00']],
    // (gcm without --nonce is no longer an error: a nonce is drawn and stored, test/sm4-cli-header.test.ts)
    [['encrypt', '--mode', 'gcm', '--key', K, '--iv', IV]],
    [['encrypt', '--mode', 'cbc', '--key', K]],
    [['encrypt', '--mode', 'cbc', '--key', K, '--iv', IV, '--aad', '00']],
    [['encrypt', '--mode', 'ctr', '--key', K, '--iv', IV, '--padding', 'none']],
    [['encrypt', '--mode', 'gcm', '--key', 'zz', '--nonce', '00']],
    [['encrypt', '--mode', 'gcm', '--key', '0011', '--nonce', '00']],
    [['encrypt', '--mode', 'ccm', '--key', K, '--nonce', '00']],
    [['encrypt', '--mode', 'ccm', '--key', K, '--nonce', '0a0b0c0d0e0f1011', '--tag-length', '5']],
    [['encrypt', '--mode', 'gcm', '--key', K, '--nonce', '00', '--tag-length', '8']],
    [['encrypt', '--mode', 'cbc', '--key', K, '--iv', '0011']],
    [['encrypt', '--bogus']],
  ])('usage error %j → exit 2, nothing on stdout', (args) => {
    const r = run(args, Buffer.from('x'));
    expect(r.code).toBe(2);
    expect(r.out.length).toBe(0);
    expect(r.err).toMatch(/bukejian/);
  });
});
