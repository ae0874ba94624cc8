// Shared helpers of the zk benchmarks (zk.bench.mjs, zk-rules.bench.mjs): timing, random field
// elements, the snarkjs proof form, and Groth16 re-randomisation (A' = A/t, B' = t·B + s·δ,
// C' = C + s·A'), which makes distinct valid proofs for the same public inputs that cost exactly
// as much to verify as fresh ones.
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Number of proofs per benchmark (`BENCH_PROVES`, default 5). */
export const PROVES = Number(process.env.BENCH_PROVES ?? 5);

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

/** A uniform element of the BN254 scalar field. */
export const rnd = () =>
  BigInt('0x' + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')) % R;

/** Our proof (a, b, c as bigints) in snarkjs's JSON form. */
export const snarkProof = (p) => ({
  pi_a: [String(p.a[0]), String(p.a[1]), '1'],
  pi_b: [
    [String(p.b[0][0]), String(p.b[0][1])],
    [String(p.b[1][0]), String(p.b[1][1])],
    ['1', '0'],
  ],
  pi_c: [String(p.c[0]), String(p.c[1]), '1'],
  protocol: 'groth16',
  curve: 'bn128',
});

/** Re-randomises a Groth16 proof under `vkey` (still valid for the same public inputs). */
export function rerandomise(curve, vkey, p) {
  const { G1, G2 } = curve;
  const t = rnd() || 1n;
  const s = rnd();
  const tInv = curve.Fr.toObject(curve.Fr.inv(curve.Fr.e(t)));
  const A = G1.timesScalar(G1.fromObject([p.a[0], p.a[1], 1n]), tInv);
  const delta = G2.fromObject(vkey.vk_delta_2.map((c) => c.map(BigInt)));
  const B = G2.add(
    G2.timesScalar(
      G2.fromObject([
        [p.b[0][0], p.b[0][1]],
        [p.b[1][0], p.b[1][1]],
        [1n, 0n],
      ]),
      t,
    ),
    G2.timesScalar(delta, s),
  );
  const C = G1.add(G1.fromObject([p.c[0], p.c[1], 1n]), G1.timesScalar(A, s));
  const a = G1.toObject(G1.toAffine(A));
  const b = G2.toObject(G2.toAffine(B));
  const c = G1.toObject(G1.toAffine(C));
  return {
    ...p,
    a: [a[0], a[1]],
    b: [
      [b[0][0], b[0][1]],
      [b[1][0], b[1][1]],
    ],
    c: [c[0], c[1]],
  };
}
