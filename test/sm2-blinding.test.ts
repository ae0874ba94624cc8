// The random blinding factor β of the final Z inversion (src/sm2/fast.ts) is drawn by rejection
// sampling in [1, p). A draw ≥ p (probability ~2^-32 per secret multiplication) must lead to a
// fresh draw: here randomBytes is made to return values ≥ p first (p itself, and values just
// above it), and the result must still equal @noble/curves' [k]G. A draw of 32 equal bytes (all
// zeros, all 0xff: a stuck source, probability 2^-248 otherwise) is refused with UNSUPPORTED
// instead of being redrawn forever (security review item 15).
import { describe, expect, it, vi } from 'vitest';

const forced: Uint8Array[] = [];
vi.mock('../src/utils.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/utils.js')>();
  return { ...real, randomBytes: (n?: number) => forced.shift() ?? real.randomBytes(n) };
});

const { createFast } = await import('../src/sm2/fast.js');
const { SM2P256V1, sm2Curve } = await import('../src/sm2/curve.js');

const be32 = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));

describe('blinded inversion', () => {
  it('redraws β after a draw ≥ p', () => {
    const fast = createFast(SM2P256V1, 4);
    const p = SM2P256V1.p;
    for (const k of [5n, SM2P256V1.n - 2n]) {
      forced.push(be32(p), be32(2n ** 256n - 2n), be32(p + 1n));
      expect(fast.mulBaseSecret(k)).toEqual(sm2Curve.Point.BASE.multiply(k).toAffine());
      expect(forced.length).toBe(0); // all three forced draws were consumed, then a real one
    }
  });

  it('refuses a stuck source (32 equal bytes: zero, 0xff, any value) with UNSUPPORTED', () => {
    const fast = createFast(SM2P256V1, 4);
    for (const fill of [0x00, 0xff, 0x01]) {
      forced.length = 0;
      forced.push(new Uint8Array(32).fill(fill));
      expect(() => fast.mulBaseSecret(5n)).toThrow(
        expect.objectContaining({ code: 'UNSUPPORTED' }),
      );
    }
    forced.length = 0;
    expect(fast.mulBaseSecret(5n)).toEqual(sm2Curve.Point.BASE.multiply(5n).toAffine());
  });
});
