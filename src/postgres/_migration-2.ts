/**
 * Schema version 2 of `bukejian/postgres` (applied by `migrate()` after version 1, in the same
 * transaction as the version row; never edited once released):
 *
 * - `bukejian_audit_consent_ids`: one row per consent ID used in a log, keyed by
 *   `(log, digest)` with `digest = sha256("bukejian/audit consent id\0" ‖ UTF-8 id)` (the ID is
 *   not kept in clear, as for a deleted grant's prune entry). The append statement inserts the
 *   IDs of the consent grants it stores, so that two instances appending grants with the same ID
 *   at once cannot both succeed: the second statement fails on the primary key and stores
 *   nothing. Filled here from the grants already stored (deleted grants' IDs are known from
 *   their prune entries' digests, which every instance refuses itself).
 * - `bukejian_audit_entries` loses its foreign key to the head row: every entry is inserted by
 *   the sequencing statement, which advances that head row in the same statement, so the key
 *   only cost a per-row lookup of the head row (about half the server time of an append).
 * @module
 */
export const MIGRATION_2 = `
CREATE TABLE bukejian_audit_consent_ids (
  log text NOT NULL REFERENCES bukejian_audit_logs (name),
  digest bytea NOT NULL CHECK (octet_length(digest) = 32),
  PRIMARY KEY (log, digest)
);
INSERT INTO bukejian_audit_consent_ids (log, digest)
SELECT DISTINCT log,
       sha256('\\x62756b656a69616e2f617564697420636f6e73656e7420696400'::bytea
              || convert_to(convert_from(payload, 'UTF8')::jsonb ->> 'id', 'UTF8'))
FROM bukejian_audit_entries
WHERE kind = 2 AND payload IS NOT NULL;
ALTER TABLE bukejian_audit_entries DROP CONSTRAINT bukejian_audit_entries_log_fkey;
`;
