/**
 * The nullifier registry in PostgreSQL: a claim is one `INSERT … ON CONFLICT DO NOTHING` on the
 * `(registry, program_id, period, nullifier)` primary key, so of any number of concurrent claims
 * of one key, across processes and machines, exactly one inserts the row and resolves true. A
 * batch of claims is one statement (one round trip, one transaction): `verifyBatch` uses it
 * through `claimMany`, and single claims issued while a round trip is in flight are grouped into
 * the next one (group commit, up to 1,000 per statement).
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions, astring } from '../_assert.js';
import type { NullifierRegistry } from '../zk/nullifier.js';
import { apool, q, type PostgresPool } from './_pool.js';
import { checkSchema } from './migrate.js';

/** A {@link NullifierRegistry} whose claims are rows of `bukejian_nullifiers`. */
export interface PostgresRegistry extends NullifierRegistry {
  claim(programId: bigint, period: bigint, nullifier: bigint): Promise<boolean>;
  has(programId: bigint, period: bigint, nullifier: bigint): Promise<boolean>;
  /**
   * Claims many keys in one round trip; result `i` is true when claim `i` recorded a new key (a
   * key repeated within the batch is true at its first occurrence only).
   */
  claimMany(
    claims: readonly { programId: bigint; period: bigint; nullifier: bigint }[],
  ): Promise<boolean[]>;
}

const num = (v: unknown, n: string): string => {
  if (typeof v !== 'bigint' || v < 0n)
    throw new BukejianError('INVALID_TYPE', `"${n}" expected non-negative bigint`);
  return v.toString();
};

/**
 * A nullifier registry shared by every verifier instance on the database behind `pool` (run
 * {@link migrate} first). `name` separates registries in one database (default `'default'`).
 * @example
 * import { createPostgresRegistry } from 'bukejian/postgres'
 * import { eligibility } from 'bukejian/zk'
 * const registry = await createPostgresRegistry(pool)
 * const r = await eligibility.verify(proof, context, { vkey, registry }) // replay on another instance → already-claimed
 */
export async function createPostgresRegistry(
  pool: PostgresPool,
  opts?: { name?: string },
): Promise<PostgresRegistry> {
  const db = apool(pool);
  const o = aoptions(opts, 'opts', ['name']);
  const name = o.name === undefined ? 'default' : astring(o.name, 'name');
  await checkSchema(db);
  // Rows are inserted in key order: two instances inserting overlapping batches wait for each
  // other's keys in the same order, so they cannot deadlock (SQLSTATE 40P01, seen at load 14).
  const insert = async (p: string[], t: string[], n: string[]): Promise<Set<string>> => {
    const rows = await q(
      db,
      'claiming nullifiers',
      `INSERT INTO bukejian_nullifiers (registry, program_id, period, nullifier)
       SELECT $1, u.p, u.t, u.n FROM unnest($2::numeric[], $3::numeric[], $4::numeric[]) AS u(p, t, n)
       ORDER BY u.p, u.t, u.n
       ON CONFLICT DO NOTHING
       RETURNING program_id::text || ':' || period::text || ':' || nullifier::text AS k`,
      [name, p, t, n],
    );
    return new Set(rows.map((r) => r.k as string));
  };
  // Group commit of single claims: claims issued while a round trip is in flight go together in
  // the next one (at most 1,000), so concurrent verifications share commits.
  let queue: { key: string; resolve: (won: boolean) => void; reject: (e: unknown) => void }[] = [];
  let flushing = false;
  const flush = async () => {
    try {
      while (queue.length) {
        const batch = queue.slice(0, 1000);
        queue = queue.slice(batch.length);
        try {
          const won = await claimKeys(batch.map((b) => b.key));
          batch.forEach((b, i) => b.resolve(won[i]!));
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      flushing = false;
    }
  };
  // Result i: whether keys[i] was new (only a key's first occurrence can be).
  const claimKeys = async (keys: string[]): Promise<boolean[]> => {
    const unique = [...new Set(keys)];
    if (!unique.length) return [];
    const parts = unique.map((k) => k.split(':'));
    const won = await insert(
      parts.map((x) => x[0]!),
      parts.map((x) => x[1]!),
      parts.map((x) => x[2]!),
    );
    return keys.map((k) => won.delete(k));
  };
  const registry: PostgresRegistry = {
    async claim(programId, period, nullifier) {
      const key = `${num(programId, 'programId')}:${num(period, 'period')}:${num(nullifier, 'nullifier')}`;
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ key, resolve, reject });
        if (!flushing) {
          flushing = true;
          void Promise.resolve().then(flush);
        }
      });
    },
    async has(programId, period, nullifier) {
      const rows = await q(
        db,
        'looking up a nullifier',
        `SELECT 1 FROM bukejian_nullifiers
         WHERE registry = $1 AND program_id = $2 AND period = $3 AND nullifier = $4`,
        [name, num(programId, 'programId'), num(period, 'period'), num(nullifier, 'nullifier')],
      );
      return rows.length === 1;
    },
    async claimMany(claims) {
      if (!Array.isArray(claims))
        throw new BukejianError('INVALID_TYPE', '"claims" expected Array, got other');
      const keys = claims.map((c, i) => {
        if (!c || typeof c !== 'object')
          throw new BukejianError('INVALID_TYPE', `"claims[${i}]" expected object, got other`);
        return `${num(c.programId, 'programId')}:${num(c.period, 'period')}:${num(c.nullifier, 'nullifier')}`;
      });
      return claimKeys(keys);
    },
  };
  return Object.freeze(registry);
}
