// bukejian/zk proving and verifying in headless Chromium (suites/zk.ts): in the page and in a
// module Web Worker, no shims, no cross-origin isolation. Every proof made in the browser is
// checked here in Node by snarkjs.groth16.verify (an independent verifier) on public signals this
// test computes itself, and by eligibility.verify.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error snarkjs ships no type declarations
import * as snarkjs from 'snarkjs';
import {
  credentialToJSON,
  eligibility,
  eligibilityProofFromJSON,
  holder,
  issuer,
  programId,
  rule,
  VKEY,
  type EligibilityProof,
} from '../../src/zk/index.js';
import { repoRoot } from './runner/bundle';
import { runSuite } from './runner/page';
import { startSession, type Session } from './runner/session';
import type { ZkFixtures, ZkOut } from './suites/zk';

const RULE = { minAge: 60, maxIncome: 30000, regions: [110101, 110105], requiredFlags: 1 };
let s: Session;
let f: ZkFixtures;
let issuerPublicKey: readonly [bigint, bigint];

beforeAll(async () => {
  const civil = await issuer.keygen();
  issuerPublicKey = civil.publicKey;
  const wallet = async (birthDate: number) => {
    const me = await holder.create();
    const record = {
      holderCommitment: me.commitment,
      birthDate,
      sex: 1,
      regionCode: 110105,
      income: 20000,
      householdSize: 1,
      flags: 1,
      issuedAt: 20260101,
      expiresAt: 20271231,
    };
    const credential = await issuer.issue(record, civil.secretKey);
    return { credential: credentialToJSON(credential), holderSecret: String(me.secret) };
  };
  f = {
    eligible: await wallet(19550101),
    ineligible: await wallet(19880101),
    rule: RULE,
    today: 20261125,
    programId: '高龄津贴',
    period: 202611,
    challenge: String(eligibility.challenge()),
  };
  const build = path.join(repoRoot, 'circuits/build');
  const dir = path.join(import.meta.dirname, 'suites');
  s = await startSession(
    { zk: path.join(dir, 'zk.ts'), 'zk-worker': path.join(dir, 'zk-worker.ts') },
    {
      '/artifacts/eligibility.wasm': readFileSync(path.join(build, 'eligibility.wasm')),
      '/artifacts/eligibility.zkey': readFileSync(path.join(build, 'eligibility.zkey')),
    },
  );
});
afterAll(async () => {
  await s?.close();
  await eligibility.terminate();
  await snarkjs.curves
    ?.getCurveFromName?.('bn128')
    .then((c: { terminate(): Promise<void> }) => c.terminate());
});

async function checkInNode(json: unknown): Promise<void> {
  const p: EligibilityProof = eligibilityProofFromJSON(json as never);
  const r = await rule.create(RULE);
  const signals = [
    p.nullifier,
    f.today,
    r.minAge,
    r.maxIncome,
    r.regionRoot,
    r.requiredFlags,
    +r.checkAge,
    +r.checkIncome,
    +r.checkRegion,
    +r.checkFlags,
    programId(f.programId),
    f.period,
    f.challenge,
    issuerPublicKey[0],
    issuerPublicKey[1],
  ].map(String);
  const proof = {
    pi_a: [String(p.a[0]), String(p.a[1]), '1'],
    pi_b: [
      [String(p.b[0][0]), String(p.b[0][1])],
      [String(p.b[1][0]), String(p.b[1][1])],
      ['1', '0'],
    ],
    pi_c: [String(p.c[0]), String(p.c[1]), '1'],
    protocol: 'groth16',
    curve: 'bn128',
  };
  expect(await snarkjs.groth16.verify(VKEY, signals, proof)).toBe(true);
  const ctx = {
    issuerPublicKey,
    rule: r,
    today: f.today,
    programId: f.programId,
    period: f.period,
    challenge: BigInt(f.challenge),
  };
  expect((await eligibility.verify(p, ctx, { vkey: VKEY })).ok).toBe(true);
}

it('proves, verifies and refuses in Chromium; the browser proofs verify in Node', async () => {
  const r = await runSuite(s.browser, s.server.origin, 'zk', f);
  expect(r.selfCheck).toBe(true);
  expect(r.pageErrors).toEqual([]);
  expect(r.results.filter((x) => !x.ok).map((x) => `${x.name}: ${x.error}`)).toEqual([]);
  expect(r.results.length).toBe(5);
  const out = r.out as ZkOut;
  console.log('first prove in a Web Worker (ms):', Math.round(out.workerMs ?? 0));
  await checkInNode(out.page);
  await checkInNode(out.worker);
});
