#!/usr/bin/env node
// 社保待遇核查 with programme-defined rules: three programmes, three different rules, one
// credential each, all verified against the SAME verification key (circuits/rules.circom, one
// trusted setup for every rule). Then the issuer revokes a credential (a disability reassessed),
// publishes its SM2-signed revocation state, and the refreshed verifier rejects the old proof.
//
//   高龄津贴 (elderly allowance):      age ≥ 80 AND region in the city's districts
//   低保 (minimum living allowance):   income ≤ 13,200 yuan × household size AND region in the
//                                       districts AND not already supported (特困 flag clear)
//   残疾人两项补贴 (disability subsidies): disability certificate AND age ≥ 16 AND
//                                       (低保 household OR severe disability, grade 1–2)
//
// Run: npm run build && node examples/programmes.mjs   (uses the built package and circuits/build/)
import { sm2 } from 'bukejian/sm2';
import { holder, issuer, revocation, rule, ruleProof, RULES_VKEY, eligibility } from 'bukejian/zk';

const TODAY = 20261125;
const NOW = Date.UTC(2026, 10, 25, 9);
const PERIOD = 202611;
const DISTRICTS = [110101, 110102, 110105, 110106, 110107, 110108];
// status flags the civil-affairs bureau signs into the record
const F = { DISABILITY_CERT: 1 << 0, DIBAO_HOUSEHOLD: 1 << 1, SEVERE: 1 << 2, TEKUN: 1 << 3 };

const programmes = {
  高龄津贴: {
    all: [
      { field: 'age', op: '>=', value: 80 },
      { field: 'regionCode', op: 'in', values: DISTRICTS },
    ],
  },
  低保: {
    all: [
      { field: 'income', op: 'per-head', value: 13200, per: 'householdSize' },
      { field: 'regionCode', op: 'in', values: DISTRICTS },
      { field: 'flags', op: 'all-clear', value: F.TEKUN },
    ],
  },
  残疾人两项补贴: {
    all: [
      { field: 'flags', op: 'all-set', value: F.DISABILITY_CERT },
      { field: 'age', op: '>=', value: 16 },
    ],
    any: [
      [{ field: 'flags', op: 'all-set', value: F.DIBAO_HOUSEHOLD }],
      [{ field: 'flags', op: 'all-set', value: F.SEVERE }],
    ],
  },
};

// ── Issuer (民政): a Baby Jubjub signing key (rotated once) and an SM2 key for revocation states
const oldKey = await issuer.keygen();
const key = await issuer.keygen();
const sm2Key = sm2.keygen();
const issuers = {
  keys: [
    { publicKey: oldKey.publicKey, validFrom: 20240101, validUntil: 20251231 },
    { publicKey: key.publicKey, validFrom: 20260101, validUntil: 20281231 },
  ],
  revocationKey: sm2Key.publicKey,
};
const registry = revocation.createRegistry();
let state = await registry.publish(sm2Key.secretKey, { at: NOW - 3600_000 });

// ── Three synthetic citizens, one credential each
const citizens = [
  {
    name: '王秀英',
    programme: '高龄津贴',
    birthDate: 19440302,
    sex: 2,
    regionCode: 110105,
    income: 9000,
    householdSize: 1,
    flags: 0,
  },
  {
    name: '李建国',
    programme: '低保',
    birthDate: 19750611,
    sex: 1,
    regionCode: 110106,
    income: 40000,
    householdSize: 4,
    flags: 0,
  },
  {
    name: '陈敏',
    programme: '残疾人两项补贴',
    birthDate: 19980917,
    sex: 2,
    regionCode: 110108,
    income: 15000,
    householdSize: 2,
    flags: F.DISABILITY_CERT | F.SEVERE,
  },
];
for (const c of citizens) {
  c.holder = await holder.create();
  const { name: _n, programme: _p, holder: h, ...fields } = c;
  c.credential = await issuer.issue(
    { ...fields, holderCommitment: h.commitment, issuedAt: 20260101, expiresAt: 20261231 },
    key.secretKey,
  );
}

// ── Each citizen proves to its programme; the verifier checks all three in one batch
const rules = {};
for (const [name, spec] of Object.entries(programmes)) rules[name] = await rule.create(spec);
const requests = citizens.map((c, i) => ({
  rule: rules[c.programme],
  issuers,
  revocation: state,
  today: TODAY,
  programId: c.programme,
  period: PERIOD,
  challenge: 1000n + BigInt(i),
}));
const proofs = [];
for (const [i, c] of citizens.entries()) {
  const { issuers: _i, ...req } = requests[i];
  const t = performance.now();
  proofs.push(
    await ruleProof.prove({ ...req, credential: c.credential, holderSecret: c.holder.secret }),
  );
  console.log(`${c.name} proves ${c.programme} (${Math.round(performance.now() - t)} ms)`);
}
const results = await ruleProof.verifyBatch(proofs, requests, { vkey: RULES_VKEY, now: NOW });
for (const [i, r] of results.entries()) {
  const c = citizens[i];
  console.log(
    `  ${c.programme}: ${r.ok ? `accepted, nullifier ${r.nullifier.toString(16).slice(0, 12)}…` : `rejected (${r.reason})`}`,
  );
}
console.log(`one verification key for all three rules: ${RULES_VKEY.IC.length - 1} public inputs`);

// ── 陈敏's disability is reassessed: the issuer revokes her credential and publishes
await registry.revoke(citizens[2].credential);
state = await registry.publish(sm2Key.secretKey, { at: NOW - 60_000 });
const refreshed = { ...requests[2], revocation: state };
const again = await ruleProof.verify(proofs[2], refreshed, { vkey: RULES_VKEY, now: NOW });
console.log(
  `after revocation, the old proof at a refreshed verifier: ${again.ok ? 'accepted' : `rejected (${again.reason})`}`,
);
try {
  const { issuers: _i, ...req } = refreshed;
  await ruleProof.prove({
    ...req,
    credential: citizens[2].credential,
    holderSecret: citizens[2].holder.secret,
  });
  console.log('a new proof: accepted');
} catch (e) {
  console.log(`a new proof: refused (${e.code})`);
}
// a verifier still on a day-old state is told so
const stale = await ruleProof.verify(proofs[0], requests[0], {
  vkey: RULES_VKEY,
  now: NOW + 86_400_000,
});
console.log(
  `a verifier whose revocation state is over 24 h old: ${stale.ok ? 'accepted' : stale.reason}`,
);
await eligibility.terminate();
