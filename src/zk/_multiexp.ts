/**
 * The Groth16 prover's multi-exponentiations (Σ sᵢ·Pᵢ over the proving key's fixed points) on
 * ffjavascript's WASM engine, scheduled here instead of by `G.multiExpAffine`. Same WASM kernel
 * (`g1m_multiexpAffine_chunk` / `g2m_…`: one Pippenger window of c bits per call, c chosen as
 * ffjavascript does), three differences in how it is fed:
 *  - pairs with a zero scalar or a point at infinity are dropped before anything is copied (for
 *    the rules circuit 18 % of A, 46 % of B, 14 % of C: zero witness values, wires absent from B);
 *  - several windows run in ONE worker task, so the points and scalars are copied to a worker a
 *    few times per multiexp instead of once per window (26 windows: 26 copies of up to 1.8 MB);
 *  - the tasks go through a {@link backgroundQueue} that keeps at most one task per worker queued,
 *    so the multiexps that need only the witness (A, B, C) run while the QAP and the FFTs are
 *    computed, and a QAP or FFT task queued meanwhile waits for one window task at most.
 * @module
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Curve = any;
type Task = readonly Record<string, unknown>[];
/** Runs one engine task (a list of ffjavascript thread commands); resolves to its GET outputs. */
export type RunTask = (task: Task) => Promise<Uint8Array[]>;

const N8 = 32;
/** Window bits by ⌊log2(number of points)⌋, as in ffjavascript's engine_multiexp.js. */
const WINDOW = [
  1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13, 13, 14, 15, 16, 16, 17, 17, 17, 17, 17, 17,
  17, 17, 17, 17,
];
/** Point-windows per task (G1 units; a G2 addition counts 3): ≈ 30–40 ms of one core here. */
const TASK_WORK = 40_000;

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
 * little-endian scalars in standard form, as a projective point of `curve[group]`. The scalar
 * copies made here are zeroed when the multiexp is done (the engine's worker copies are not).
 * @example const p = await multiExp(curve, 'G1', pk.A, witness, backgroundQueue(curve.tm))
 */
export async function multiExp(
  curve: Curve,
  group: 'G1' | 'G2',
  bases: Uint8Array,
  scalars: Uint8Array,
  run: RunTask,
): Promise<Uint8Array> {
  const G = curve[group];
  const sBase = G.F.n8 * 2;
  const sOut = G.F.n8 * 3;
  // Compact: only finite points with a non-zero scalar, runs of consecutive indices copied at once.
  const idx = finiteIndices(bases, sBase);
  const keep: number[] = [];
  for (const i of idx) if (!zeroAt(scalars, i * N8, N8)) keep.push(i);
  const m = keep.length;
  if (m === 0) return G.zero;
  const pts = new Uint8Array(m * sBase);
  const sc = new Uint8Array(m * N8);
  for (let j = 0; j < m;) {
    let k = j + 1;
    while (k < m && keep[k] === keep[k - 1]! + 1) k++;
    const i = keep[j]!;
    pts.set(bases.subarray(i * sBase, (i + k - j) * sBase), j * sBase);
    sc.set(scalars.subarray(i * N8, (i + k - j) * N8), j * N8);
    j = k;
  }
  const c = WINDOW[Math.floor(Math.log2(m))]!;
  const bits = N8 * 8;
  const nWin = Math.ceil(bits / c);
  const perTask = Math.max(1, Math.round(TASK_WORK / (m * (group === 'G2' ? 3 : 1))));
  const fnName = group === 'G1' ? 'g1m_multiexpAffine_chunk' : 'g2m_multiexpAffine_chunk';
  const jobs: Promise<Uint8Array[]>[] = [];
  for (let w0 = 0; w0 < nWin; w0 += perTask) {
    const k = Math.min(perTask, nWin - w0);
    const task: Record<string, unknown>[] = [
      { cmd: 'ALLOCSET', var: 0, buff: pts },
      { cmd: 'ALLOCSET', var: 1, buff: sc },
      { cmd: 'ALLOC', var: 2, len: k * sOut },
    ];
    for (let j = 0; j < k; j++) {
      const start = (w0 + j) * c;
      task.push({
        cmd: 'CALL',
        fnName,
        params: [
          { var: 0 },
          { var: 1 },
          { val: N8 },
          { val: m },
          { val: start },
          { val: Math.min(bits - start, c) },
          { var: 2, offset: j * sOut },
        ],
      });
    }
    task.push({ cmd: 'GET', out: 0, var: 2, len: k * sOut });
    jobs.push(run(task));
  }
  let windows: Uint8Array[][];
  try {
    windows = await Promise.all(jobs);
  } finally {
    sc.fill(0);
  }
  // Horner over the windows, highest first: acc = acc·2^c + window.
  let acc = G.zero;
  for (let w = nWin - 1; w >= 0; w--) {
    const out = windows[Math.floor(w / perTask)]![0]!;
    const j = w % perTask;
    if (!G.isZero(acc)) for (let d = 0; d < c; d++) acc = G.double(acc);
    acc = G.add(acc, out.subarray(j * sOut, (j + 1) * sOut));
  }
  return acc;
}
