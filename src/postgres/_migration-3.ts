/**
 * Schema version 3 of `bukejian/postgres` (applied by `migrate()` after version 2, in the same
 * transaction as the version row; never edited once released): the audit log's Merkle tree is
 * kept in the database, so that opening a log reads its head row and a root, inclusion or
 * consistency proof at any size reads O(log n) node hashes (see `_tree.ts`).
 *
 * - `bukejian_audit_logs` gains `tree_size` (the entries the stored tree covers), `tree_range`
 *   (the compact range of that size: the complete subtree hashes of its binary decomposition,
 *   lowest level first) and `root`. Each append extends them in its own transaction.
 * - `bukejian_audit_nodes`: complete subtree hashes of levels ≥ 1 (level 0 is the entry's leaf
 *   hash), one row per level and append: the run of nodes `first …` that the append completed,
 *   back to back. A node is found as the row of its level with the largest `first ≤ idx`.
 * - A partial index on the entries that are not access events (consent grants, revocations,
 *   legal bases, prunes), which an instance reads at open to build its consent index.
 *
 * SM3 is not available in SQL, so this migration computes no hash: a log written under version 2
 * keeps `tree_size = 0` and the first instance of this release that opens it builds its nodes from
 * the stored leaf hashes, once, under the log's head-row lock.
 * @module
 */
export const MIGRATION_3 = `
ALTER TABLE bukejian_audit_logs
  ADD COLUMN tree_size bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0),
  ADD COLUMN tree_range bytea NOT NULL DEFAULT ''::bytea,
  ADD COLUMN root bytea;
CREATE TABLE bukejian_audit_nodes (
  log text NOT NULL,
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 62),
  first bigint NOT NULL CHECK (first >= 0),
  hashes bytea NOT NULL CHECK (octet_length(hashes) > 0 AND octet_length(hashes) % 32 = 0),
  PRIMARY KEY (log, level, first)
);
ALTER TABLE bukejian_audit_nodes ALTER COLUMN hashes SET STORAGE EXTERNAL;
CREATE INDEX bukejian_audit_entries_not_access ON bukejian_audit_entries (log, idx)
  WHERE kind <> 1;
`;
