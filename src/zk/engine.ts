/**
 * Lifetime of the multi-threaded BN254 engine the prover runs on: snarkjs's ffjavascript curve,
 * which ffjavascript caches in `globalThis.curve_bn128` and whose worker threads keep a Node
 * process alive until it is terminated.
 *
 * - {@link withProverEngine} builds the engine once (concurrent callers share one build; a failed
 *   build is not cached) and counts the proofs running on it.
 * - Between proofs the engine's worker threads are `unref`'d, so an idle engine never keeps a Node
 *   process alive (a program that made a proof exits on its own); they are `ref`'d while a proof
 *   runs, so a pending proof does.
 * - {@link releaseProverEngine} detaches the engine at once (a proof started afterwards builds a
 *   fresh one), waits for the proofs still running on the old one, then terminates it. Terminating
 *   under a running proof would leave that proof's promise pending forever (its queued tasks go to
 *   dead workers).
 * @module
 */
import { loadSnarkjs } from './_snarkjs.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Curve = any;
type Global = { curve_bn128?: Curve | null };

let current: Promise<Curve> | undefined;
const running = new Map<Curve, { n: number; drained: (() => void)[] }>();

/**
 * `ref`s or `unref`s the engine's Node worker threads. ffjavascript starts them through the
 * 'web-worker' package, which keeps the `node:worker_threads` Worker under `Symbol.for('worker')`;
 * in a browser (or a future layout without it) there is nothing to do.
 */
function holdProcess(curve: Curve, hold: boolean): void {
  const workers: unknown[] = curve?.tm?.workers ?? [];
  for (const w of workers) {
    const inner = (w as Record<symbol, { ref?: () => void; unref?: () => void }> | null)?.[
      Symbol.for('worker')
    ];
    if (hold) inner?.ref?.();
    else inner?.unref?.();
  }
}

function acquire(): Promise<Curve> {
  current ??= loadSnarkjs()
    .then(async (s) => {
      // A private engine: ffjavascript caches one multi-threaded BN254 curve per process
      // (globalThis.curve_bn128) and snarkjs's own calls use it. Ours unrefs its workers while
      // idle, which must not leave a caller's snarkjs.groth16.fullProve awaiting unref'd workers
      // (Node would exit mid-await with code 13), so snarkjs keeps (or later builds) its own.
      const g = globalThis as Global;
      const theirs = g.curve_bn128;
      g.curve_bn128 = null;
      try {
        return (await s.curves.getCurveFromName('bn128')) as Curve;
      } finally {
        g.curve_bn128 = theirs ?? null;
      }
    })
    .then((curve: Curve) => {
      if (!running.has(curve)) holdProcess(curve, false);
      return curve;
    })
    .catch((e: unknown) => {
      current = undefined;
      throw e;
    });
  return current;
}

/**
 * Runs `f` on the engine, counted as running until it settles.
 * @example const proof = await withProverEngine((curve) => prove(curve, zkey, witness))
 */
export async function withProverEngine<R>(f: (curve: Curve) => Promise<R>): Promise<R> {
  const curve = await acquire();
  const r = running.get(curve) ?? { n: 0, drained: [] };
  if (r.n++ === 0) holdProcess(curve, true);
  running.set(curve, r);
  try {
    return await f(curve);
  } finally {
    if (--r.n === 0) {
      running.delete(curve);
      holdProcess(curve, false);
      for (const d of r.drained.splice(0)) d();
    }
  }
}

/**
 * Detaches the engine (and any other one snarkjs cached globally), waits for the proofs running on
 * it and terminates it.
 * @example await releaseProverEngine() // from eligibility.terminate()
 */
export async function releaseProverEngine(): Promise<void> {
  const g = globalThis as Global;
  const curves = new Set<Curve>();
  if (g.curve_bn128) curves.add(g.curve_bn128);
  g.curve_bn128 = null; // builds from now on make a fresh engine
  const mine = current;
  current = undefined;
  if (mine) {
    try {
      const c = await mine;
      curves.add(c);
      if (g.curve_bn128 === c) g.curve_bn128 = null; // it was still being built above
    } catch {
      // the build failed: nothing to terminate
    }
  }
  for (const c of curves) {
    const r = running.get(c);
    if (r) await new Promise<void>((resolve) => r.drained.push(resolve));
    await c.terminate();
  }
}
