/**
 * The checks every audit store runs on a batch given to `append` (file and PostgreSQL
 * stores): an array of well-formed {@link StoredEntry} values.
 * @module
 */
import { BukejianError } from '../../errors.js';
import { abytes, anumber } from '../../_assert.js';
import type { StoredEntry } from './types.js';

/**
 * Throws a typed error on a malformed batch; returns the total payload size in bytes.
 * @example const bytes = checkEntries(entries)
 */
export function checkEntries(entries: readonly StoredEntry[]): number {
  if (!Array.isArray(entries))
    throw new BukejianError('INVALID_TYPE', '"entries" expected Array, got other');
  let total = 0;
  for (let j = 0; j < entries.length; j++) {
    const e = entries[j]!;
    abytes(e.payload, `entries[${j}].payload`);
    abytes(e.leafHash, `entries[${j}].leafHash`, 32);
    abytes(e.subjectTag, `entries[${j}].subjectTag`, 8);
    anumber(e.kind, `entries[${j}].kind`, 0, 255);
    anumber(e.retainUntil, `entries[${j}].retainUntil`, 0, 2 ** 53 - 1);
    total += e.payload.length;
  }
  return total;
}
