// The prover, in a module Web Worker so the page stays responsive: loads the pinned artifacts
// (./artifacts.ts), builds the circuit input from the credential and the request, and proves with
// bukejian/zk. The Groth16 engine (snarkjs's ffjavascript WASM) starts its own nested Web Workers,
// one per core (navigator.hardwareConcurrency); no SharedArrayBuffer, so no cross-origin isolation
// is needed. Artifacts stay in memory between proofs (the library caches the parsed key and the
// compiled witness WASM per buffer).
import { credentialFromJSON, eligibility, eligibilityProofToJSON, rule } from 'bukejian/zk';
import { isBukejianError } from 'bukejian/errors';
import { loadPinnedArtifacts } from './artifacts.js';
import type { FromWorker, ToWorker } from './protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let artifacts: Promise<Awaited<ReturnType<typeof loadPinnedArtifacts>>> | undefined;

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const { wallet, request, artifactsBase } = e.data;
  try {
    const t0 = performance.now();
    post({ type: 'progress', stage: 'artifacts' });
    artifacts ??= loadPinnedArtifacts(artifactsBase);
    const a = await artifacts.catch((err: unknown) => {
      artifacts = undefined; // a refused or failed download is retried next time
      throw err;
    });
    const t1 = performance.now();
    post({ type: 'progress', stage: 'witness', detail: a.source });
    const input = {
      credential: credentialFromJSON(wallet.credential),
      holderSecret: BigInt(wallet.holderSecret),
      rule: await rule.create(request.rule),
      today: request.today,
      programId: request.program,
      period: request.period,
      challenge: BigInt(request.challenge),
    };
    eligibility.circuitInput(input); // the circuit's input signals: validates everything first
    post({ type: 'progress', stage: 'proving' });
    const tp = performance.now();
    const proof = await eligibility.prove(input, { artifacts: { wasm: a.wasm, zkey: a.zkey } });
    const t2 = performance.now();
    post({
      type: 'done',
      proof: eligibilityProofToJSON(proof),
      ms: { artifacts: t1 - t0, prove: t2 - t1, prepare: tp - t1 },
    });
  } catch (err) {
    post({
      type: 'error',
      code: isBukejianError(err) ? err.code : ((err as { code?: string }).code ?? 'ERROR'),
      message: String((err as Error)?.message ?? err),
    });
  }
};
