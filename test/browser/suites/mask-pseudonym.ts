// Keyed pseudonyms in the browser, against HMAC-SM3 pseudonyms that node:crypto computed on the
// Node side of the test (the construction in src/mask/pseudonym.ts, as test/mask-pseudonym.test.ts
// checks it in Node): hex of full length, per key, domain and value.
import { describe, expect, it } from 'vitest';
import { pseudonymize } from '../../../src/mask/index.js';
import { hex } from '../runner/vectors.js';
import { fixtures } from '../runner/fixtures.js';

export interface PseudonymFixture {
  readonly keyHex: string;
  readonly domain: string;
  readonly value: string;
  /** HMAC-SM3(HMAC-SM3(key, "bukejian/pseudonym/v1\0" ‖ domain), value), hex, by node:crypto */
  readonly expected: string;
}

describe('pseudonymize against node:crypto HMAC-SM3', () => {
  it('every fixture, full-length hex, normalize none', () => {
    const cases = fixtures<PseudonymFixture[]>();
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases)
      expect(
        pseudonymize(c.value, hex(c.keyHex), { domain: c.domain, normalize: 'none', length: 64 }),
      ).toBe(c.expected);
  });
  it('default output is the first 32 hex characters', () => {
    const c = fixtures<PseudonymFixture[]>()[0]!;
    expect(pseudonymize(c.value, hex(c.keyHex), { domain: c.domain, normalize: 'none' })).toBe(
      c.expected.slice(0, 32),
    );
  });
});
