// Differential tests against node:crypto (OpenSSL) sm4-ecb/cbc/ctr/cfb/ofb for random keys, IVs
// and lengths, with both backends; byte-identical `js` vs `auto` around the native threshold;
// CTR counter wrap; and the streaming keystream state fed in random pieces.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sm4 } from '../src/sm4/index.js';

const NATIVE_THRESHOLD = 1024; // internal to src/sm4/classic.ts: one-shot inputs this long go to OpenSSL
import { BukejianError } from '../src/errors.js';
import { expandKey } from '../src/sm4/cipher.js';
import { Keystream } from '../src/sm4/modes.js';

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const data = fc.uint8Array({ minLength: 0, maxLength: 1300 }); // spans NATIVE_THRESHOLD (1024)
const backends = ['js', 'auto'] as const;

function nodeRun(
  name: string,
  key: Uint8Array,
  iv: Uint8Array | null,
  d: Uint8Array,
  pad: boolean,
  decrypt = false,
): Buffer {
  const c = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
  c.setAutoPadding(pad);
  return Buffer.concat([c.update(d), c.final()]);
}
const eq = (a: Uint8Array, b: Uint8Array) =>
  expect(Buffer.from(a).toString('hex')).toBe(Buffer.from(b).toString('hex'));

describe('SM4 modes vs node:crypto', () => {
  for (const backend of backends) {
    it(`ECB and CBC, PKCS#7 and none (${backend})`, () => {
      fc.assert(
        fc.property(key16, key16, data, (key, iv, d) => {
          eq(sm4.ecb(key, { backend }).encrypt(d), nodeRun('sm4-ecb', key, null, d, true));
          eq(sm4.cbc(key, iv, { backend }).encrypt(d), nodeRun('sm4-cbc', key, iv, d, true));
          eq(sm4.cbc(key, iv, { backend }).decrypt(nodeRun('sm4-cbc', key, iv, d, true)), d);
          eq(sm4.ecb(key, { backend }).decrypt(nodeRun('sm4-ecb', key, null, d, true)), d);
          const whole = d.subarray(0, d.length - (d.length % 16));
          eq(
            sm4.ecb(key, { backend, padding: 'none' }).encrypt(whole),
            nodeRun('sm4-ecb', key, null, whole, false),
          );
          eq(
            sm4.cbc(key, iv, { backend, padding: 'none' }).encrypt(whole),
            nodeRun('sm4-cbc', key, iv, whole, false),
          );
          eq(
            sm4.cbc(key, iv, { backend, padding: 'none' }).decrypt(whole),
            nodeRun('sm4-cbc', key, iv, whole, false, true),
          );
        }),
        { numRuns: 150 },
      );
    });

    it(`CTR, CFB, OFB of any length (${backend})`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom('ctr', 'cfb', 'ofb'),
          key16,
          key16,
          data,
          (mode, key, iv, d) => {
            const want = nodeRun(`sm4-${mode}`, key, iv, d, false);
            eq(sm4[mode](key, iv, { backend }).encrypt(d), want);
            eq(sm4[mode](key, iv, { backend }).decrypt(want), d);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('js and auto are byte-identical at and around the native threshold', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    const iv = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);
    for (const len of [
      NATIVE_THRESHOLD - 17,
      NATIVE_THRESHOLD - 1,
      NATIVE_THRESHOLD,
      NATIVE_THRESHOLD + 1,
      NATIVE_THRESHOLD + 16,
      70_000,
    ]) {
      const d = Uint8Array.from({ length: len }, (_, i) => (i * 7) & 255);
      const padLen = len - (len % 16);
      for (const mode of ['ctr', 'cfb', 'ofb'] as const) {
        eq(
          sm4[mode](key, iv, { backend: 'auto' }).encrypt(d),
          sm4[mode](key, iv, { backend: 'js' }).encrypt(d),
        );
      }
      eq(
        sm4.cbc(key, iv, { backend: 'auto' }).encrypt(d),
        sm4.cbc(key, iv, { backend: 'js' }).encrypt(d),
      );
      eq(sm4.ecb(key, { backend: 'auto' }).encrypt(d), sm4.ecb(key, { backend: 'js' }).encrypt(d));
      const w = d.subarray(0, padLen);
      eq(
        sm4.cbc(key, iv, { backend: 'auto', padding: 'none' }).decrypt(w),
        sm4.cbc(key, iv, { backend: 'js', padding: 'none' }).decrypt(w),
      );
    }
  });

  it('CTR carries across all 128 bits and wraps at 2^128 like OpenSSL', () => {
    const key = new Uint8Array(16).fill(0x42);
    const d = new Uint8Array(80).fill(0xa5);
    for (const ivHex of [
      'ffffffffffffffffffffffffffffffff',
      '00000000ffffffffffffffffffffffff',
      '0000000000000000fffffffffffffffe',
      '000000000000000000000000fffffffe',
    ]) {
      const iv = Uint8Array.from(Buffer.from(ivHex, 'hex'));
      eq(sm4.ctr(key, iv, { backend: 'js' }).encrypt(d), nodeRun('sm4-ctr', key, iv, d, false));
    }
  });

  it('the keystream state fed in random pieces equals one pass (CTR, OFB, CFB both ways)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ctr', 'ofb', 'cfb-enc', 'cfb-dec'),
        key16,
        key16,
        data,
        fc.array(fc.nat(100), { maxLength: 12 }),
        (kind, key, iv, d, cuts) => {
          const name = kind.startsWith('cfb') ? 'sm4-cfb' : `sm4-${kind}`;
          const want = nodeRun(name, key, iv, d, false, kind === 'cfb-dec');
          const ks = new Keystream(expandKey(key), iv, kind);
          const out = new Uint8Array(d.length);
          let pos = 0;
          for (const c of cuts) {
            const end = Math.min(d.length, pos + c);
            ks.process(d.subarray(pos, end), out.subarray(pos, end));
            pos = end;
          }
          ks.process(d.subarray(pos), out.subarray(pos));
          eq(out, want);
        },
      ),
      { numRuns: 300 },
    );
  });

  for (const backend of backends) {
    it(`sm4.stream in random chunks equals node:crypto, all modes, both directions (${backend})`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom('ecb', 'cbc', 'ctr', 'cfb', 'ofb'),
          fc.boolean(),
          key16,
          key16,
          data,
          fc.array(fc.nat(70), { maxLength: 10 }),
          (mode, padded, key, iv, d, cuts) => {
            const block = mode === 'ecb' || mode === 'cbc';
            const pad = block && padded;
            const input = block && !pad ? d.subarray(0, d.length - (d.length % 16)) : d;
            const ivOrNull = mode === 'ecb' ? null : iv;
            const run = (x: Uint8Array, decrypt: boolean) => {
              const s = sm4.stream(mode, key, ivOrNull, {
                decrypt,
                backend,
                padding: block ? (pad ? 'pkcs7' : 'none') : 'none',
              });
              const parts: Uint8Array[] = [];
              let pos = 0;
              for (const c of cuts) {
                const end = Math.min(x.length, pos + c);
                parts.push(s.update(x.subarray(pos, end)));
                pos = end;
              }
              parts.push(s.update(x.subarray(pos)), s.final());
              return Buffer.concat(parts);
            };
            const ct = nodeRun(`sm4-${mode}`, key, ivOrNull, input, pad);
            eq(run(input, false), ct);
            eq(run(ct, true), input);
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`sm4.stream rejects a partial final block and bad padding (${backend})`, () => {
      const key = new Uint8Array(16).fill(3),
        iv = new Uint8Array(16).fill(4);
      const code = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          expect(e).toBeInstanceOf(BukejianError);
          return (e as BukejianError).code;
        }
        return 'no error';
      };
      const s1 = sm4.stream('cbc', key, iv, { backend, padding: 'none' });
      s1.update(new Uint8Array(20));
      expect(code(() => s1.final())).toBe('DATA_LENGTH');
      const s2 = sm4.stream('cbc', key, iv, { backend, decrypt: true });
      s2.update(new Uint8Array(33));
      expect(code(() => s2.final())).toBe('DATA_LENGTH');
      const s3 = sm4.stream('cbc', key, iv, { backend, decrypt: true });
      expect(code(() => s3.final())).toBe('DATA_LENGTH');
      const bad = sm4.cbc(key, iv, { padding: 'none' }).encrypt(new Uint8Array(32).fill(0x11));
      const s4 = sm4.stream('cbc', key, iv, { backend, decrypt: true });
      expect(s4.update(bad).length).toBe(16); // the last block is held back until the padding check
      expect(code(() => s4.final())).toBe('BAD_PADDING');
      expect(code(() => s4.update(bad))).toBe('BAD_STATE');
      expect(code(() => sm4.stream('ctr', key, iv, { padding: 'pkcs7' }))).toBe('INVALID_OPTION');
      expect(code(() => sm4.stream('gcm' as 'ctr', key, iv))).toBe('INVALID_OPTION');
      expect(code(() => sm4.stream('cbc', key, new Uint8Array(12)))).toBe('IV_LENGTH');
    });
  }

  it('sm4.stream: every split point of a 70-byte message, every mode, both directions', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => 3 * i + 1);
    const iv = Uint8Array.from({ length: 16 }, (_, i) => 250 - i);
    const msg = Uint8Array.from({ length: 70 }, (_, i) => (i * 29) & 255);
    for (const backend of backends) {
      for (const mode of ['ecb', 'cbc', 'ctr', 'cfb', 'ofb'] as const) {
        const ivOrNull = mode === 'ecb' ? null : iv;
        const ct = nodeRun(`sm4-${mode}`, key, ivOrNull, msg, mode === 'ecb' || mode === 'cbc');
        for (let cut = 0; cut <= msg.length; cut++) {
          const e = sm4.stream(mode, key, ivOrNull, { backend });
          eq(
            Buffer.concat([e.update(msg.subarray(0, cut)), e.update(msg.subarray(cut)), e.final()]),
            ct,
          );
        }
        for (let cut = 0; cut <= ct.length; cut++) {
          const d = sm4.stream(mode, key, ivOrNull, { backend, decrypt: true });
          eq(
            Buffer.concat([d.update(ct.subarray(0, cut)), d.update(ct.subarray(cut)), d.final()]),
            msg,
          );
        }
      }
    }
  });
});
