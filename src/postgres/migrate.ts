/**
 * The schema of `bukejian/postgres`, as versioned SQL applied by an explicit {@link migrate}: a
 * `bukejian_schema_version` table records each applied version; migrations run in order, in one
 * transaction, under a transaction-scoped advisory lock (several instances starting at once apply
 * each version exactly once). Applied versions are never edited: a change of schema is a new
 * version appended to the list.
 *
 * Tables (all prefixed `bukejian_`, several audit logs and registries per database):
 * - `audit_logs`: one head row per log: its name, origin and tree hash, and the counters that
 *   sequence it (entries, checkpoints, tombstones);
 * - `audit_entries`: `(log, idx)` primary key, leaf hash, kind, subject tag, end of retention and
 *   the payload (NULL once deleted under retention);
 * - `audit_checkpoints`, `audit_tombstones`: `(log, seq)` keyed notes;
 * - `audit_consent_ids` (version 2, see `_migration-2.ts`): the digests of the consent IDs each
 *   log has used, so that an ID is used once across all instances;
 * - `audit_nodes` (version 3, see `_migration-3.ts`): the complete subtree hashes of each log's
 *   Merkle tree, with the compact range and root in the head row;
 * - `nullifiers`: `(registry, program_id, period, nullifier)` primary key: a claim is an insert;
 * - `psi_budgets`: `(name)` key, the newest key epoch seen and the evaluations counted in it.
 * @module
 */
import { BukejianError } from '../errors.js';
import { apool, dbError, type PostgresPool } from './_pool.js';
import { MIGRATION_2 } from './_migration-2.js';
import { MIGRATION_3 } from './_migration-3.js';

/** The versioned migrations, in order (never edit an applied one; append). */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE bukejian_audit_logs (
  name text PRIMARY KEY,
  origin text NOT NULL,
  hash text NOT NULL CHECK (hash IN ('sm3', 'sha256')),
  size bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
  checkpoints integer NOT NULL DEFAULT 0,
  tombstones integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE bukejian_audit_entries (
  log text NOT NULL REFERENCES bukejian_audit_logs (name),
  idx bigint NOT NULL CHECK (idx >= 0),
  leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  kind smallint NOT NULL CHECK (kind BETWEEN 0 AND 255),
  subject_tag bytea NOT NULL CHECK (octet_length(subject_tag) = 8),
  retain_until bigint NOT NULL CHECK (retain_until >= 0),
  payload bytea,
  PRIMARY KEY (log, idx)
);
CREATE TABLE bukejian_audit_checkpoints (
  log text NOT NULL REFERENCES bukejian_audit_logs (name),
  seq integer NOT NULL,
  note bytea NOT NULL,
  PRIMARY KEY (log, seq)
);
CREATE TABLE bukejian_audit_tombstones (
  log text NOT NULL REFERENCES bukejian_audit_logs (name),
  seq integer NOT NULL,
  indexes bigint[] NOT NULL,
  note bytea NOT NULL,
  PRIMARY KEY (log, seq)
);
CREATE TABLE bukejian_nullifiers (
  registry text NOT NULL,
  program_id numeric NOT NULL,
  period numeric NOT NULL,
  nullifier numeric NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (registry, program_id, period, nullifier)
);
CREATE TABLE bukejian_psi_budgets (
  name text PRIMARY KEY,
  epoch bigint NOT NULL,
  used bigint NOT NULL CHECK (used >= 0)
);
`,
  },
  { version: 2, sql: MIGRATION_2 },
  { version: 3, sql: MIGRATION_3 },
];

/** The newest schema version this release knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Creates or upgrades the `bukejian_*` tables: applies, in one transaction, every migration newer
 * than the database's recorded version. Idempotent (a second call applies nothing); safe to run
 * from several instances at once (an advisory lock serializes them). Returns the version before
 * and after. A database migrated by a newer release than this one throws `VERSION`.
 * @example
 * import pg from 'pg'
 * import { migrate } from 'bukejian/postgres'
 * const pool = new pg.Pool({ host: '/var/run/postgresql', database: 'benefits' })
 * const { from, to } = await migrate(pool) // { from: 0, to: 3 } the first time, then { from: 3, to: 3 }
 */
export async function migrate(pool: PostgresPool): Promise<{ from: number; to: number }> {
  const p = apool(pool);
  let client;
  try {
    client = await p.connect();
  } catch (e) {
    throw dbError('connecting for migrate()', e);
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    // One migrator at a time per database (released at COMMIT / ROLLBACK).
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bukejian.migrate'))");
    await client.query(
      `CREATE TABLE IF NOT EXISTS bukejian_schema_version (
         version integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const r = await client.query(
      'SELECT coalesce(max(version), 0) AS v FROM bukejian_schema_version',
    );
    const from = Number(r.rows[0]!.v);
    if (from > SCHEMA_VERSION)
      throw new BukejianError(
        'VERSION',
        `the database schema is version ${from}; this release knows up to ${SCHEMA_VERSION}`,
      );
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO bukejian_schema_version (version) VALUES ($1)', [m.version]);
    }
    await client.query('COMMIT');
    return { from, to: Math.max(from, SCHEMA_VERSION) };
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw dbError('migrate()', e);
  } finally {
    client.release(broken);
  }
}

/** Throws unless the database has exactly the schema this release knows (`NOT_FOUND`, `VERSION`). */
export async function checkSchema(pool: PostgresPool): Promise<void> {
  let v: number;
  try {
    const r = await pool.query(
      "SELECT to_regclass('bukejian_schema_version') IS NOT NULL AS present",
    );
    if (!r.rows[0]!.present) v = 0;
    else {
      const s = await pool.query(
        'SELECT coalesce(max(version), 0) AS v FROM bukejian_schema_version',
      );
      v = Number(s.rows[0]!.v);
    }
  } catch (e) {
    throw dbError('reading the schema version', e);
  }
  if (v === 0)
    throw new BukejianError('NOT_FOUND', 'the database has no bukejian schema: run migrate(pool)');
  if (v < SCHEMA_VERSION)
    throw new BukejianError('VERSION', `the database schema is version ${v}: run migrate(pool)`);
  if (v > SCHEMA_VERSION)
    throw new BukejianError(
      'VERSION',
      `the database schema is version ${v}; this release knows up to ${SCHEMA_VERSION}`,
    );
}
