// The prover, in a module Web Worker so the page stays responsive: loads the pinned artifacts
// (./artifacts.ts), builds the circuit input from the credential and the request, and proves with
// bukejian/zk, forwarding its progress (witness, then proving with the share done) to the page. The Groth16 engine (snarkjs's ffjavascript WASM) starts its own nested Web Workers,
// one per core (navigator.hardwareConcurrency); no SharedArrayBuffer, so no cross-origin isolation
// is needed. Artifacts stay in memory between proofs (the library caches the parsed key and the
// compiled witness WASM per buffer).
import {
  credentialFromJSON,
  eligibility,
  eligibilityProofToJSON,
  rule,
  type ProveProgress,
} from 'bukejian/zk';
import { isBukejianError } from 'bukejian/errors';
import { loadArtifactFiles } from './artifacts.js';
import type { FromWorker, ToWorker } from './protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let artifacts: ReturnType<typeof loadArtifactFiles> | undefined;

/**
 * At page load, while the citizen unlocks the credential and reads the request: download and
 * check the artifacts, compile the circuit, start the engine, parse the key
 * (`eligibility.prepare`). A refused or failed download is dropped here and met again, with its
 * error shown, by the 'prove' that follows.
 */
async function prepare(artifactsBase: string): Promise<void> {
  const t0 = performance.now();
  artifacts ??= loadArtifactFiles(artifactsBase);
  const mine = artifacts;
  try {
    const a = await mine;
    await eligibility.prepare({ artifacts: { wasm: a.wasm, zkey: a.zkey } });
    await a.commit(); // past the library's SHA-256 check
    post({ type: 'prepared', ms: performance.now() - t0 });
  } catch {
    if (artifacts === mine) artifacts = undefined;
    await mine.then((a) => a.discard()).catch(() => {});
  }
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  if (e.data.type === 'prepare') return prepare(e.data.artifactsBase);
  const { wallet, request, artifactsBase } = e.data;
  try {
    const t0 = performance.now();
    post({ type: 'progress', stage: 'artifacts' });
    artifacts ??= loadArtifactFiles(artifactsBase);
    const a = await artifacts.catch((err: unknown) => {
      artifacts = undefined; // a refused or failed download is retried next time
      throw err;
    });
    const t1 = performance.now();
    const input = {
      credential: credentialFromJSON(wallet.credential),
      holderSecret: BigInt(wallet.holderSecret),
      rule: await rule.create(request.rule),
      today: request.today,
      programId: request.program,
      period: request.period,
      challenge: BigInt(request.challenge),
    };
    const tp = performance.now();
    // The library reports its phases: 'artifacts' (hash check of what was loaded above, first use
    // only), 'witness' (the circuit's WASM on the credential), 'proving' (Groth16, with the share
    // done), 'done'. Each is forwarded to the page; the times go back with the proof.
    const at: Partial<Record<ProveProgress['phase'], number>> = {};
    let committed: Promise<void> | undefined;
    let proof;
    try {
      proof = await eligibility.prove(input, {
        artifacts: { wasm: a.wasm, zkey: a.zkey },
        onProgress: ({ phase, fraction }) => {
          at[phase] ??= performance.now();
          if (phase === 'artifacts') return; // still the artifacts stage on the page
          // past the library's SHA-256 check: the downloaded files may be cached now
          committed ??= a.commit().catch(() => {});
          post({ type: 'progress', stage: phase, fraction, detail: a.source });
        },
      });
    } catch (err) {
      if (isBukejianError(err) && err.code === 'ARTIFACT_MISMATCH') {
        artifacts = undefined; // refused: downloaded again (and checked again) next time
        await a.discard();
      }
      throw err;
    }
    await committed;
    const t2 = performance.now();
    post({
      type: 'done',
      proof: eligibilityProofToJSON(proof),
      ms: {
        artifacts: t1 - t0 + (at.witness! - tp),
        prepare: tp - t1,
        witness: at.proving! - at.witness!,
        proving: at.done! - at.proving!,
        prove: t2 - t1,
      },
    });
  } catch (err) {
    post({
      type: 'error',
      code: isBukejianError(err) ? err.code : ((err as { code?: string }).code ?? 'ERROR'),
      message: String((err as Error)?.message ?? err),
    });
  }
};
