// bukejian/zk in the browser (the built package, snarkjs as its browser ESM build): prove in the
// page and in a module Web Worker, verify in the page, refuse what must be refused. The proofs go
// back to the Node side of the test, which checks them with snarkjs.groth16.verify (independent)
// and with eligibility.verify in Node.
import { describe, expect, it } from 'vitest';
import {
  credentialFromJSON,
  eligibility,
  eligibilityProofToJSON,
  rule,
  VKEY,
  type CredentialJSON,
  type RuleSpec,
} from 'bukejian/zk';
import { isBukejianError } from 'bukejian/errors';
import { fixtures } from '../runner/fixtures.js';

export interface ZkFixtures {
  readonly eligible: { credential: CredentialJSON; holderSecret: string };
  readonly ineligible: { credential: CredentialJSON; holderSecret: string };
  readonly rule: RuleSpec;
  readonly today: number;
  readonly programId: string;
  readonly period: number;
  readonly challenge: string;
}
export interface ZkOut {
  page?: unknown;
  worker?: unknown;
  workerMs?: number;
}
const out: ZkOut = ((globalThis as { __out?: ZkOut }).__out = {});

async function artifacts(): Promise<{ wasm: Uint8Array; zkey: Uint8Array }> {
  const get = async (f: string) =>
    new Uint8Array(await (await fetch(`/artifacts/${f}`)).arrayBuffer());
  return { wasm: await get('eligibility.wasm'), zkey: await get('eligibility.zkey') };
}

async function input(which: 'eligible' | 'ineligible') {
  const f = fixtures<ZkFixtures>();
  return {
    credential: credentialFromJSON(f[which].credential),
    holderSecret: BigInt(f[which].holderSecret),
    rule: await rule.create(f.rule),
    today: f.today,
    programId: f.programId,
    period: f.period,
    challenge: BigInt(f.challenge),
  };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (!isBukejianError(e)) throw e;
    return e.code;
  }
  return undefined;
}

describe('bukejian/zk in Chromium', () => {
  it('runs without cross-origin isolation', () => {
    expect(globalThis.crossOriginIsolated).toBe(false);
  });

  it('proves on the page and verifies with the committed key; another challenge is refused', async () => {
    const a = await artifacts();
    const i = await input('eligible');
    const proof = await eligibility.prove(i, { artifacts: a });
    out.page = eligibilityProofToJSON(proof);
    const { credential, holderSecret, ...request } = i;
    const ctx = { ...request, issuerPublicKey: credential.issuerPublicKey };
    expect((await eligibility.verify(proof, ctx, { vkey: VKEY })).ok).toBe(true);
    const other = await eligibility.verify(
      proof,
      { ...ctx, challenge: ctx.challenge + 1n },
      { vkey: VKEY },
    );
    expect(other.ok).toBe(false);
    expect(holderSecret).toBeGreaterThan(0n);
  });

  it('an ineligible credential: NOT_ELIGIBLE, no proof', async () => {
    expect(
      await code(eligibility.prove(await input('ineligible'), { artifacts: await artifacts() })),
    ).toBe('NOT_ELIGIBLE');
  });

  it('a zkey with one byte changed: ARTIFACT_MISMATCH before any use', async () => {
    const a = await artifacts();
    const zkey = a.zkey.slice();
    zkey[zkey.length >> 1]! ^= 1;
    expect(
      await code(eligibility.prove(await input('eligible'), { artifacts: { ...a, zkey } })),
    ).toBe('ARTIFACT_MISMATCH');
  });

  it('proves in a module Web Worker (the engine starts its own nested workers)', async () => {
    const w = new Worker('/zk-worker.js', { type: 'module' });
    try {
      const f = fixtures<ZkFixtures>();
      const r = await new Promise<{ proof?: unknown; error?: string; ms: number }>((resolve) => {
        w.onmessage = (e) => resolve(e.data);
        w.postMessage(f);
      });
      expect(r.error).toBeUndefined();
      out.worker = r.proof;
      out.workerMs = r.ms;
    } finally {
      w.terminate();
    }
  });
});
