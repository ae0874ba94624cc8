/**
 * `bukejian/postgres`: the state several verifier instances share, in PostgreSQL, through the
 * application's own `pg.Pool` (node-postgres is an optional peer dependency; this module never
 * imports it and only calls the pool you pass):
 *
 * - {@link migrate}: creates or upgrades the `bukejian_*` tables (versioned SQL, idempotent);
 * - {@link openPostgresStore}: an `AuditStore` for `openAuditLog`, with any number of writer
 *   processes per log (dense indexes under one sequencing lock, group commit, durable acks);
 * - {@link createPostgresRegistry}: the nullifier registry of `eligibility.verify` /
 *   `verifyBatch`, atomic on a unique index, batch claims in one round trip;
 * - {@link createPostgresBudget}: PSI / OPRF evaluation budgets per key epoch, shared.
 *
 * Guide: docs/postgres.md.
 * @module
 */
export { migrate } from './migrate.js';
export { openPostgresStore, type PostgresStoreOptions } from './audit-store.js';
export { createPostgresRegistry, type PostgresRegistry } from './registry.js';
export { createPostgresBudget, type PostgresBudgetOptions } from './budget.js';
export type { PostgresPool } from './_pool.js';
