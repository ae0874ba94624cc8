/**
 * PSI / OPRF evaluation budgets in PostgreSQL, shared by every server instance: one row per
 * budget name holding the newest key epoch (period) any instance has counted in and the
 * evaluations counted in it. `take` is one atomic upsert: it starts a newer epoch from zero,
 * adds to the current one only while the sum stays within the limit, and refuses an epoch older
 * than the stored one (a late request of an ended key period gets nothing), the same semantics
 * as the in-memory `psi.memoryBudget`.
 * @module
 */
import { anumber, aoptions, astring } from '../_assert.js';
import type { EvaluationBudget } from '../psi/_budget.js';
import { apool, q, type PostgresPool } from './_pool.js';
import { checkSchema } from './migrate.js';

/** Options of {@link createPostgresBudget}. */
export interface PostgresBudgetOptions {
  /** The budget's name (one per server key, e.g. `'oprf:household-register'`). */
  name: string;
  /** Evaluations per key epoch (a non-negative integer, or `Infinity`). */
  limit: number;
}

/**
 * An {@link EvaluationBudget} in the database behind `pool` (run {@link migrate} first): pass it
 * as `budget` to `psi.server` / `psi.oprfServer` on every instance that shares the key.
 * @example
 * import { psi } from 'bukejian/psi'
 * import { createPostgresBudget } from 'bukejian/postgres'
 * const budget = await createPostgresBudget(pool, { name: 'oprf:household-register', limit: 16_384 })
 * const server = psi.oprfServer(entries, { budget, period: 86_400_000 })
 */
export async function createPostgresBudget(
  pool: PostgresPool,
  opts: PostgresBudgetOptions,
): Promise<EvaluationBudget> {
  const db = apool(pool);
  const o = aoptions(opts, 'opts', ['name', 'limit']);
  const name = astring(o.name, 'name');
  const limit = o.limit === Infinity ? Infinity : anumber(o.limit, 'limit', 0);
  const max = limit === Infinity ? null : String(limit);
  const epochOf = (p: number) => String(anumber(p, 'period', 0));
  await checkSchema(db);
  // Asking about a newer epoch starts it (as psi.memoryBudget does): the older ones are over.
  const roll = (e: string) =>
    q(
      db,
      'starting a PSI budget epoch',
      `INSERT INTO bukejian_psi_budgets AS b (name, epoch, used) VALUES ($1, $2, 0)
       ON CONFLICT (name) DO UPDATE SET epoch = EXCLUDED.epoch, used = 0
       WHERE EXCLUDED.epoch > b.epoch`,
      [name, e],
    );
  return Object.freeze({
    limit,
    async take(period: number, count: number): Promise<boolean> {
      const e = epochOf(period);
      anumber(count, 'count', 0);
      if (count > limit) {
        await roll(e); // refused, but a newer epoch still starts (older ones end)
        return false;
      }
      const rows = await q(
        db,
        'counting PSI evaluations',
        `INSERT INTO bukejian_psi_budgets AS b (name, epoch, used) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE
           SET epoch = EXCLUDED.epoch,
               used = CASE WHEN EXCLUDED.epoch > b.epoch THEN EXCLUDED.used
                           ELSE b.used + EXCLUDED.used END
           WHERE EXCLUDED.epoch > b.epoch
              OR (EXCLUDED.epoch = b.epoch AND ($4::bigint IS NULL OR b.used + EXCLUDED.used <= $4::bigint))
         RETURNING used`,
        [name, e, String(count), max],
      );
      return rows.length === 1;
    },
    async used(period: number): Promise<number> {
      const e = Number(epochOf(period));
      await roll(String(e));
      const rows = await q(
        db,
        'reading a PSI budget',
        'SELECT epoch, used FROM bukejian_psi_budgets WHERE name = $1',
        [name],
      );
      if (!rows.length) return 0; // unreachable after roll, unless the row was deleted
      const stored = Number(rows[0]!.epoch);
      if (stored > e) return limit; // an ended epoch: exhausted
      return stored === e ? Number(rows[0]!.used) : 0;
    },
  });
}
