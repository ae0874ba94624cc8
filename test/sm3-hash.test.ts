import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { sm3, hmacSm3, verifyHmacSm3, kdf } from '../src/sm3.js';

const NATIVE_THRESHOLD = 1024; // internal to src/sm3.ts: one-shot inputs this long go to node:crypto
import { loadVectors, hex, toHex } from './helpers/vectors.js';
import { codeOf } from './helpers/errors.js';

const vectors = loadVectors('sm3');
const backends = ['js', 'auto'] as const;

function message(c: Record<string, unknown>): Uint8Array {
  if (c.msg_hex !== null) return hex(c.msg_hex);
  const r = c.msg_repeat as { pattern_hex: string; count: number };
  const p = hex(r.pattern_hex);
  const out = new Uint8Array(p.length * r.count);
  for (let i = 0; i < r.count; i++) out.set(p, i * p.length);
  return out;
}

describe('SM3 standard vectors (GB/T 32905, BouncyCastle, OpenSSL)', () => {
  const hashes = vectors.filter((c) => c.type === 'hash');
  it('has the expected number of hash cases', () => expect(hashes.length).toBe(48));
  for (const backend of backends) {
    it.each(hashes.map((c) => [c.id, c] as const))(`%s (${backend})`, (_id, c) => {
      const msg = message(c);
      expect(toHex(sm3(msg, { backend }))).toBe(c.digest_hex);
      // Streaming in 3 uneven pieces gives the same digest.
      const a = Math.floor(msg.length / 3),
        b = Math.floor((2 * msg.length) / 3) + 1;
      const h = sm3
        .create({ backend })
        .update(msg.subarray(0, a))
        .update(msg.subarray(a, b))
        .update(msg.subarray(b));
      expect(toHex(h.digest())).toBe(c.digest_hex);
    });
  }
});

describe('HMAC-SM3 vectors (GM/T 0042, Wycheproof)', () => {
  const macs = vectors.filter((c) => c.type === 'hmac');
  it('has 70 valid and 108 invalid cases', () => {
    expect(macs.filter((c) => c.result === 'valid').length).toBe(70);
    expect(macs.filter((c) => c.result === 'invalid').length).toBe(108);
  });
  for (const backend of backends) {
    it.each(macs.map((c) => [c.id, c] as const))(`%s (${backend})`, (_id, c) => {
      const key = hex(c.key_hex),
        msg = hex(c.msg_hex),
        tag = hex(c.mac_hex);
      const ok = verifyHmacSm3(tag, msg, key, { backend, tagLength: c.mac_len as number });
      expect(tag.length).toBe(c.mac_len);
      expect(ok).toBe(c.result === 'valid');
      if (c.result === 'valid')
        expect(toHex(hmacSm3(msg, key, { backend }).subarray(0, tag.length))).toBe(c.mac_hex);
    });
  }
});

describe('verifyHmacSm3: the verifier fixes the tag length', () => {
  const key = new Uint8Array(20).fill(0x0b),
    msg = 'Hi There';
  const full = hmacSm3(msg, key);
  it('full tag by default; any shorter or longer tag is rejected, even a correct prefix', () => {
    expect(verifyHmacSm3(full, msg, key)).toBe(true);
    for (const len of [0, 4, 16, 31])
      expect(verifyHmacSm3(full.subarray(0, len), msg, key)).toBe(false);
    expect(verifyHmacSm3(Uint8Array.from([...full, 0]), msg, key)).toBe(false);
  });
  it('tagLength: a truncated tag of exactly that length, and only that length', () => {
    expect(verifyHmacSm3(full.subarray(0, 16), msg, key, { tagLength: 16 })).toBe(true);
    expect(verifyHmacSm3(full.subarray(0, 4), msg, key, { tagLength: 16 })).toBe(false);
    expect(verifyHmacSm3(full, msg, key, { tagLength: 16 })).toBe(false);
    const bad = full.slice(0, 16);
    bad[15] ^= 1;
    expect(verifyHmacSm3(bad, msg, key, { tagLength: 16 })).toBe(false);
  });
  it('tagLength outside 4..32 or unknown options throw', () => {
    expect(() => verifyHmacSm3(full, msg, key, { tagLength: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => verifyHmacSm3(full, msg, key, { tagLength: 33 })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => verifyHmacSm3(full, msg, key, { tagLen: 16 } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('SM3 differential against node:crypto', () => {
  it('every length 0..300, one-shot and streaming at a random split (js backend)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.integer(),
        (len, s1, s2, seed) => {
          const msg = new Uint8Array(len).map((_, i) => (i * 131 + seed) & 255);
          const want = createHash('sm3').update(msg).digest('hex');
          expect(toHex(sm3(msg, { backend: 'js' }))).toBe(want);
          const a = len ? s1 % (len + 1) : 0,
            b = a + (len - a ? s2 % (len - a + 1) : 0);
          const h = sm3
            .create({ backend: 'js' })
            .update(msg.subarray(0, a))
            .update(msg.subarray(a, b));
          const c = h.clone();
          expect(toHex(h.update(msg.subarray(b)).digest())).toBe(want);
          expect(toHex(c.update(msg.subarray(b)).digest())).toBe(want);
        },
      ),
      { numRuns: 600 },
    );
    for (let len = 0; len <= 300; len++) {
      const msg = new Uint8Array(len).map((_, i) => (i * 7 + len) & 255);
      expect(toHex(sm3(msg, { backend: 'js' }))).toBe(createHash('sm3').update(msg).digest('hex'));
    }
  });

  it('every split point of a 200-byte message streams to the same digest', () => {
    const msg = new Uint8Array(200).map((_, i) => i ^ 0x5a);
    const want = createHash('sm3').update(msg).digest('hex');
    for (let i = 0; i <= msg.length; i++) {
      expect(
        toHex(
          sm3.create({ backend: 'js' }).update(msg.subarray(0, i)).update(msg.subarray(i)).digest(),
        ),
      ).toBe(want);
    }
  });

  it('HMAC-SM3 for random keys (0..150 bytes) and messages (0..300 bytes)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, msg) => {
          const want = createHmac('sm3', key).update(msg).digest('hex');
          expect(toHex(hmacSm3(msg, key, { backend: 'js' }))).toBe(want);
          const m = hmacSm3.create(key).update(msg.subarray(0, 7));
          expect(toHex(m.clone().update(msg.subarray(7)).digest())).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('js and auto backends agree around the native threshold', () => {
    for (const len of [NATIVE_THRESHOLD - 1, NATIVE_THRESHOLD, NATIVE_THRESHOLD + 1, 100_000]) {
      const msg = new Uint8Array(len).map((_, i) => i & 255);
      expect(toHex(sm3(msg, { backend: 'auto' }))).toBe(toHex(sm3(msg, { backend: 'js' })));
      expect(toHex(hmacSm3(msg, msg.subarray(0, 40), { backend: 'auto' }))).toBe(
        toHex(hmacSm3(msg, msg.subarray(0, 40), { backend: 'js' })),
      );
    }
  });

  it('a string is hashed as UTF-8', () => {
    expect(toHex(sm3('可用不可见'))).toBe(
      createHash('sm3').update('可用不可见', 'utf8').digest('hex'),
    );
  });
});

describe('KDF (GB/T 32918.4 §5.4.3)', () => {
  // Independent reference: the definition, written with node:crypto SM3.
  const ref = (z: Uint8Array, klen: number) => {
    const parts: Buffer[] = [];
    for (let ct = 1; parts.length * 32 < klen; ct++) {
      const c = Buffer.alloc(4);
      c.writeUInt32BE(ct);
      parts.push(createHash('sm3').update(z).update(c).digest());
    }
    return Buffer.concat(parts).subarray(0, klen).toString('hex');
  };
  it('matches the definition for lengths 0..200', () => {
    const z = hex(
      '57e7b63623fae5f08cda468e872a20afa03ded41bf1403770e040dc83af31a67991f2b01ebf9efd8881f0a0493000603',
    );
    for (let k = 0; k <= 200; k++) expect(toHex(kdf(z, k))).toBe(ref(z, k));
  });
  it('reproduces the KDF output t of the GB/T 32918.4 encryption examples', () => {
    const enc = loadVectors('sm2').filter((c) => c.type === 'encrypt');
    expect(enc.length).toBe(3);
    for (const c of enc) {
      const x2y2 = hex(String(c.x2_hex) + String(c.y2_hex));
      const t = String(c.kdf_t_hex);
      expect(toHex(kdf(x2y2, t.length / 2))).toBe(t);
    }
  });
});

describe('SM3 misuse', () => {
  it('rejects non-bytes with INVALID_TYPE', async () => {
    for (const bad of [null, undefined, 42, [1, 2], {}, new Uint16Array(2)]) {
      expect(await codeOf(() => sm3(bad as never))).toBe('INVALID_TYPE');
      expect(await codeOf(() => hmacSm3('x', bad as never))).toBe('INVALID_TYPE');
      expect(await codeOf(() => hmacSm3(bad as never, new Uint8Array(16)))).toBe('INVALID_TYPE');
      expect(await codeOf(() => kdf(bad as never, 1))).toBe('INVALID_TYPE');
    }
  });
  it('rejects an unknown backend and unknown options', () => {
    expect(() => sm3('a', { backend: 'wasm' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => sm3('a', { fast: true } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
  it('refuses to be used after digest()', () => {
    for (const backend of backends) {
      const h = sm3.create({ backend });
      h.digest();
      expect(() => h.update('x')).toThrow(expect.objectContaining({ code: 'BAD_STATE' }));
      expect(() => h.digest()).toThrow(expect.objectContaining({ code: 'BAD_STATE' }));
    }
  });
  it('kdf rejects a negative or fractional length', () => {
    expect(() => kdf(new Uint8Array(1), -1)).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => kdf(new Uint8Array(1), 1.5)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
  });
});
