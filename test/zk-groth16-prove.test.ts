// The Groth16 prover (src/zk/groth16-prove.ts) against snarkjs on the committed zkey: same
// witness → snarkjs.groth16.verify accepts our proof with the public signals snarkjs's own prover
// reports; proofs are re-randomised each time; malformed keys and witnesses get typed errors.
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';
import { eligibility, holder, issuer, loadArtifacts, rule, VKEY } from '../src/zk/index.js';
import { groth16Prove } from '../src/zk/groth16-prove.js';
import { witnessCalculator, wtnsWitness } from '../src/zk/witness.js';

let zkey: Uint8Array;
let wtns: Uint8Array;

beforeAll(async () => {
  const kp = await issuer.keygen();
  const h = await holder.create();
  const credential = await issuer.issue(
    {
      holderCommitment: h.commitment,
      birthDate: 19581231,
      sex: 2,
      regionCode: 440305,
      income: 18000,
      householdSize: 3,
      flags: 0b101,
      issuedAt: 20250101,
      expiresAt: 20291231,
    },
    kp.secretKey,
  );
  const r = await rule.create({
    minAge: 65,
    maxIncome: 20000,
    regions: [440305, 440306],
    requiredFlags: 0b100,
  });
  const a = await loadArtifacts();
  zkey = a.zkey;
  const wc = await witnessCalculator(a.wasm);
  wtns = wc.calculate(
    eligibility.circuitInput({
      credential,
      holderSecret: h.secret,
      rule: r,
      today: 20251125,
      programId: 7n,
      period: 202511n,
      challenge: 99n,
    }),
  );
}, 120_000);

const toSnark = (p: Awaited<ReturnType<typeof groth16Prove>>) => ({
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

describe('groth16Prove', () => {
  it('snarkjs verifies our proofs with the public signals of snarkjs.groth16.prove; each proof is fresh', async () => {
    const ref = await snarkjs.groth16.prove(
      { type: 'mem', data: zkey },
      { type: 'mem', data: wtns },
    );
    expect(await snarkjs.groth16.verify(VKEY, ref.publicSignals, ref.proof)).toBe(true);
    const p1 = await groth16Prove(zkey, wtnsWitness(wtns));
    const p2 = await groth16Prove(zkey, wtnsWitness(wtns));
    expect(p1.publicSignals.map(String)).toEqual(ref.publicSignals);
    expect(await snarkjs.groth16.verify(VKEY, ref.publicSignals, toSnark(p1))).toBe(true);
    expect(await snarkjs.groth16.verify(VKEY, ref.publicSignals, toSnark(p2))).toBe(true);
    expect(p1.a).not.toEqual(p2.a);
    expect(p1.c).not.toEqual(p2.c);
    // a proof for another witness value does not verify for these signals
    const altered = [...ref.publicSignals];
    altered[12] = '100';
    expect(await snarkjs.groth16.verify(VKEY, altered, toSnark(p1))).toBe(false);
  }, 120_000);

  it('malformed zkey → INVALID_ENCODING; wrong witness size → INVALID_LENGTH', async () => {
    const w = wtnsWitness(wtns);
    const cases: Uint8Array[] = [
      new Uint8Array(8),
      Uint8Array.from([...new TextEncoder().encode('zkex'), ...zkey.subarray(4, 64)]),
      zkey.slice(0, zkey.length - 1), // truncated last section
      zkey.slice(0, 4096),
    ];
    for (const z of cases)
      await expect(groth16Prove(z, w)).rejects.toMatchObject({ code: 'INVALID_ENCODING' });
    await expect(groth16Prove(zkey, w.subarray(32))).rejects.toMatchObject({
      code: 'INVALID_LENGTH',
    });
    await expect(groth16Prove(zkey, new Uint8Array(w.length + 32))).rejects.toMatchObject({
      code: 'INVALID_LENGTH',
    });
  });

  it('proves again after eligibility.terminate() released the engine', async () => {
    await eligibility.terminate();
    const p = await groth16Prove(zkey, wtnsWitness(wtns));
    expect(await snarkjs.groth16.verify(VKEY, p.publicSignals.map(String), toSnark(p))).toBe(true);
    await eligibility.terminate();
  }, 120_000);

  it('terminate() during proofs: they finish and verify; concurrent proofs after it succeed; terminate() clears the global engine', async () => {
    const w = wtnsWitness(wtns);
    const running = [groth16Prove(zkey, w), groth16Prove(zkey, w)];
    await new Promise((r) => setTimeout(r, 100));
    const t = eligibility.terminate();
    const done = await Promise.all(running);
    await t;
    for (const p of done)
      expect(await snarkjs.groth16.verify(VKEY, p.publicSignals.map(String), toSnark(p))).toBe(
        true,
      );
    const again = await Promise.all([
      groth16Prove(zkey, w),
      groth16Prove(zkey, w),
      groth16Prove(zkey, w),
    ]);
    for (const p of again)
      expect(await snarkjs.groth16.verify(VKEY, p.publicSignals.map(String), toSnark(p))).toBe(
        true,
      );
    const g = globalThis as { curve_bn128?: { name?: string } | null };
    expect(g.curve_bn128?.name).toBe('bn128');
    await eligibility.terminate();
    expect(g.curve_bn128).toBeNull();
  }, 120_000);

  it('a section of the wrong size → INVALID_ENCODING (header, coefficients, points)', async () => {
    // Rebuild the zkey with one section cut short, keeping the container consistent.
    const dv = new DataView(zkey.buffer, zkey.byteOffset, zkey.byteLength);
    const parts: { type: number; data: Uint8Array }[] = [];
    for (let i = 0, p = 12; i < dv.getUint32(8, true); i++) {
      const size = dv.getUint32(p + 4, true);
      parts.push({ type: dv.getUint32(p, true), data: zkey.subarray(p + 12, p + 12 + size) });
      p += 12 + size;
    }
    const rebuild = (type: number, cut: number) => {
      const ps = parts.map((x) =>
        x.type === type ? { ...x, data: x.data.subarray(0, x.data.length - cut) } : x,
      );
      const out = new Uint8Array(12 + ps.reduce((a, x) => a + 12 + x.data.length, 0));
      const o = new DataView(out.buffer);
      out.set(zkey.subarray(0, 12));
      let p = 12;
      for (const x of ps) {
        o.setUint32(p, x.type, true);
        o.setUint32(p + 4, x.data.length, true);
        out.set(x.data, p + 12);
        p += 12 + x.data.length;
      }
      return out;
    };
    const w = wtnsWitness(wtns);
    expect((await groth16Prove(rebuild(2, 0), w)).publicSignals.length).toBe(15); // the rebuild itself is faithful
    for (const [type, cut] of [
      [2, 1],
      [2, 64],
      [4, 1],
      [5, 64],
      [7, 128],
      [9, 64],
    ] as const) {
      await expect(groth16Prove(rebuild(type, cut), w), `section ${type}`).rejects.toMatchObject({
        code: 'INVALID_ENCODING',
      });
    }
    await eligibility.terminate();
  }, 120_000);

  it('wtnsWitness rejects what is not a .wtns v2 file', () => {
    expect(wtnsWitness(wtns).length % 32).toBe(0);
    expect(() => wtnsWitness(new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    );
    expect(() => wtnsWitness(wtns.subarray(0, 100))).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    );
    const badN8 = wtns.slice();
    new DataView(badN8.buffer).setUint32(24, 33, true); // section 1's n8
    expect(() => wtnsWitness(badN8)).toThrow(expect.objectContaining({ code: 'INVALID_ENCODING' }));
  });
});
