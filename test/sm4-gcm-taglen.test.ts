/**
 * SM4-GCM with truncated tags (SP 800-38D §5.2.1.2: the tag is MSB_t of the full 128-bit value),
 * `sm4.gcm(key, nonce, aad, { tagLength })` for 12..16 bytes. Vectors: GmSSL 3.x
 * `sm4_gcm -taglen 12..16` outputs (test/fixtures/gmssl/README.md gives the commit and commands)
 * and RFC 8998 Appendix A.1, whose 16-byte tag truncated to t bytes is the t-byte tag.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sm4 } from '../src/sm4/index.js';
import { hexToBytes } from '../src/utils.js';

const dir = path.join(import.meta.dirname, 'fixtures/gmssl');
const read = (f: string) => new Uint8Array(readFileSync(path.join(dir, f)));
const key = hexToBytes('0123456789abcdeffedcba9876543210');
const iv = hexToBytes('00001234567800000000abcd');
const aad = hexToBytes('feedfacedeadbeeffeedfacedeadbeefabaddad2');
const TAGS = [12, 13, 14, 15, 16];

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('sm4.gcm tagLength against GmSSL sm4_gcm -taglen', () => {
  const pt = read('gcm-plaintext.txt');
  for (const t of TAGS) {
    it(`tagLength ${t}: decrypts GmSSL's output and encrypts to the same bytes`, () => {
      const sealed = read(`gcm-taglen${t}.bin`);
      expect(sealed.length).toBe(pt.length + t);
      expect(sm4.gcm(key, iv, aad, { tagLength: t }).decrypt(sealed)).toEqual(pt);
      expect(sm4.gcm(key, iv, aad, { tagLength: t }).encrypt(pt)).toEqual(sealed);
    });
  }

  it('a flipped tag or ciphertext bit, or another tag length, fails with AUTH_FAILED', () => {
    for (const t of TAGS) {
      const sealed = read(`gcm-taglen${t}.bin`);
      for (const pos of [0, pt.length - 1, sealed.length - 1]) {
        const bad = sealed.slice();
        bad[pos]! ^= 0x01;
        expect(code(() => sm4.gcm(key, iv, aad, { tagLength: t }).decrypt(bad))).toBe(
          'AUTH_FAILED',
        );
      }
      const other = t === 16 ? 12 : t + 1;
      expect(code(() => sm4.gcm(key, iv, aad, { tagLength: other }).decrypt(sealed))).toBe(
        'AUTH_FAILED',
      );
    }
  });
});

describe('sm4.gcm tagLength against RFC 8998 A.1', () => {
  const ct = hexToBytes(
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
  );
  const fullTag = hexToBytes('83de3541e4c2b58177e065a9bf7b62ec');
  const pt = hexToBytes(
    'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa',
  );
  it('a t-byte tag is the first t bytes of the RFC tag, both ways', () => {
    for (const t of TAGS) {
      const sealed = new Uint8Array([...ct, ...fullTag.subarray(0, t)]);
      expect(sm4.gcm(key, iv, aad, { tagLength: t }).encrypt(pt)).toEqual(sealed);
      expect(sm4.gcm(key, iv, aad, { tagLength: t }).decrypt(sealed)).toEqual(pt);
    }
  });
});

describe('sm4.gcm tagLength misuse', () => {
  it('refuses 4-, 8- and other tag lengths outside 12..16 (TAG_LENGTH)', () => {
    for (const t of [0, 4, 8, 11, 17, 32]) {
      expect(code(() => sm4.gcm(key, iv, aad, { tagLength: t }))).toBe('TAG_LENGTH');
    }
    expect(code(() => sm4.gcm(key, iv, aad, { tagLength: 12.5 }))).toBeDefined();
    expect(code(() => sm4.gcm(key, iv, aad, { tagLen: 12 } as never))).toBe('INVALID_OPTION');
  });
  it('input shorter than the tag: DATA_LENGTH', () => {
    expect(code(() => sm4.gcm(key, iv, aad, { tagLength: 12 }).decrypt(new Uint8Array(11)))).toBe(
      'DATA_LENGTH',
    );
  });
});
