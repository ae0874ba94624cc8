// The verifier's fast G2 subgroup test ([x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q)) against the
// definition [r]Q = O (noble-curves' isTorsionFree as the independent oracle): random subgroup
// points pass, random twist points (almost all outside the subgroup) fail, subgroup points plus a
// component of the cofactor's order fail, and the two tests agree on every point tried.
import { describe, expect, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import { VKEY } from '../src/zk/index.js';
import { prepareVerifier } from '../src/zk/groth16.js';

const Fp2 = bn254.fields.Fp2;
const P_ = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R_ = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** Cofactor of G2 on the BN254 twist: #E'(Fp2) = (2p − r)·r. */
const H2 = 2n * P_ - R_;
const b2 = Fp2.div(Fp2.fromBigTuple([3n, 0n]), Fp2.fromBigTuple([9n, 1n]));

function twistPoints(n: number, seed: bigint) {
  const out = [];
  for (let i = seed; out.length < n; i++) {
    const x = Fp2.fromBigTuple([i * 7919n + 3n, i]);
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b2);
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    out.push(bn254.G2.Point.fromAffine({ x, y }));
  }
  return out;
}

const tuple = (P: InstanceType<typeof bn254.G2.Point>) => {
  const { x, y } = P.toAffine();
  return [
    [x.c0, x.c1],
    [y.c0, y.c1],
  ] as const;
};

describe('G2 subgroup check', () => {
  it('agrees with [r]Q = O on subgroup points and on random twist points', async () => {
    const v = await prepareVerifier(VKEY);
    for (let i = 1n; i <= 12n; i++) {
      const Q = bn254.G2.Point.BASE.multiply(i * 0x1234567890abcdefn + 17n);
      expect(v.inG2Subgroup(tuple(Q))).toBe(true);
    }
    let outside = 0;
    for (const P of twistPoints(12, 1n)) {
      const expected = P.isTorsionFree();
      if (!expected) outside++;
      expect(v.inG2Subgroup(tuple(P))).toBe(expected);
      // clearing the cofactor lands in the subgroup
      const cleared = P.multiplyUnsafe(H2 >> 128n)
        .multiplyUnsafe(1n << 128n)
        .add(P.multiplyUnsafe(H2 & ((1n << 128n) - 1n)));
      expect(cleared.isTorsionFree()).toBe(true);
      expect(v.inG2Subgroup(tuple(cleared))).toBe(true);
      // a subgroup point plus a non-zero component of order dividing the cofactor: [r]P = [r−1]P + P
      const t = P.multiplyUnsafe(R_ - 1n).add(P);
      if (!t.is0()) {
        const mixed = bn254.G2.Point.BASE.multiply(0xabcdefn).add(t);
        expect(mixed.isTorsionFree()).toBe(false);
        expect(v.inG2Subgroup(tuple(mixed))).toBe(false);
      }
    }
    expect(outside).toBeGreaterThan(0);
  });
});
