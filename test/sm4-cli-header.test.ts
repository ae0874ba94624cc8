// `bukejian sm4 encrypt --mode gcm|ccm` without --nonce (issue 20): a fresh nonce per run, stored
// in a versioned header that decrypt reads and that is authenticated as AAD; a given nonce still
// works raw (interop) with a warning. Built dist/cli.js as child processes.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { sm4 } from '../src/sm4/index.js';

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
const key = '0123456789abcdeffedcba9876543210';
const run = (args: string[], input: Uint8Array | string) =>
  spawnSync(process.execPath, [cli, 'sm4', ...args], { input });
const text = '测试用户 440305198806140325 申请高龄津贴';

describe('sm4 CLI: nonce management', () => {
  it('gcm without --nonce: header + fresh nonce each run, decrypt reads it, header tamper fails', () => {
    const a = run(['encrypt', '--key', key], text);
    const b = run(['encrypt', '--key', key], text);
    expect(a.status).toBe(0);
    expect(a.stderr.toString()).toBe('');
    const ha = a.stdout.subarray(0, 22);
    expect(ha.subarray(0, 9).toString('latin1')).toBe('BKJSM4\x01\x01\x0c'); // magic, v1, gcm, 12-byte nonce
    expect(ha[21]).toBe(16); // tag length
    expect(ha.subarray(9, 21).equals(b.stdout.subarray(9, 21))).toBe(false); // nonces differ
    // the body is SM4-GCM under the stored nonce with the header as AAD
    const body = sm4
      .gcm(hexBytes(key), new Uint8Array(ha.subarray(9, 21)), new Uint8Array(ha))
      .decrypt(new Uint8Array(a.stdout.subarray(22)));
    expect(new TextDecoder().decode(body)).toBe(text);
    const d = run(['decrypt', '--key', key], a.stdout);
    expect(d.status).toBe(0);
    expect(d.stdout.toString()).toBe(text);
    const tampered = Buffer.from(a.stdout);
    tampered[21] = 16;
    tampered[9]! ^= 1; // another nonce in the header
    const t = run(['decrypt', '--key', key], tampered);
    expect(t.status).toBe(1);
    expect(t.stdout.length).toBe(0);
    expect(t.stderr.toString()).toMatch(/AUTH_FAILED/);
  });

  it('ccm with --tag-length 8 round-trips through the header; raw input without --nonce is refused', () => {
    const e = run(['encrypt', '--mode', 'ccm', '--tag-length', '8', '--key', key], text);
    expect(e.status).toBe(0);
    expect(e.stdout[7]).toBe(2);
    const d = run(['decrypt', '--mode', 'ccm', '--key', key], e.stdout);
    expect(d.stdout.toString()).toBe(text);
    const wrongMode = run(['decrypt', '--key', key], e.stdout);
    expect(wrongMode.status).toBe(2);
    expect(wrongMode.stderr.toString()).toMatch(
      /"--mode" expected ccm \(the file's header says so\), got gcm/,
    );
    const raw = run(['decrypt', '--key', key], new Uint8Array(40));
    expect(raw.stderr.toString()).toMatch(
      /expected the bukejian SM4 header .* pass the --nonce used to encrypt/,
    );
  });

  it('a given --nonce: raw ciphertext‖tag as before, with a warning about reuse', () => {
    const nonce = '00112233445566778899aabb';
    const e = run(['encrypt', '--key', key, '--nonce', nonce], text);
    expect(e.status).toBe(0);
    expect(e.stderr.toString()).toMatch(
      /warning: --nonce given: never encrypt twice with the same key and nonce/,
    );
    const expected = sm4.gcm(hexBytes(key), hexBytes(nonce)).encrypt(text);
    expect(new Uint8Array(e.stdout)).toEqual(expected);
    const d = run(['decrypt', '--key', key, '--nonce', nonce], e.stdout);
    expect(d.stdout.toString()).toBe(text);
  });
});

function hexBytes(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
}
