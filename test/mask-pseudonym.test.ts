// Keyed pseudonyms: known answers from node:crypto HMAC-SM3 (an independent implementation),
// domain separation, formats, normalization, key checks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { pseudonymize, createPseudonymizer } from '../src/mask/pseudonym.js';

const key = Uint8Array.from({ length: 32 }, (_, i) => i);
/** The construction in the module comment, computed with node:crypto. */
function ref(k: Uint8Array, domain: string, value: string): Buffer {
  const dk = createHmac('sm3', k)
    .update(Buffer.concat([Buffer.from('bukejian/pseudonym/v1\0'), Buffer.from(domain)]))
    .digest();
  return createHmac('sm3', dk).update(Buffer.from(value)).digest();
}

describe('pseudonymize (HMAC-SM3, domain-separated)', () => {
  it('hex output equals the construction computed with node:crypto', () => {
    fc.assert(
      // normalize: 'none' hashes the string as given, surrounding spaces included: no case is skipped.
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ maxLength: 40 }),
        (k, domain, value) => {
          return (
            pseudonymize(value, k, { domain, normalize: 'none', length: 64 }) ===
            ref(k, domain, value).toString('hex')
          );
        },
      ),
      { numRuns: 200 },
    );
    expect(pseudonymize('11010519491231002X', key, { domain: 'tax' })).toBe(
      ref(key, 'tax', '11010519491231002X').toString('hex').slice(0, 32),
    );
  });

  it('base32 (RFC 4648, lower case) and numeric formats', () => {
    const d = ref(key, 'health', '13812345678');
    const b32 = pseudonymize('13812345678', key, {
      domain: 'health',
      format: 'base32',
      length: 52,
    });
    // RFC 4648 base32 of the digest via a naive bit string
    const bits = [...d].map((x) => x.toString(2).padStart(8, '0')).join('');
    const naive = Array.from(
      { length: 52 },
      (_, i) =>
        'abcdefghijklmnopqrstuvwxyz234567'[
          parseInt(bits.slice(5 * i, 5 * i + 5).padEnd(5, '0'), 2)
        ],
    ).join('');
    expect(b32).toBe(naive);
    const num = pseudonymize('13812345678', key, {
      domain: 'health',
      format: 'numeric',
      length: 20,
    });
    expect(num).toBe((BigInt('0x' + d.toString('hex')) % 10n ** 20n).toString().padStart(20, '0'));
    expect(num).toMatch(/^\d{20}$/);
  });

  it('same key and domain → stable; another domain or key → unrelated', () => {
    const p = createPseudonymizer(key, { domain: 'a' });
    expect(p('x')).toBe(p('x'));
    expect(p('x')).toBe(pseudonymize('x', key, { domain: 'a' }));
    expect(pseudonymize('x', key, { domain: 'b' })).not.toBe(p('x'));
    expect(pseudonymize('x', key.slice(1), { domain: 'a' })).not.toBe(p('x'));
  });

  it('normalization: id mode equates x/X, full-width, spaces and dashes', () => {
    const p = createPseudonymizer(key, { domain: 'ids', normalize: 'id' });
    expect(p('１１０１０５１９４９１２３１００２ｘ')).toBe(p('11010519491231002X'));
    expect(p('138-1234 5678')).toBe(p('13812345678'));
    const t = createPseudonymizer(key, { domain: 'ids' });
    expect(t(' 张三 ')).toBe(t('张三'));
    expect(t(new TextEncoder().encode('张三'))).toBe(t('张三'));
  });

  it('rejects short keys, empty domains, bad lengths, use after destroy', () => {
    expect(() => pseudonymize('x', new Uint8Array(15), { domain: 'a' })).toThrow(
      expect.objectContaining({ code: 'KEY_LENGTH' }),
    );
    expect(() => pseudonymize('x', key, { domain: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => pseudonymize('x', key, { domain: 'a', format: 'numeric', length: 8 })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() =>
      pseudonymize('x', key, { domain: 'a', format: 'hex' as const, extra: 1 } as never),
    ).toThrow(/unknown key/);
    const p = createPseudonymizer(key, { domain: 'a' });
    p.destroy();
    expect(() => p('x')).toThrow(expect.objectContaining({ code: 'BAD_STATE' }));
  });
});
