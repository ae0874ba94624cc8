/**
 * The part of node-postgres this module uses, as structural types: a `pg.Pool` (or `pg.Client`)
 * the application already has fits {@link PostgresPool}, so bukejian never imports `pg` itself
 * and its declarations do not need `@types/pg`. Every statement is parameterised (`$1`, `$2`, …);
 * no value is ever spliced into SQL text.
 * @module
 */
import { BukejianError } from '../errors.js';

/** A result row as node-postgres returns it. */
export type PgRow = Record<string, unknown>;

/**
 * What bukejian needs of a `pg.Pool`: parameterised queries and, for migrations, a dedicated
 * client. Pass the application's pool (`new pg.Pool({ ... })`); bukejian never ends it.
 * @example
 * import pg from 'pg'
 * const pool: PostgresPool = new pg.Pool({ host: '/var/run/postgresql', database: 'benefits' })
 */
export interface PostgresPool {
  /**
   * Runs one parameterised statement (`$1`, `$2`, … bound to `values`); given a
   * `{ name, text, values }` object (node-postgres' query config), as a named prepared statement.
   */
  query(
    text: string | { name: string; text: string; values: unknown[] },
    values?: unknown[],
  ): Promise<{ rows: PgRow[]; rowCount: number | null }>;
  /** Checks out a dedicated client (used by `migrate` for its transaction). */
  connect(): Promise<PostgresClient>;
}

/** A client checked out of a {@link PostgresPool} (a `pg.PoolClient`). */
export interface PostgresClient {
  /** Runs one parameterised statement on this connection. */
  query(text: string, values?: unknown[]): Promise<{ rows: PgRow[]; rowCount: number | null }>;
  /** Returns the client to the pool (`true` or an error: the connection is discarded). */
  release(err?: Error | boolean): void;
  /** Listens for the connection's errors (node-postgres emits them on a checked-out client). */
  on?(event: 'error', listener: (e: Error) => void): unknown;
  /** Removes such a listener. */
  removeListener?(event: 'error', listener: (e: Error) => void): unknown;
}

/**
 * Checks out a client for `fn` and returns it: discarded when `fn` throws or the connection
 * failed (an `error` the connection emits while checked out is absorbed here, not left unhandled).
 */
export async function withClient<T>(
  pool: PostgresPool,
  what: string,
  fn: (c: PostgresClient) => Promise<T>,
): Promise<T> {
  let client: PostgresClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw dbError(`connecting for ${what}`, e);
  }
  let broken = false;
  const onError = () => {
    broken = true;
  };
  client.on?.('error', onError);
  try {
    return await fn(client);
  } catch (e) {
    broken = true;
    throw e;
  } finally {
    client.removeListener?.('error', onError);
    client.release(broken);
  }
}

/** Runs one parameterised statement; a driver or connection failure becomes `IO`. */
export async function q(
  pool: Pick<PostgresPool, 'query'>,
  what: string,
  text: string,
  values: unknown[] = [],
  name?: string,
): Promise<PgRow[]> {
  try {
    // a `name` makes it a prepared statement of the connection (parsed and planned once)
    return (await (name ? pool.query({ name, text, values }) : pool.query(text, values))).rows;
  } catch (e) {
    throw dbError(what, e);
  }
}

/** A database error as a `BukejianError` (the SQLSTATE, never a value, in the message). */
export function dbError(what: string, e: unknown): BukejianError {
  if (e instanceof BukejianError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const state = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : '';
  return new BukejianError('IO', `${what} failed${state}`, { cause: e });
}

/** The pool argument, checked. */
export function apool(pool: unknown): PostgresPool {
  const p = pool as Partial<PostgresPool> | null;
  if (!p || typeof p !== 'object' || typeof p.query !== 'function')
    throw new BukejianError('INVALID_TYPE', '"pool" expected a pg.Pool, got other');
  return p as PostgresPool;
}
