/**
 * The database side of a PostgreSQL audit log's Merkle tree (schema version 3, `_tree.ts` for the
 * layout): fetching node hashes for a root or proof in one statement, storing the runs of nodes an
 * append completes, and building the nodes of a log written before version 3.
 * @module
 */
import { BukejianError } from '../errors.js';
import type { TreeHashName } from '../audit/merkle.js';
import { extendRange, type Node, type RangeUpdate } from './_tree.js';
import { q, type PostgresClient, type PostgresPool } from './_pool.js';

type Db = Pick<PostgresPool, 'query'> | PostgresClient;

/** The hashes of `nodes` of log `log`, keyed `level:idx` (one statement, O(log n) index probes). */
export async function fetchNodes(
  db: Db,
  log: string,
  nodes: readonly Node[],
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (!nodes.length) return out;
  const rows = await q(
    db,
    'reading the audit tree',
    `SELECT l.level, l.idx, CASE WHEN l.level = 0 THEN
         (SELECT e.leaf_hash FROM bukejian_audit_entries e WHERE e.log = $1 AND e.idx = l.idx)
       ELSE
         (SELECT substring(n.hashes FROM (l.idx - n.first)::int * 32 + 1 FOR 32)
          FROM bukejian_audit_nodes n
          WHERE n.log = $1 AND n.level = l.level AND n.first <= l.idx
          ORDER BY n.first DESC LIMIT 1) END AS h
     FROM unnest($2::int[], $3::bigint[]) AS l(level, idx)`,
    [log, nodes.map((n) => n.level), nodes.map((n) => String(n.idx))],
    'bukejian_audit_nodes_v3',
  );
  for (const r of rows) {
    const h = r.h;
    if (!(h instanceof Uint8Array) || h.length !== 32)
      throw new BukejianError('INTEGRITY', 'a tree node of the audit log is missing');
    out.set(`${r.level}:${r.idx}`, h);
  }
  return out;
}

// Node hashes per row of bukejian_audit_nodes (1 KiB: well under the 2 KiB TOAST threshold, so a
// lookup reads one heap tuple).
const ROW_NODES = 32;

/** Stores the runs of new nodes of an append, with the head's new tree state (head row locked). */
export async function storeTree(
  client: PostgresClient,
  log: string,
  size: number,
  u: RangeUpdate,
): Promise<void> {
  let total = 0;
  for (const r of u.runs) total += r.hashes.length;
  const all = new Uint8Array(total);
  const levels: number[] = [];
  const firsts: string[] = [];
  const starts: number[] = [];
  const lens: number[] = [];
  let off = 0;
  for (const r of u.runs) {
    all.set(r.hashes, off);
    // rows of at most ROW_NODES hashes, so that they stay inline in the heap page (no TOAST)
    for (let p = 0; p < r.hashes.length; p += ROW_NODES * 32) {
      levels.push(r.level);
      firsts.push(String(r.first + p / 32));
      starts.push(off + p + 1);
      lens.push(Math.min(ROW_NODES * 32, r.hashes.length - p));
    }
    off += r.hashes.length;
  }
  const rows = await q(
    client,
    'storing the audit tree',
    `WITH n AS (
       INSERT INTO bukejian_audit_nodes (log, level, first, hashes)
       SELECT $1, u.level, u.first, substring($2::bytea FROM u.start FOR u.len)
       FROM unnest($3::smallint[], $4::bigint[], $5::int[], $6::int[]) AS u(level, first, start, len)
     )
     UPDATE bukejian_audit_logs SET tree_size = $7, tree_range = $8, root = $9 WHERE name = $1
     RETURNING 1`,
    [log, all, levels, firsts, starts, lens, size, u.range, u.root],
  );
  if (!rows.length) throw new BukejianError('INTEGRITY', 'the audit log head row is gone');
}

// Leaf hashes read per query when building the nodes of an older log.
const BUILD_CHUNK = 65_536;

/**
 * Extends the stored tree of `log` from `from` entries (compact range `range`) to `to` entries,
 * reading their leaf hashes from the entries (head row locked by the caller's transaction).
 */
export async function buildTree(
  client: PostgresClient,
  log: string,
  hash: TreeHashName,
  from: number,
  to: number,
  range: Uint8Array,
): Promise<RangeUpdate> {
  let u: RangeUpdate = { range, root: new Uint8Array(0), runs: [] };
  for (let lo = from; lo < to; lo += BUILD_CHUNK) {
    const hi = Math.min(to, lo + BUILD_CHUNK);
    const rows = await q(
      client,
      'reading leaf hashes',
      `SELECT count(*)::int AS n, encode(string_agg(leaf_hash, ''::bytea ORDER BY idx), 'base64') AS h
       FROM bukejian_audit_entries WHERE log = $1 AND idx >= $2 AND idx < $3`,
      [log, lo, hi],
    );
    const leaves = Buffer.from(String(rows[0]!.h ?? ''), 'base64');
    if (rows[0]!.n !== hi - lo || leaves.length !== (hi - lo) * 32)
      throw new BukejianError('INTEGRITY', `audit entries ${lo}..${hi - 1} are not all stored`);
    u = extendRange(hash, lo, u.range, leaves);
    await storeTree(client, log, hi, u);
  }
  return u;
}
