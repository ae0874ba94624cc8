/**
 * The per-period evaluation budget shared by the PSI servers (ECDH-PSI ./ecdh.ts with its chunked
 * sessions ./sessions.ts, and the OPRF server ./oprf.ts).
 *
 * Every element a server multiplies by its secret key answers one membership question about the
 * client's item ("is x in your set?"). Against a low-entropy item domain (the phone numbers of
 * one prefix, the ID numbers of one county) enough answers enumerate the server's set, whatever
 * the number of sessions they are spread over. So a server counts every evaluation, one-shot and
 * chunked, all sessions and all clients together, against a budget per key period, and refuses
 * (`RATE_LIMITED`) what would exceed it. The key changes with the period, so answers from
 * different periods cannot be joined.
 *
 * The budget store is pluggable ({@link EvaluationBudget}; in-memory default
 * {@link memoryBudget}) so that several server instances can share one (a database row per
 * period, updated atomically).
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber } from '../_assert.js';

/**
 * Default evaluations per key period (2^14 = 16,384), for both the ECDH and the OPRF server:
 * four chunked sessions of 4,096 items a day, then RATE_LIMITED until the next period.
 * @example
 * psi.server(items, { maxEvaluations: DEFAULT_MAX_EVALUATIONS })
 */
export const DEFAULT_MAX_EVALUATIONS = 2 ** 14;

/**
 * Default key period of the ECDH-PSI server in milliseconds (one day, UTC): its key, and the
 * budget, are renewed when `Math.floor(now() / period)` changes.
 * @example
 * psi.server(items, { period: DEFAULT_KEY_PERIOD })
 */
export const DEFAULT_KEY_PERIOD = 86_400_000;

/**
 * A store of evaluations counted per key period. Implementations must make `take` atomic for
 * everything that shares the budget (one process: the in-memory default; several server
 * instances: e.g. one `UPDATE … SET used = used + n WHERE period = $1 AND used + n <= limit`).
 * @example
 * const shared: EvaluationBudget = {
 *   limit: 100_000,
 *   take: async (period, n) => (await db.query(sql, [period, n, 100_000])).rowCount === 1,
 *   used: async (period) => Number((await db.query('SELECT used FROM psi_budget WHERE period = $1', [period])).rows[0]?.used ?? 0),
 * }
 * psi.server(items, { budget: shared })
 */
export interface EvaluationBudget {
  /** Evaluations one period allows (`Infinity`: no limit). */
  readonly limit: number;
  /**
   * Counts `count` evaluations in `period` if they fit in `limit` and returns true; otherwise
   * counts nothing and returns false.
   */
  take(period: number, count: number): boolean | Promise<boolean>;
  /** Evaluations counted in `period` so far. */
  used(period: number): number | Promise<number>;
}

/**
 * The in-memory budget: it keeps the count of the newest period it has seen; a period older than
 * that one is treated as exhausted (a late request of an ended period gets nothing).
 * @example
 * const budget = memoryBudget(10_000)
 * budget.take(0, 4096) // true
 * budget.used(0)       // 4096
 */
export function memoryBudget(limit: number): EvaluationBudget {
  const max = budgetLimit(limit, 'limit');
  let current = -Infinity;
  let used = 0;
  const roll = (period: number): boolean => {
    if (period > current) {
      current = period;
      used = 0;
    }
    return period === current;
  };
  return Object.freeze({
    limit: max,
    take(period: number, count: number): boolean {
      anumber(count, 'count');
      if (!roll(period) || used + count > max) return false;
      used += count;
      return true;
    },
    used(period: number): number {
      return roll(period) ? used : max;
    },
  });
}

/** Validates a budget limit: a non-negative integer or `Infinity`. */
export function budgetLimit(v: unknown, name: string): number {
  return v === Infinity ? Infinity : anumber(v, name, 0);
}

/**
 * The budget a server uses: `budget` (a store), else an in-memory one of `maxEvaluations`
 * (default {@link DEFAULT_MAX_EVALUATIONS}); both at once → INVALID_OPTION.
 * @example
 * const budget = serverBudget(opts.budget, opts.maxEvaluations)
 */
export function serverBudget(budget: unknown, maxEvaluations: unknown): EvaluationBudget {
  if (budget === undefined)
    return memoryBudget(
      maxEvaluations === undefined
        ? DEFAULT_MAX_EVALUATIONS
        : budgetLimit(maxEvaluations, 'maxEvaluations'),
    );
  if (maxEvaluations !== undefined)
    throw new BukejianError(
      'INVALID_OPTION',
      '"budget" and "maxEvaluations" are exclusive (a budget store carries its own limit)',
    );
  const b = budget as Partial<EvaluationBudget> | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof b.take !== 'function' ||
    typeof b.used !== 'function'
  ) {
    throw new BukejianError(
      'INVALID_OPTION',
      '"budget" expected an object with take(period, count) and used(period)',
    );
  }
  budgetLimit(b.limit, 'budget.limit');
  return b as EvaluationBudget;
}

/**
 * Reserves `count` evaluations or throws RATE_LIMITED (the message names only counts).
 * @example
 * await spend(budget, period, m.count, 'PSI server')
 */
export async function spend(
  budget: EvaluationBudget,
  period: number,
  count: number,
  who: string,
): Promise<void> {
  if (await budget.take(period, count)) return;
  throw new BukejianError(
    'RATE_LIMITED',
    `${who}: the evaluation budget of this key period (${budget.limit}) cannot cover ${count} more elements; try again in the next period`,
  );
}

/**
 * Validates a clock option: a function returning milliseconds (default `Date.now`, read at each
 * call so that fake timers apply).
 * @example
 * const now = clockOption(opts.now)
 */
export function clockOption(now: unknown): () => number {
  if (now === undefined) return () => Date.now();
  if (typeof now !== 'function')
    throw new BukejianError('INVALID_OPTION', '"now" expected a function returning milliseconds');
  return now as () => number;
}
