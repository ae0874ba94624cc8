// `bukejian zk keygen | holder | issue | request | prove | verify` through the built CLI
// (dist/cli.js), as a user would run it, with the committed development keys. The CLI's files are
// checked against the library and snarkjs (the credential's signature, the proof under
// `eligibility.verify` with a context the test builds itself, and `snarkjs.groth16.verify` on
// public signals the test lays out by hand); an ineligible holder gets NOT_ELIGIBLE naming the
// predicates and no proof file; a tampered, malformed or replayed proof exits 1 with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';
import {
  credentialFromJSON,
  eligibility,
  holder,
  issuer,
  programId,
  rule,
  VKEY,
} from '../src/zk/index.js';

const cli = process.env.BUKEJIAN_CLI ?? path.resolve(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-zk-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await eligibility.terminate();
});

const f = (n: string) => path.join(dir, n);
const run = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [cli, 'zk', ...args], { input, cwd: dir });
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
};
const readJSON = (n: string) => JSON.parse(readFileSync(f(n), 'utf8'));

const SPEC = { minAge: 60, maxIncome: 30000, regions: [110101, 110105], requiredFlags: 1 };
const RECORD = {
  birthDate: 19550505,
  sex: 1,
  regionCode: 110105,
  income: 24000,
  householdSize: 2,
  flags: 0b11,
  issuedAt: 20260101,
  expiresAt: 20261231,
};

beforeAll(() => {
  const k = run(['keygen', '--out', 'issuer.key']);
  expect(k.code).toBe(0);
  writeFileSync(f('issuer.json'), k.out);
  const h = run(['holder', '--out', 'holder.secret']);
  expect(h.code).toBe(0);
  const { holderCommitment } = JSON.parse(h.out);
  writeFileSync(f('record.json'), JSON.stringify({ holderCommitment, ...RECORD }));
  expect(run(['issue', 'record.json', '--key', 'issuer.key', '--out', 'cred.json']).code).toBe(0);
  const q = ['request', '--program', '高龄津贴', '--period', '202611', '--today', '20261125'];
  expect(run([...q, '--rule', JSON.stringify(SPEC), '--out', 'req.json']).code).toBe(0);
  writeFileSync(f('strict-rule.json'), JSON.stringify({ minAge: 75, maxIncome: 20000 }));
  expect(run([...q, '--rule', 'strict-rule.json', '--out', 'strict.json']).code).toBe(0);
}, 30_000);

describe('bukejian zk: issue → prove → verify', () => {
  it('keygen and holder write mode-600 secrets; issue signs the record as given', async () => {
    expect(statSync(f('issuer.key')).mode & 0o777).toBe(0o600);
    expect(statSync(f('holder.secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(f('issuer.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const pub = readJSON('issuer.json');
    expect(pub.type).toBe('bukejian/zk-issuer-public-key');
    const sk = Uint8Array.from(Buffer.from(readFileSync(f('issuer.key'), 'utf8').trim(), 'hex'));
    const pk = await issuer.getPublicKey(sk);
    expect(pub.issuerPublicKey).toEqual(pk.map(String));
    const secret = BigInt(readFileSync(f('holder.secret'), 'utf8').trim());
    const cred = credentialFromJSON(readFileSync(f('cred.json'), 'utf8'));
    expect(cred.record).toEqual({ ...RECORD, holderCommitment: await holder.commitment(secret) });
    expect(await issuer.verify(cred, pk)).toBe(true);
    // the secret is never taken from the command line
    const hex = readFileSync(f('issuer.key'), 'utf8').trim();
    const bad = run(['issue', 'record.json', '--key', hex]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('got what looks like the secret itself (never put a secret');
    expect(bad.err).not.toContain(hex);
  });

  it('an eligible holder proves (a progress line per phase); verify says ok, as do the library and snarkjs', async () => {
    const p = run([
      'prove',
      '--credential',
      'cred.json',
      '--secret-file',
      'holder.secret',
      '--request',
      'req.json',
      '--out',
      'proof.json',
    ]);
    expect(p.code, p.err).toBe(0);
    const lines = p.err.split('\n');
    expect(p.err.endsWith('\n')).toBe(true); // stderr is a pipe here: whole lines
    for (const phase of [
      /reading the credential/,
      /satisfies the rule/,
      /loading the circuit artifacts/,
      /computing the witness$/,
      /proving \(Groth16\): 0 % done/,
      /proving \(Groth16\): 75 % done/,
      /done: proof written to proof\.json/,
    ])
      expect(lines.some((l) => /^zk prove \[\d+\.\d s\] /.test(l) && phase.test(l))).toBe(true);

    const v = run([
      'verify',
      'proof.json',
      '--request',
      'req.json',
      '--issuer',
      'issuer.json',
      '--allow-development-key',
    ]);
    expect(v.code, v.err).toBe(0);
    const res = JSON.parse(v.out);
    expect(res.ok).toBe(true);

    // independent checks on the same files: the library with a context built here, and snarkjs
    const proof = readJSON('proof.json');
    expect(proof.nullifier).toBe(res.nullifier);
    const req = readJSON('req.json');
    expect(req).toMatchObject({
      rule: SPEC,
      today: 20261125,
      programId: '高龄津贴',
      period: 202611,
    });
    const issuerPublicKey = readJSON('issuer.json').issuerPublicKey.map(BigInt);
    const r = await rule.create(SPEC);
    const ctx = {
      issuerPublicKey,
      rule: r,
      today: 20261125,
      programId: '高龄津贴',
      period: 202611,
      challenge: BigInt(req.challenge),
    };
    const lib = await eligibility.verify(proof, ctx, { allowDevelopmentKey: true });
    expect(lib).toEqual({ ok: true, nullifier: BigInt(res.nullifier) });
    const signals = [
      proof.nullifier,
      20261125,
      60,
      30000,
      r.regionRoot,
      1,
      1,
      1,
      1,
      1,
      programId('高龄津贴'),
      202611,
      req.challenge,
      ...issuerPublicKey,
    ].map(String);
    const sp = {
      pi_a: [...proof.a, '1'],
      pi_b: [...proof.b, ['1', '0']],
      pi_c: [...proof.c, '1'],
      protocol: 'groth16',
      curve: 'bn128',
    };
    expect(await snarkjs.groth16.verify(VKEY, signals, sp)).toBe(true);

    // a replay against a nullifier file is rejected the second time; proof from stdin
    const args = ['verify', '-', '--request', 'req.json', '--issuer', 'issuer.json'];
    const reg = [...args, '--allow-development-key', '--nullifiers', 'claimed.json'];
    const proofText = readFileSync(f('proof.json'), 'utf8');
    expect(run(reg, proofText).code).toBe(0);
    const again = run(reg, proofText);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toEqual({ ok: false, reason: 'already-claimed' });
    expect(again.err).toContain('already claimed this programme in this period');
  }, 60_000);

  it('an ineligible holder: NOT_ELIGIBLE naming the predicates and bounds, no proof written', () => {
    const p = run([
      'prove',
      '--credential',
      'cred.json',
      '--secret-file',
      'holder.secret',
      '--request',
      'strict.json',
      '--out',
      'strict-proof.json',
    ]);
    expect(p.code).toBe(1);
    expect(p.err).toContain(
      'bukejian: NOT_ELIGIBLE: the credential does not satisfy the rule: age (the rule requires at least 75 years on 20261125), income (the rule allows at most 20000 yuan) failed',
    );
    expect(p.err).toContain('the credential fails the rule: age, income; nothing is proved');
    expect(p.err).not.toMatch(/19550505|24000/);
    expect(existsSync(f('strict-proof.json'))).toBe(false);
  });

  it('a tampered, malformed or misdirected proof: exit 1 with the reason', () => {
    const proof = readJSON('proof.json');
    const verify = (file: string, req = 'req.json', extra = ['--allow-development-key']) =>
      run(['verify', file, '--request', req, '--issuer', 'issuer.json', ...extra]);
    writeFileSync(f('t1.json'), JSON.stringify({ ...proof, c: [proof.a[0], proof.a[1]] }));
    const r = verify('t1.json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ ok: false, reason: 'invalid' });
    expect(r.err).toContain('proof rejected (invalid): the proof does not verify');
    writeFileSync(f('t3.json'), JSON.stringify(proof).slice(0, 100));
    const m = verify('t3.json');
    expect(m.code).toBe(1);
    expect(JSON.parse(m.out)).toEqual({ ok: false, reason: 'malformed' });
    // the same proof against another request (another challenge) fails
    const other = verify('proof.json', 'strict.json');
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out).reason).toBe('invalid');
    // no key named: a usage error that says which options exist
    const nokey = verify('proof.json', 'req.json', []);
    expect(nokey.code).toBe(2);
    expect(nokey.err).toContain('"--vkey VKEY.json"');
    expect(nokey.err).toContain('"--allow-development-key"');
  });

  it('bad inputs are named in the user terms; --help for each step', () => {
    const missing = run(['prove', '--credential', 'nope.json', '--secret-file', 'holder.secret']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('"nope.json" does not exist (ENOENT)');
    writeFileSync(f('bad-req.json'), JSON.stringify({ ...readJSON('req.json'), today: 20261131 }));
    const badReq = run([
      'prove',
      '--credential',
      'cred.json',
      '--secret-file',
      'holder.secret',
      '--request',
      'bad-req.json',
    ]);
    expect(badReq.code).toBe(1);
    expect(badReq.err).toContain(
      '--request "bad-req.json": "today" expected a valid YYYYMMDD date',
    );
    const wrongSecret = run([
      'prove',
      '--credential',
      'cred.json',
      '--secret-file',
      'issuer.key',
      '--request',
      'req.json',
    ]);
    expect(wrongSecret.err).toContain('"--secret-file" expected a file holding the holder secret');
    expect(run(['keygen', '--out', 'issuer.key']).err).toContain('expected a new file');
    for (const step of ['issue', 'prove', 'verify', 'keygen', 'request']) {
      const h = spawnSync(process.execPath, [cli, 'zk', step, '--help']);
      expect(h.status).toBe(0);
      expect(h.stdout.toString()).toContain(`  ${step} `);
    }
    const c = spawnSync(process.execPath, [cli, 'zk', 'ceremony', '--help']);
    expect(c.stdout.toString()).toContain("lists each one's name");
  });
});
