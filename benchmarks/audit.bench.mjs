// bukejian/audit: durable appends/s (file store, batches of 1,000, fsync before acknowledging),
// inclusion/consistency proof generation and verification at 1,000,000 entries, and the time to
// open a 1,000,000-entry log (rebuild the tree from the stored leaf hashes, or load the node cache,
// and check the latest checkpoint).
// `npm run bench -- audit` (set BKJ_AUDIT_N to change the 1,000,000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sm2 } from 'bukejian/sm2';
import {
  openAuditLog,
  openFileStore,
  sm2CheckpointSigner,
  verifyConsistency,
  verifyInclusion,
} from 'bukejian/audit';
import { sm3 } from 'bukejian/sm3';
import { opsPerSec, report } from './_util.mjs';

const N = Number(process.env.BKJ_AUDIT_N ?? 1_000_000);
const T0 = Date.UTC(2026, 0, 1);
const entry = (i) => ({
  type: 'access',
  actor: { agency: 'civil-affairs', staff: `s:${i % 50}` },
  subject: `p:${((i * 2654435761) % 4294967296).toString(16).padStart(8, '0')}`,
  purpose: 'benefits-eligibility',
  fields: ['income', 'name', 'household'],
  basis: { legal: 'lb-benefits-2026' },
  time: T0 + i,
});
const rnd = (n) => Math.floor(Math.random() * n); // benchmark sampling only, no secrets

export default async function () {
  const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-bench-'));
  const signer = sm2CheckpointSigner(sm2.keygen().secretKey, { name: 'bench-key' });
  try {
    const log = await openAuditLog({
      store: await openFileStore(dir, { create: true }),
      origin: 'bench.example/audit',
      signer,
      maxBatch: 1000,
      treeCache: true, // close() saves the node cache used by the second open below
    });
    // 1. durable appends, batches of 1,000 (each batch: payloads + index frame, both fsynced),
    // after 5 untimed warm-up batches
    for (let b = 0; b < 5; b++)
      await log.appendMany(Array.from({ length: 1000 }, (_, j) => entry(log.size + j)));
    // Two batches in flight: the next 1,000 entries are encoded and hashed while the previous
    // batch is being fsynced (group commit keeps the durable batches at 1,000).
    let t = performance.now();
    const batches = 30;
    const inflight = [];
    for (let b = 0; b < batches; b++) {
      const base = 5000 + b * 1000;
      inflight.push(log.appendMany(Array.from({ length: 1000 }, (_, j) => entry(base + j))));
      if (inflight.length >= 2) await inflight.shift();
    }
    await Promise.all(inflight);
    const appendRate = (batches * 1000 * 1000) / (performance.now() - t);
    // fill to N in large groups (same path, batches of 1,000)
    t = performance.now();
    for (let i = log.size; i < N; i += 10_000) {
      await log.appendMany(Array.from({ length: Math.min(10_000, N - i) }, (_, j) => entry(i + j)));
    }
    const fillRate = ((N - (batches + 5) * 1000) * 1000) / (performance.now() - t);
    await log.checkpoint();
    await log.close();

    // 2. open a log of N entries; for scale, the bare SM3 cost of the N − 1 interior nodes it rehashes
    const node = new Uint8Array(65);
    t = performance.now();
    for (let i = 1; i < N; i++) sm3(node);
    const floorMs = performance.now() - t;
    t = performance.now();
    const full = await openAuditLog({
      store: await openFileStore(dir),
      origin: 'bench.example/audit',
      signer,
    });
    const openMs = performance.now() - t;
    await full.close();
    t = performance.now();
    const store = await openFileStore(dir);
    const log2 = await openAuditLog({
      store,
      origin: 'bench.example/audit',
      signer,
      treeCache: true,
    });
    const openCachedMs = performance.now() - t;

    // 3. proofs at N entries
    const size = log2.size;
    const root = log2.root();
    const incGen = opsPerSec(() => log2.inclusionProof(rnd(size)));
    const proofs = Array.from({ length: 256 }, () => {
      const i = rnd(size);
      return [log2.inclusionProof(i), log2.leafHash(i)];
    });
    let k = 0;
    const incVer = opsPerSec(() => {
      const [p, l] = proofs[k++ & 255];
      if (!verifyInclusion(p, l, root)) throw new Error('proof failed');
    });
    const consGen = opsPerSec(() => log2.consistencyProof(1 + rnd(size - 1), size));
    const cps = Array.from({ length: 64 }, () => {
      const m = 1 + rnd(size - 1);
      return [log2.consistencyProof(m, size), log2.root(m)];
    });
    k = 0;
    const consVer = opsPerSec(() => {
      const [p, r] = cps[k++ & 63];
      if (!verifyConsistency(p, r, root)) throw new Error('consistency failed');
    });
    await log2.close();
    const n = size.toLocaleString('en-US');
    return [
      report(`audit: durable appends (file store, fsync per batch of 1,000)`, 'entries/s', [
        { name: 'bukejian append (30 batches)', value: appendRate },
        { name: `bukejian fill to ${n}`, value: fillRate },
      ]),
      report(`audit: open a ${n}-entry log (rebuild tree + check checkpoint)`, 'ms', [
        { name: 'bukejian open (rehash tree)', value: openMs },
        { name: 'bukejian open (treeCache)', value: openCachedMs },
        { name: `SM3 × ${n} node hashes alone`, value: floorMs },
      ]),
      report(`audit: proofs at ${n} entries (SM3)`, 'ops/s', [
        { name: 'inclusion proof generate', value: incGen },
        { name: 'inclusion proof verify', value: incVer },
        { name: 'consistency proof generate', value: consGen },
        { name: 'consistency proof verify', value: consVer },
      ]),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
