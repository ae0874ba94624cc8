// bukejian/postgres against a real PostgreSQL 15 started by the test. The audit store: one scripted
// history (grants, revocations, accesses with retention, prunes, checkpoints, reopen) run over the
// file store and over the PostgreSQL store must give the same entries, leaf hashes, roots, proofs,
// checkpoints, tombstones, "who used my data" answers (checked by the citizen-side verifier) and
// verify() reports. Then what only a shared store does: two instances on one log see each other's
// entries, consent and deletions; identity checks (INTEGRITY), migrations, a connection lost in
// the middle of an append (IO, nothing half written). The nullifier registry (single and batch
// claims against a naive Set model) and the PSI budget (two instances sharing one row against one
// in-memory psi.memoryBudget, as a fast-check property; concurrent takes; two psi servers).
// The multi-process tests are in test/postgres-cluster.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import fc from 'fast-check';
import { psi } from '../src/psi/index.js';
import { sm2 } from '../src/sm2/index.js';
import { sm3 } from '../src/sm3.js';
import { bytesToHex } from '../src/utils.js';
import {
  openAuditLog,
  openFileStore,
  parseCheckpoint,
  sm2CheckpointSigner,
  sm2CheckpointVerifier,
  verifyCheckpoint,
  verifyInclusion,
  verifySubjectEvents,
  type AuditLog,
  type AuditStore,
} from '../src/audit/index.js';
import {
  createPostgresBudget,
  createPostgresRegistry,
  migrate,
  openPostgresStore,
} from '../src/postgres/index.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const { secretKey, publicKey } = sm2.keygen();
const KEY = 'civil-affairs.example/audit-key';
const ORIGIN = 'civil-affairs.example/audit';
const signer = sm2CheckpointSigner(secretKey, { name: KEY });
const verifier = sm2CheckpointVerifier(publicKey, { name: KEY });
const T0 = Date.UTC(2026, 0, 1);
const day = 86_400_000;
const P = (n: number) => `p:${bytesToHex(sm3(`synthetic-subject-${n}`)).slice(0, 24)}`;
const SUBJECTS = [0, 1, 2, 3, 4].map(P);

let server: TestPostgres;
let pool: pg.Pool;
let logCounter = 0;
const newLogName = () => `log-${++logCounter}`;

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ ...(await server.createDatabase()), max: 8 });
  expect(await migrate(pool)).toEqual({ from: 0, to: 3 });
});
afterAll(async () => {
  await pool?.end();
  server?.stop();
});

// One entry of the scripted history (k = 0, 1, …).
function historyEntry(k: number): Record<string, unknown> {
  const subject = SUBJECTS[k % SUBJECTS.length]!;
  const retention = k % 4 === 0 ? { rule: 'access-180d', until: T0 + (20 + (k % 7)) * day } : null;
  if (k % 10 === 3)
    return {
      type: 'consent',
      id: `c-${k}`,
      subject,
      purpose: 'benefits',
      fields: ['income', 'name'],
      granted: T0,
      expires: T0 + 365 * day,
      ...(k % 20 === 3 ? { retention: { rule: 'consent-30d', until: T0 + 30 * day } } : {}),
    };
  if (k % 10 === 7)
    return { type: 'revocation', consent: `c-${k - 4}`, subject, time: T0 + k * 1000 };
  return {
    type: 'access',
    actor: { agency: 'civil-affairs', staff: `s:clerk-${k % 3}` },
    subject,
    purpose: 'benefits',
    fields: ['income', 'name'].slice(0, 1 + (k % 2)),
    basis: { consent: `c-${k - (k % 10) + 3}` },
    time: T0 + k * 1000,
    ...(retention ? { retention } : {}),
  };
}

const hex = (b: Uint8Array) => bytesToHex(b);
const cpOf = (note: Uint8Array | string) => parseCheckpoint(note)!.checkpoint;

// Everything observable about a log, as plain data (signed notes replaced by their content:
// SM2 signatures are randomized).
async function snapshot(log: AuditLog, store: AuditStore) {
  const n = log.size;
  await store.loadColumns?.(); // the PostgreSQL store loads its columns on demand
  const reads = [];
  for (let i = 0; i < n; i++) reads.push(await log.read(i));
  const events = [];
  for (const s of SUBJECTS) {
    const a = await log.eventsFor(s, { since: 10 });
    expect(
      verifySubjectEvents(JSON.parse(JSON.stringify(a)), verifier, { origin: ORIGIN, subject: s }),
    ).toMatchObject({ ok: true, failed: [] });
    events.push({ ...a, checkpoint: a.checkpoint && cpOf(a.checkpoint) });
  }
  const access = SUBJECTS.flatMap((subject) =>
    [T0, T0 + 40 * day].map((at) =>
      log.checkAccess({ subject, purpose: 'benefits', fields: ['income'], at }),
    ),
  );
  return {
    size: n,
    leaves: hex(store.leafHashes()),
    kinds: Array.from({ length: n }, (_, i) => store.kind(i)),
    tags: Array.from({ length: n }, (_, i) => hex(store.subjectTag(i))),
    until: Array.from({ length: n }, (_, i) => store.retainUntil(i)),
    pruned: Array.from({ length: n }, (_, i) => store.isPruned(i)),
    // the file store's from its tree in memory, the PostgreSQL store's from its stored nodes
    roots: await Promise.all([0, 1, 7, 64, 100, n].map(async (s) => hex(await log.rootAt(s)))),
    proofs: await Promise.all(
      [0, 5, 63, 64, 99, n - 1].map(async (i) => (await log.proveInclusion(i)).path.map(hex)),
    ),
    partial: (await log.proveInclusion(37, 101)).path.map(hex),
    consistency: await Promise.all(
      [0, 1, 17, 64, 99, n].map(async (m) => (await log.proveConsistency(m, n)).path.map(hex)),
    ),
    checkpoints: store.checkpoints().map(cpOf),
    tombstones: store.tombstones().map((t) => ({ indexes: t.indexes, note: hex(t.note) })),
    reads,
    events,
    access,
    verify: await log.verify(),
  };
}

// The scripted history: appends issued together (group commit), a checkpoint, a prune, more
// appends, another checkpoint.
async function history(log: AuditLog) {
  await log.appendMany(Array.from({ length: 150 }, (_, k) => historyEntry(k)));
  await log.checkpoint({ time: T0 + day });
  const pruned = await log.prune(T0 + 40 * day);
  expect(pruned.pruned).toBeGreaterThan(20);
  for (let k = 150; k < 180; k++) await log.append(historyEntry(k));
  await log.checkpoint({ time: T0 + 41 * day });
}

describe('PostgreSQL audit store = file store', () => {
  it('the same history gives the same entries, leaves, roots, proofs, checkpoints, deletions, answers; also after reopen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-pg-conf-'));
    const name = newLogName();
    try {
      const open = async (kind: 'file' | 'pg') => {
        const store =
          kind === 'file'
            ? await openFileStore(dir, { create: true })
            : await openPostgresStore(pool, { log: name, origin: ORIGIN, create: true });
        const log = await openAuditLog({ store, origin: ORIGIN, signer, verifier, maxBatch: 40 });
        return { store, log };
      };
      const file = await open('file');
      const db = await open('pg');
      await history(file.log);
      await history(db.log);
      const want = await snapshot(file.log, file.store);
      const got = await snapshot(db.log, db.store);
      expect(got).toEqual(want);
      // independent checks of what both agree on
      expect(got.verify).toMatchObject({ ok: true, problems: [] });
      expect(got.pruned.filter(Boolean).length).toBeGreaterThan(20);
      const note = (await db.log.eventsFor(SUBJECTS[0]!)).checkpoint!;
      const cp = verifyCheckpoint(note, verifier, { origin: ORIGIN })!;
      expect(cp.size).toBe(db.log.size);
      for (const i of [0, 99, cp.size - 1])
        expect(
          verifyInclusion(await db.log.proveInclusion(i, cp.size), file.log.leafHash(i), cp.root),
        ).toBe(true);
      await file.log.close();
      await db.log.close();
      // reopened: the same again
      const file2 = await open('file');
      const db2 = await open('pg');
      expect(await snapshot(db2.log, db2.store)).toEqual(await snapshot(file2.log, file2.store));
      await file2.log.close();
      await db2.log.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('several instances on one log', () => {
  it("each sees the others' entries, consent and deletions after flush; indexes stay dense", async () => {
    const name = newLogName();
    const open = async () =>
      openAuditLog({
        store: await openPostgresStore(pool, { log: name, origin: ORIGIN, create: true }),
        origin: ORIGIN,
        signer,
        verifier,
      });
    const a = await open();
    const b = await open();
    const S = SUBJECTS[1]!;
    const grant = {
      type: 'consent',
      id: 'c-shared',
      subject: S,
      purpose: 'benefits',
      fields: ['income'],
      granted: T0,
      expires: T0 + 100 * day,
      retention: { rule: 'consent-10d', until: T0 + 10 * day },
    };
    const q = { subject: S, purpose: 'benefits', fields: ['income'], at: T0 + day };
    expect(await a.append(grant)).toBe(0);
    expect(b.checkAccess(q).allowed).toBe(false); // not loaded yet
    // concurrent appends from both instances
    const [ia, ib] = await Promise.all([
      a.appendMany(Array.from({ length: 60 }, (_, k) => historyEntry(2 * k))),
      b.appendMany(Array.from({ length: 60 }, (_, k) => historyEntry(2 * k + 1))),
    ]);
    expect([...ia, ...ib].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    expect(b.checkAccess(q).allowed).toBe(true); // b loaded a's grant with its own append
    await a.flush();
    await b.flush();
    expect(a.size).toBe(121);
    expect(b.size).toBe(121);
    expect(hex(await a.rootAt())).toBe(hex(await b.rootAt()));
    // a checkpoint by b covers a's entries; a's answer for the subject covers b's events
    const note = await b.checkpoint({ time: T0 + 2 * day });
    expect(verifyCheckpoint(note, verifier, { origin: ORIGIN })!.size).toBe(121);
    const answer = await a.eventsFor(S);
    expect(answer.checkpoint).toBe(note);
    expect(answer.events.map((e) => e.index)).toEqual(
      [
        0,
        ...ia.filter((_, k) => (2 * k) % 5 === 1),
        ...ib.filter((_, k) => (2 * k + 1) % 5 === 1),
      ].sort((x, y) => x - y),
    );
    expect(verifySubjectEvents(answer, verifier, { origin: ORIGIN, subject: S }).ok).toBe(true);
    // a deletion by a is seen by b: the entry reads as deleted, the consent is gone
    const r = await a.prune(T0 + 30 * day);
    expect(r.pruned).toBeGreaterThan(0);
    expect(await b.read(0)).toEqual({
      index: 0,
      deleted: { time: new Date(T0 + 30 * day).toISOString(), rule: 'consent-10d' },
    });
    await b.flush();
    expect(b.checkAccess(q).allowed).toBe(false);
    expect(b.size).toBe(a.size);
    expect(await b.verify()).toMatchObject({ ok: true });
    await a.close();
    await b.close();
  }, 60_000);
});

describe('identity, schema, faults', () => {
  it('a log of another origin or hash refuses to open (INTEGRITY); a missing log is NOT_FOUND; logs are separate', async () => {
    const name = newLogName();
    await expect(openPostgresStore(pool, { log: name, origin: ORIGIN })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const log = await openAuditLog({
      store: await openPostgresStore(pool, { log: name, origin: ORIGIN, create: true }),
      origin: ORIGIN,
    });
    await log.append(historyEntry(0));
    await log.close();
    await expect(
      openPostgresStore(pool, { log: name, origin: 'other.example/audit' }),
    ).rejects.toMatchObject({ code: 'INTEGRITY' });
    await expect(
      openPostgresStore(pool, { log: name, origin: ORIGIN, hash: 'sha256' }),
    ).rejects.toMatchObject({ code: 'INTEGRITY' });
    await expect(
      openPostgresStore(pool, { log: name, origin: 'other.example/audit', create: true }),
    ).rejects.toMatchObject({ code: 'INTEGRITY' });
    const other = await openPostgresStore(pool, {
      log: newLogName(),
      origin: ORIGIN,
      create: true,
    });
    expect(other.size).toBe(0);
    await other.close();
    // tampering with a stored payload is caught by verify(); a stored row past the head at open
    await pool.query(
      "UPDATE bukejian_audit_entries SET payload = payload || '\\x20'::bytea WHERE log = $1 AND idx = 0",
      [name],
    );
    const again = await openAuditLog({
      store: await openPostgresStore(pool, { log: name, origin: ORIGIN }),
      origin: ORIGIN,
    });
    expect((await again.verify()).problems).toEqual([
      'entry 0: payload does not match its leaf hash',
    ]);
    await again.close();
    await pool.query(
      `INSERT INTO bukejian_audit_entries (log, idx, leaf_hash, kind, subject_tag, retain_until, payload)
       VALUES ($1, 5, $2, 0, $3, 0, $4)`,
      [name, new Uint8Array(32), new Uint8Array(8), new Uint8Array(1)],
    );
    await expect(openPostgresStore(pool, { log: name, origin: ORIGIN })).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
  });

  it('migrate() is idempotent and a migrated database opens; an unmigrated one says what to do', async () => {
    const schema = async (p: pg.Pool) =>
      (
        await p.query(
          `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
           WHERE table_name LIKE 'bukejian_%' ORDER BY table_name, column_name`,
        )
      ).rows;
    const before = await schema(pool);
    expect(before.length).toBeGreaterThan(20);
    expect(await migrate(pool)).toEqual({ from: 3, to: 3 });
    expect(await Promise.all([migrate(pool), migrate(pool)])).toEqual([
      { from: 3, to: 3 },
      { from: 3, to: 3 },
    ]);
    expect(await schema(pool)).toEqual(before);
    const fresh = new pg.Pool(await server.createDatabase());
    try {
      await expect(
        openPostgresStore(fresh, { log: 'x', origin: ORIGIN, create: true }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('migrate') });
      // concurrent first migrations apply each version exactly once
      const runs = await Promise.all([migrate(fresh), migrate(fresh), migrate(fresh)]);
      expect(runs.map((r) => r.from).sort()).toEqual([0, 3, 3]);
      expect(
        (await fresh.query('SELECT version FROM bukejian_schema_version ORDER BY version')).rows,
      ).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      const s = await openPostgresStore(fresh, { log: 'x', origin: ORIGIN, create: true });
      expect(s.size).toBe(0);
      await s.close();
      // a database migrated by a newer release is refused, not misread
      await fresh.query('INSERT INTO bukejian_schema_version (version) VALUES (4)');
      await expect(migrate(fresh)).rejects.toMatchObject({ code: 'VERSION' });
      await expect(openPostgresStore(fresh, { log: 'x', origin: ORIGIN })).rejects.toMatchObject({
        code: 'VERSION',
      });
    } finally {
      await fresh.end();
    }
  });

  it('a connection lost in the middle of an append rejects it with IO and leaves nothing half written', async () => {
    const name = newLogName();
    const log = await openAuditLog({
      store: await openPostgresStore(pool, { log: name, origin: ORIGIN, create: true }),
      origin: ORIGIN,
      signer,
    });
    await log.appendMany(Array.from({ length: 10 }, (_, k) => historyEntry(k)));
    // Hold the log's head row so that the next append is parked inside its statement …
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query('UPDATE bukejian_audit_logs SET size = size WHERE name = $1', [name]);
    const pending = log.appendMany(Array.from({ length: 25 }, (_, k) => historyEntry(10 + k)));
    const failed = pending.then(
      () => null,
      (e: unknown) => e,
    );
    let pid: number | undefined;
    for (let t = 0; t < 200 && pid === undefined; t++) {
      const rows = (
        await pool.query(
          `SELECT pid FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO bukejian_audit_entries%'`,
        )
      ).rows;
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    expect(pid).toBeTypeOf('number');
    // … and cut its connection there.
    await pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const err = await failed;
    expect(err).toMatchObject({ name: 'BukejianError', code: 'IO' });
    await holder.query('ROLLBACK');
    holder.release();
    const rows = (
      await pool.query('SELECT count(*)::int AS n FROM bukejian_audit_entries WHERE log = $1', [
        name,
      ])
    ).rows;
    expect(rows[0].n).toBe(10);
    // the log goes on: the next appends get the next indexes, verify() is clean
    expect(await log.append(historyEntry(40))).toBe(10);
    await log.checkpoint();
    expect(await log.verify()).toMatchObject({ ok: true, checked: 11 });
    await log.close();
  });
});

describe('nullifier registry', () => {
  it('claim / has / claimMany agree with a naive Set; registries are separate; bad input is INVALID_TYPE', async () => {
    const a = await createPostgresRegistry(pool, { name: 'reg-a' });
    const a2 = await createPostgresRegistry(pool, { name: 'reg-a' }); // another instance
    const b = await createPostgresRegistry(pool, { name: 'reg-b' });
    const big = 2n ** 253n + 12345n; // nullifiers are field elements
    expect(await a.claim(1n, 202611n, big)).toBe(true);
    expect(await a2.claim(1n, 202611n, big)).toBe(false);
    expect(await a2.has(1n, 202611n, big)).toBe(true);
    expect(await a.has(1n, 202612n, big)).toBe(false);
    expect(await b.claim(1n, 202611n, big)).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            programId: fc.bigInt({ min: 0n, max: 3n }),
            period: fc.bigInt({ min: 0n, max: 2n }),
            nullifier: fc.bigInt({ min: 0n, max: 6n }),
          }),
          { maxLength: 12 },
        ),
        fc.nat(1000),
        async (claims, salt) => {
          const reg = await createPostgresRegistry(pool, { name: `prop-${salt}-${Math.random()}` });
          const seen = new Set<string>();
          const model = claims.map((c) => {
            const k = `${c.programId}:${c.period}:${c.nullifier}`;
            const fresh = !seen.has(k);
            seen.add(k);
            return fresh;
          });
          const half = Math.floor(claims.length / 2);
          const first = await reg.claimMany(claims.slice(0, half));
          const rest = [];
          for (const c of claims.slice(half))
            rest.push(await reg.claim(c.programId, c.period, c.nullifier));
          expect([...first, ...rest]).toEqual(model);
        },
      ),
      { numRuns: 15 },
    );
    // concurrent single claims of one key from two instances: one winner
    const race = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : a2).claim(9n, 9n, 9n)),
    );
    expect(race.filter(Boolean).length).toBe(1);
    await expect(a.claim(-1n, 1n, 1n)).rejects.toMatchObject({ code: 'INVALID_TYPE' });
    await expect(a.claim(1 as never, 1n, 1n)).rejects.toMatchObject({ code: 'INVALID_TYPE' });
    await expect(a.claimMany([{ programId: 1n, period: 1n } as never])).rejects.toMatchObject({
      code: 'INVALID_TYPE',
    });
    expect(await a.claimMany([])).toEqual([]);
  });
});

describe('PSI evaluation budget', () => {
  it('property: two instances sharing one budget answer as one psi.memoryBudget', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(40),
        fc.array(
          fc.record({
            use: fc.boolean(),
            second: fc.boolean(),
            period: fc.integer({ min: 0, max: 3 }),
            count: fc.nat(25),
          }),
          { maxLength: 15 },
        ),
        async (limit, ops) => {
          const name = `prop-${++n}`;
          const one = await createPostgresBudget(pool, { name, limit });
          const two = await createPostgresBudget(pool, { name, limit });
          const model = psi.memoryBudget(limit);
          for (const op of ops) {
            const b = op.second ? two : one;
            if (op.use) expect(await b.used(op.period)).toBe(model.used(op.period));
            else expect(await b.take(op.period, op.count)).toBe(model.take(op.period, op.count));
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('concurrent takes never exceed the limit; two psi servers share it (RATE_LIMITED on the other)', async () => {
    const one = await createPostgresBudget(pool, { name: 'concurrent', limit: 1000 });
    const two = await createPostgresBudget(pool, { name: 'concurrent', limit: 1000 });
    const res = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).take(5, 100)),
    );
    expect(res.filter(Boolean).length).toBe(10);
    expect(await one.used(5)).toBe(1000);
    const inf = await createPostgresBudget(pool, { name: 'unlimited', limit: Infinity });
    expect(await inf.take(1, 2 ** 40)).toBe(true);

    const budget = await createPostgresBudget(pool, { name: 'psi-servers', limit: 4 });
    const t = 7 * 60_000;
    const s1 = psi.server(['a', 'b'], { group: 'x25519', budget, period: 60_000, now: () => t });
    const s2 = psi.server(['a', 'b'], { group: 'x25519', budget, period: 60_000, now: () => t });
    const ask = async (s: typeof s1, xs: string[]) => {
      const c = psi.client(xs, { group: 'x25519' });
      return (await c.finish(await s.respond(await c.request()))).intersection;
    };
    expect(await ask(s1, ['a', 'x', 'y'])).toEqual(['a']); // 3 of 4
    await expect(ask(s2, ['b', 'z'])).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await ask(s2, ['b'])).toEqual(['b']); // 4 of 4
    await expect(ask(s1, ['a'])).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await budget.used(7)).toBe(4);
    await expect(createPostgresBudget(pool, { name: 'x', limit: -1 })).rejects.toMatchObject({
      code: 'INVALID_RANGE',
    });
  });
});
