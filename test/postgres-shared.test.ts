// bukejian/postgres schema version 2 and what several instances of one log must agree on:
// a database migrated by the previous release (version 1) is upgraded by migrate() and opens with
// this one; consent IDs are used once per log across instances (unique key in the database, the
// losing batch's other entries still appended); two instances pruning at once delete and log each
// expired entry once (advisory lock); hostile names and values go as parameters only. Against a
// real PostgreSQL 15 started by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { sm3 } from '../src/sm3.js';
import { bytesToHex } from '../src/utils.js';
import {
  createMemoryStore,
  encodeEntry,
  entryLeafHash,
  openAuditLog,
  parseCheckpoint,
  sm2CheckpointSigner,
  sm2CheckpointVerifier,
  verifyConsistency,
  verifyInclusion,
  type AuditLog,
} from '../src/audit/index.js';
import { sm2 } from '../src/sm2/index.js';
import { KIND_CODES, subjectTag } from '../src/audit/entries.js';
import {
  createPostgresBudget,
  createPostgresRegistry,
  migrate,
  openPostgresStore,
  type PostgresPool,
} from '../src/postgres/index.js';
import { MIGRATIONS } from '../src/postgres/migrate.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const ORIGIN = 'civil-affairs.example/audit';
const T0 = Date.UTC(2026, 0, 1);
const day = 86_400_000;
const P = (n: number) => `p:${bytesToHex(sm3(`synthetic-subject-${n}`)).slice(0, 24)}`;

let server: TestPostgres;
let pool: pg.Pool;
let n = 0;
const newLog = () => `log-${++n}`;

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ ...(await server.createDatabase()), max: 12 });
  await migrate(pool);
});
afterAll(async () => {
  await pool?.end();
  server?.stop();
});

const grant = (id: string, k: number) => ({
  type: 'consent',
  id,
  subject: P(k),
  purpose: 'benefits',
  fields: ['income'],
  granted: T0,
  expires: T0 + 365 * day,
});
const access = (k: number, retention?: { rule: string; until: number }) => ({
  type: 'access',
  actor: { agency: 'civil-affairs', staff: `s:clerk-${k % 3}` },
  subject: P(k),
  purpose: 'benefits',
  fields: ['income'],
  basis: { legal: 'lb-1' },
  time: T0 + k,
  ...(retention ? { retention } : {}),
});
const open = async (name: string, create = false): Promise<AuditLog> =>
  openAuditLog({
    store: await openPostgresStore(pool, { log: name, origin: ORIGIN, create }),
    origin: ORIGIN,
  });
// append() refuses an ID it already knows synchronously: collect every outcome as a settled promise
const settle = (log: AuditLog, e: Record<string, unknown>) =>
  Promise.resolve().then(() => log.append(e));

describe('schema version 2', () => {
  it('a database migrated by the previous release (version 1) is upgraded and opens; migrate() stays idempotent', async () => {
    const db = new pg.Pool(await server.createDatabase());
    try {
      // what version 1 of migrate() left, with a log the version-1 store wrote
      await db.query(
        'CREATE TABLE bukejian_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      await db.query(MIGRATIONS[0]!.sql);
      await db.query('INSERT INTO bukejian_schema_version (version) VALUES (1)');
      const entries = [grant('c-old', 0), access(1), grant('c-other', 2)];
      await db.query(
        `INSERT INTO bukejian_audit_logs (name, origin, hash, size) VALUES ('old', $1, 'sm3', 3)`,
        [ORIGIN],
      );
      for (const [i, e] of entries.entries()) {
        const bytes = encodeEntry(e);
        await db.query(
          `INSERT INTO bukejian_audit_entries (log, idx, leaf_hash, kind, subject_tag, retain_until, payload)
           VALUES ('old', $1, $2, $3, $4, 0, $5)`,
          [
            i,
            entryLeafHash(bytes, e.subject, 'sm3'),
            KIND_CODES[e.type as 'consent'],
            subjectTag(e.subject),
            bytes,
          ],
        );
      }
      await expect(openPostgresStore(db, { log: 'old', origin: ORIGIN })).rejects.toMatchObject({
        code: 'VERSION',
        message: expect.stringContaining('migrate'),
      });
      expect(await migrate(db)).toEqual({ from: 1, to: 3 });
      expect(await migrate(db)).toEqual({ from: 3, to: 3 });
      // the used IDs were carried over, as sha256("bukejian/audit consent id\0" ‖ id) (node:crypto)
      const digest = (id: string) =>
        createHash('sha256').update('bukejian/audit consent id\0').update(id).digest('hex');
      const rows = (
        await db.query(
          `SELECT encode(digest, 'hex') AS d FROM bukejian_audit_consent_ids WHERE log = 'old' ORDER BY 1`,
        )
      ).rows;
      expect(rows.map((r) => r.d)).toEqual([digest('c-old'), digest('c-other')].sort());
      // the per-row foreign key to the head row is gone, the others stay
      const fks = (
        await db.query(
          `SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' ORDER BY 1`,
        )
      ).rows;
      expect(fks.map((r) => r.t)).toEqual([
        'bukejian_audit_checkpoints',
        'bukejian_audit_consent_ids',
        'bukejian_audit_tombstones',
      ]);
      const log = await openAuditLog({
        store: await openPostgresStore(db, { log: 'old', origin: ORIGIN }),
        origin: ORIGIN,
      });
      expect(log.size).toBe(3);
      expect(await log.read(0)).toMatchObject({ entry: { type: 'consent', id: 'c-old' } });
      expect(await log.append(access(4))).toBe(3);
      expect(() => log.append(grant('c-old', 5))).toThrow(/already used/);
      expect(await log.verify()).toMatchObject({ ok: true, checked: 4 });
      await log.close();
    } finally {
      await db.end();
    }
  });
});

describe('schema version 3', () => {
  it('a log written under version 2 (entries, a signed checkpoint, a deletion) is migrated, its tree built once at the first open, and answers as a memory-store log of the same entries', async () => {
    const db = new pg.Pool(await server.createDatabase());
    try {
      // the reference: the same history in a memory store (its tree in memory)
      const { secretKey, publicKey } = sm2.keygen();
      const signer = sm2CheckpointSigner(secretKey, { name: 'k' });
      const verifier = sm2CheckpointVerifier(publicKey, { name: 'k' });
      const mstore = createMemoryStore();
      const ref = await openAuditLog({ store: mstore, origin: ORIGIN, signer, verifier });
      const rule = { rule: 'access-30d', until: T0 + 30 * day };
      await ref.appendMany([
        grant('c-v2', 0),
        ...Array.from({ length: 299 }, (_, k) => access(k, k % 50 === 1 ? rule : undefined)),
      ]);
      const note = await ref.checkpoint({ time: T0 + day });
      expect((await ref.prune(T0 + 31 * day)).pruned).toBe(6);
      const size = ref.size; // 301: the prune entry too
      // what the version-2 store left: the version-1 and -2 schema, the rows it writes
      await db.query(
        'CREATE TABLE bukejian_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      for (const m of MIGRATIONS.slice(0, 2)) {
        await db.query(m.sql);
        await db.query('INSERT INTO bukejian_schema_version (version) VALUES ($1)', [m.version]);
      }
      const tomb = mstore.tombstones()[0]!;
      await db.query(
        `INSERT INTO bukejian_audit_logs (name, origin, hash, size, checkpoints, tombstones)
         VALUES ('v2', $1, 'sm3', $2, 1, 1)`,
        [ORIGIN, size],
      );
      for (let i = 0; i < size; i++)
        await db.query(
          `INSERT INTO bukejian_audit_entries (log, idx, leaf_hash, kind, subject_tag, retain_until, payload)
           VALUES ('v2', $1, $2, $3, $4, $5, $6)`,
          [
            i,
            mstore.leafHashes().subarray(i * 32, i * 32 + 32),
            mstore.kind(i),
            mstore.subjectTag(i),
            mstore.retainUntil(i),
            await mstore.read(i),
          ],
        );
      await db.query(`INSERT INTO bukejian_audit_consent_ids (log, digest) VALUES ('v2', $1)`, [
        createHash('sha256').update('bukejian/audit consent id\0').update('c-v2').digest(),
      ]);
      await db.query(
        `INSERT INTO bukejian_audit_checkpoints (log, seq, note) VALUES ('v2', 0, $1)`,
        [new TextEncoder().encode(note)],
      );
      await db.query(
        `INSERT INTO bukejian_audit_tombstones (log, seq, indexes, note) VALUES ('v2', 0, $1, $2)`,
        [tomb.indexes, tomb.note],
      );
      await expect(openPostgresStore(db, { log: 'v2', origin: ORIGIN })).rejects.toMatchObject({
        code: 'VERSION',
      });
      expect(await migrate(db)).toEqual({ from: 2, to: 3 });
      expect(await migrate(db)).toEqual({ from: 3, to: 3 });
      const head = async () =>
        (await db.query(`SELECT size, tree_size FROM bukejian_audit_logs WHERE name = 'v2'`))
          .rows[0];
      expect(await head()).toEqual({ size: String(size), tree_size: '0' });
      // the first open builds the nodes (and checks the version-2 checkpoint against them)
      const log = await openAuditLog({
        store: await openPostgresStore(db, { log: 'v2', origin: ORIGIN }),
        origin: ORIGIN,
        signer,
        verifier,
        anchor: note,
      });
      expect(await head()).toEqual({ size: String(size), tree_size: String(size) });
      const hex = (b: Uint8Array) => bytesToHex(b);
      const cp = parseCheckpoint(note)!.checkpoint;
      for (const s of [1, 2, 255, 256, 257, cp.size, size])
        expect(hex(await log.rootAt(s))).toBe(hex(ref.root(s)));
      for (const i of [0, 1, 127, 128, 255, cp.size - 1]) {
        const p = await log.proveInclusion(i, cp.size);
        expect(p.path.map(hex)).toEqual(ref.inclusionProof(i, cp.size).path.map(hex));
        expect(verifyInclusion(p, ref.leafHash(i), cp.root)).toBe(true);
      }
      for (const m of [1, 3, 64, 100, cp.size]) {
        const p = await log.proveConsistency(m, size);
        expect(p.path.map(hex)).toEqual(ref.consistencyProof(m, size).path.map(hex));
        expect(verifyConsistency(p, ref.root(m), ref.root(size))).toBe(true);
      }
      // consent and deletions came across; appends go on from the built tree
      expect(() => log.append(grant('c-v2', 3))).toThrow(/already used/);
      expect(tomb.indexes[0]).toBe(2);
      expect(await log.read(2)).toMatchObject({ deleted: { rule: 'access-30d' } });
      const more = Array.from({ length: 70 }, (_, k) => access(1000 + k));
      expect(await log.appendMany(more)).toEqual(more.map((_, k) => size + k));
      await ref.appendMany(more);
      expect(hex(await log.rootAt())).toBe(hex(ref.root()));
      expect(await log.verify()).toMatchObject({ ok: true, problems: [] });
      await log.close();
      // a second open reads the head row only: the tree is not built again
      const again = await openAuditLog({
        store: await openPostgresStore(db, { log: 'v2', origin: ORIGIN }),
        origin: ORIGIN,
        verifier,
      });
      expect(hex(await again.rootAt())).toBe(hex(ref.root()));
      await again.close();
      await ref.close();
    } finally {
      await db.end();
    }
  });
});

describe('several instances of one log', () => {
  it('a consent ID is used once across instances: racing grants, one wins each ID, the losing batches keep their other entries', async () => {
    const name = newLog();
    const a = await open(name, true);
    const b = await open(name);
    const shared = Array.from({ length: 12 }, (_, k) => `c-shared-${k}`);
    const batchOf = (who: string, log: AuditLog) =>
      [
        ...shared.map((id, k) => grant(id, k)),
        ...Array.from({ length: 8 }, (_, k) => grant(`c-${who}-${k}`, k)),
        ...Array.from({ length: 30 }, (_, k) => access(k)),
      ].map((e) => settle(log, e));
    const [ra, rb] = await Promise.all([
      Promise.allSettled(batchOf('a', a)),
      Promise.allSettled(batchOf('b', b)),
    ]);
    // per shared ID: exactly one of the two instances succeeded
    for (let k = 0; k < shared.length; k++) {
      const ok = [ra[k]!, rb[k]!].filter((r) => r.status === 'fulfilled');
      expect(ok).toHaveLength(1);
      const lost = [ra[k]!, rb[k]!].find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ name: 'BukejianError', code: 'INVALID_DATA' });
    }
    // everything else went in, at dense, distinct indexes
    for (const r of [...ra.slice(shared.length), ...rb.slice(shared.length)])
      expect(r.status).toBe('fulfilled');
    const idx = [...ra, ...rb].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const total = shared.length + 2 * (8 + 30);
    expect(idx.sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i));
    // the database knows each ID once; both instances now refuse every one of them
    const ids = (
      await pool.query('SELECT count(*)::int AS n FROM bukejian_audit_consent_ids WHERE log = $1', [
        name,
      ])
    ).rows[0].n;
    expect(ids).toBe(shared.length + 16);
    await b.flush();
    expect(() => b.append(grant('c-a-3', 1))).toThrow(/already used/);
    expect(() => a.append(grant(shared[5]!, 1))).toThrow(/already used/);
    // a grant of an ID the other instance used after this one last loaded: refused by the database
    const c = await open(name);
    await a.append(grant('c-late', 9));
    await expect(c.append(grant('c-late', 9))).rejects.toMatchObject({ code: 'INVALID_DATA' });
    expect(await c.append(access(99))).toBe(total + 1);
    expect(await a.verify()).toMatchObject({ ok: true, checked: total + 2 });
    for (const l of [a, b, c]) await l.close();
  });

  it('two instances pruning at once delete and log each expired entry once (pruning lock)', async () => {
    const name = newLog();
    const a = await open(name, true);
    const b = await open(name);
    const rule = { rule: 'access-30d', until: T0 + 30 * day };
    await a.appendMany(
      Array.from({ length: 60 }, (_, k) => access(k, k % 3 === 0 ? undefined : rule)),
    );
    await b.flush();
    const expired = 40;
    const [ra, rb] = await Promise.all([a.prune(T0 + 31 * day), b.prune(T0 + 31 * day)]);
    expect(ra.pruned + rb.pruned).toBe(expired);
    expect(Math.min(ra.pruned, rb.pruned)).toBe(0);
    const deleted = [...ra.deletions, ...rb.deletions];
    expect(deleted).toHaveLength(1); // one prune entry
    expect(deleted[0]!.indexes).toEqual(
      Array.from({ length: 60 }, (_, k) => k).filter((k) => k % 3 !== 0),
    );
    const tombs = (
      await pool.query('SELECT count(*)::int AS n FROM bukejian_audit_tombstones WHERE log = $1', [
        name,
      ])
    ).rows[0].n;
    expect(tombs).toBe(1);
    for (const l of [a, b]) {
      await l.flush();
      expect(l.size).toBe(61);
      expect(await l.verify()).toMatchObject({ ok: true, checked: 21 });
      expect(await l.read(1)).toMatchObject({ deleted: { rule: 'access-30d' } });
    }
    // the lock is released: a later prune from either instance runs (and finds nothing)
    expect((await b.prune(T0 + 32 * day)).pruned).toBe(0);
    for (const l of [a, b]) await l.close();
  });
});

describe('SQL is parameterised', () => {
  it('hostile names and values travel as parameters only, and are stored as the data they are', async () => {
    // every SQL text the module sends, through a pool that records them
    const texts: string[] = [];
    const spy: PostgresPool = {
      query: (t, v) => {
        texts.push(typeof t === 'string' ? t : t.text);
        return typeof t === 'string' ? pool.query(t, v) : pool.query(t);
      },
      connect: async () => {
        const c = await pool.connect();
        return {
          query: (t: string, v?: unknown[]) => {
            texts.push(t);
            return c.query(t, v);
          },
          release: (e?: Error | boolean) => c.release(e),
        };
      },
    };
    const evil = (what: string) => `x'); DROP TABLE bukejian_${what}; -- \\ $1 "`;
    const origin = evil('audit_logs');
    const log = await openAuditLog({
      store: await openPostgresStore(spy, { log: evil('audit_entries'), origin, create: true }),
      origin,
    });
    const id = evil('audit_consent_ids');
    expect(await log.append(grant(id, 1))).toBe(0);
    expect(await log.append(access(2, { rule: evil('audit_tombstones'), until: T0 }))).toBe(1);
    expect((await log.prune(T0 + day)).pruned).toBe(1);
    expect(await log.read(0)).toMatchObject({ entry: { id } });
    expect(await log.verify()).toMatchObject({ ok: true });
    await log.close();
    const registry = await createPostgresRegistry(spy, { name: evil('nullifiers') });
    expect(await registry.claim(1n, 2n, 3n)).toBe(true);
    expect(await registry.claim(1n, 2n, 3n)).toBe(false);
    const budget = await createPostgresBudget(spy, { name: evil('psi_budgets'), limit: 2 });
    expect(await budget.take(1, 2)).toBe(true);
    expect(await budget.take(1, 1)).toBe(false);
    expect(texts.length).toBeGreaterThan(10);
    for (const t of texts) expect(t).not.toMatch(/DROP|x'\)/);
    // the values are stored as given; every table is still there
    const stored = await pool.query(
      `SELECT (SELECT origin FROM bukejian_audit_logs WHERE name = $1) AS origin,
              (SELECT count(*)::int FROM bukejian_audit_consent_ids WHERE log = $1) AS ids,
              (SELECT count(*)::int FROM bukejian_nullifiers WHERE registry = $2) AS claims,
              (SELECT used::int FROM bukejian_psi_budgets WHERE name = $3) AS used`,
      [evil('audit_entries'), evil('nullifiers'), evil('psi_budgets')],
    );
    expect(stored.rows[0]).toEqual({ origin, ids: 1, claims: 1, used: 2 });
  });
});
