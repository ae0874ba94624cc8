// Every case of test/vectors/sm4.json (GB/T 32907 examples incl. the 1,000,000-iteration ones,
// key schedules, ECB/CBC/CTR/CFB/OFB, CBC+PKCS#7 valid and invalid, RFC 8998 + Wycheproof
// GCM/CCM valid and invalid), run through the public API with both backends.
import { describe, expect, it } from 'vitest';
import { sm4 } from '../src/sm4/index.js';
import { expandKey } from '../src/sm4/cipher.js';
import { BukejianError } from '../src/errors.js';
import { hex, loadVectors, toHex, type VectorCase } from './helpers/vectors.js';

const all = loadVectors('sm4');
const byType = (t: string) => all.filter((c) => c.type === t);
const s = (v: unknown) => String(v ?? '');

function classic(c: VectorCase, backend: 'js' | 'auto') {
  const mode = s(c.mode).toLowerCase();
  const key = hex(c.key_hex);
  if (mode === 'ecb') return sm4.ecb(key, { padding: c.padding as 'none' | 'pkcs7', backend });
  if (mode === 'cbc')
    return sm4.cbc(key, hex(c.iv_hex), { padding: c.padding as 'none' | 'pkcs7', backend });
  return sm4[mode as 'ctr' | 'cfb' | 'ofb'](key, hex(c.iv_hex), { backend });
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BukejianError);
    return (e as BukejianError).code;
  }
  return undefined;
}

describe('sm4.json vectors', () => {
  it('has the expected case counts', () => {
    expect(all.length).toBe(424);
    expect(byType('cipher').length).toBe(131);
    expect(byType('aead').length).toBe(289);
    // the per-case tests below iterate over these lists: none of them may be empty
    expect(byType('key-schedule').length).toBe(2);
    expect(byType('block-iterated').length).toBe(2);
    expect(byType('cipher').filter((c) => c.result === 'valid').length).toBe(83);
    expect(byType('cipher').filter((c) => c.result === 'invalid').length).toBe(48);
    expect(byType('aead').filter((c) => c.result === 'valid').length).toBe(211);
    expect(byType('aead').filter((c) => c.result === 'invalid').length).toBe(78);
  });

  it.each(byType('key-schedule').map((c) => [c.id, c] as const))('key schedule %s', (_id, c) => {
    const rk = Array.from(expandKey(hex(c.key_hex)), (w) =>
      (w >>> 0).toString(16).padStart(8, '0'),
    );
    expect(rk).toEqual(c.rk_words);
  });

  it.each(byType('block-iterated').map((c) => [c.id, c] as const))(
    '%s (1,000,000 chained encryptions)',
    (_id, c) => {
      const b = sm4.block(hex(c.key_hex));
      const x = hex(c.pt_hex);
      const n = c.iterations as number;
      expect(n).toBe(1_000_000);
      for (let i = 0; i < n; i++) b.encryptBlock(x, x);
      expect(toHex(x)).toBe(c.ct_hex);
      for (let i = 0; i < n; i++) b.decryptBlock(x, x); // and back again
      expect(toHex(x)).toBe(c.pt_hex);
    },
  );

  for (const backend of ['js', 'auto'] as const) {
    const valid = byType('cipher').filter((c) => c.result === 'valid');
    it.each(valid.map((c) => [c.id, c] as const))(`classic %s (${backend})`, (_id, c) => {
      expect(toHex(classic(c, backend).encrypt(hex(c.pt_hex)))).toBe(c.ct_hex);
      expect(toHex(classic(c, backend).decrypt(hex(c.ct_hex)))).toBe(c.pt_hex);
    });
    const invalid = byType('cipher').filter((c) => c.result === 'invalid');
    it.each(invalid.map((c) => [c.id, c] as const))(`rejects %s (${backend})`, (_id, c) => {
      const ct = hex(c.ct_hex);
      const want = ct.length % 16 || ct.length === 0 ? 'DATA_LENGTH' : 'BAD_PADDING';
      expect(codeOf(() => classic(c, backend).decrypt(ct))).toBe(want);
    });
  }

  const aead = (c: VectorCase) => {
    const key = hex(c.key_hex),
      iv = hex(c.iv_hex),
      aad = hex(c.aad_hex);
    return c.mode === 'GCM'
      ? sm4.gcm(key, iv, aad)
      : sm4.ccm(key, iv, aad, { tagLength: c.tag_len as number });
  };

  const aeadValid = byType('aead').filter((c) => c.result === 'valid');
  it.each(aeadValid.map((c) => [c.id, c] as const))('AEAD %s', (_id, c) => {
    const sealed = s(c.ct_hex) + s(c.tag_hex);
    expect(toHex(aead(c).encrypt(hex(c.pt_hex)))).toBe(sealed);
    expect(toHex(aead(c).decrypt(hex(sealed)))).toBe(c.pt_hex);
  });

  const aeadInvalid = byType('aead').filter((c) => c.result === 'invalid');
  it.each(aeadInvalid.map((c) => [c.id, c] as const))('AEAD rejects %s', (_id, c) => {
    const note = s(c.note);
    // what Wycheproof says is wrong decides the code we must throw
    const want = /ModifiedTag/.test(note)
      ? 'AUTH_FAILED'
      : /InvalidTagSize|InsecureTagSize/.test(note)
        ? 'TAG_LENGTH'
        : /Nonce|Iv/i.test(note)
          ? 'NONCE_LENGTH'
          : 'unknown';
    expect(want).not.toBe('unknown');
    expect(codeOf(() => aead(c).decrypt(hex(s(c.ct_hex) + s(c.tag_hex))))).toBe(want);
  });
});
