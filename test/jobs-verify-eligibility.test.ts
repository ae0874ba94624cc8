// Batch verification of eligibility proofs (bukejian/zk) as a job on a real redis-server, through
// the built CLI with three worker processes: two real Groth16 proofs made here once, replicated
// to 120 lines in 5 parts, 6 of them tampered by this test (nullifier, challenge, a proof point,
// a proof against the other request's context, a line that is not JSON, a missing proof) →
// exactly those 6 lines rejected, and every line equal to eligibility.verifyBatch on one machine.
// A context that is not valid (the caller's own input) fails the job with a typed error, at once.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eligibility,
  eligibilityProofToJSON,
  holder,
  issuer,
  rule,
  VKEY,
  type EligibilityProof,
  type ProofContext,
} from '../src/zk/index.js';
import { startRedis, type RedisServer } from './helpers/redis';
import { jobsCli, worker, type WorkerProcess } from './helpers/jobs-cli';

let redis: RedisServer;
let dir: string;
const workers: WorkerProcess[] = [];
const SPEC = { minAge: 60, maxIncome: 30_000 };
/** The two requests: proof, the verifier's context, and that context as a JSONL line holds it. */
let reqs: { proof: EligibilityProof; context: ProofContext; json: Record<string, unknown> }[];

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(path.join(tmpdir(), 'bukejian-jobs-zk-'));
  for (let i = 0; i < 3; i++)
    workers.push(worker(['--redis', redis.url, '--work', path.join(dir, 'work')]));
  const kp = await issuer.keygen();
  const r = await rule.create(SPEC);
  const base = { sex: 2, householdSize: 1, issuedAt: 20240101, expiresAt: 20291231 };
  reqs = [];
  for (const [i, birthDate] of [19500101, 19610615].entries()) {
    const h = await holder.create();
    const credential = await issuer.issue(
      {
        ...base,
        holderCommitment: h.commitment,
        birthDate,
        regionCode: 110105,
        income: 12_000,
        flags: 1,
      },
      kp.secretKey,
    );
    const challenge = eligibility.challenge();
    const request = { today: 20261125, programId: '高龄津贴', period: 202611 + i, challenge };
    const proof = await eligibility.prove({
      ...request,
      rule: r,
      credential,
      holderSecret: h.secret,
    });
    const context = { ...request, rule: r, issuerPublicKey: kp.publicKey };
    const json = {
      issuerPublicKey: kp.publicKey.map(String),
      rule: SPEC,
      today: request.today,
      programId: request.programId,
      period: request.period,
      challenge: String(challenge),
    };
    reqs.push({ proof, context, json });
  }
  await Promise.all(workers.map((w) => w.ready));
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const submit = (id: string, input: string, out: string, extra: string[] = []) =>
  jobsCli([
    'verify',
    '--kind',
    'eligibility',
    '--redis',
    redis.url,
    '--id',
    id,
    '--in',
    input,
    '--out',
    out,
    '--part-lines',
    '25',
    '--wait',
    '--quiet',
    ...extra,
  ]);

describe('jobs verify (eligibility proofs)', () => {
  it('120 proofs, 6 tampered → exactly those 6 rejected, line for line what eligibility.verifyBatch gives', async () => {
    const N = 120;
    // the items as the test builds them, for verifyBatch on this machine
    const proofs: unknown[] = [];
    const contexts: ProofContext[] = [];
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      const q = reqs[i % 2]!;
      const proof = eligibilityProofToJSON(q.proof);
      let ctx = q.context;
      let ctxJson = q.json;
      let line: string | undefined;
      let item: unknown = proof;
      if (i === 7) item = { ...proof, nullifier: String(q.proof.nullifier + 1n) };
      if (i === 33) {
        const challenge = q.context.challenge + 1n;
        ctx = { ...ctx, challenge };
        ctxJson = { ...ctxJson, challenge: String(challenge) };
      }
      if (i === 58) {
        const a = proof.a as string[];
        item = { ...proof, a: [a[1], a[0]] }; // the two coordinates swapped: off the curve
      }
      if (i === 101) {
        ctx = reqs[(i + 1) % 2]!.context; // another request's context
        ctxJson = reqs[(i + 1) % 2]!.json;
      }
      if (i === 80) {
        line = '{"proof": not json';
        item = 'not json';
      }
      if (i === 119) {
        line = JSON.stringify({ context: ctxJson });
        item = '';
      }
      proofs.push(item);
      contexts.push(ctx);
      // proofs as objects, and as JSON strings on every third line (both forms are accepted)
      lines.push(
        line ??
          JSON.stringify({ proof: i % 3 === 0 ? JSON.stringify(item) : item, context: ctxJson }),
      );
    }
    const input = path.join(dir, 'proofs.jsonl');
    const out = path.join(dir, 'proofs.out');
    const vkey = path.join(dir, 'vkey.json');
    writeFileSync(input, lines.join('\n') + '\n');
    writeFileSync(vkey, JSON.stringify(VKEY));
    const r = await submit('zk120', input, out, ['--vkey', vkey]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const bad = [7, 33, 58, 80, 101, 119];
    expect(JSON.parse(r.out)).toMatchObject({ items: N, invalid: 6, first: bad });
    const got = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ok: boolean; nullifier?: string; reason?: string });
    expect(got.flatMap((v, i) => (v.ok ? [] : [i]))).toEqual(bad);
    for (const [i, v] of got.entries())
      if (v.ok) expect(v.nullifier).toBe(String(reqs[i % 2]!.proof.nullifier));
    expect(got[80]).toEqual({ ok: false, reason: 'malformed' });
    expect(got[119]).toEqual({ ok: false, reason: 'malformed' });
    expect(got[7]).toEqual({ ok: false, reason: 'invalid' });
    // one machine, one call
    const want = await eligibility.verifyBatch(proofs as never[], contexts, {
      vkey: VKEY,
      workers: 0,
    });
    expect(got).toEqual(
      want.map((w) =>
        w.ok ? { ok: true, nullifier: String(w.nullifier) } : { ok: false, reason: w.reason },
      ),
    );
    const status = await jobsCli(['status', 'zk120', '--redis', redis.url, '--json']);
    expect(JSON.parse(status.out)).toMatchObject({
      state: 'completed',
      parts: { total: 5, done: 5, failed: 0 },
    });
  }, 120_000);

  it('a context that is not valid fails the job with INVALID_DATA naming the item, without retries', async () => {
    const q = reqs[0]!;
    const good = JSON.stringify({ proof: eligibilityProofToJSON(q.proof), context: q.json });
    const lines = [
      good,
      good,
      JSON.stringify({ proof: {}, context: { ...q.json, today: 20261332 } }),
    ];
    const input = path.join(dir, 'badctx.jsonl');
    writeFileSync(input, lines.join('\n') + '\n');
    const t0 = Date.now();
    const r = await submit('zkbad', input, path.join(dir, 'badctx.out'), [
      '--allow-development-key',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /bukejian: INVALID_DATA: job zkbad failed \(stage main, part 0\): .*context/,
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
    const s = JSON.parse((await jobsCli(['status', 'zkbad', '--redis', redis.url, '--json'])).out);
    expect(s).toMatchObject({ state: 'failed', parts: { failed: 1, retried: 0 } });
    expect(s.error).toMatchObject({ code: 'INVALID_DATA', part: 0 });
  }, 60_000);
});
