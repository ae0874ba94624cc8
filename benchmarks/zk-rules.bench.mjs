// Programme-rule proofs (circuits/rules.circom): proving (witness included) side by side with
// snarkjs.groth16.fullProve on the same circuit, input and zkey; single verification against
// snarkjs.groth16.verify; ruleProof.verifyBatch at N = 16 / 256 (distinct re-randomised proofs)
// against snarkjs's per-proof throughput. Run: npm run bench -- zk-rules (also part of `-- zk`).
import { availableParallelism, loadavg } from 'node:os';
import * as snarkjs from 'snarkjs';
import { sm2 } from 'bukejian/sm2';
import {
  eligibility,
  holder,
  issuer,
  revocation,
  rule,
  ruleProof,
  RULES_PINNED,
  RULES_VKEY,
} from 'bukejian/zk';
import { report } from './_util.mjs';
import { median, PROVES, rerandomise, rnd, snarkProof, time } from './_zk.mjs';

const PUBLIC = [
  'today',
  'op',
  'lo',
  'hi',
  'mul',
  'setField',
  'setRoot',
  'revRoot',
  'scope',
  'period',
  'challenge',
  'issuerAx',
  'issuerAy',
];

export default async function () {
  const kp = await issuer.keygen();
  const h = await holder.create();
  const sm = sm2.keygen();
  const credential = await issuer.issue(
    {
      holderCommitment: h.commitment,
      birthDate: 19440302,
      sex: 2,
      regionCode: 110105,
      income: 21000,
      householdSize: 2,
      flags: 0b0101,
      issuedAt: 20260101,
      expiresAt: 20271231,
    },
    kp.secretKey,
  );
  // 8 predicates, both set slots, an OR: the circuit's full shape
  const r = await rule.create({
    all: [
      { field: 'age', op: 'between', values: [60, 99] },
      { field: 'income', op: 'per-head', value: 13200 },
      { field: 'regionCode', op: 'in', values: [110101, 110105, 310115] },
      { field: 'sex', op: 'not-in', values: [0, 9] },
      { field: 'flags', op: 'all-set', value: 0b0001 },
      { field: 'flags', op: 'all-clear', value: 0b1000 },
    ],
    any: [
      [{ field: 'householdSize', op: '>=', value: 3 }],
      [{ field: 'income', op: '<', value: 30000 }],
    ],
  });
  // a registry holding 1,000 revoked ids
  const ids = Array.from({ length: 1000 }, () => rnd() % (1n << 128n) || 1n);
  const NOW = Date.now();
  const state = await revocation.createRegistry(ids).publish(sm.secretKey, { at: NOW });
  const issuers = {
    keys: [{ publicKey: kp.publicKey, validFrom: 20260101, validUntil: 20301231 }],
    revocationKey: sm.publicKey,
  };
  const base = { rule: r, revocation: state, today: 20261125, programId: '低保', period: 202611 };
  const { wasm, zkey } = await ruleProof.loadArtifacts();
  const input = (challenge) => ({ ...base, challenge, credential, holderSecret: h.secret });

  const cold = await time(() => ruleProof.prove(input(1n)));
  const pt = [];
  const st = [];
  const made = [];
  for (let i = 0; i < PROVES; i++) {
    const challenge = rnd();
    let proof;
    pt.push(await time(async () => (proof = await ruleProof.prove(input(challenge)))));
    const signals = await ruleProof.circuitInput(input(challenge));
    st.push(
      await time(() =>
        snarkjs.groth16.fullProve(
          signals,
          { type: 'mem', data: wasm },
          { type: 'mem', data: zkey },
        ),
      ),
    );
    made.push({ proof, context: { ...base, challenge, issuers }, signals });
  }
  const groups = [
    report(
      `zk-rules: prove incl. witness, ${RULES_PINNED.constraints} constraints (median of ${PROVES}; load average ${loadavg()[0].toFixed(1)})`,
      'ms',
      [
        { name: 'snarkjs.groth16.fullProve (same circuit, witness incl.)', value: median(st) },
        { name: 'ruleProof.prove (witness incl.)', value: median(pt) },
        { name: 'ruleProof.prove, best of the runs', value: Math.min(...pt) },
        { name: 'first prove (engine start, key parse)', value: cold },
      ],
      'snarkjs.groth16.fullProve (same circuit, witness incl.)',
    ),
  ];

  const one = made[0];
  const sig1 = [String(one.proof.nullifier), ...PUBLIC.flatMap((k) => [one.signals[k]].flat())];
  const sp1 = snarkProof(one.proof);
  const opts = { vkey: RULES_VKEY, now: NOW };
  if (!(await ruleProof.verify(one.proof, one.context, opts)).ok) throw new Error('no verify');
  if (!(await snarkjs.groth16.verify(RULES_VKEY, sig1, sp1)))
    throw new Error('snarkjs does not verify');
  let tOurs = Infinity;
  let tSnark = Infinity;
  for (let i = 0; i < 10; i++) {
    tOurs = Math.min(tOurs, await time(() => ruleProof.verify(one.proof, one.context, opts)));
    tSnark = Math.min(tSnark, await time(() => snarkjs.groth16.verify(RULES_VKEY, sig1, sp1)));
  }
  groups.push(
    report(
      `zk-rules: single verification (best of 10, ${RULES_VKEY.nPublic} public signals)`,
      'ms/proof',
      [
        { name: 'snarkjs.groth16.verify', value: tSnark },
        { name: 'ruleProof.verify (+subgroup, key set, SM2 state check)', value: tOurs },
      ],
      'snarkjs.groth16.verify',
    ),
  );

  const curve = await snarkjs.curves.getCurveFromName('bn128', { singleThread: true });
  const rows = [{ name: 'snarkjs.groth16.verify', value: 1000 / tSnark }];
  const W = availableParallelism();
  for (const [N, workers] of [
    [16, 0],
    [256, 0],
    [256, W],
  ].filter(([, w]) => w !== 1)) {
    const proofs = [];
    const contexts = [];
    for (let i = 0; i < N; i++) {
      const src = made[i % made.length];
      proofs.push(rerandomise(curve, RULES_VKEY, src.proof));
      contexts.push(src.context);
    }
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      let res;
      const t = await time(
        async () => (res = await ruleProof.verifyBatch(proofs, contexts, { ...opts, workers })),
      );
      if (!res.every((x) => x.ok)) throw new Error('benchmark batch did not verify');
      best = Math.min(best, t);
    }
    rows.push({
      name: `ruleProof.verifyBatch N=${N}${workers ? ` (${workers} workers)` : ''}`,
      value: (1000 * N) / best,
    });
  }
  await curve.terminate();
  await eligibility.terminate();
  groups.push(
    report('zk-rules: verification throughput', 'proofs/s', rows, 'snarkjs.groth16.verify'),
  );
  return groups;
}
