/**
 * An {@link AuditStore} in PostgreSQL: one audit log (of several per database) shared by any
 * number of writer processes, its Merkle tree kept in the database (schema version 3, `_tree.ts`).
 *
 * Sequencing: an append is ONE transaction, committed before it is acknowledged (PostgreSQL's
 * default `synchronous_commit = on` makes that commit durable, WAL flushed):
 *
 * ```sql
 * WITH head AS (UPDATE bukejian_audit_logs SET size = size + n WHERE name = $1
 *               RETURNING size - n AS first, tree_range)
 * INSERT INTO bukejian_audit_entries ... (idx = head.first + 0 … n - 1)
 * -- the writer extends the compact range by the batch's leaf hashes, then:
 * INSERT INTO bukejian_audit_nodes ...; UPDATE bukejian_audit_logs SET tree_size, tree_range, root
 * ```
 *
 * The sequencing lock is the row lock the `UPDATE` takes on the log's head row (`FOR UPDATE`
 * semantics), held until the commit. We chose it over an advisory lock because the head counter
 * has to be read and advanced anyway, so the lock costs no extra round trip, it is tied to the
 * transaction (a crashed writer's lock is released with its rolled-back transaction; nothing to
 * leak on a pooled connection), works through transaction-mode poolers, needs no hash of the log
 * name into the advisory key space, and is visible in `pg_locks` like any row lock. Indexes are
 * therefore dense and unique (also enforced by the `(log, idx)` primary key); writers queue on the
 * lock and each batch of up to `maxBatch` entries (the audit log's group commit) costs one lock
 * hold. The tree nodes the batch completes are computed by the writer while it holds the lock
 * (SM3 is not available in SQL), so the stored tree always matches the stored entries.
 *
 * A failed append (connection lost, server down) rejects with `IO` and leaves nothing half
 * written: the transaction either committed as a whole or not at all. If the connection dropped
 * after the commit, the batch is in the log although its append was rejected; the next
 * {@link AuditStore.refresh} sees it like any other writer's entries.
 *
 * The first statement also inserts the digests of the batch's consent-grant IDs into
 * `bukejian_audit_consent_ids` (schema version 2): a grant whose ID another instance used fails
 * the transaction on that table's primary key, and the store throws `consentConflict` naming
 * the IDs, so that the log rejects those grants and appends the rest again. `pruneLock` serializes
 * `prune()` across instances with a session advisory lock.
 *
 * In memory the store keeps the head row (size, compact range, root), the checkpoint notes and
 * tombstones, and a cache of tree nodes; roots and proofs read O(log n) nodes in one query
 * (`tree`). The per-entry columns (leaf hashes, kinds, subject tags, retention; ~50 bytes per
 * entry) are loaded only by `loadColumns()` (full scans: `eventsFor`, `prune`, `verify`) and kept
 * up to date from then on; payloads are read on demand. `refresh()` loads what other writers
 * stored: one round trip reads the head row (a consistent snapshot: each counter moves in the
 * transaction that stores its rows), then only the new tombstones and checkpoints (and, when
 * loaded, columns) are fetched; a loaded checkpoint never covers more entries than the head.
 * @module
 */
import { BukejianError } from '../errors.js';
import { abytes, anumber, aoneOf, aoptions, astring } from '../_assert.js';
import type { AuditStore, StoredEntry, StoredTree, Tombstone } from '../audit/store/types.js';
import { treeHasher } from '../audit/merkle.js';
import { EntryColumns } from '../audit/store/_columns.js';
import { consentConflict } from '../audit/store/_consent-conflict.js';
import { checkEntries } from '../audit/store/_check-entries.js';
import { decodeEntry, KIND_CODES } from '../audit/entries.js';
import {
  apool,
  dbError,
  q,
  withClient,
  type PgRow,
  type PostgresClient,
  type PostgresPool,
} from './_pool.js';
import { checkSchema } from './migrate.js';
import {
  decompose,
  extendRange,
  finishPath,
  planConsistency,
  planInclusion,
  planNodes,
  rangeNodes,
  type PathPlan,
  type RangeUpdate,
} from './_tree.js';
import { buildTree, fetchNodes, storeTree } from './_audit-tree.js';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** The log's name in this database (several logs per database). */
  log: string;
  /** The log's origin (as given to `openAuditLog`); a stored log of another origin is `INTEGRITY`. */
  origin: string;
  /** Tree hash (default `'sm3'`); a stored log with another hash is `INTEGRITY`. */
  hash?: 'sm3' | 'sha256';
  /** Create the log's head row when missing (default false: `NOT_FOUND`). */
  create?: boolean;
}

const CONSENT_KIND = KIND_CODES.consent;
// The pruning lock of log $1 (two-key advisory lock: this module's prune namespace, the log).
const PRUNE_LOCK_SQL = (fn: 'pg_advisory_lock' | 'pg_advisory_unlock') =>
  `SELECT ${fn}(hashtext('bukejian.audit.prune'), hashtext($1))`;
// sha256("bukejian/audit consent id\0" ‖ UTF-8 id) in SQL, for a text column or parameter `x`
// (the same digest as _migration-2.ts).
const CONSENT_DIGEST_SQL = (x: string) =>
  `sha256('\\x62756b656a69616e2f617564697420636f6e73656e7420696400'::bytea || convert_to(${x}, 'UTF8'))`;
// The ID of a consent grant from its canonical bytes.
const consentIdOf = (payload: Uint8Array): string => {
  const e = decodeEntry(payload);
  if (e.type !== 'consent')
    throw new BukejianError(
      'INVALID_DATA',
      '"entries" expected kind 2 to be a consent grant, got other',
    );
  return e.id;
};
// A failed append that broke the consent-ID key (another writer used one of the batch's IDs).
const isConsentIdViolation = (e: unknown): boolean => {
  const c = (e as { cause?: { code?: unknown; constraint?: unknown } } | null)?.cause;
  return c?.code === '23505' && c.constraint === 'bukejian_audit_consent_ids_pkey';
};

// Entries loaded per query at open and refresh.
const LOAD_CHUNK = 65_536;
// Bytes per entry in the loaded index records.
const RECORD = 50;
// Tree node hashes kept in memory by a store (32 bytes each, plus the map's overhead), of
// levels ≥ CACHE_LEVEL.
const CACHE_NODES = 65_536;
const CACHE_LEVEL = 6;
// Payloads read per query when reading entries.
const READ_AHEAD = 256;

const u8 = (v: unknown): Uint8Array => {
  if (!(v instanceof Uint8Array))
    throw new BukejianError('INTEGRITY', 'the audit tables hold a value of the wrong type');
  return v;
};

// node-postgres runs on Node only, so Buffer is there.
const b64 = (v: unknown): Uint8Array => {
  if (typeof v !== 'string')
    throw new BukejianError('INTEGRITY', 'the audit tables hold a value of the wrong type');
  return Buffer.from(v, 'base64'); // ignores the line breaks encode() inserts
};

/**
 * Opens (with `create: true` creates) the audit log `log` in the database behind `pool` and loads
 * its index columns. Run {@link migrate} once before. The store never ends the pool.
 * @example
 * import pg from 'pg'
 * import { openAuditLog } from 'bukejian/audit'
 * import { migrate, openPostgresStore } from 'bukejian/postgres'
 * const pool = new pg.Pool({ host: '/var/run/postgresql', database: 'benefits' })
 * await migrate(pool)
 * const origin = 'civil-affairs.example/audit'
 * const store = await openPostgresStore(pool, { log: 'civil-affairs', origin, create: true })
 * const log = await openAuditLog({ store, origin, signer })
 */
export async function openPostgresStore(
  pool: PostgresPool,
  opts: PostgresStoreOptions,
): Promise<AuditStore> {
  const db = apool(pool);
  const o = aoptions(opts, 'opts', ['log', 'origin', 'hash', 'create']);
  const name = astring(o.log, 'log');
  const origin = astring(o.origin, 'origin');
  const hash = o.hash === undefined ? 'sm3' : aoneOf(o.hash, 'hash', ['sm3', 'sha256'] as const);
  await checkSchema(db);
  if (o.create === true) {
    await q(
      db,
      'creating the audit log',
      `INSERT INTO bukejian_audit_logs (name, origin, hash) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING`,
      [name, origin, hash],
    );
  }
  const ident = await q(
    db,
    'opening the audit log',
    'SELECT origin, hash FROM bukejian_audit_logs WHERE name = $1',
    [name],
  );
  if (!ident.length)
    throw new BukejianError('NOT_FOUND', '"log" expected an audit log in this database, got none');
  if (ident[0]!.origin !== origin || ident[0]!.hash !== hash)
    throw new BukejianError(
      'INTEGRITY',
      'the stored audit log belongs to another log (origin or hash differ)',
    );

  const cols = new EntryColumns();
  // Whether the columns are loaded (then kept up to `head.size`): see AuditStore.loadColumns.
  let columns = false;
  const tombs: Tombstone[] = [];
  const cps: Uint8Array[] = [];
  // The head row as last read or written: durable size, the stored tree's compact range and root.
  const head: { size: number; range: Uint8Array; root: Uint8Array } = {
    size: 0,
    range: new Uint8Array(0),
    root: treeHasher(hash).empty(),
  };
  let closed = false;
  // The payloads (and leaf hashes) read ahead (payloads dropped when a deletion is loaded).
  let ahead: {
    from: number;
    payloads: (Uint8Array | null)[];
    leaves: Uint8Array[];
  } | null = null;
  let lastRead = -2;
  // One database operation of this store at a time (the columns change in order).
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const open = () => {
    if (closed) throw new BukejianError('BAD_STATE', '"store" expected open, got closed');
  };
  const loaded = () => {
    if (!columns)
      throw new BukejianError(
        'BAD_STATE',
        '"store" expected its index columns loaded (await store.loadColumns()), got not loaded',
      );
    return cols;
  };

  async function loadTombstones(upTo = 2 ** 31 - 1): Promise<void> {
    const rows = await q(
      db,
      'loading tombstones',
      'SELECT seq, indexes, note FROM bukejian_audit_tombstones WHERE log = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq',
      [name, tombs.length, upTo],
    );
    if (rows.length) ahead = null;
    for (const r of rows) {
      if (Number(r.seq) !== tombs.length)
        throw new BukejianError('INTEGRITY', 'the tombstones of the audit log have a gap');
      const indexes = (r.indexes as unknown[]).map(Number);
      tombs.push({ indexes, note: u8(r.note).slice() });
      for (const i of indexes) cols.pruned.add(i);
    }
  }
  async function loadCheckpoints(upTo = 2 ** 31 - 1): Promise<void> {
    const rows = await q(
      db,
      'loading checkpoints',
      'SELECT seq, note FROM bukejian_audit_checkpoints WHERE log = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq',
      [name, cps.length, upTo],
    );
    for (const r of rows) {
      if (Number(r.seq) !== cps.length)
        throw new BukejianError('INTEGRITY', 'the checkpoints of the audit log have a gap');
      cps.push(u8(r.note).slice());
    }
  }
  // Loads the columns of entries [cols.count, end) (not their payloads).
  async function loadEntries(end: number): Promise<void> {
    while (cols.count < end) {
      const lo = cols.count;
      const hi = Math.min(end, lo + LOAD_CHUNK);
      // One aggregate of fixed-width records (leaf hash 32 ‖ subject tag 8 ‖ kind 2 ‖ end of
      // retention 8 bytes), sent as base64 text: one sort per chunk and about twice as fast to
      // receive and decode as bytea's hex text.
      const rows = await q(
        db,
        'loading audit entries',
        `SELECT count(*)::int AS n, min(idx) AS lo,
           encode(string_agg(leaf_hash || subject_tag || int2send(kind) || int8send(retain_until),
                             ''::bytea ORDER BY idx), 'base64') AS cols
         FROM bukejian_audit_entries WHERE log = $1 AND idx >= $2 AND idx < $3`,
        [name, lo, hi],
      );
      const r: PgRow = rows[0]!;
      const n = hi - lo;
      if (r.n !== n || Number(r.lo) !== lo)
        throw new BukejianError('INTEGRITY', `audit entries ${lo}..${hi - 1} are not all stored`);
      const rec = b64(r.cols);
      if (rec.length !== n * RECORD)
        throw new BukejianError('INTEGRITY', 'the audit index columns have the wrong length');
      cols.reserve(hi);
      const v = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      for (let j = 0, p = 0; j < n; j++, p += RECORD) {
        cols.hashes.set(rec.subarray(p, p + 32), (lo + j) * 32);
        cols.tags.set(rec.subarray(p + 32, p + 40), (lo + j) * 8);
        cols.kinds[lo + j] = v.getUint16(p + 40);
        cols.until[lo + j] = Number(v.getBigUint64(p + 42));
      }
      cols.count = hi;
    }
  }
  // Runs `fn` in a transaction on a connection of its own; any failure rolls back (or discards
  // the connection), so that nothing of it is stored.
  async function transaction<T>(what: string, fn: (c: PostgresClient) => Promise<T>): Promise<T> {
    return withClient(db, what, async (client) => {
      await q(client, what, 'BEGIN');
      try {
        const out = await fn(client);
        await q(client, `${what} (commit)`, 'COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined); // else the connection is discarded
        throw e;
      }
    });
  }
  // The head's tree covers fewer entries than the head (a log written before schema version 3):
  // builds the missing nodes under the head-row lock.
  async function buildMissingTree(): Promise<void> {
    await transaction('building the audit tree', async (c) => {
      const rows = await q(
        c,
        'building the audit tree',
        'SELECT size, tree_size, tree_range FROM bukejian_audit_logs WHERE name = $1 FOR UPDATE',
        [name],
      );
      if (!rows.length) throw new BukejianError('INTEGRITY', 'the audit log head row is gone');
      const r = rows[0]!;
      if (Number(r.tree_size) < Number(r.size))
        await buildTree(c, name, hash, Number(r.tree_size), Number(r.size), u8(r.tree_range));
    });
  }
  // What every other writer stored since the last load: one round trip to the head row, whose
  // counters are advanced in the same transactions that store entries, checkpoints and
  // tombstones (so they are one consistent snapshot), then only what is new.
  async function refresh(): Promise<void> {
    const read = () =>
      q(
        db,
        'reading the audit log head',
        'SELECT size, checkpoints, tombstones, tree_size, tree_range, root FROM bukejian_audit_logs WHERE name = $1',
        [name],
      );
    let rows = await read();
    if (!rows.length) throw new BukejianError('INTEGRITY', 'the audit log head row is gone');
    if (Number(rows[0]!.tree_size) !== Number(rows[0]!.size)) {
      await buildMissingTree();
      rows = await read();
    }
    const h = rows[0]!;
    const size = Number(h.size);
    if (Number(h.tree_size) !== size || size < head.size)
      throw new BukejianError('INTEGRITY', 'the audit log head does not match its tree');
    if (Number(h.tombstones) > tombs.length) await loadTombstones(Number(h.tombstones) - 1);
    if (Number(h.checkpoints) > cps.length) await loadCheckpoints(Number(h.checkpoints) - 1);
    if (columns) await loadEntries(size);
    if (tombs.length < Number(h.tombstones) || cps.length < Number(h.checkpoints))
      throw new BukejianError('INTEGRITY', 'the audit log head counts rows that are not stored');
    setHead(size, u8(h.tree_range), size === 0 ? treeHasher(hash).empty() : u8(h.root));
  }
  function setHead(size: number, range: Uint8Array, root: Uint8Array): void {
    if (range.length !== rangeNodes(size).length * 32 || root.length !== 32)
      throw new BukejianError('INTEGRITY', 'the audit log head has a damaged range');
    head.size = size;
    head.range = range;
    head.root = root;
  }

  await refresh();
  // Nothing may be stored past the head (a row inserted outside the sequencing statement).
  const extra = await q(
    db,
    'checking the audit log',
    'SELECT 1 FROM bukejian_audit_entries WHERE log = $1 AND idx >= $2 LIMIT 1',
    [name, head.size],
  );
  if (extra.length)
    throw new BukejianError('INTEGRITY', 'the audit log stores entries past its head');

  const asize = (n: number, what: string, min = 0) => anumber(n, what, min, head.size);
  // Root or proof of the stored tree: the nodes a plan names, fetched in one statement.
  // Node hashes never change once stored: the ones fetched are kept (up to CACHE_NODES), so that
  // the upper levels most proofs share are read once.
  const cache = new Map<string, Uint8Array>();
  const fetchPlan = async (plan: PathPlan) => {
    const need = planNodes(plan).filter((n) => !cache.has(`${n.level}:${n.idx}`));
    if (!need.length) return finishPath(hash, plan, cache);
    const got = await serial(() => fetchNodes(db, name, need));
    // only subtrees of 64 leaves or more: random proofs keep finding them (1M entries have
    // ~31,000), while caching the lowest levels would only churn the cache
    for (const n of need)
      if (n.level >= CACHE_LEVEL) {
        if (cache.size >= CACHE_NODES) cache.clear();
        const k = `${n.level}:${n.idx}`;
        cache.set(k, got.get(k)!);
      }
    return finishPath(hash, plan, { get: (k) => got.get(k) ?? cache.get(k) });
  };
  const tree: StoredTree = Object.freeze({
    async root(size: number) {
      open();
      asize(size, 'size');
      if (size === head.size) return head.root.slice();
      if (size === 0) return treeHasher(hash).empty();
      return (await fetchPlan([decompose(0, size)]))[0]!;
    },
    async inclusionProof(index: number, size: number) {
      open();
      asize(size, 'size', 1);
      anumber(index, 'index', 0, size - 1);
      return { index, size, path: await fetchPlan(planInclusion(index, size)) };
    },
    async consistencyProof(oldSize: number, newSize: number) {
      open();
      asize(newSize, 'newSize');
      anumber(oldSize, 'oldSize', 0, newSize);
      return { oldSize, newSize, path: await fetchPlan(planConsistency(oldSize, newSize)) };
    },
    async leafHash(index: number) {
      open();
      asize(index, 'index');
      if (index >= head.size) anumber(index, 'index', 0, head.size - 1);
      if (columns && index < cols.count) return cols.hashes.slice(index * 32, index * 32 + 32);
      if (ahead && index >= ahead.from && index < ahead.from + ahead.leaves.length)
        return ahead.leaves[index - ahead.from]!.slice();
      const nodes = await serial(() => fetchNodes(db, name, [{ level: 0, idx: index }]));
      return nodes.get(`0:${index}`)!.slice();
    },
  });

  const store: AuditStore = {
    get size() {
      return head.size;
    },
    tree,
    leafHashes: () => loaded().leafHashes(),
    kind: (i) => loaded().kind(i),
    subjectTag: (i) => loaded().subjectTag(i),
    retainUntil: (i) => loaded().retainUntil(i),
    isPruned: (i) => loaded().isPruned(i),
    loadColumns() {
      open();
      return serial(async () => {
        await loadEntries(head.size);
        columns = true;
      });
    },
    consentEntries(from: number, to: number) {
      open();
      anumber(to, 'to', 0, head.size);
      anumber(from, 'from', 0, to);
      return serial(async () => {
        const rows = await q(
          db,
          'reading consent entries',
          `SELECT idx, payload, leaf_hash FROM bukejian_audit_entries
           WHERE log = $1 AND kind <> 1 AND idx >= $2 AND idx < $3 ORDER BY idx`,
          [name, from, to],
        );
        // deleted by another instance since the last refresh: its tombstone is stored by now
        if (rows.some((r) => r.payload === null && !cols.pruned.has(Number(r.idx))))
          await loadTombstones();
        return rows.map((r) => {
          const index = Number(r.idx);
          const payload = r.payload === null ? null : u8(r.payload);
          if (payload === null && !cols.pruned.has(index))
            throw new BukejianError('INTEGRITY', `entry ${index} has no payload and no tombstone`);
          if (payload !== null && cols.pruned.has(index))
            throw new BukejianError('INTEGRITY', `deleted payload of entry ${index} is not erased`);
          return { index, payload, leafHash: u8(r.leaf_hash) };
        });
      });
    },
    append(entries: StoredEntry[]) {
      open();
      const total = checkEntries(entries);
      const n = entries.length;
      // The IDs of the consent grants in the batch (kind 2): the database refuses the batch when
      // another writer used one (see _migration-2.ts).
      const consentIds: string[] = [];
      for (const e of entries) if (e.kind === CONSENT_KIND) consentIds.push(consentIdOf(e.payload));
      return serial(async () => {
        if (n === 0) return head.size;
        const hashes = new Uint8Array(n * 32);
        const tags = new Uint8Array(n * 8);
        const payloads = new Uint8Array(total);
        const kinds: number[] = new Array(n);
        const until: string[] = new Array(n);
        const starts: number[] = new Array(n);
        const lens: number[] = new Array(n);
        let off = 0;
        for (let j = 0; j < n; j++) {
          const e = entries[j]!;
          hashes.set(e.leafHash, j * 32);
          tags.set(e.subjectTag, j * 8);
          payloads.set(e.payload, off);
          kinds[j] = e.kind;
          until[j] = String(e.retainUntil);
          starts[j] = off + 1;
          lens[j] = e.payload.length;
          off += e.payload.length;
        }
        let done: { first: number; u: RangeUpdate };
        try {
          done = await transaction(
            'audit append (the batch is either wholly committed or absent)',
            async (c) => {
              const rows = await q(
                c,
                'audit append (the batch is either wholly committed or absent)',
                `WITH head AS (
               UPDATE bukejian_audit_logs SET size = size + $2 WHERE name = $1
               RETURNING size - $2 AS first, tree_size, tree_range
             ), ids AS (
               INSERT INTO bukejian_audit_consent_ids (log, digest)
               SELECT $1, ${CONSENT_DIGEST_SQL('x')} FROM head, unnest($10::text[]) AS x
             ), ins AS (
               INSERT INTO bukejian_audit_entries
                 (log, idx, leaf_hash, kind, subject_tag, retain_until, payload)
               SELECT $1, head.first + u.ord - 1,
                      substring($3::bytea FROM (u.ord - 1)::int * 32 + 1 FOR 32), u.kind,
                      substring($4::bytea FROM (u.ord - 1)::int * 8 + 1 FOR 8), u.until,
                      substring($5::bytea FROM u.start FOR u.len)
               FROM head, unnest($6::smallint[], $7::bigint[], $8::int[], $9::int[])
                    WITH ORDINALITY AS u(kind, until, start, len, ord)
               RETURNING 1
             )
             SELECT head.first, head.tree_size, head.tree_range, (SELECT count(*) FROM ins)::int AS n
             FROM head`,
                [name, n, hashes, tags, payloads, kinds, until, starts, lens, consentIds],
              );
              if (!rows.length)
                throw new BukejianError('INTEGRITY', 'the audit log head row is gone');
              const r = rows[0]!;
              const first = Number(r.first);
              if (r.n !== n)
                throw new BukejianError('INTEGRITY', 'the audit append stored a partial batch');
              // The head row is ours until the commit: extend its tree by the batch (after the
              // entries of a log written before schema version 3, once).
              let range = u8(r.tree_range);
              if (Number(r.tree_size) !== first)
                range = (await buildTree(c, name, hash, Number(r.tree_size), first, range)).range;
              const u = extendRange(hash, first, range, hashes);
              await storeTree(c, name, first + n, u);
              return { first, u };
            },
          );
        } catch (e) {
          if (!consentIds.length || !isConsentIdViolation(e)) throw e;
          // Nothing was stored: name the IDs another writer used (the log appends the rest).
          const used = await q(
            db,
            'checking consent IDs',
            `SELECT x FROM unnest($2::text[]) AS x WHERE EXISTS (
               SELECT 1 FROM bukejian_audit_consent_ids
               WHERE log = $1 AND digest = ${CONSENT_DIGEST_SQL('x')})`,
            [name, consentIds],
          );
          throw consentConflict(used.map((r) => String(r.x)));
        }
        const { first, u } = done;
        // Committed. With the columns loaded, load what other writers put before our batch.
        if (columns) {
          await loadEntries(first);
          cols.push(entries);
        }
        setHead(first + n, u.range, u.root);
        return first;
      });
    },
    read(i) {
      open();
      anumber(i, 'index', 0, head.size - 1);
      return serial(async () => {
        // Read ahead for scans in index order (verify, eventsFor, consent rebuilds); any other
        // read goes to the database, so that it sees other instances' deletions.
        const sequential = i === lastRead + 1;
        lastRead = i;
        if (!ahead || !sequential || i < ahead.from || i >= ahead.from + ahead.payloads.length) {
          const end = Math.min(head.size, i + (sequential ? READ_AHEAD : 1));
          const rows = await q(
            db,
            'reading audit entries',
            'SELECT idx, payload, leaf_hash FROM bukejian_audit_entries WHERE log = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
            [name, i, end],
          );
          if (rows.length !== end - i || rows.some((r, j) => Number(r.idx) !== i + j))
            throw new BukejianError(
              'INTEGRITY',
              `audit entries ${i}..${end - 1} are not all stored`,
            );
          ahead = {
            from: i,
            payloads: rows.map((r) => (r.payload === null ? null : u8(r.payload))),
            leaves: rows.map((r) => u8(r.leaf_hash)),
          };
        }
        const payload = ahead.payloads[i - ahead.from]!;
        if (payload === null) {
          if (!cols.pruned.has(i)) await loadTombstones(); // deleted by another instance
          if (!cols.pruned.has(i))
            throw new BukejianError('INTEGRITY', `entry ${i} has no payload and no tombstone`);
          return null;
        }
        if (cols.pruned.has(i))
          throw new BukejianError('INTEGRITY', `deleted payload of entry ${i} is not erased`);
        return new Uint8Array(payload);
      });
    },
    prune(t: Tombstone) {
      open();
      const idx = [...new Set(t.indexes)].sort((a, b) => a - b);
      for (const i of idx) anumber(i, 'index', 0, head.size - 1);
      abytes(t.note, 'note');
      return serial(async () => {
        // The tombstone and the deletion in one statement: both or neither.
        const rows = await q(
          db,
          'audit prune',
          `WITH head AS (
             UPDATE bukejian_audit_logs SET tombstones = tombstones + 1 WHERE name = $1
             RETURNING tombstones - 1 AS seq
           ), t AS (
             INSERT INTO bukejian_audit_tombstones (log, seq, indexes, note)
             SELECT $1, head.seq, $2::bigint[], $3 FROM head
           ), d AS (
             UPDATE bukejian_audit_entries SET payload = NULL
             WHERE log = $1 AND idx = ANY($2::bigint[]) AND EXISTS (SELECT 1 FROM head)
           )
           SELECT seq FROM head`,
          [name, idx.map(String), t.note],
        );
        if (!rows.length) throw new BukejianError('INTEGRITY', 'the audit log head row is gone');
        await loadTombstones(); // ours and any other instance's before it
      });
    },
    tombstones: () => tombs.map((t) => ({ indexes: [...t.indexes], note: t.note.slice() })),
    appendCheckpoint(note: Uint8Array) {
      open();
      abytes(note, 'note');
      return serial(async () => {
        const rows = await q(
          db,
          'storing a checkpoint',
          `WITH head AS (
             UPDATE bukejian_audit_logs SET checkpoints = checkpoints + 1 WHERE name = $1
             RETURNING checkpoints - 1 AS seq
           ), c AS (
             INSERT INTO bukejian_audit_checkpoints (log, seq, note) SELECT $1, head.seq, $2 FROM head
           )
           SELECT seq FROM head`,
          [name, note],
        );
        if (!rows.length) throw new BukejianError('INTEGRITY', 'the audit log head row is gone');
        await loadCheckpoints(Number(rows[0]!.seq));
      });
    },
    checkpoints: () => cps.map((c) => c.slice()),
    refresh() {
      open();
      return serial(refresh);
    },
    async pruneLock<T>(fn: () => Promise<T>): Promise<T> {
      open();
      // A session advisory lock on a connection of its own, held while `fn` runs (released by
      // the unlock, or by the server when this process or its connection dies).
      let client: PostgresClient;
      try {
        client = await db.connect();
      } catch (e) {
        throw dbError('connecting for the pruning lock', e);
      }
      let broken = false;
      try {
        await q(client, 'taking the pruning lock', PRUNE_LOCK_SQL('pg_advisory_lock'), [name]);
        try {
          return await fn();
        } finally {
          try {
            await client.query(PRUNE_LOCK_SQL('pg_advisory_unlock'), [name]);
          } catch {
            broken = true; // the lock goes with the discarded connection
          }
        }
      } catch (e) {
        broken = true;
        throw e;
      } finally {
        client.release(broken);
      }
    },
    recovery: Object.freeze({ truncated: {}, resumedPrunes: 0 }),
    async close() {
      if (closed) return;
      closed = true;
      await chain;
    },
  };
  return Object.freeze(store);
}
