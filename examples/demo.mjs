#!/usr/bin/env node
// 社保待遇核查 — the main job of bukejian, end to end, on synthetic citizens.
//
// A civil-affairs bureau (民政) signs three citizens' records once as credentials. Each citizen
// proves to the social-security bureau (人社) that they qualify for an elderly allowance
// (高龄津贴: age ≥ 60, income ≤ 30,000 yuan, living in one of the programme's counties). The
// verifier accepts the eligible, rejects the ineligible, rejects a replayed claim by its
// nullifier, and logs every decision in an SM3/SM2 transparency log that the citizen can query.
// The records never leave the citizens' hands: the verifier learns one bit and a nullifier.
//
// Run: npm ci && npm run demo     (uses the built package: dist/ and circuits/build/)
import { sm3 } from 'bukejian/sm3';
import { sm4 } from 'bukejian/sm4';
import { sm2 } from 'bukejian/sm2';
import { bytesToHex, randomBytes } from 'bukejian/utils';
import { generateIdCard, mask, pseudonymize } from 'bukejian/mask';
import {
  openAuditLog,
  createMemoryStore,
  sm2CheckpointSigner,
  sm2CheckpointVerifier,
  verifySubjectEvents,
} from 'bukejian/audit';
import {
  issuer,
  holder,
  rule,
  eligibility,
  createMemoryRegistry,
  credentialToJSON,
} from 'bukejian/zk';

const line = (s = '') => console.log(s);
const TODAY = 20261125;
const PERIOD = 202611;
const PROGRAMME = '高龄津贴';

// ── Synthetic citizens: generated, checksum-valid ID numbers and invented names ─────────────
const people = [
  { name: '张晓梅', birth: '19620314', sex: 'female', area: '110105', income: 18000 },
  { name: '欧阳建国', birth: '19661126', sex: 'male', area: '110101', income: 26000 }, // turns 60 tomorrow
  { name: '李秀英', birth: '19560229', sex: 'female', area: '110105', income: 29999 },
].map((p) => ({ ...p, id: generateIdCard({ area: p.area, birth: p.birth, sex: p.sex }) }));

line('社保待遇核查 (eligibility check without the record) — synthetic data only');
line('═'.repeat(78));

// ── 1. 国密 primitives on one record: what an agency does with data at rest ────────────────
const key = randomBytes(16);
const nonce = randomBytes(12);
const recordText = JSON.stringify({
  name: people[0].name,
  id: people[0].id,
  income: people[0].income,
});
const recordBytes = new TextEncoder().encode(recordText);
const sealed = sm4.gcm(key, nonce, new TextEncoder().encode('民政/档案')).encrypt(recordText);
const opened = new TextDecoder().decode(
  sm4.gcm(key, nonce, new TextEncoder().encode('民政/档案')).decrypt(sealed),
);
line('1. 国密 at rest');
line(`   SM3(record)            ${bytesToHex(sm3(recordText)).slice(0, 32)}…`);
line(
  `   SM4-GCM sealed         ${sealed.length} bytes (${recordBytes.length} plaintext + 16 tag), decrypts back: ${opened === recordText}`,
);
line(`   staff see              ${mask.name(people[0].name)}  ${mask.idCard(people[0].id)}`);

// ── 2. Issuer: civil affairs signs each record once ──────────────────────────────────────
const civil = await issuer.keygen();
const civilSm2 = sm2.keygen();
const holders = [];
for (const p of people) {
  const me = await holder.create(); // the holder secret stays on the citizen's device
  const credential = await issuer.issue(
    {
      holderCommitment: me.commitment,
      birthDate: Number(p.birth),
      sex: p.sex === 'male' ? 1 : 2,
      regionCode: Number(p.area),
      income: p.income,
      householdSize: 2,
      flags: 0b0001, // 1 = registered resident (户籍)
      issuedAt: 20260101,
      expiresAt: 20271231,
    },
    civil.secretKey,
    { sm2SecretKey: civilSm2.secretKey },
  );
  holders.push({ person: p, me, credential });
}
line();
line(
  '2. Civil affairs issued 3 credentials (EdDSA-Poseidon for proofs, SM2 for the disclosed 电子证照 form)',
);
line(
  `   credential JSON size   ${JSON.stringify(credentialToJSON(holders[0].credential)).length} bytes; disclosed form verifies: ${issuer.verifyDisclosed(holders[0].credential, civilSm2.publicKey)}`,
);

// ── 3. Verifier: social security sets the rule and an audit log ─────────────────────────────
const elderly = await rule.create({
  minAge: 60,
  maxIncome: 30000,
  regions: [110101, 110102, 110105],
  requiredFlags: 0b0001,
});
const registry = createMemoryRegistry();
const logKey = sm2.keygen();
const origin = 'rsj.example/audit';
const log = await openAuditLog({
  store: createMemoryStore(),
  origin,
  signer: sm2CheckpointSigner(logKey.secretKey, { name: 'rsj-audit' }),
});
const pseudonymKey = randomBytes(32);
const subjectOf = (p) => pseudonymize(p.id, pseudonymKey, { domain: 'rsj/audit', normalize: 'id' });

const auditLabels = new Map(); // log index → which claim it recorded, and its outcome

async function claim({ person, me, credential }, label) {
  const request = {
    rule: elderly,
    today: TODAY,
    programId: PROGRAMME,
    period: PERIOD,
    challenge: eligibility.challenge(),
  };
  let result;
  try {
    const proof = await eligibility.prove({ ...request, credential, holderSecret: me.secret });
    // The demo verifies against the committed development key; production passes { vkey } from its ceremony.
    result = await eligibility.verify(
      proof,
      { ...request, issuerPublicKey: civil.publicKey },
      { registry, allowDevelopmentKey: true },
    );
  } catch (e) {
    if (e?.code !== 'NOT_ELIGIBLE') throw e;
    // the holder's side knows which predicate failed (eligibility.check, no proving); the
    // verifier only sees that no proof came
    const { failed } = eligibility.check(credential, request);
    result = {
      ok: false,
      reason: `no proof exists (the holder's check: ${failed.join(', ')} fails)`,
    };
  }
  const index = await log.append({
    type: 'access',
    actor: { agency: '人社局', staff: 's:clerk-07' },
    subject: subjectOf(person),
    purpose: `eligibility:${PROGRAMME}`,
    fields: ['decision', 'nullifier'], // all the verifier received
    basis: { legal: '社会保险法 第六十八条' },
    time: Date.UTC(2026, 10, 25, 9),
  });
  const who = `${mask.name(person.name)} ${mask.idCard(person.id)}`;
  const what = result.ok
    ? `ACCEPT  nullifier ${String(result.nullifier).slice(0, 16)}…`
    : `REJECT  ${result.reason}`;
  line(`   ${label.padEnd(22)} ${who.padEnd(26)} ${what}`);
  // what the audit listing in step 5 shows for this log entry
  const outcome = result.ok
    ? 'accepted'
    : `refused, ${result.reason.startsWith('no proof') ? 'no proof' : result.reason}`;
  auditLabels.set(index, `${label}: ${outcome}`);
  return result;
}

line();
line(
  `3. Social security checks ${PROGRAMME} (age ≥ 60, income ≤ 30000, counties 110101/110102/110105), period ${PERIOD}`,
);
await claim(holders[0], 'claim');
await claim(holders[1], 'claim');
await claim(holders[2], 'claim (born 29 Feb)');
await claim(holders[0], 'replayed claim');

// 欧阳 cannot make a proof, so he submits one captured from someone else's earlier request:
// it was bound to that request's challenge, so it fails here.
{
  const captured = {
    rule: elderly,
    today: TODAY,
    programId: PROGRAMME,
    period: PERIOD,
    challenge: eligibility.challenge(),
  };
  const stolen = await eligibility.prove({
    ...captured,
    credential: holders[2].credential,
    holderSecret: holders[2].me.secret,
  });
  const mine = {
    ...captured,
    challenge: eligibility.challenge(),
    issuerPublicKey: civil.publicKey,
  };
  const r = await eligibility.verify(stolen, mine, { registry, allowDevelopmentKey: true });
  const who = `${mask.name(people[1].name)} ${mask.idCard(people[1].id)}`;
  line(
    `   ${'captured proof'.padEnd(22)} ${who.padEnd(26)} ${r.ok ? 'ACCEPT (!)' : `REJECT  ${r.reason ?? 'proof does not verify for this request'}`}`,
  );
}

// ── 4. What the verifier learned, and what it did not ───────────────────────────────────────
line();
line('4. The verifier learned: the decision, one nullifier per holder, programme and period.');
line('   It did not learn: name, ID number, birth date, income, county, household size, flags.');

// ── 5. 全程留痕: the citizen asks who used their data ──────────────────────────────────────
await log.checkpoint();
const subject = subjectOf(people[0]);
const answer = await log.eventsFor(subject);
const check = verifySubjectEvents(
  answer,
  sm2CheckpointVerifier(logKey.publicKey, { name: 'rsj-audit' }),
  { origin, subject },
);
line();
line(
  `5. ${mask.name(people[0].name)} asks who used their data: ${answer.events.length} events, proofs verify against the SM2-signed checkpoint: ${check.ok}`,
);
for (const e of answer.events)
  line(
    `   #${e.index} ${(auditLabels.get(e.index) ?? '').padEnd(42)} ${e.entry.actor.agency} ${e.entry.actor.staff}  purpose=${e.entry.purpose}  basis=${e.entry.basis.legal}`,
  );
// no eligibility.terminate() needed: idle proving workers never keep the process alive
