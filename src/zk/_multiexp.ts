/**
 * The Groth16 prover's multi-exponentiations (Σ sᵢ·Pᵢ over the proving key's fixed points) on
 * ffjavascript's WASM engine, scheduled here instead of by `G.multiExpAffine`. Same WASM
 * Pippenger kernel, three differences in how it is fed:
 *  - pairs with a zero scalar or a point at infinity are dropped before anything is copied (for
 *    the rules circuit 18 % of A, 46 % of B, 14 % of C: zero witness values, wires absent from B);
 *  - each point and scalar is posted to a worker ONCE: a task runs the engine's whole multiexp
 *    (`g1m_multiexpAffine` / `g2m_multiexpAffine`) on all of a multiexp's points or, with
 *    `nShares` > 1, on its share of them (the shares' sums added here). ffjavascript's
 *    `G.multiExpAffine` posts one task per bit window (16–26 per multiexp), each carrying the
 *    whole point chunk and its scalars again: about 150 MB structured-cloned and copied into WASM
 *    memory per proof for the eligibility circuit, which costs a browser's nested workers more
 *    than the arithmetic (benchmarks/README.md#browser). Splitting costs CPU (each share pays its
 *    own Pippenger bucket sums: one share per worker for all five multiexps measured 1.02× the CPU
 *    of main's prover, against 0.93× whole), so the prover splits only the last one (H);
 *  - the tasks go through a {@link backgroundQueue} that keeps at most one task per worker queued,
 *    so the multiexps that need only the witness (A, B, C) run while the QAP and the FFTs are
 *    computed, and a QAP or FFT task queued meanwhile waits for one multiexp task at most.
 * @module
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Curve = any;
type Task = readonly Record<string, unknown>[];
/** Runs one engine task (a list of ffjavascript thread commands); resolves to its GET outputs. */
export type RunTask = (task: Task) => Promise<Uint8Array[]>;

const N8 = 32;

/**
 * A queue in front of the engine's FIFO task queue that keeps at most `inFlight` of its own tasks
 * there at once (queued or running). Tasks queued on the engine directly (the QAP, the FFTs) thus
 * overtake the queued remainder of a long batch instead of waiting behind all of it.
 * @example const run = backgroundQueue(curve.tm); const [out] = await run(task)
 */
export function backgroundQueue(tm: any, inFlight: number = tm.concurrency ?? 1): RunTask {
  const waiting: { task: Task; ok: (r: Uint8Array[]) => void; fail: (e: unknown) => void }[] = [];
  let running = 0;
  const pump = (): void => {
    while (running < Math.max(1, inFlight) && waiting.length > 0) {
      const w = waiting.shift()!;
      running++;
      (tm.queueAction(w.task) as Promise<Uint8Array[]>).then(
        (r) => {
          running--;
          w.ok(r);
          pump();
        },
        (e: unknown) => {
          running--;
          w.fail(e);
          pump();
        },
      );
    }
  };
  return (task) =>
    new Promise((ok, fail) => {
      waiting.push({ task, ok, fail });
      pump();
    });
}

const zeroAt = (b: Uint8Array, off: number, len: number): boolean => {
  for (let i = off; i < off + len; i++) if (b[i] !== 0) return false;
  return true;
};

/** Per point buffer: the indices of its points that are not at infinity (all-zero encoding). */
const finite = new WeakMap<Uint8Array, Uint32Array>();

function finiteIndices(bases: Uint8Array, size: number): Uint32Array {
  let idx = finite.get(bases);
  if (!idx) {
    const n = bases.length / size;
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (!zeroAt(bases, i * size, size)) out.push(i);
    finite.set(bases, (idx = Uint32Array.from(out)));
  }
  return idx;
}

/**
 * Σ sᵢ·Pᵢ for affine points `bases` (ffjavascript's LEM form, Montgomery coordinates) and 32-byte
 * little-endian scalars in standard form, as a projective point of `curve[group]`, in `nShares`
 * tasks (default one). The scalar copies made here are zeroed when the multiexp is done (the
 * engine's worker copies are not).
 * @example const p = await multiExp(curve, 'G1', pk.A, witness, backgroundQueue(curve.tm))
 */
export async function multiExp(
  curve: Curve,
  group: 'G1' | 'G2',
  bases: Uint8Array,
  scalars: Uint8Array,
  run: RunTask,
  nShares = 1,
): Promise<Uint8Array> {
  const G = curve[group];
  const sBase = G.F.n8 * 2; // affine (x, y)
  const sOut = G.F.n8 * 3; // Jacobian
  // Only finite points with a non-zero scalar.
  const idx = finiteIndices(bases, sBase);
  const keep: number[] = [];
  for (const i of idx) if (!zeroAt(scalars, i * N8, N8)) keep.push(i);
  const m = keep.length;
  if (m === 0) return G.zero;
  const fnName = group === 'G1' ? 'g1m_multiexpAffine' : 'g2m_multiexpAffine';
  const per = Math.ceil(m / Math.max(1, Math.min(m, nShares)));
  const scs: Uint8Array[] = [];
  const jobs: Promise<Uint8Array[]>[] = [];
  for (let s0 = 0; s0 < m; s0 += per) {
    const k = Math.min(per, m - s0);
    // Each share in buffers of its own (a posted view would clone its whole underlying buffer),
    // runs of consecutive indices copied at once.
    const pts = new Uint8Array(k * sBase);
    const sc = new Uint8Array(k * N8);
    scs.push(sc);
    for (let j = 0; j < k;) {
      let e = j + 1;
      while (e < k && keep[s0 + e] === keep[s0 + e - 1]! + 1) e++;
      const i = keep[s0 + j]!;
      pts.set(bases.subarray(i * sBase, (i + e - j) * sBase), j * sBase);
      sc.set(scalars.subarray(i * N8, (i + e - j) * N8), j * N8);
      j = e;
    }
    jobs.push(
      run([
        { cmd: 'ALLOCSET', var: 0, buff: pts },
        { cmd: 'ALLOCSET', var: 1, buff: sc },
        { cmd: 'ALLOC', var: 2, len: sOut },
        {
          cmd: 'CALL',
          fnName,
          params: [{ var: 0 }, { var: 1 }, { val: N8 }, { val: k }, { var: 2 }],
        },
        { cmd: 'GET', out: 0, var: 2, len: sOut },
      ]),
    );
  }
  let shares: Uint8Array[][];
  try {
    shares = await Promise.all(jobs);
  } finally {
    for (const sc of scs) sc.fill(0);
  }
  let sum = G.zero;
  for (const [r] of shares) sum = G.add(sum, r);
  return sum;
}
