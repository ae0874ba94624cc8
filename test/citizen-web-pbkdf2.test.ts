// The citizen-web example's PBKDF2-HMAC-SM3 (examples/citizen-web/src/pbkdf2.ts, built on
// bukejian's hmacSm3) against OpenSSL's PBKDF2 with SM3 (node:crypto pbkdf2Sync(…, 'sm3')).
import { pbkdf2Sync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pbkdf2HmacSm3 } from '../examples/citizen-web/src/pbkdf2.js';

describe('citizen-web PBKDF2-HMAC-SM3', () => {
  it('equals node:crypto for random passwords, salts, iteration counts and lengths', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        (pw, salt, iterations, length) => {
          const ours = pbkdf2HmacSm3(pw, salt, iterations, length);
          expect(Buffer.from(ours).toString('hex')).toBe(
            pbkdf2Sync(pw, salt, iterations, length, 'sm3').toString('hex'),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('at the iteration count the example uses (100,000)', () => {
    const pw = new TextEncoder().encode('正确的口令 correct horse');
    const salt = Uint8Array.from({ length: 16 }, (_, i) => i);
    expect(Buffer.from(pbkdf2HmacSm3(pw, salt, 100_000, 16)).toString('hex')).toBe(
      pbkdf2Sync(pw, salt, 100_000, 16, 'sm3').toString('hex'),
    );
  });
});
