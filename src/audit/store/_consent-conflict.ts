/**
 * How a shared store says that consent grants of a batch reuse IDs another writer already used
 * (`bukejian/postgres` checks this in the database, across instances): it rejects the whole
 * batch, stored nothing, with {@link consentConflict}; the log rejects the grants named and
 * appends the rest of the batch again.
 * @module
 */
import { BukejianError } from '../../errors.js';

const USED = new WeakMap<BukejianError, ReadonlySet<string>>();

/** The error a store throws when consent IDs of a batch were already used (nothing stored). */
export function consentConflict(ids: readonly string[]): BukejianError {
  const e = new BukejianError(
    'INVALID_DATA',
    '"id" expected a consent ID not used before in this log, got one already used (by another writer)',
  );
  USED.set(e, new Set(ids));
  return e;
}

/** The consent IDs named by a {@link consentConflict} error, or `undefined` for any other error. */
export function conflictingConsentIds(e: unknown): ReadonlySet<string> | undefined {
  return e instanceof BukejianError ? USED.get(e) : undefined;
}
