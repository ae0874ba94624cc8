// SM4-GCM / SM4-CCM: differential tests against a naive reference written here (bit-by-bit
// GF(2^128) multiplication, CBC-MAC and counters spelled out from SP 800-38D / 38C) over
// node:crypto sm4-ecb as the block cipher, so neither our SM4 tables nor our GHASH tables are
// involved in the expected values; round trips; every bit flip of ciphertext, tag, AAD or nonce
// → AUTH_FAILED with no plaintext; single use.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sm4 } from '../src/sm4/index.js';
import { GHASH_BIG_TABLE_BYTES, GHASH_SHOUP_BYTES } from '../src/sm4/ghash.js';
import { BukejianError } from '../src/errors.js';

const E = (key: Uint8Array, block: Uint8Array): Uint8Array => {
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return Uint8Array.from(Buffer.concat([c.update(block), c.final()]));
};
const toBig = (b: Uint8Array) => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));
const fromBig = (x: bigint, n = 16) =>
  Uint8Array.from(Buffer.from(x.toString(16).padStart(2 * n, '0'), 'hex'));
const R = 0xe1n << 120n;
function gfMul(x: bigint, y: bigint): bigint {
  // SP 800-38D Algorithm 1, bit 0 = most significant bit
  let z = 0n,
    v = y;
  for (let i = 127; i >= 0; i--) {
    if ((x >> BigInt(i)) & 1n) z ^= v;
    v = v & 1n ? (v >> 1n) ^ R : v >> 1n;
  }
  return z;
}
function ghashRef(h: bigint, parts: Uint8Array[]): bigint {
  let y = 0n;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 16) {
      const blk = new Uint8Array(16);
      blk.set(p.subarray(i, i + 16));
      y = gfMul(y ^ toBig(blk), h);
    }
  }
  return y;
}
const lenBlock = (a: number, c: number) => fromBig((BigInt(a * 8) << 64n) | BigInt(c * 8));
function gcmRef(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const h = toBig(E(key, new Uint8Array(16)));
  const j0 =
    iv.length === 12
      ? toBig(Uint8Array.from([...iv, 0, 0, 0, 1]))
      : ghashRef(h, [iv, lenBlock(0, iv.length)]);
  const inc32 = (x: bigint, n: number) => (x & ~0xffffffffn) | ((x + BigInt(n)) & 0xffffffffn);
  const ct = new Uint8Array(pt.length);
  for (let i = 0; i < pt.length; i += 16) {
    const ks = E(key, fromBig(inc32(j0, i / 16 + 1)));
    for (let j = 0; j < 16 && i + j < pt.length; j++) ct[i + j] = pt[i + j]! ^ ks[j]!;
  }
  const s = ghashRef(h, [aad, ct, lenBlock(aad.length, ct.length)]);
  const tag = fromBig(s ^ toBig(E(key, fromBig(j0))));
  return Uint8Array.from([...ct, ...tag]);
}
function ccmRef(
  key: Uint8Array,
  n: Uint8Array,
  aad: Uint8Array,
  pt: Uint8Array,
  t: number,
): Uint8Array {
  const q = 15 - n.length;
  const num = (x: number, len: number) => fromBig(BigInt(x), len);
  const b0 = Uint8Array.from([
    (aad.length ? 64 : 0) | (((t - 2) / 2) << 3) | (q - 1),
    ...n,
    ...num(pt.length, q),
  ]);
  const aadEnc = aad.length ? Uint8Array.from([...num(aad.length, 2), ...aad]) : new Uint8Array(0);
  const pad = (b: Uint8Array) =>
    Uint8Array.from([...b, ...new Array((16 - (b.length % 16)) % 16).fill(0)]);
  const stream = Uint8Array.from([...b0, ...pad(aadEnc), ...pad(pt)]);
  let y: Uint8Array = new Uint8Array(16);
  for (let i = 0; i < stream.length; i += 16)
    y = E(
      key,
      y.map((v, j) => v ^ stream[i + j]!),
    );
  const ctr = (i: number) => Uint8Array.from([q - 1, ...n, ...num(i, q)]);
  const ct = pt.map((v, i) => v ^ E(key, ctr(Math.floor(i / 16) + 1))[i % 16]!);
  const s0 = E(key, ctr(0));
  return Uint8Array.from([...ct, ...y.subarray(0, t).map((v, i) => v ^ s0[i]!)]);
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BukejianError);
    return (e as BukejianError).code;
  }
  return 'no error';
};

describe('SM4-GCM', () => {
  it('matches the naive reference (random nonce lengths, AAD, data)', () => {
    fc.assert(
      fc.property(
        key16,
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.uint8Array({ maxLength: 100 }),
        (key, iv, aad, pt) => {
          expect(hexOf(sm4.gcm(key, iv, aad).encrypt(pt))).toBe(hexOf(gcmRef(key, iv, aad, pt)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tagLength 12..16: the first t bytes of the reference tag, both ways', () => {
    fc.assert(
      fc.property(
        key16,
        fc.uint8Array({ minLength: 1, maxLength: 20 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 50 }),
        fc.integer({ min: 12, max: 16 }),
        (key, iv, aad, pt, t) => {
          const ref = gcmRef(key, iv, aad, pt).subarray(0, pt.length + t);
          expect(hexOf(sm4.gcm(key, iv, aad, { tagLength: t }).encrypt(pt))).toBe(hexOf(ref));
          expect(hexOf(sm4.gcm(key, iv, aad, { tagLength: t }).decrypt(ref))).toBe(hexOf(pt));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('Shoup, 4-bit and 8-bit GHASH tables give the reference result (lengths around each switch)', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i * 9);
    const iv = Uint8Array.from({ length: 12 }, (_, i) => i);
    for (const len of [
      GHASH_SHOUP_BYTES - 1,
      GHASH_SHOUP_BYTES,
      GHASH_SHOUP_BYTES + 3,
      GHASH_BIG_TABLE_BYTES - 17,
      GHASH_BIG_TABLE_BYTES - 1,
      GHASH_BIG_TABLE_BYTES,
      GHASH_BIG_TABLE_BYTES + 5,
    ]) {
      const pt = Uint8Array.from({ length: len }, (_, i) => (i * 13) & 255);
      expect(hexOf(sm4.gcm(key, iv).encrypt(pt))).toBe(
        hexOf(gcmRef(key, iv, new Uint8Array(0), pt)),
      );
      // same bytes hashed as AAD + data split differently switches the table size, not the result
      const aad = pt.subarray(0, 3);
      expect(hexOf(sm4.gcm(key, iv, aad).encrypt(pt.subarray(3)))).toBe(
        hexOf(gcmRef(key, iv, aad, pt.subarray(3))),
      );
    }
  });

  it('round trip; every single-bit flip of ciphertext, tag, AAD or nonce → AUTH_FAILED', () => {
    fc.assert(
      fc.property(
        key16,
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 24 }),
        (key, iv, aad, pt) => {
          const sealed = sm4.gcm(key, iv, aad).encrypt(pt);
          expect(hexOf(sm4.gcm(key, iv, aad).decrypt(sealed))).toBe(hexOf(pt));
          for (let bit = 0; bit < sealed.length * 8; bit++) {
            const bad = sealed.slice();
            bad[bit >> 3] ^= 1 << (bit & 7);
            expect(codeOf(() => sm4.gcm(key, iv, aad).decrypt(bad))).toBe('AUTH_FAILED');
          }
          for (let bit = 0; bit < aad.length * 8; bit++) {
            const bad = aad.slice();
            bad[bit >> 3] ^= 1 << (bit & 7);
            expect(codeOf(() => sm4.gcm(key, iv, bad).decrypt(sealed))).toBe('AUTH_FAILED');
          }
          for (let bit = 0; bit < 96; bit++) {
            const bad = iv.slice();
            bad[bit >> 3] ^= 1 << (bit & 7);
            expect(codeOf(() => sm4.gcm(key, bad, aad).decrypt(sealed))).toBe('AUTH_FAILED');
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('SM4-CCM', () => {
  it('matches the naive reference (nonce 7..13, tag 4..16, random AAD and data)', () => {
    fc.assert(
      fc.property(
        key16,
        fc.integer({ min: 7, max: 13 }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.constantFrom(4, 6, 8, 10, 12, 14, 16),
        fc.uint8Array({ maxLength: 50 }),
        fc.uint8Array({ maxLength: 80 }),
        (key, nonce, t, aad, pt) => {
          expect(hexOf(sm4.ccm(key, nonce, aad, { tagLength: t }).encrypt(pt))).toBe(
            hexOf(ccmRef(key, nonce, aad, pt, t)),
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('round trip; every single-bit flip of ciphertext, tag or AAD → AUTH_FAILED, no plaintext', () => {
    fc.assert(
      fc.property(
        key16,
        fc.uint8Array({ minLength: 13, maxLength: 13 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 24 }),
        (key, nonce, aad, pt) => {
          const sealed = sm4.ccm(key, nonce, aad).encrypt(pt);
          expect(hexOf(sm4.ccm(key, nonce, aad).decrypt(sealed))).toBe(hexOf(pt));
          for (let bit = 0; bit < sealed.length * 8; bit++) {
            const bad = sealed.slice();
            bad[bit >> 3] ^= 1 << (bit & 7);
            expect(codeOf(() => sm4.ccm(key, nonce, aad).decrypt(bad))).toBe('AUTH_FAILED');
          }
          for (let bit = 0; bit < aad.length * 8; bit++) {
            const bad = aad.slice();
            bad[bit >> 3] ^= 1 << (bit & 7);
            expect(codeOf(() => sm4.ccm(key, nonce, bad).decrypt(sealed))).toBe('AUTH_FAILED');
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('AAD of 0xff00 bytes and more uses the 6-byte length encoding', () => {
    const key = new Uint8Array(16).fill(1),
      nonce = new Uint8Array(12).fill(2);
    for (const len of [0xfeff, 0xff00]) {
      const aad = new Uint8Array(len).fill(3);
      const pt = new Uint8Array(20).fill(4);
      // reference with the long encoding written out: 0xfffe ‖ [len]_32
      const q = 3;
      const head = len < 0xff00 ? [len >> 8, len & 255] : [0xff, 0xfe, 0, 0, len >> 8, len & 255];
      const b0 = Uint8Array.from([64 | (7 << 3) | (q - 1), ...nonce, 0, 0, 20]);
      const stream = [...b0, ...head, ...aad];
      while (stream.length % 16) stream.push(0);
      stream.push(...pt, ...new Array(12).fill(0));
      let y: Uint8Array = new Uint8Array(16);
      for (let i = 0; i < stream.length; i += 16)
        y = E(
          key,
          y.map((v, j) => v ^ stream[i + j]!),
        );
      const s0 = E(key, Uint8Array.from([q - 1, ...nonce, 0, 0, 0]));
      const sealed = sm4.ccm(key, nonce, aad).encrypt(pt);
      expect(hexOf(sealed.subarray(20))).toBe(hexOf(y.map((v, i) => v ^ s0[i]!)));
    }
  });
});

describe('AEAD single use', () => {
  it('a second encrypt on one instance throws NONCE_REUSE; decrypt may repeat', () => {
    const key = new Uint8Array(16),
      nonce = new Uint8Array(12);
    for (const make of [() => sm4.gcm(key, nonce), () => sm4.ccm(key, nonce)]) {
      const c = make();
      const sealed = c.encrypt(new Uint8Array(5));
      expect(codeOf(() => c.encrypt(new Uint8Array(5)))).toBe('NONCE_REUSE');
      expect(c.decrypt(sealed)).toEqual(new Uint8Array(5));
      expect(c.decrypt(sealed)).toEqual(new Uint8Array(5));
    }
  });

  it('instances copy key, nonce and AAD (later changes by the caller have no effect)', () => {
    const key = new Uint8Array(16).fill(5),
      nonce = new Uint8Array(12).fill(6),
      aad = new Uint8Array(4).fill(7);
    const c = sm4.gcm(key, nonce, aad);
    const want = gcmRef(key.slice(), nonce.slice(), aad.slice(), new Uint8Array(9));
    key.fill(0);
    nonce.fill(0);
    aad.fill(0);
    expect(hexOf(c.encrypt(new Uint8Array(9)))).toBe(hexOf(want));
  });
});

describe('sm4.gcmStream (incremental GCM, used by the CLI)', () => {
  const cutsOf = (d: Uint8Array, cuts: number[]) => {
    const parts: Uint8Array[] = [];
    let pos = 0;
    for (const c of cuts) {
      parts.push(d.subarray(pos, Math.min(d.length, pos + c)));
      pos = Math.min(d.length, pos + c);
    }
    parts.push(d.subarray(pos));
    return parts;
  };

  it('encryption in random pieces equals the one-shot sm4.gcm and the reference', () => {
    fc.assert(
      fc.property(
        key16,
        fc.uint8Array({ minLength: 1, maxLength: 20 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(40), { maxLength: 8 }),
        (key, iv, aad, pt, cuts) => {
          const g = sm4.gcmStream(key, iv, aad);
          const out = Buffer.concat([...cutsOf(pt, cuts).map((p) => g.encrypt(p)), g.tag()]);
          expect(out.toString('hex')).toBe(hexOf(sm4.gcm(key, iv, aad).encrypt(pt)));
          expect(out.toString('hex')).toBe(hexOf(gcmRef(key, iv, aad, pt)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('two-pass decryption: absorb, verify, decrypt; any bit flip → verify false and no decrypt', () => {
    fc.assert(
      fc.property(
        key16,
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(40), { maxLength: 6 }),
        fc.nat(),
        (key, iv, aad, pt, cuts, flip) => {
          const sealed = sm4.gcm(key, iv, aad).encrypt(pt);
          const ct = sealed.subarray(0, pt.length),
            tag = sealed.subarray(pt.length);
          const d = sm4.gcmStream(key, iv, aad);
          for (const p of cutsOf(ct, cuts)) d.absorb(p);
          expect(d.verify(tag)).toBe(true);
          expect(Buffer.concat(cutsOf(ct, cuts).map((p) => d.decrypt(p))).toString('hex')).toBe(
            hexOf(pt),
          );
          const bad = sealed.slice();
          const bit = flip % (bad.length * 8);
          bad[bit >> 3] ^= 1 << (bit & 7);
          const e = sm4.gcmStream(key, iv, aad);
          e.absorb(bad.subarray(0, pt.length));
          expect(e.verify(bad.subarray(pt.length))).toBe(false);
          expect(codeOf(() => e.decrypt(bad.subarray(0, pt.length)))).toBe('BAD_STATE');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses out-of-order use (decrypt before verify, encrypt after tag, more bytes than verified)', () => {
    const key = new Uint8Array(16),
      iv = new Uint8Array(12);
    const a = sm4.gcmStream(key, iv, new Uint8Array(0));
    a.absorb(new Uint8Array(10));
    expect(codeOf(() => a.decrypt(new Uint8Array(10)))).toBe('BAD_STATE');
    const b = sm4.gcmStream(key, iv, new Uint8Array(0));
    b.encrypt(new Uint8Array(3));
    b.tag();
    expect(codeOf(() => b.encrypt(new Uint8Array(3)))).toBe('BAD_STATE');
    const sealed = sm4.gcm(key, iv).encrypt(new Uint8Array(8));
    const c = sm4.gcmStream(key, iv, new Uint8Array(0));
    c.absorb(sealed.subarray(0, 8));
    expect(c.verify(sealed.subarray(8))).toBe(true);
    c.decrypt(sealed.subarray(0, 8));
    expect(codeOf(() => c.decrypt(new Uint8Array(1)))).toBe('BAD_STATE');
    expect(codeOf(() => sm4.gcmStream(new Uint8Array(15), iv, new Uint8Array(0)))).toBe(
      'KEY_LENGTH',
    );
    expect(codeOf(() => sm4.gcmStream(key, new Uint8Array(0), new Uint8Array(0)))).toBe(
      'NONCE_LENGTH',
    );
    expect(codeOf(() => sm4.gcmStream(key, 'nonce' as never))).toBe('INVALID_TYPE');
    expect(codeOf(() => sm4.gcmStream(key, iv, 'aad' as never))).toBe('INVALID_TYPE');
    expect(codeOf(() => sm4.gcmStream(key, iv).encrypt('text' as never))).toBe('INVALID_TYPE');
    expect(codeOf(() => sm4.gcmStream(key, iv).absorb(null as never))).toBe('INVALID_TYPE');
    expect(codeOf(() => sm4.gcmStream(key, iv).verify([0] as never))).toBe('INVALID_TYPE');
  });
});
