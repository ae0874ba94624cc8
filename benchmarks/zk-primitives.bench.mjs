// zk primitives side by side: bukejian's own Poseidon, Baby Jubjub and EdDSA-Poseidon (src/zk/_*.ts,
// pure TypeScript bigint) against circomlibjs (WASM field arithmetic for Poseidon, affine BigInt
// curve arithmetic), which they replace and which stays the tests' oracle. Raw primitives: Poseidon
// with 1, 4 (region tree), 5 (EdDSA message hash) and 9 (record hash) inputs, prv2pub,
// signPoseidon, verifyPoseidon; hot paths through the public API: issuer.getPublicKey / issue /
// verify and rule.create's region tree of 3,000 region codes, against the same work done with circomlibjs
// (what bukejian/zk did before). The raw-primitive rows load src/ through tsx (a dev dependency);
// without tsx they report n/a. circomlibjs comes from the dev dependencies or benchmarks/thirdparty.
// Run: npm run bench -- zk-primitives   (BENCH_ROUNDS=n rounds per row, best kept; BENCH_MS=ms per row)
import { holder, issuer, recordHash, rule } from 'bukejian/zk';
import { bestOf, opsPerSec, report, thirdParty } from './_util.mjs';

const MS = Number(process.env.BENCH_MS ?? 500);
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const rnd = () =>
  BigInt('0x' + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')) % R;

/** The internal modules from src/ (tsx), or null when tsx is not installed. */
async function internals() {
  try {
    const { tsImport } = await import('tsx/esm/api');
    const [p, e] = await Promise.all([
      tsImport('../src/zk/_poseidon.ts', import.meta.url),
      tsImport('../src/zk/_eddsa.ts', import.meta.url),
    ]);
    return {
      poseidon: p.poseidon,
      prv2pub: e.prv2pub,
      signPoseidon: e.signPoseidon,
      verifyPoseidon: e.verifyPoseidon,
    };
  } catch {
    return null;
  }
}

/** The region tree as bukejian/zk built it with circomlibjs (same algorithm as src/zk/region-tree.ts). */
function clRegionTree(h, codes) {
  const H = (c) => h.F.toObject(h(c));
  const zeros = [0n];
  for (let i = 0; i < 8; i++) zeros.push(H([zeros[i], zeros[i], zeros[i], zeros[i]]));
  let level = [...new Set(codes)].sort((a, b) => a - b).map(BigInt);
  for (let i = 0; i < 8; i++) {
    const next = [];
    for (let j = 0; j < level.length; j += 4)
      next.push(H([0, 1, 2, 3].map((k) => level[j + k] ?? zeros[i])));
    level = next;
  }
  return level[0] ?? zeros[8];
}

export default async function () {
  const cl = thirdParty('circomlibjs');
  const ours = await internals();
  const clPoseidon = cl ? await cl.buildPoseidon() : null;
  const clEddsa = cl ? await cl.buildEddsa() : null;
  const F = clEddsa?.F;
  const rows = (name, oursFn, clFn) => [
    [`bukejian ${name}`, oursFn],
    [`circomlibjs ${name}`, clFn],
  ];
  const measure = (rs) => bestOf(rs, ([, fn]) => opsPerSec(fn, MS));
  const groups = [];
  /** One report per (bukejian, circomlibjs) pair, ratio against circomlibjs. */
  const pairs = (title, unit, res) => {
    for (let i = 0; i < res.length; i += 2) {
      const what = res[i].name.replace('bukejian ', '');
      groups.push(report(`${title}: ${what}`, unit, res.slice(i, i + 2), res[i + 1].name));
    }
  };

  // Poseidon: same inputs to both; results checked equal before timing
  const pRows = [];
  for (const n of [1, 4, 5, 9]) {
    const xs = Array.from({ length: n }, rnd);
    if (ours && clPoseidon && ours.poseidon(xs) !== clPoseidon.F.toObject(clPoseidon(xs)))
      throw new Error(`Poseidon(${n}) differs`);
    pRows.push(
      ...rows(
        `Poseidon(${n})`,
        ours && (() => ours.poseidon(xs)),
        clPoseidon && (() => clPoseidon(xs)),
      ),
    );
  }
  pairs('zk primitives', 'hashes/s', measure(pRows));

  // EdDSA-Poseidon
  const prv = crypto.getRandomValues(new Uint8Array(32));
  const msg = rnd();
  let eRows = [];
  if (ours) {
    const A = ours.prv2pub(prv);
    const sig = ours.signPoseidon(prv, msg);
    if (clEddsa) {
      const s2 = clEddsa.signPoseidon(prv, F.e(msg));
      if (s2.S !== sig.S || F.toObject(s2.R8[0]) !== sig.R8[0])
        throw new Error('signPoseidon differs');
    }
    const clSig = clEddsa && { R8: [F.e(sig.R8[0]), F.e(sig.R8[1])], S: sig.S };
    const clA = clEddsa && [F.e(A[0]), F.e(A[1])];
    eRows = [
      ...rows('prv2pub', () => ours.prv2pub(prv), clEddsa && (() => clEddsa.prv2pub(prv))),
      ...rows(
        'signPoseidon',
        () => ours.signPoseidon(prv, msg),
        clEddsa && (() => clEddsa.signPoseidon(prv, F.e(msg))),
      ),
      ...rows(
        'verifyPoseidon',
        () => ours.verifyPoseidon(msg, sig, A),
        clEddsa && (() => clEddsa.verifyPoseidon(F.e(msg), clSig, clA)),
      ),
    ];
  } else {
    eRows = [
      ['bukejian prv2pub', null],
      ['circomlibjs prv2pub', null],
    ];
  }
  pairs('zk primitives (EdDSA-Poseidon)', 'ops/s', measure(eRows));

  // hot paths through the public API (async: timed as sequential awaits)
  const h = await holder.create();
  const record = {
    holderCommitment: h.commitment,
    birthDate: 19600301,
    sex: 1,
    regionCode: 110105,
    income: 21000,
    householdSize: 2,
    flags: 0b11,
    issuedAt: 20260101,
    expiresAt: 20271231,
  };
  const kp = await issuer.keygen();
  const cred = await issuer.issue(record, kp.secretKey);
  const fields = [h.commitment, 19600301n, 1n, 110105n, 21000n, 2n, 3n, 20260101n, 20271231n];
  if (clPoseidon && clPoseidon.F.toObject(clPoseidon(fields)) !== (await recordHash(record)))
    throw new Error('record hash differs');
  const codes = Array.from({ length: 3000 }, (_, i) => 110101 + i * 293);
  const tree = await rule.create({ regions: codes });
  if (clPoseidon && clRegionTree(clPoseidon, codes) !== tree.regionRoot)
    throw new Error('region tree root differs');
  const clIssue = () => {
    const A = clEddsa.prv2pub(kp.secretKey);
    const m = clPoseidon(fields);
    const s = clEddsa.signPoseidon(kp.secretKey, m);
    return [A, s];
  };
  const clSig = clEddsa && {
    R8: [F.e(cred.signature.R8[0]), F.e(cred.signature.R8[1])],
    S: cred.signature.S,
  };
  const clA = clEddsa && [F.e(kp.publicKey[0]), F.e(kp.publicKey[1])];
  const clVerify = () => {
    const m = clPoseidon(fields);
    return (
      clEddsa.babyJub.inCurve(clA) &&
      clEddsa.babyJub.inCurve(clSig.R8) &&
      clEddsa.verifyPoseidon(m, clSig, clA)
    );
  };
  // opsPerSec is synchronous: the async API calls are timed by awaiting each in turn
  const seq = async (fn, ms = MS) => {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < ms / 4) await fn(); // warm-up
    const t1 = performance.now();
    let t = t1;
    while (t - t1 < ms || n === 0) {
      await fn();
      n++;
      t = performance.now();
    }
    return (n * 1000) / (t - t1);
  };
  const hot = [
    ['bukejian issuer.getPublicKey', () => issuer.getPublicKey(kp.secretKey)],
    ['circomlibjs prv2pub', clEddsa && (() => clEddsa.prv2pub(kp.secretKey))],
    ['bukejian issuer.issue', () => issuer.issue(record, kp.secretKey)],
    ['circomlibjs issue (prv2pub+hash+sign)', clEddsa && clIssue],
    ['bukejian issuer.verify', () => issuer.verify(cred, kp.publicKey)],
    ['circomlibjs verify (hash+checks)', clEddsa && clVerify],
    ['bukejian rule.create({ regions }) (3000)', () => rule.create({ regions: codes })],
    ['circomlibjs region tree (3000)', clPoseidon && (() => clRegionTree(clPoseidon, codes))],
  ];
  const best = hot.map(() => 0);
  for (let r = 0; r < Number(process.env.BENCH_ROUNDS ?? 3); r++) {
    for (let i = 0; i < hot.length; i++)
      if (hot[i][1]) best[i] = Math.max(best[i], await seq(hot[i][1]));
  }
  pairs(
    'zk hot path',
    'ops/s',
    hot.map(([name, fn], i) => ({ name, value: fn ? best[i] : null })),
  );
  return groups;
}
