// The random blinding factor β of the final Z inversion (src/sm2/fast.ts) is drawn by rejection
// sampling in [1, p). A draw ≥ p (probability ~2^-32 per secret multiplication) must lead to a
// fresh draw: here randomBytes is made to return all-0xff (≥ p) and all-zero bytes first, and the
// result must still equal @noble/curves' [k]G.
import { describe, expect, it, vi } from 'vitest';

const forced: Uint8Array[] = [];
vi.mock('../src/utils.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/utils.js')>();
  return { ...real, randomBytes: (n?: number) => forced.shift() ?? real.randomBytes(n) };
});

const { createFast } = await import('../src/sm2/fast.js');
const { SM2P256V1, sm2Curve } = await import('../src/sm2/curve.js');

describe('blinded inversion', () => {
  it('redraws β after a draw ≥ p or = 0', () => {
    const fast = createFast(SM2P256V1, 4);
    for (const k of [5n, SM2P256V1.n - 2n]) {
      forced.push(new Uint8Array(32).fill(0xff), new Uint8Array(32), new Uint8Array(32).fill(0xff));
      expect(fast.mulBaseSecret(k)).toEqual(sm2Curve.Point.BASE.multiply(k).toAffine());
      expect(forced.length).toBe(0); // all three forced draws were consumed, then a real one
    }
  });
});
