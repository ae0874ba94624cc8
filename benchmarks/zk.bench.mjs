// Zero-knowledge eligibility: witness generation, proving (median of several) and verification,
// ours (bukejian/zk: subgroup-checked single verify, random-linear-combination verifyBatch) side by
// side with snarkjs.groth16.verify (no G2 subgroup check) in the same run.
// Batches of N = 16, 64, 256 distinct valid proofs are made from a few real proofs by Groth16
// re-randomisation (A' = A/t, B' = t·B + s·δ, C' = C + s·A'), which is exactly as costly to verify
// as fresh proofs. Run: npm run bench -- zk   (BENCH_PROVES=n to change the number of proofs)
import { availableParallelism, loadavg } from 'node:os';
import * as snarkjs from 'snarkjs';
import { eligibility, holder, issuer, loadArtifacts, rule, VKEY } from 'bukejian/zk';
import { report } from './_util.mjs';
import { median, PROVES, rerandomise, rnd, snarkProof, time } from './_zk.mjs';

/**
 * The witness calculator eligibility.prove uses (internal: src/zk/witness.ts through tsx, a dev
 * dependency), or null without tsx (its row then reports n/a and snarkjs computes the witness).
 */
async function ourWitnessCalculator(wasm) {
  try {
    const { tsImport } = await import('tsx/esm/api');
    const { witnessCalculator } = await tsImport('../src/zk/witness.ts', import.meta.url);
    return await witnessCalculator(wasm);
  } catch {
    return null;
  }
}

function signals(p, c) {
  const r = c.rule;
  return [
    p.nullifier,
    c.today,
    r.minAge,
    r.maxIncome,
    r.regionRoot,
    r.requiredFlags,
    +r.checkAge,
    +r.checkIncome,
    +r.checkRegion,
    +r.checkFlags,
    c.programId,
    c.period,
    c.challenge,
    c.issuerPublicKey[0],
    c.issuerPublicKey[1],
  ].map(String);
}

export default async function () {
  const kp = await issuer.keygen();
  const h = await holder.create();
  const credential = await issuer.issue(
    {
      holderCommitment: h.commitment,
      birthDate: 19600301,
      sex: 1,
      regionCode: 110105,
      income: 21000,
      householdSize: 2,
      flags: 0b11,
      issuedAt: 20260101,
      expiresAt: 20271231,
    },
    kp.secretKey,
  );
  const r = await rule.create({
    minAge: 60,
    maxIncome: 30000,
    regions: [110101, 110105, 310115],
    requiredFlags: 1,
  });
  const base = { rule: r, today: 20261125, programId: 20261n, period: 202611n };
  const { wasm } = await loadArtifacts();
  const ours = await ourWitnessCalculator(wasm); // what eligibility.prove uses (compiled once)
  const wc = ours ?? {
    calculate: async (input) => {
      const out = { type: 'mem' };
      await snarkjs.wtns.calculate(input, wasm, out);
      return out.data;
    },
  };

  const wt = [];
  const ws = [];
  const pt = [];
  const st = [];
  const made = [];
  const input0 = {
    ...base,
    challenge: eligibility.challenge(),
    credential,
    holderSecret: h.secret,
  };
  // First proof: starts the multi-threaded engine and parses the proving key (reported apart).
  const cold = await time(() => eligibility.prove(input0));
  const { zkey } = await loadArtifacts();
  await snarkjs.groth16.prove(
    { type: 'mem', data: zkey },
    { type: 'mem', data: await wc.calculate(eligibility.circuitInput(input0)) },
  );
  for (let i = 0; i < PROVES; i++) {
    const challenge = eligibility.challenge();
    const input = { ...base, challenge, credential, holderSecret: h.secret };
    let w;
    wt.push(await time(async () => (w = await wc.calculate(eligibility.circuitInput(input)))));
    ws.push(
      await time(() =>
        snarkjs.wtns.calculate(eligibility.circuitInput(input), wasm, { type: 'mem' }),
      ),
    );
    let proof;
    pt.push(await time(async () => (proof = await eligibility.prove(input))));
    // the anchor, interleaved: snarkjs's prover on the same zkey and witness (witness time excluded)
    st.push(
      await time(() =>
        snarkjs.groth16.prove({ type: 'mem', data: zkey }, { type: 'mem', data: w }),
      ),
    );
    made.push({ proof, context: { ...base, challenge, issuerPublicKey: kp.publicKey } });
  }
  const groups = [
    report(
      `zk: witness and proof generation (median of ${PROVES}; load average ${loadavg()[0].toFixed(1)})`,
      'ms',
      [
        { name: 'witness (circuit WASM, reused)', value: ours ? median(wt) : null },
        { name: 'witness (snarkjs.wtns.calculate)', value: median(ws) },
        { name: 'snarkjs.groth16.prove (witness given)', value: median(st) },
        { name: 'prove (eligibility.prove, incl. witness)', value: median(pt) },
        { name: 'prove, best of the runs', value: Math.min(...pt) },
        { name: 'first prove (engine start, key parse)', value: cold },
      ],
      'snarkjs.groth16.prove (witness given)',
    ),
  ];

  // single verification
  const one = made[0];
  const sig1 = signals(one.proof, one.context);
  const sp1 = snarkProof(one.proof);
  await eligibility.verify(one.proof, one.context, { vkey: VKEY }); // warm-up (prepares the verifier)
  await snarkjs.groth16.verify(VKEY, sig1, sp1);
  // The machine may be shared: interleave the two and keep each one's best time.
  const reps = 20;
  let tOurs = Infinity;
  let tSnark = Infinity;
  for (let i = 0; i < reps; i++) {
    tOurs = Math.min(
      tOurs,
      await time(() => eligibility.verify(one.proof, one.context, { vkey: VKEY })),
    );
    tSnark = Math.min(tSnark, await time(() => snarkjs.groth16.verify(VKEY, sig1, sp1)));
  }
  const snarkPerProof = tSnark;
  groups.push(
    report(
      'zk: single proof verification (best of 20, interleaved)',
      'ms/proof',
      [
        { name: 'snarkjs.groth16.verify', value: snarkPerProof },
        { name: 'bukejian verify (+subgroup)', value: tOurs },
      ],
      'snarkjs.groth16.verify',
    ),
  );

  // batches of distinct re-randomised proofs
  const curve = await snarkjs.curves.getCurveFromName('bn128', { singleThread: true });
  const rows = [{ name: 'snarkjs.groth16.verify', value: 1000 / snarkPerProof }];
  const W = availableParallelism(); // eligibility.verifyBatch's default worker count in Node
  const runs = [
    [16, 0],
    [64, 0],
    [256, 0],
    [64, W],
    [256, W],
  ].filter(([, w]) => w !== 1);
  for (const [N, workers] of runs) {
    const proofs = [];
    const contexts = [];
    for (let i = 0; i < N; i++) {
      const src = made[i % made.length];
      proofs.push(rerandomise(curve, VKEY, src.proof));
      contexts.push(src.context);
    }
    if (workers)
      await eligibility.verifyBatch(proofs.slice(0, 2 * workers), contexts.slice(0, 2 * workers), {
        vkey: VKEY,
        workers,
      }); // start the pool
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      let res;
      const t = await time(
        async () =>
          (res = await eligibility.verifyBatch(proofs, contexts, { vkey: VKEY, workers })),
      );
      if (!res.every((x) => x.ok)) throw new Error('benchmark batch did not verify');
      best = Math.min(best, t);
    }
    rows.push({
      name: `verifyBatch N=${N}${workers ? ` (${workers} workers)` : ''}`,
      value: (1000 * N) / best,
    });
  }
  await curve.terminate();
  await eligibility.terminate();
  groups.push(
    report(
      'zk: verification throughput (subgroup checks on in ours)',
      'proofs/s',
      rows,
      'snarkjs.groth16.verify',
    ),
  );
  // the programme-rule circuit (issue 16), same machine, same run
  groups.push(...(await (await import('./zk-rules.bench.mjs')).default()));
  return groups;
}
