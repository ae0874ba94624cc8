// eligibility.prove's onProgress: the phases come once each, in order (artifacts, witness, proving
// with a growing fraction from 0 to 1, done); the witness phase is reported before the witness is
// computed and 'proving' only after it (timed against the witness calculator's own run); the proof
// made while reporting is valid (snarkjs.groth16.verify with public signals computed here); a
// credential refused by the rule reports nothing; a tampered artifact stops after 'artifacts'; a bad
// callback is a typed error. eligibility.prepare before a proof: the same checks, a valid proof after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';
import {
  eligibility,
  holder,
  issuer,
  loadArtifacts,
  rule,
  VKEY,
  type ProveInput,
  type ProveProgress,
} from '../src/zk/index.js';
import { witnessCalculator } from '../src/zk/witness.js';

let eligible: ProveInput;
let tooYoung: ProveInput;

beforeAll(async () => {
  const kp = await issuer.keygen();
  const h = await holder.create();
  const base = {
    holderCommitment: h.commitment,
    sex: 1,
    regionCode: 110105,
    income: 12000,
    householdSize: 1,
    flags: 0b1,
    issuedAt: 20250101,
    expiresAt: 20291231,
  };
  const r = await rule.create({ minAge: 60, maxIncome: 30000, requiredFlags: 1 });
  const ctx = { rule: r, today: 20261205, programId: 7n, period: 202612n, challenge: 4242n };
  eligible = {
    ...ctx,
    credential: await issuer.issue({ ...base, birthDate: 19500101 }, kp.secretKey),
    holderSecret: h.secret,
  };
  tooYoung = {
    ...ctx,
    credential: await issuer.issue({ ...base, birthDate: 19900101 }, kp.secretKey),
    holderSecret: h.secret,
  };
}, 60_000);

describe('eligibility.prove onProgress', () => {
  it('reports artifacts, witness, proving (0 → 1, increasing), done, in that order; the proof verifies (made after eligibility.prepare on the same buffers)', async () => {
    // the file's first use of these buffers: prepare compiles, starts the engine and parses for them
    const artifacts = await loadArtifacts();
    await eligibility.prepare({ artifacts });
    const events: (ProveProgress & { t: number })[] = [];
    const proof = await eligibility.prove(eligible, {
      artifacts,
      onProgress: (p) => events.push({ ...p, t: performance.now() }),
    });
    const phases = events.map((e) => e.phase);
    const firstProving = phases.indexOf('proving');
    expect(phases.slice(0, 3)).toEqual(['artifacts', 'witness', 'proving']);
    expect(phases.at(-1)).toBe('done');
    expect(phases.filter((p) => p === 'artifacts')).toHaveLength(1);
    expect(phases.filter((p) => p === 'witness')).toHaveLength(1);
    expect(phases.filter((p) => p === 'done')).toHaveLength(1);
    const proving = events.filter((e) => e.phase === 'proving').map((e) => e.fraction);
    // QAP, FFTs and five multiexps: 1 + 2 + 5 reports, the last one complete
    expect(proving).toHaveLength(8);
    expect(proving[0]).toBe(0);
    expect(proving.at(-1)).toBe(1);
    for (let i = 1; i < proving.length; i++) expect(proving[i]!).toBeGreaterThan(proving[i - 1]!);
    expect(events.at(-1)!.fraction).toBe(1);
    expect(phases.slice(firstProving, -1).every((p) => p === 'proving')).toBe(true);

    // 'witness' precedes the witness computation and 'proving' follows it: the gap between the
    // two reports is at least as long as a witness computation of the same input takes.
    const wc = await witnessCalculator(artifacts.wasm);
    const t = performance.now();
    wc.calculate(eligibility.circuitInput(eligible));
    const witnessMs = performance.now() - t;
    const gap = events[firstProving]!.t - events[1]!.t;
    expect(gap).toBeGreaterThan(witnessMs * 0.3);

    const signals = [
      proof.nullifier,
      20261205,
      60,
      30000,
      0,
      1,
      1,
      1,
      0,
      1,
      7,
      202612,
      4242,
      eligible.credential.issuerPublicKey[0],
      eligible.credential.issuerPublicKey[1],
    ].map(String);
    const snark = {
      pi_a: [String(proof.a[0]), String(proof.a[1]), '1'],
      pi_b: [
        [String(proof.b[0][0]), String(proof.b[0][1])],
        [String(proof.b[1][0]), String(proof.b[1][1])],
        ['1', '0'],
      ],
      pi_c: [String(proof.c[0]), String(proof.c[1]), '1'],
      protocol: 'groth16',
      curve: 'bn128',
    };
    expect(await snarkjs.groth16.verify(VKEY, signals, snark)).toBe(true);
  }, 120_000);

  it('a credential the rule refuses reports nothing and throws NOT_ELIGIBLE', async () => {
    const events: ProveProgress[] = [];
    await expect(
      eligibility.prove(tooYoung, { onProgress: (p) => events.push(p) }),
    ).rejects.toMatchObject({ code: 'NOT_ELIGIBLE' });
    expect(events).toEqual([]);
  });

  it('a tampered artifact (checked with WebCrypto SHA-256 here) stops after the artifacts phase with ARTIFACT_MISMATCH', async () => {
    const a = await loadArtifacts();
    const zkey = a.zkey.slice();
    zkey[zkey.length >> 1]! ^= 1;
    const events: ProveProgress[] = [];
    await expect(
      eligibility.prove(eligible, {
        artifacts: { wasm: a.wasm, zkey },
        onProgress: (p) => events.push(p),
      }),
    ).rejects.toMatchObject({ code: 'ARTIFACT_MISMATCH' });
    expect(events.map((e) => e.phase)).toEqual(['artifacts']);
  });

  it('eligibility.prepare refuses a tampered artifact (ARTIFACT_MISMATCH) and unknown options', async () => {
    const a = await loadArtifacts();
    const wasm = a.wasm.slice();
    wasm[wasm.length >> 1]! ^= 1;
    await expect(eligibility.prepare({ artifacts: { wasm, zkey: a.zkey } })).rejects.toMatchObject({
      code: 'ARTIFACT_MISMATCH',
    });
    await expect(
      eligibility.prepare({ artifacts: a, onProgress: () => {} } as never),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('a callback that is not a function is INVALID_TYPE; one that throws aborts the proof', async () => {
    await expect(
      eligibility.prove(eligible, { onProgress: 'yes' as unknown as () => void }),
    ).rejects.toMatchObject({ code: 'INVALID_TYPE' });
    const boom = new Error('ui failed');
    await expect(
      eligibility.prove(eligible, {
        onProgress: (p) => {
          if (p.phase === 'witness') throw boom;
        },
      }),
    ).rejects.toBe(boom);
  }, 60_000);
});

afterAll(() => eligibility.terminate());
