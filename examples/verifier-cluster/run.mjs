#!/usr/bin/env node
// 社保待遇核查 on a cluster: two verifier processes (verifier.mjs) behind one PostgreSQL.
//
//   PGHOST=/var/run/postgresql PGDATABASE=benefits node examples/verifier-cluster/run.mjs
//
// Civil affairs (民政) issues a credential to a synthetic citizen, who proves eligibility for the
// elderly allowance over HTTP. The proof is accepted by instance A; the same proof replayed to
// instance B is rejected there (already claimed: the nullifier registry is shared), by B's single
// and its batch endpoint (verifyBatch, whose claims go to the database in one round trip). The
// citizen then asks instance B who used their data: the signed answer covers the decisions of
// both instances, and the citizen checks it alone.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sm2 } from 'bukejian/sm2';
import { bytesToHex, randomBytes } from 'bukejian/utils';
import { generateIdCard, mask, pseudonymize } from 'bukejian/mask';
import { sm2CheckpointVerifier, verifySubjectEvents } from 'bukejian/audit';
import { eligibility, eligibilityProofToJSON, holder, issuer, rule } from 'bukejian/zk';

const here = path.dirname(fileURLToPath(import.meta.url));
const ORIGIN = 'rsj.example/eligibility-audit';
const PROGRAMME = '高龄津贴';
const PERIOD = 202611;
const TODAY = 20261125;
const RULE = { minAge: 60, maxIncome: 30000, regions: [110101, 110105], requiredFlags: 1 };

// ── the agencies' keys (in production: from their key management) ─────────────────────────
const civil = await issuer.keygen();
const auditKey = sm2.keygen();
const config = {
  issuerPublicKey: civil.publicKey.map(String),
  rule: RULE,
  auditKey: bytesToHex(auditKey.secretKey),
  ORIGIN,
  PROGRAMME,
  PERIOD,
  TODAY,
};

// ── two verifier instances ───────────────────────────────────────────────────────────────
function startVerifier(name) {
  const p = spawn(process.execPath, [path.join(here, 'verifier.mjs'), name], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  p.stdin.end(JSON.stringify(config));
  const port = new Promise((resolve, reject) => {
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    p.on('exit', (code) => reject(new Error(`verifier ${name} exited with ${code}`)));
  });
  return { name, p, port };
}
const A = startVerifier('A');
const B = startVerifier('B');
const base = { A: `http://127.0.0.1:${await A.port}`, B: `http://127.0.0.1:${await B.port}` };
const call = async (inst, route, body) => {
  const r = await fetch(
    base[inst] + route,
    body ? { method: 'POST', body: JSON.stringify(body) } : {},
  );
  return r.json();
};

// ── a citizen (synthetic) ─────────────────────────────────────────────────────────────────
const people = [
  { name: '张晓梅', birth: '19620314', sex: 'female', area: '110105', income: 18000 },
].map((p) => ({ ...p, id: generateIdCard({ area: p.area, birth: p.birth, sex: p.sex }) }));
const pseudonymKey = randomBytes(32); // 人社's key for audit pseudonyms
const subjectOf = (p) => pseudonymize(p.id, pseudonymKey, { domain: 'rsj/audit', normalize: 'id' });
const programmeRule = await rule.create(RULE);

async function proofFor(p, inst) {
  const me = await holder.create();
  const credential = await issuer.issue(
    {
      holderCommitment: me.commitment,
      birthDate: Number(p.birth),
      sex: p.sex === 'male' ? 1 : 2,
      regionCode: Number(p.area),
      income: p.income,
      householdSize: 1,
      flags: 1,
      issuedAt: 20260101,
      expiresAt: 20271231,
    },
    civil.secretKey,
  );
  const { challenge } = await call(inst, '/challenge', {});
  const proof = await eligibility.prove({
    credential,
    holderSecret: me.secret,
    rule: programmeRule,
    today: TODAY,
    programId: PROGRAMME,
    period: PERIOD,
    challenge: BigInt(challenge),
  });
  return { proof: eligibilityProofToJSON(proof), challenge, subject: subjectOf(p) };
}

const who = (p) => `${mask.name(p.name)} ${mask.idCard(p.id)}`;
const show = (label, p, r) =>
  console.log(
    `  ${label.padEnd(34)} ${who(p).padEnd(24)} instance ${r.instance}: ${r.ok ? 'ACCEPT' : `REJECT ${r.reason}`}`,
  );

try {
  console.log(
    `社保待遇核查 on two verifier instances sharing one PostgreSQL — synthetic data only`,
  );
  const c1 = await proofFor(people[0], 'A');
  show('claim', people[0], await call('A', '/verify', c1));
  show('same proof replayed to the other', people[0], await call('B', '/verify', c1));
  const [again] = await call('B', '/verify-batch', { claims: [c1] });
  show('replayed in a batch (claimMany)', people[0], again);

  // the citizen asks instance B; the answer is checked with the log's public key only
  const subject = subjectOf(people[0]);
  const answer = await call('B', `/who-used-my-data?subject=${encodeURIComponent(subject)}`);
  const check = verifySubjectEvents(
    answer,
    sm2CheckpointVerifier(auditKey.publicKey, { name: 'rsj-audit' }),
    { origin: ORIGIN, subject },
  );
  console.log(
    `\n${mask.name(people[0].name)} asks instance B who used their data: ${answer.events.length} events, proofs verify against the SM2-signed checkpoint: ${check.ok}`,
  );
  for (const e of answer.events)
    console.log(
      `  #${e.index} ${e.entry.actor.agency} ${e.entry.actor.staff} fields=${e.entry.fields.join(',')}`,
    );
} finally {
  for (const v of [A, B]) v.p.kill('SIGTERM');
  await eligibility.terminate();
}
