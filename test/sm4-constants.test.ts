// The typed-in SM4 constants re-derived independently of the tables in src/sm4/cipher.ts:
// the S-box from its algebraic structure (affine ∘ inverse in GF(2^8) ∘ affine), CK from the
// formula of GB/T 32907 §7.3.2, FK by running the key schedule backwards from the round keys
// printed in the standard's example, and the whole cipher against node:crypto sm4-ecb on
// single blocks (a check that does not go through any of our tables).
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CK, FK, SBOX } from '../src/sm4/cipher.js';
import { sm4 } from '../src/sm4/index.js';
import { hex, loadVectors } from './helpers/vectors.js';

// GF(2^8) with f(x) = x^8 + x^7 + x^6 + x^5 + x^4 + x^2 + 1 (0x1f5)
function gfMul(a: number, b: number): number {
  let r = 0;
  for (; b; b >>= 1) {
    if (b & 1) r ^= a;
    a <<= 1;
    if (a & 0x100) a ^= 0x1f5;
  }
  return r;
}
function gfInv(a: number): number {
  if (a === 0) return 0;
  for (let x = 1; x < 256; x++) if (gfMul(a, x) === 1) return x;
  throw new Error('no inverse');
}
// affine map y = A·x ⊕ 0xd3, A the circulant matrix whose rows are right rotations of 11010011
function affine(x: number): number {
  let y = 0;
  for (let i = 0; i < 8; i++) {
    const row = ((0xd3 >>> i) | (0xd3 << (8 - i))) & 255;
    let bit = 0;
    for (let v = x & row; v; v >>= 1) bit ^= v & 1;
    y |= bit << (7 - i);
  }
  return y ^ 0xd3;
}

const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
const tau = (a: number) =>
  ((SBOX_REF[a >>> 24]! << 24) |
    (SBOX_REF[(a >>> 16) & 255]! << 16) |
    (SBOX_REF[(a >>> 8) & 255]! << 8) |
    SBOX_REF[a & 255]!) >>>
  0;
const SBOX_REF = Array.from({ length: 256 }, (_, x) => affine(gfInv(affine(x))));
const CK_REF = Array.from({ length: 32 }, (_, i) =>
  [0, 1, 2, 3].reduce((w, j) => ((w << 8) | (((4 * i + j) * 7) & 255)) >>> 0, 0),
);

describe('SM4 constants', () => {
  it('S-box = A·(A·x ⊕ C)^-1 ⊕ C over GF(2^8)/0x1f5 for all 256 inputs', () => {
    expect(Array.from(SBOX)).toEqual(SBOX_REF);
    expect(new Set(SBOX_REF).size).toBe(256); // a permutation
  });

  it('CK_i bytes are (4i + j)·7 mod 256', () => {
    expect(Array.from(CK, (w) => w >>> 0)).toEqual(CK_REF);
  });

  it.each(
    loadVectors('sm4')
      .filter((c) => c.type === 'key-schedule')
      .map((c) => [c.id, c] as const),
  )('FK recovered from the published round keys of %s', (_id, c) => {
    // K_{i+4} = K_i ⊕ L'(τ(K_{i+1} ⊕ K_{i+2} ⊕ K_{i+3} ⊕ CK_i))  ⇒  run it backwards from rk_0..rk_3
    const rk = (c.rk_words as string[]).map((w) => parseInt(w, 16) >>> 0);
    const K = new Array<number>(8);
    for (let i = 0; i < 4; i++) K[i + 4] = rk[i]!;
    for (let i = 3; i >= 0; i--) {
      const b = tau((K[i + 1]! ^ K[i + 2]! ^ K[i + 3]! ^ CK_REF[i]!) >>> 0);
      K[i] = (K[i + 4]! ^ b ^ rotl(b, 13) ^ rotl(b, 23)) >>> 0;
    }
    const mk = hex(c.key_hex);
    const mkWords = [0, 4, 8, 12].map(
      (o) => ((mk[o]! << 24) | (mk[o + 1]! << 16) | (mk[o + 2]! << 8) | mk[o + 3]!) >>> 0,
    );
    const fk = mkWords.map((w, i) => (w ^ K[i]!) >>> 0);
    expect(fk).toEqual([0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc]);
    expect(Array.from(FK, (w) => w >>> 0)).toEqual(fk);
  });

  it('single blocks agree with node:crypto sm4-ecb (encrypt and decrypt)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, x) => {
          const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
          const want = Buffer.concat([c.update(x), c.final()]);
          const b = sm4.block(key);
          const y = b.encryptBlock(x);
          expect(Buffer.from(y).equals(want)).toBe(true);
          expect(Buffer.from(b.decryptBlock(y)).equals(Buffer.from(x))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
