// dudect-style timing test of the SM2 limb code (src/sm2/_field.ts, _mul.ts, _fast-limb.ts, and
// the WebAssembly kernel of src/sm2/_wasm.ts):
// for each operation, two classes of secret inputs — one FIXED value and fresh RANDOM values —
// are measured in random interleaved order, and Welch's t-test compares the two timing
// distributions (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", 2017). The
// samples are cropped at several upper percentiles (the machine is shared: the slow tail is other
// jobs), and the largest |t| is reported. |t| < 4.5: no timing difference detected at this sample
// size; above, the two classes take measurably different times (the medians show how much).
// A positive control (@noble/curves' bigint extended-Euclid inversion, variable time by
// design) shows what a leak looks like. Not part of `npm test` (about a minute).
// Run: node benchmarks/sm2-dudect.mjs [samplesPerClass]      (needs tsx, a dev dependency)
import { performance } from 'node:perf_hooks';
import { invert } from '@noble/curves/abstract/modular.js';

const { tsImport } = await import('tsx/esm/api');
const [F, M, P, E, MM, WA] = await Promise.all([
  tsImport('../src/sm2/_field.ts', import.meta.url),
  tsImport('../src/sm2/_mul.ts', import.meta.url),
  tsImport('../src/sm2/_point.ts', import.meta.url),
  tsImport('../src/sm2/_fast-limb.ts', import.meta.url),
  tsImport('../src/sm2/_mul-many.ts', import.meta.url),
  tsImport('../src/sm2/_wasm.ts', import.meta.url),
]);
const S = Number(process.argv[2] ?? 2000);
const p = F.P;
const n = P.N;
const rnd = (m) =>
  (BigInt('0x' + Buffer.from(crypto.getRandomValues(new Uint8Array(40))).toString('hex')) %
    (m - 1n)) +
  1n;

/** Welch's t over the two classes, after cropping both at the q-quantile of all samples. */
function welch(t0, t1, q) {
  const all = [...t0, ...t1].sort((a, b) => a - b);
  const cut = all[Math.floor(q * (all.length - 1))];
  const stats = (xs) => {
    const v = xs.filter((x) => x <= cut);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
    return { m, s2, k: v.length };
  };
  const a = stats(t0);
  const b = stats(t1);
  // one class entirely above the cut: the distributions do not even overlap
  if (a.k < 2 || b.k < 2) return Infinity;
  const t = (a.m - b.m) / Math.sqrt(a.s2 / a.k + b.s2 / b.k);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Runs `op(input)` S times per class in random order; `fixed()` and `random()` prepare the inputs
 * before the timed loop. `reps` operations per sample for the fast ones.
 */
function dudect(name, fixed, random, op, samples = S, reps = 1) {
  for (let i = 0; i < 50; i++) op(random()); // warm up (JIT)
  // every input prepared before the timed loop (preparing a random input right before its
  // measurement would disturb caches and predictors for that class only)
  const cls = crypto.getRandomValues(new Uint8Array(2 * samples)).map((x) => x & 1);
  const inputs = Array.from(cls, (c) => (c ? random() : fixed()));
  const t = [[], []];
  for (let i = 0; i < 2 * samples; i++) {
    const x = inputs[i];
    const s = performance.now();
    for (let r = 0; r < reps; r++) op(x);
    t[cls[i]].push(performance.now() - s);
  }
  const ts = [0.5, 0.75, 0.9, 0.99].map((q) => welch(t[0], t[1], q));
  const worst = ts.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(
    `${name.padEnd(58)} ${String(t[0].length + t[1].length).padStart(6)} samples  ` +
      `median ${((med(t[0]) * 1000) / reps).toFixed(2).padStart(8)} / ${((med(t[1]) * 1000) / reps).toFixed(2).padStart(8)} µs  ` +
      `max |t| ${Math.abs(worst).toFixed(1).padStart(6)}  ${Math.abs(worst) < 4.5 ? 'no difference detected' : 'DIFFERENCE'}`,
  );
  return Math.abs(worst);
}

console.log(`SM2 limb code, dudect fixed-vs-random, node ${process.version}\n`);
const o = F.fe();
const b = F.fromBig(rnd(p));
const limbs = (x) => F.fromBig(x);
dudect(
  'field mul (fixed 0 vs random)',
  () => limbs(0n),
  () => limbs(rnd(p)),
  (x) => F.mul(o, x, b),
  S * 4,
  200,
);
const chainIn = F.fe();
dudect(
  'field sub, a chain of 100 (fixed vs random)',
  () => limbs(1n),
  () => limbs(rnd(p)),
  (x) => {
    chainIn.set(x);
    for (let i = 0; i < 100; i++) F.sub(chainIn, chainIn, b);
  },
  S * 2,
);
dudect(
  'field inversion, Fermat chain (fixed 1 vs random)',
  () => limbs(1n),
  () => limbs(rnd(p)),
  (x) => F.inv(o, x),
  S * 2,
);
const G = P.jac();
const fast = E.createFastLimb();
const g = fast.mulBaseSecret(1n); // builds the G comb
M.fromAffine(G, F.fromBig(g.x), F.fromBig(g.y));
const Q = P.jac();
// full-size scalars in both classes (the bigint → bytes step at the boundary is not part of the test)
const kFixed = (1n << 255n) + 1n;
dudect(
  '[k]P variable base, W=5 (fixed 2^255+1 vs random)',
  () => kFixed,
  () => rnd(n),
  (k) => M.mulCT(Q, k, G),
);
const comb = E.baseComb(6);
const gx = F.fe();
const gy = F.fe();
dudect(
  '[k]G fixed-base comb, W=6, + inversion (fixed 2^255+1 vs random)',
  () => kFixed,
  () => rnd(n),
  (k) => E.mulBaseLimbs(comb, k, gx, gy),
);
// PSI blinding: 16 points times one secret scalar in affine lockstep (src/sm2/_mul-many.ts)
const pts = Array.from({ length: 16 }, () => fast.mulBaseSecret(rnd(n)));
const blindOut = new Uint8Array(32 * pts.length);
dudect(
  'PSI blinding, 16 points × k (fixed 2^255+1 vs random)',
  () => kFixed,
  () => rnd(n),
  (k) => {
    const v = MM.scratch(pts.length);
    pts.forEach((q, i) => {
      F.fromBig(q.x, v.ax[i]);
      F.fromBig(q.y, v.ay[i]);
    });
    MM.mulManyX(k, pts.length, blindOut, 0);
  },
  Math.max(200, S >> 2),
);
// the WebAssembly kernel (src/sm2/_wasm.ts): the same measurements on its field and its PSI loop;
// inputs are elements in its memory (the table area as storage, one slot per sample)
const W = WA.sm2Wasm();
const slot = (i) => W.L.TAB + (i % 30000) * W.L.EL;
let nextSlot = 0;
/** x into a fresh slot of the kernel's memory (Montgomery form, by its own decoder). */
const wElem = (x) => {
  const at = slot(nextSlot++);
  W.mem.set(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'), W.L.IN);
  W.x.fromBytes(at, W.L.IN);
  return at;
};
const wb = wElem(rnd(p));
const wo = W.L.T2;
nextSlot = 1;
dudect(
  'wasm field mul (fixed 0 vs random)',
  () => wElem(0n),
  () => wElem(rnd(p)),
  (at) => W.x.mul(wo, at, wb),
  S * 4,
  200,
);
nextSlot = 1;
dudect(
  'wasm field inversion, Fermat chain (fixed 1 vs random)',
  () => wElem(1n),
  () => wElem(rnd(p)),
  (at) => W.x.inv(wo, at),
  S * 2,
);
// PSI blinding on the kernel: 16 points (public) lifted, then times a secret k in lockstep
const wpts = Array.from({ length: 16 }, () => fast.mulBaseSecret(rnd(n)).x);
wpts.forEach((x, i) =>
  W.mem.set(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'), W.L.IN + 32 * i),
);
const wkb = new Uint8Array(32);
dudect(
  'wasm PSI blinding, 16 points × k (fixed 2^255+1 vs random)',
  () => kFixed,
  () => rnd(n),
  (k) => {
    W.x.liftMany(16);
    P.oddScalar(k, wkb);
    P.recode(wkb, 5, 52, W.digits);
    W.x.mulManyX(16);
  },
  Math.max(400, S >> 1),
);
const { createFast } = await tsImport('../src/sm2/fast.ts', import.meta.url);
const before = createFast(E.SM2_PARAMS);
before.mulBaseSecret(1n);
dudect(
  'for comparison, the bigint engine before: [k]G (fixed vs random)',
  () => kFixed,
  () => rnd(n),
  (k) => before.mulBaseSecret(k),
);
dudect(
  'positive control: bigint extended-Euclid inverse (fixed 1 vs random)',
  () => 1n,
  () => rnd(p),
  (x) => invert(x, p),
  S * 2,
);
