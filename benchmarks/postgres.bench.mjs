// bukejian/postgres against the file store, in one run, on a private local PostgreSQL 15 started
// here (Unix socket, fsync on, synchronous_commit on):
// 1. durable appends/s through openAuditLog, batches of 1,000, writer processes started together:
//    file store (1 writer: it is single-writer), PostgreSQL store with 1 and with 4 writers, and
//    the memory store (no I/O: the audit core's own CPU ceiling on this machine); then the
//    PostgreSQL store's append alone with pre-encoded batches (the database side: sequencing
//    lock, insert, durable commit) from 1 and 4 processes;
// 2. nullifier claims/s: createPostgresRegistry claimMany (1,000 per round trip) and claim() (32 in
//    flight), the memory registry for scale;
// 3. a log of BKJ_PG_N entries (default 1,000,000), filled in bulk with synthetic entries
//    (PostgreSQL: one INSERT … SELECT FROM generate_series, as a log written before schema 3, whose
//    tree nodes the first open builds once; file store: store.append of 50,000-entry batches), not
//    through openAuditLog (too slow to build 1M entries on a shared 2-core machine); then open
//    time, the first proof after open, and the median latency of inclusion proofs (at a
//    checkpoint's size, and at the current size with the catch-up), consistency proofs and
//    checkpoints, next to a bare round trip; the PostgreSQL root and proofs are checked against
//    the file store's.
// `npm run bench -- postgres` (BKJ_PG_BATCHES: batches of 1,000 per writer, default 20;
// BKJ_PG_ONLY=appends|proofs: one part).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  createMemoryStore,
  openAuditLog,
  openFileStore,
  sm2CheckpointSigner,
  verifyInclusion,
} from 'bukejian/audit';
import { sm2 } from 'bukejian/sm2';
import { createPostgresRegistry, migrate, openPostgresStore } from 'bukejian/postgres';
import { createMemoryRegistry } from 'bukejian/zk';
import { report } from './_util.mjs';
import { startPostgres } from './_pg-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BKJ_PG_N ?? 1_000_000);
const BATCHES = Number(process.env.BKJ_PG_BATCHES ?? 20);
const ORIGIN = 'bench.example/audit';
const rnd = (n) => Math.floor(Math.random() * n); // benchmark sampling only, no secrets

// CPU time (µs) of the PostgreSQL server started here: the postmaster and its backends (/proc).
let postmaster = 0;
function serverCpu() {
  let ticks = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      // live backends: utime + stime; the postmaster: its own and its ended backends' (cutime, cstime)
      if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
      if (Number(d) === postmaster)
        ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10_000; // USER_HZ = 100
}
// CPU per entry of the last appendRate run: writers (client) and server, µs.
const cpuPerEntry = {};

// Starts `writers` writer processes together; entries/s over the wall time from go to the last done.
async function appendRate(kind, where, log, writers) {
  const procs = Array.from({ length: writers }, (_, w) => {
    const p = spawn(
      process.execPath,
      [path.join(here, '_pg-writer.mjs'), kind, where, log, String(w), String(BATCHES)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    const ready = new Promise((r) =>
      p.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready')) r();
      }),
    );
    const exit = new Promise((r, j) =>
      p.on('exit', (code) => (code === 0 ? r(out) : j(new Error(`writer exited ${code}`)))),
    );
    return { p, ready, exit };
  });
  await Promise.all(procs.map((x) => x.ready));
  const s0 = postmaster ? serverCpu() : 0;
  const t = performance.now();
  for (const x of procs) x.p.stdin.write('go\n');
  const outs = await Promise.all(procs.map((x) => x.exit));
  const ms = performance.now() - t;
  const entries = writers * BATCHES * 1000;
  const client = outs.reduce((a, o) => a + Number(/cpu (\d+)/.exec(o)?.[1] ?? NaN), 0);
  cpuPerEntry[`${kind}/${writers}`] = {
    client: client / entries,
    server: postmaster ? (serverCpu() - s0) / entries : 0,
  };
  return (entries * 1000) / ms;
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function () {
  const server = startPostgres();
  postmaster = server.pid;
  const pool = new pg.Pool({ ...server.config, max: 8 });
  const dirs = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'bkj-pg-bench-file-'));
    dirs.push(d);
    return d;
  };
  try {
    await migrate(pool);
    const cfg = JSON.stringify(server.config);
    for (const l of ['one', 'four', 'raw1', 'raw4'])
      await (await openPostgresStore(pool, { log: l, origin: ORIGIN, create: true })).close();

    const only = process.env.BKJ_PG_ONLY; // 'appends' or 'proofs': one part of the run
    const out = [];
    if (only !== 'proofs') out.push(...(await appendsAndClaims()));
    if (only !== 'appends') out.push(...(await proofs()));
    return out;

    async function appendsAndClaims() {
      // 1. appends
      const fileRate = await appendRate('file', tmp(), 'x', 1);
      const pg1 = await appendRate('pg', cfg, 'one', 1);
      const pg4 = await appendRate('pg', cfg, 'four', 4);
      const memRate = await appendRate('memory', 'x', 'x', 1);
      const raw1 = await appendRate('pg-raw', cfg, 'raw1', 1);
      const raw4 = await appendRate('pg-raw', cfg, 'raw4', 4);

      // 2. claims
      const registry = await createPostgresRegistry(pool, { name: 'bench' });
      let next = 1n;
      let t = performance.now();
      const M = 20_000;
      for (let b = 0; b < M / 1000; b++)
        await registry.claimMany(
          Array.from({ length: 1000 }, () => ({
            programId: 1n,
            period: 202611n,
            nullifier: next++,
          })),
        );
      const claimManyRate = (M * 1000) / (performance.now() - t);
      t = performance.now();
      const S = 5000;
      let k = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (k < S) {
            k++;
            await registry.claim(2n, 202611n, next++);
          }
        }),
      );
      const claimRate = (S * 1000) / (performance.now() - t);
      const mem = createMemoryRegistry();
      t = performance.now();
      for (let i = 0; i < 200_000; i++) mem.claim(3n, 202611n, BigInt(i));
      const memClaimRate = (200_000 * 1000) / (performance.now() - t);

      return [
        report(
          `postgres: durable appends through openAuditLog, batches of 1,000 (${BATCHES} per writer)`,
          'entries/s',
          [
            { name: 'file store, 1 writer process (fsync per batch)', value: fileRate },
            { name: 'PostgreSQL store, 1 writer process', value: pg1 },
            { name: 'PostgreSQL store, 4 writer processes, one log', value: pg4 },
            { name: 'memory store, 1 process (no I/O: CPU ceiling)', value: memRate },
            { name: 'PostgreSQL store.append alone (pre-encoded), 1 process', value: raw1 },
            { name: 'PostgreSQL store.append alone (pre-encoded), 4 processes', value: raw4 },
          ],
          'file store, 1 writer process (fsync per batch)',
        ),
        report(
          'postgres: CPU time per durable append, batches of 1,000 (writers: all writer processes; server: postmaster and backends)',
          'µs/entry',
          [
            ['file', 'file store, 1 writer', 'file/1'],
            ['pg', 'PostgreSQL store, 1 writer', 'pg/1'],
            ['pg', 'PostgreSQL store, 4 writers', 'pg/4'],
            ['memory', 'memory store, 1 writer', 'memory/1'],
            ['raw', 'PostgreSQL store.append alone, 4 processes', 'pg-raw/4'],
          ].flatMap(([, label, key]) => [
            { name: `${label}: writers`, value: cpuPerEntry[key].client },
            ...(key.startsWith('pg')
              ? [{ name: `${label}: server`, value: cpuPerEntry[key].server }]
              : []),
          ]),
        ),
        report('postgres: nullifier claims', 'claims/s', [
          { name: 'PostgreSQL registry claimMany (1,000 per round trip)', value: claimManyRate },
          { name: 'PostgreSQL registry claim (32 in flight)', value: claimRate },
          { name: 'memory registry claim (one process only)', value: memClaimRate },
        ]),
      ];
    }

    async function proofs() {
      let t;
      // 3. proofs at N entries
      await (await openPostgresStore(pool, { log: 'big', origin: ORIGIN, create: true })).close();
      t = performance.now();
      await pool.query(
        `INSERT INTO bukejian_audit_entries (log, idx, leaf_hash, kind, subject_tag, retain_until, payload)
       SELECT 'big', g, sha256(int8send(g)), 1, substring(sha256(int4send(g::int)) FROM 1 FOR 8), 0, '\\x00'::bytea
       FROM generate_series(0, $1::bigint - 1) AS g`,
        [N],
      );
      // as a log written before schema version 3: no tree nodes yet (built at the first open)
      await pool.query(`UPDATE bukejian_audit_logs SET size = $1 WHERE name = 'big'`, [N]);
      const pgFillMs = performance.now() - t;
      // let the bulk load's background work (autovacuum, checkpoint) finish before measuring
      await pool.query('VACUUM ANALYZE bukejian_audit_entries');
      await pool.query('CHECKPOINT');
      t = performance.now();
      await (await openPostgresStore(pool, { log: 'big', origin: ORIGIN })).close();
      const pgBuildMs = performance.now() - t;
      await pool.query('VACUUM ANALYZE bukejian_audit_nodes');
      await pool.query('CHECKPOINT');
      const signer = sm2CheckpointSigner(sm2.keygen().secretKey, { name: 'bench' });
      t = performance.now();
      const pgLog = await openAuditLog({
        store: await openPostgresStore(pool, { log: 'big', origin: ORIGIN }),
        origin: ORIGIN,
        signer,
      });
      const pgOpenMs = performance.now() - t;
      const cpSize = N - 7; // proofs against a checkpoint of an earlier size (not a power of two)
      t = performance.now();
      const firstProof = await pgLog.proveInclusion(N >> 1, cpSize);
      const pgFirstMs = performance.now() - t;

      const latency = async (fn, count = 1000) => {
        for (let i = 0; i < Math.min(count, 300); i++) await fn(); // warm-up
        const xs = [];
        for (let i = 0; i < count; i++) {
          const t0 = performance.now();
          await fn();
          xs.push(performance.now() - t0);
        }
        return median(xs) * 1000; // µs
      };
      // the machine's state at the time: a bare round trip to the same server
      const rtt = await latency(() => pool.query('SELECT 1'));
      const pgAt = await latency(() => pgLog.proveInclusion(rnd(cpSize), cpSize));
      const pgCatchUp = await latency(() => pgLog.proveInclusion(rnd(N))); // catches up first
      const pgCons = await latency(() => pgLog.proveConsistency(1 + rnd(cpSize - 1), cpSize));
      const pgCheckpoint = await latency(() => pgLog.checkpoint(), 100);
      const pgRoot = await pgLog.rootAt(N);
      const pgSample = [0, 1, N >> 1, cpSize - 1];
      const pgProofs = await Promise.all(pgSample.map((i) => pgLog.proveInclusion(i, cpSize)));
      const pgCons1 = await pgLog.proveConsistency(12_345, cpSize);
      await pgLog.close();

      const fileDir = tmp();
      const fstore = await openFileStore(fileDir, { create: true });
      const rows = (
        await pool.query(
          `SELECT string_agg(leaf_hash, ''::bytea ORDER BY idx) AS h FROM bukejian_audit_entries WHERE log = 'big'`,
        )
      ).rows[0].h;
      t = performance.now();
      for (let i = 0; i < N; i += 50_000) {
        const n = Math.min(50_000, N - i);
        await fstore.append(
          Array.from({ length: n }, (_, j) => ({
            payload: new Uint8Array(1),
            leafHash: rows.subarray((i + j) * 32, (i + j) * 32 + 32),
            kind: 1,
            subjectTag: new Uint8Array(8),
            retainUntil: 0,
          })),
        );
      }
      await fstore.close();
      const fileFillMs = performance.now() - t;
      t = performance.now();
      const fileLog = await openAuditLog({
        store: await openFileStore(fileDir),
        origin: ORIGIN,
        signer,
      });
      const fileOpenMs = performance.now() - t;
      t = performance.now();
      fileLog.inclusionProof(N >> 1, cpSize); // the first root or proof computes the tree's nodes
      const fileFirstMs = performance.now() - t;
      // the two stores agree: root, proofs (the file store's from its tree in memory)
      const same = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
      if (!same(fileLog.root(), pgRoot)) throw new Error('the two stores disagree on the root');
      pgSample.forEach((i, k) => {
        const f = fileLog.inclusionProof(i, cpSize).path;
        if (f.length !== pgProofs[k].path.length || f.some((x, j) => !same(x, pgProofs[k].path[j])))
          throw new Error(`the two stores disagree on the proof of ${i}`);
      });
      if (!verifyInclusion(firstProof, fileLog.leafHash(N >> 1), fileLog.root(cpSize)))
        throw new Error('the PostgreSQL proof does not verify');
      const fc1 = fileLog.consistencyProof(12_345, cpSize).path;
      if (fc1.some((x, j) => !same(x, pgCons1.path[j])) || fc1.length !== pgCons1.path.length)
        throw new Error('the two stores disagree on a consistency proof');

      const fileAt = await latency(async () => fileLog.inclusionProof(rnd(cpSize), cpSize));
      const fileCatchUp = await latency(() => fileLog.proveInclusion(rnd(N)));
      const fileCons = await latency(async () =>
        fileLog.consistencyProof(1 + rnd(cpSize - 1), cpSize),
      );
      const fileCheckpoint = await latency(() => fileLog.checkpoint(), 100);
      await fileLog.close();
      const n = N.toLocaleString('en-US');
      return [
        report(`postgres: a ${n}-entry log (synthetic entries, bulk filled)`, 'ms', [
          { name: 'PostgreSQL bulk fill (INSERT … generate_series)', value: pgFillMs },
          { name: 'file store bulk fill (store.append, 50,000 per batch)', value: fileFillMs },
          {
            name: 'PostgreSQL first open of a log without tree nodes (builds them once, as after migrating from schema 2)',
            value: pgBuildMs,
          },
          { name: 'PostgreSQL open (reads the head row)', value: pgOpenMs },
          { name: 'file store open (reads the index files, hashes nothing)', value: fileOpenMs },
          { name: 'PostgreSQL first proof after open (one query)', value: pgFirstMs },
          {
            name: 'file store first proof after open (computes the tree nodes)',
            value: fileFirstMs,
          },
        ]),
        report(
          `postgres: proof and checkpoint latency at ${n} entries (median of 1,000; checkpoints of 100)`,
          'µs',
          [
            { name: 'PostgreSQL: a bare round trip (SELECT 1), for scale', value: rtt },
            { name: 'PostgreSQL: inclusion proof at a given size (1 query)', value: pgAt },
            {
              name: 'PostgreSQL: inclusion proof at the current size (catch up + 1 query)',
              value: pgCatchUp,
            },
            { name: 'PostgreSQL: consistency proof (1 query)', value: pgCons },
            { name: 'PostgreSQL: checkpoint (catch up, SM2 sign, store)', value: pgCheckpoint },
            { name: 'file store: inclusion proof at a given size (memory)', value: fileAt },
            {
              name: 'file store: inclusion proof at the current size (flush + memory)',
              value: fileCatchUp,
            },
            { name: 'file store: consistency proof (memory)', value: fileCons },
            { name: 'file store: checkpoint (SM2 sign, fsync)', value: fileCheckpoint },
          ],
          'file store: inclusion proof at a given size (memory)',
        ),
      ];
    }
  } finally {
    await pool.end();
    server.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
