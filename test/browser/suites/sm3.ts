// SM3 and HMAC-SM3 in the browser: every hash and HMAC case of test/vectors/sm3.json (GB/T 32905,
// GM/T 0042, BouncyCastle, OpenSSL, Wycheproof; one-shot and streaming), and the inputs that
// test/sm3-hash.test.ts compares against node:crypto in Node, compared here against the digests
// node:crypto computed for them on the Node side of the test (fixtures).
import { describe, expect, it } from 'vitest';
import { hmacSm3, kdf, sm3, verifyHmacSm3 } from '../../../src/sm3.js';
import { hex, loadVectors, toHex } from '../runner/vectors.js';
import { fixtures } from '../runner/fixtures.js';

export interface Sm3Fixtures {
  /** message i is `pattern(i)` (see below) of length i; digest by node:crypto */
  readonly digests: string[];
  /** HMAC-SM3 by node:crypto of pattern(keyLen, 1) as key and pattern(msgLen, 2) as message */
  readonly hmacs: { keyLen: number; msgLen: number; mac: string }[];
}

export const pattern = (n: number, salt = 0): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3 + salt * 101) & 0xff);

const vectors = loadVectors('sm3');

function message(c: Record<string, unknown>): Uint8Array {
  if (c.msg_hex !== null) return hex(c.msg_hex);
  const r = c.msg_repeat as { pattern_hex: string; count: number };
  const p = hex(r.pattern_hex);
  const out = new Uint8Array(p.length * r.count);
  for (let i = 0; i < r.count; i++) out.set(p, i * p.length);
  return out;
}

describe('SM3 standard vectors', () => {
  const hashes = vectors.filter((c) => c.type === 'hash');
  it('has 48 hash cases', () => expect(hashes.length).toBe(48));
  it.each(hashes.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const msg = message(c);
    expect(toHex(sm3(msg))).toBe(c.digest_hex);
    const a = Math.floor(msg.length / 3);
    const b = Math.floor((2 * msg.length) / 3) + 1;
    const h = sm3.create().update(msg.subarray(0, a)).update(msg.subarray(a, b));
    expect(toHex(h.update(msg.subarray(b)).digest())).toBe(c.digest_hex);
  });
});

describe('HMAC-SM3 vectors', () => {
  const macs = vectors.filter((c) => c.type === 'hmac');
  it('has 70 valid and 108 invalid cases', () => {
    expect(macs.filter((c) => c.result === 'valid').length).toBe(70);
    expect(macs.filter((c) => c.result === 'invalid').length).toBe(108);
  });
  it.each(macs.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const key = hex(c.key_hex);
    const msg = hex(c.msg_hex);
    const tag = hex(c.mac_hex);
    expect(verifyHmacSm3(tag, msg, key, { tagLength: c.mac_len as number })).toBe(
      c.result === 'valid',
    );
    if (c.result === 'valid')
      expect(toHex(hmacSm3(msg, key).subarray(0, tag.length))).toBe(c.mac_hex);
  });
});

describe('against node:crypto (digests computed on the Node side)', () => {
  it('SM3 of every length 0..300, one-shot and streamed in two pieces', () => {
    const { digests } = fixtures<Sm3Fixtures>();
    expect(digests.length).toBe(301);
    digests.forEach((d, n) => {
      const m = pattern(n);
      expect(toHex(sm3(m))).toBe(d);
      const cut = (n * 5) >> 3;
      expect(toHex(sm3.create().update(m.subarray(0, cut)).update(m.subarray(cut)).digest())).toBe(
        d,
      );
    });
  });
  it('HMAC-SM3 for keys 0..150 bytes and messages 0..300 bytes', () => {
    const { hmacs } = fixtures<Sm3Fixtures>();
    expect(hmacs.length).toBeGreaterThan(50);
    for (const { keyLen, msgLen, mac } of hmacs)
      expect(toHex(hmacSm3(pattern(msgLen, 2), pattern(keyLen, 1)))).toBe(mac);
  });
});

describe('KDF (GB/T 32918.4 §5.4.3)', () => {
  it('reproduces the KDF output t of the GB/T 32918.4 encryption examples', () => {
    const enc = loadVectors('sm2').filter((c) => c.type === 'encrypt');
    expect(enc.length).toBe(3);
    for (const c of enc) {
      const t = String(c.kdf_t_hex);
      expect(toHex(kdf(hex(String(c.x2_hex) + String(c.y2_hex)), t.length / 2))).toBe(t);
    }
  });
});
