/**
 * The worker-thread entry of zk batch verification (started by src/_pool.ts as
 * `dist/zk/_worker.js`, never imported by library code). Each worker builds its own
 * single-threaded BN254 engine (snarkjs's ffjavascript) and, for a chunk of proofs, checks
 * B ∈ G2 (on the twist, ψ(B) = [p − r]B) and returns the product of the Miller loops
 * e(−ρ_i·A_i, B_i) as one Fp12 value, with the indices whose B failed (see ./batch-pool.ts).
 * @module
 */
import { serveTasks } from '../_worker.js';
import { BukejianError } from '../errors.js';
import { loadSnarkjs } from './_snarkjs.js';
import type { MillerItem, MillerResult } from './batch-pool.js';
import { BASE_FIELD, BN_X } from './proof-codec.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Buf = Uint8Array;

let engine: Promise<{ curve: any; inSub: (q: Buf) => boolean }> | undefined;

function build(): Promise<{ curve: any; inSub: (q: Buf) => boolean }> {
  return loadSnarkjs().then(async (snarkjs) => {
    const curve = await snarkjs.curves.getCurveFromName('bn128', { singleThread: true });
    const { G2, F1, F2 } = curve;
    const xi = F2.fromObject([9n, 1n]);
    const psiX = F2.exp(xi, (BASE_FIELD - 1n) / 3n);
    const psiY = F2.exp(xi, (BASE_FIELD - 1n) / 2n);
    const conj = (a: Buf): Buf => {
      const r = new Uint8Array(64);
      r.set(a.subarray(0, 32));
      r.set(F1.neg(a.slice(32, 64)), 32);
      return r;
    };
    const psi = (a: Buf): Buf => {
      const r = new Uint8Array(128);
      r.set(F2.mul(conj(a.slice(0, 64)), psiX), 0);
      r.set(F2.mul(conj(a.slice(64, 128)), psiY), 64);
      return r;
    };
    // SECURITY: G2 subgroup membership, [x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q) (the same test
    // as groth16.ts's inG2Subgroup, where it is explained)
    const inSub = (q: Buf): boolean => {
      const xQ = G2.timesScalar(q, BN_X);
      const p1 = psi(G2.toAffine(xQ));
      const lhs = G2.add(G2.add(G2.add(xQ, q), p1), psi(p1));
      return G2.eq(lhs, psi(psi(psi(G2.toAffine(G2.double(xQ))))));
    };
    return { curve, inSub };
  });
}

serveTasks(async (items: readonly MillerItem[]): Promise<MillerResult> => {
  try {
    const { curve, inSub } = await (engine ??= build());
    const { G1, G2, F12 } = curve;
    let acc = F12.one;
    const bad: number[] = [];
    items.forEach((it, k) => {
      const B = G2.fromObject([
        [it.b[0][0], it.b[0][1]],
        [it.b[1][0], it.b[1][1]],
        [1n, 0n],
      ]);
      if (it.validate && (!G2.isValid(B) || G2.isZero(B) || !inSub(G2.toAffine(B)))) {
        bad.push(k);
        return;
      }
      const A = G1.fromObject([it.a[0], it.a[1], 1n]);
      const wA = it.w === 1n ? A : G1.timesScalar(A, it.w);
      const pa = curve.prepareG1(G1.toJacobian(G1.neg(wA)));
      acc = F12.mul(acc, curve.millerLoop(pa, curve.prepareG2(G2.toJacobian(B))));
    });
    return { acc, bad };
  } catch (e) {
    const msg = String((e as Error | undefined)?.message ?? e);
    throw new BukejianError('BAD_STATE', `batch worker failed: ${msg.slice(0, 80)}`);
  }
});
