// Security review item 11: `bukejian sm2 keygen --out k.hex` over an existing world-readable file
// used to leave it 0644 with the private key inside (writeFileSync's mode applies only when it
// creates the file). Secret material (sm2 keygen --out, sm2 decrypt --out, audit init's
// signing-key.pem) is now written only to a file created mode 0600: an existing file or symlink is
// refused and left unchanged; with --force it is replaced atomically by a new 0600 file.
// sm2 runs through the built dist/cli.js (`npx tsup` first), audit in-process from src.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-ignore no types
import { sm2 as smv2 } from 'sm-crypto-v2';
import { sm2 } from '../src/sm2/index.js';
import { run as auditRun } from '../src/cli/audit.js';
import { BukejianError } from '../src/errors.js';

const cli = process.env.BUKEJIAN_CLI ?? path.join(__dirname, '..', 'dist', 'cli.js');
const run = (args: string[], input?: Uint8Array | string) => {
  const r = spawnSync(process.execPath, [cli, 'sm2', ...args], { input });
  return { code: r.status, text: r.stdout.toString(), err: r.stderr.toString() };
};
const mode = (f: string) => statSync(f).mode & 0o777;

function inTmp(f: (p: (name: string) => string, dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-secret-'));
    try {
      await f((n) => path.join(dir, n), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** A pre-existing world-readable file, as in the review's scenario. */
function worldReadable(file: string, content: string): void {
  writeFileSync(file, content);
  chmodSync(file, 0o644);
}

describe('item 11: secret material goes only to a new mode-600 file', () => {
  it(
    'sm2 keygen --out k.hex over an existing 0644 file: refused and unchanged; --force → mode 600 and a valid key',
    inTmp((p, dir) => {
      worldReadable(p('k.hex'), 'not a key\n');
      const refused = run(['keygen', '--out', p('k.hex')]);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('BAD_STATE');
      expect(refused.text).toBe(''); // no public key for a private key that was not stored
      expect(readFileSync(p('k.hex'), 'utf8')).toBe('not a key\n');
      expect(mode(p('k.hex'))).toBe(0o644);

      const forced = run(['keygen', '--out', p('k.hex'), '--force']);
      expect(forced.code).toBe(0);
      expect(mode(p('k.hex'))).toBe(0o600);
      const skHex = readFileSync(p('k.hex'), 'utf8').trim();
      expect(skHex).toMatch(/^[0-9a-f]{64}$/);
      // the public key printed on stdout is the one sm-crypto-v2 derives from the stored private key
      expect(forced.text.trim()).toBe(smv2.getPublicKeyFromPrivateKey(skHex));
      expect(readdirSync(dir).sort()).toEqual(['k.hex']); // no temporary file left behind
    }),
  );

  it(
    'sm2 keygen --pem --out over an existing file, and a symlink planted at the --out path',
    inTmp((p) => {
      worldReadable(p('victim.txt'), 'someone else\n');
      symlinkSync(p('victim.txt'), p('k.pem'));
      expect(run(['keygen', '--pem', '--out', p('k.pem')]).code).toBe(1);
      expect(readFileSync(p('victim.txt'), 'utf8')).toBe('someone else\n');
      const forced = run(['keygen', '--pem', '--out', p('k.pem'), '--force']);
      expect(forced.code).toBe(0);
      expect(lstatSync(p('k.pem')).isSymbolicLink()).toBe(false); // the link was replaced, not followed
      expect(mode(p('k.pem'))).toBe(0o600);
      expect(readFileSync(p('victim.txt'), 'utf8')).toBe('someone else\n');
      const key = sm2.keys.fromPem(readFileSync(p('k.pem'), 'utf8'));
      expect(key.type).toBe('private');
      expect(
        smv2.getPublicKeyFromPrivateKey(
          Buffer.from((key as { secretKey: Uint8Array }).secretKey).toString('hex'),
        ),
      ).toBe(Buffer.from(sm2.keys.fromPem(forced.text).publicKey).toString('hex'));
      // a new path is created mode 600 without --force (unchanged behaviour)
      expect(run(['keygen', '--out', p('new.hex')]).code).toBe(0);
      expect(mode(p('new.hex'))).toBe(0o600);
    }),
  );

  it(
    'sm2 decrypt --out over an existing 0644 file: refused and unchanged; --force → mode 600 plaintext',
    inTmp((p) => {
      const kp = sm2.keygen();
      writeFileSync(p('ct.der'), sm2.encrypt('110101199003071234', kp.publicKey));
      worldReadable(p('pt.txt'), 'old\n');
      const key = Buffer.from(kp.secretKey).toString('hex');
      const refused = run(['decrypt', '--key', key, '--out', p('pt.txt'), p('ct.der')]);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('BAD_STATE');
      expect(readFileSync(p('pt.txt'), 'utf8')).toBe('old\n');
      expect(mode(p('pt.txt'))).toBe(0o644);
      expect(
        run(['decrypt', '--key', key, '--out', p('pt.txt'), '--force', p('ct.der')]).code,
      ).toBe(0);
      expect(readFileSync(p('pt.txt'), 'utf8')).toBe('110101199003071234');
      expect(mode(p('pt.txt'))).toBe(0o600);
    }),
  );

  it(
    'audit init over an existing 0644 signing-key.pem: BAD_STATE, the file unchanged; a fresh init writes it mode 600',
    inTmp(async (p) => {
      worldReadable(p('signing-key.pem'), 'planted\n');
      let err: unknown;
      try {
        await auditRun(['init', '--dir', p(''), '--origin', 'test.example/log']);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BukejianError);
      expect((err as BukejianError).code).toBe('BAD_STATE');
      expect(readFileSync(p('signing-key.pem'), 'utf8')).toBe('planted\n');
      expect(mode(p('signing-key.pem'))).toBe(0o644);

      const fresh = path.join(p('fresh'));
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write; // init prints its config
      try {
        expect(await auditRun(['init', '--dir', fresh, '--origin', 'test.example/log'])).toBe(0);
      } finally {
        process.stdout.write = write;
      }
      const pem = path.join(fresh, 'signing-key.pem');
      expect(mode(pem)).toBe(0o600);
      expect(sm2.keys.fromPem(readFileSync(pem, 'utf8')).type).toBe('private');
    }),
  );
});
