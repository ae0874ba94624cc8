// The misuse matrix: every wrong input of every SM4 export → a BukejianError with its own code,
// and failed decryptions never return partial plaintext, an empty result or null.
import { describe, expect, it } from 'vitest';
import { sm4 } from '../src/sm4/index.js';
import { BukejianError } from '../src/errors.js';

const key = new Uint8Array(16).fill(1);
const iv = new Uint8Array(16).fill(2);
const nonce = new Uint8Array(12).fill(3);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BukejianError);
    expect((e as Error).message).not.toMatch(/0101010101/); // no key material in messages
    return (e as BukejianError).code;
  }
  return 'no error';
}

const notBytes: unknown[] = [
  undefined,
  null,
  'abc',
  123,
  [1, 2, 3],
  new Uint16Array(8),
  {},
  new ArrayBuffer(16),
];
type Ctor = (k: any, v: any) => { encrypt(x: any): Uint8Array; decrypt(x: any): Uint8Array };
const ivModes: [string, Ctor][] = [
  ['cbc', (k, v) => sm4.cbc(k, v)],
  ['ctr', (k, v) => sm4.ctr(k, v)],
  ['cfb', (k, v) => sm4.cfb(k, v)],
  ['ofb', (k, v) => sm4.ofb(k, v)],
];
const all: [string, (k: any) => unknown][] = [
  ['ecb', (k) => sm4.ecb(k)],
  ...ivModes.map(([n, f]) => [n, (k: any) => f(k, iv)] as [string, (k: any) => unknown]),
  ['gcm', (k) => sm4.gcm(k, nonce)],
  ['ccm', (k) => sm4.ccm(k, nonce)],
  ['block', (k) => sm4.block(k)],
];

describe('SM4 misuse matrix', () => {
  it.each(all)('%s: key of wrong length → KEY_LENGTH, not bytes → INVALID_TYPE', (_n, make) => {
    for (const len of [0, 15, 17, 24, 32])
      expect(codeOf(() => make(new Uint8Array(len)))).toBe('KEY_LENGTH');
    for (const v of notBytes) expect(codeOf(() => make(v))).toBe('INVALID_TYPE');
  });

  it.each(ivModes)('%s: IV of wrong length → IV_LENGTH, not bytes → INVALID_TYPE', (_n, make) => {
    for (const len of [0, 8, 12, 15, 17, 32])
      expect(codeOf(() => make(key, new Uint8Array(len)))).toBe('IV_LENGTH');
    for (const v of notBytes) expect(codeOf(() => make(key, v))).toBe('INVALID_TYPE');
  });

  it('GCM nonce: empty → NONCE_LENGTH; CCM nonce outside 7..13 → NONCE_LENGTH', () => {
    expect(codeOf(() => sm4.gcm(key, new Uint8Array(0)))).toBe('NONCE_LENGTH');
    for (const len of [0, 1, 6, 14, 16])
      expect(codeOf(() => sm4.ccm(key, new Uint8Array(len)))).toBe('NONCE_LENGTH');
    for (const v of notBytes) {
      expect(codeOf(() => sm4.gcm(key, v as Uint8Array))).toBe('INVALID_TYPE');
      expect(codeOf(() => sm4.ccm(key, v as Uint8Array))).toBe('INVALID_TYPE');
    }
  });

  it('CCM tag length outside {4,6,...,16} → TAG_LENGTH; wrong type → INVALID_TYPE', () => {
    for (const t of [0, 1, 2, 3, 5, 7, 9, 15, 17, 18, 32])
      expect(codeOf(() => sm4.ccm(key, nonce, undefined, { tagLength: t }))).toBe('TAG_LENGTH');
    expect(
      codeOf(() => sm4.ccm(key, nonce, undefined, { tagLength: '16' as unknown as number })),
    ).toBe('INVALID_TYPE');
    expect(codeOf(() => sm4.ccm(key, nonce, undefined, { tagLength: 16.5 }))).toBe('INVALID_TYPE');
  });

  it('AAD that is not bytes → INVALID_TYPE', () => {
    for (const v of notBytes.filter((x) => x !== undefined)) {
      expect(codeOf(() => sm4.gcm(key, nonce, v as Uint8Array))).toBe('INVALID_TYPE');
      expect(codeOf(() => sm4.ccm(key, nonce, v as Uint8Array))).toBe('INVALID_TYPE');
    }
  });

  it('unknown or ill-typed options → INVALID_OPTION / INVALID_TYPE', () => {
    expect(codeOf(() => sm4.cbc(key, iv, { padding: 'zero' as 'none' }))).toBe('INVALID_OPTION');
    expect(codeOf(() => sm4.ecb(key, { backend: 'wasm' as 'js' }))).toBe('INVALID_OPTION');
    expect(codeOf(() => sm4.ctr(key, iv, { mode: 'x' } as object))).toBe('INVALID_OPTION');
    expect(codeOf(() => sm4.ccm(key, nonce, undefined, { tag: 4 } as object))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => sm4.cbc(key, iv, 'pkcs7' as unknown as object))).toBe('INVALID_TYPE');
  });

  it('plaintext / ciphertext of the wrong type → INVALID_TYPE (strings are UTF-8 plaintext)', () => {
    for (const make of [
      () => sm4.ecb(key),
      () => sm4.cbc(key, iv),
      () => sm4.ctr(key, iv),
      () => sm4.gcm(key, nonce),
      () => sm4.ccm(key, nonce),
    ]) {
      for (const v of notBytes.filter((x) => typeof x !== 'string')) {
        expect(codeOf(() => make().encrypt(v as Uint8Array))).toBe('INVALID_TYPE');
        expect(codeOf(() => make().decrypt(v as Uint8Array))).toBe('INVALID_TYPE');
      }
      expect(codeOf(() => make().decrypt('abc' as unknown as Uint8Array))).toBe('INVALID_TYPE');
    }
    expect(sm4.ctr(key, iv).encrypt('可用不可见')).toEqual(
      sm4.ctr(key, iv).encrypt(new TextEncoder().encode('可用不可见')),
    );
  });

  it('ciphertext not a multiple of 16 (or empty with PKCS#7) → DATA_LENGTH; padding none plaintext too', () => {
    for (const backend of ['js', 'auto'] as const) {
      for (const len of [1, 15, 17, 31, 1001]) {
        expect(codeOf(() => sm4.cbc(key, iv, { backend }).decrypt(new Uint8Array(len)))).toBe(
          'DATA_LENGTH',
        );
        expect(codeOf(() => sm4.ecb(key, { backend }).decrypt(new Uint8Array(len)))).toBe(
          'DATA_LENGTH',
        );
        expect(
          codeOf(() => sm4.cbc(key, iv, { backend, padding: 'none' }).encrypt(new Uint8Array(len))),
        ).toBe('DATA_LENGTH');
        expect(
          codeOf(() => sm4.ecb(key, { backend, padding: 'none' }).encrypt(new Uint8Array(len))),
        ).toBe('DATA_LENGTH');
      }
      expect(codeOf(() => sm4.cbc(key, iv, { backend }).decrypt(new Uint8Array(0)))).toBe(
        'DATA_LENGTH',
      );
      expect(sm4.cbc(key, iv, { backend, padding: 'none' }).decrypt(new Uint8Array(0))).toEqual(
        new Uint8Array(0),
      );
    }
  });

  it('bad PKCS#7 padding → BAD_PADDING for every wrong final byte (both backends)', () => {
    for (const backend of ['js', 'auto'] as const) {
      for (const last of [0, 17, 255]) {
        // build a block whose decryption ends in `last`: encrypt it with padding 'none'
        const blocks = new Uint8Array(backend === 'auto' ? 1024 : 32).fill(16);
        blocks[blocks.length - 1] = last;
        const ct = sm4.cbc(key, iv, { padding: 'none' }).encrypt(blocks);
        expect(codeOf(() => sm4.cbc(key, iv, { backend }).decrypt(ct))).toBe('BAD_PADDING');
      }
      // right length byte, one wrong byte inside the padding
      const p = new Uint8Array(32).fill(5);
      p[28] = 4;
      const ct = sm4.ecb(key, { padding: 'none' }).encrypt(p);
      expect(codeOf(() => sm4.ecb(key, { backend }).decrypt(ct))).toBe('BAD_PADDING');
    }
  });

  it('AEAD input shorter than the tag → DATA_LENGTH; a forged tag → AUTH_FAILED', () => {
    expect(codeOf(() => sm4.gcm(key, nonce).decrypt(new Uint8Array(15)))).toBe('DATA_LENGTH');
    expect(
      codeOf(() => sm4.ccm(key, nonce, undefined, { tagLength: 8 }).decrypt(new Uint8Array(7))),
    ).toBe('DATA_LENGTH');
    expect(codeOf(() => sm4.gcm(key, nonce).decrypt(new Uint8Array(16)))).toBe('AUTH_FAILED');
    expect(codeOf(() => sm4.ccm(key, nonce).decrypt(new Uint8Array(40)))).toBe('AUTH_FAILED');
  });

  it('block: input/output of wrong length → DATA_LENGTH; after destroy → BAD_STATE', () => {
    const b = sm4.block(key);
    expect(codeOf(() => b.encryptBlock(new Uint8Array(15)))).toBe('DATA_LENGTH');
    expect(codeOf(() => b.decryptBlock(new Uint8Array(32)))).toBe('DATA_LENGTH');
    expect(codeOf(() => b.encryptBlock(new Uint8Array(16), new Uint8Array(8)))).toBe('DATA_LENGTH');
    expect(codeOf(() => b.encryptBlock([0] as unknown as Uint8Array))).toBe('INVALID_TYPE');
    b.destroy();
    expect(codeOf(() => b.encryptBlock(new Uint8Array(16)))).toBe('BAD_STATE');
  });

  it('the API objects are frozen', () => {
    expect(Object.isFrozen(sm4)).toBe(true);
    expect(Object.isFrozen(sm4.gcm(key, nonce))).toBe(true);
    expect(Object.isFrozen(sm4.cbc(key, iv))).toBe(true);
    expect(Object.isFrozen(sm4.block(key))).toBe(true);
  });
});
