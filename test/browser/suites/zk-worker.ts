// A module Web Worker that proves with bukejian/zk (see ./zk.ts): artifacts fetched once, the same
// buffers reused for every proof.
import { credentialFromJSON, eligibility, eligibilityProofToJSON, rule } from 'bukejian/zk';
import type { ZkFixtures } from './zk.js';

let artifacts: Promise<{ wasm: Uint8Array; zkey: Uint8Array }> | undefined;
const get = async (f: string) =>
  new Uint8Array(await (await fetch(`/artifacts/${f}`)).arrayBuffer());

self.onmessage = async (e: MessageEvent<ZkFixtures>) => {
  const f = e.data;
  try {
    artifacts ??= Promise.all([get('eligibility.wasm'), get('eligibility.zkey')]).then(
      ([wasm, zkey]) => ({ wasm, zkey }),
    );
    const a = await artifacts;
    const input = {
      credential: credentialFromJSON(f.eligible.credential),
      holderSecret: BigInt(f.eligible.holderSecret),
      rule: await rule.create(f.rule),
      today: f.today,
      programId: f.programId,
      period: f.period,
      challenge: BigInt(f.challenge),
    };
    const t = performance.now();
    const proof = await eligibility.prove(input, { artifacts: a });
    postMessage({ proof: eligibilityProofToJSON(proof), ms: performance.now() - t });
  } catch (err) {
    postMessage({ error: String((err as Error)?.stack ?? err), ms: 0 });
  }
};
