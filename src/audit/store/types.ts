/**
 * The storage interface behind an audit log. A store keeps, per entry, the canonical entry bytes
 * (the payload, deletable under retention), its Merkle leaf hash (kept forever), a kind byte and
 * an 8-byte subject tag (for queries); plus the signed checkpoints and the retention tombstones.
 *
 * Implementations: {@link createMemoryStore} (tests, ephemeral logs), `openFileStore`
 * (`bukejian/audit`, Node only: durable, batched, crash-safe, one writer) and `openPostgresStore`
 * (`bukejian/postgres`: several writer processes). `append` must not resolve before the batch is
 * durable and must be atomic (after a crash either the whole batch is present or none of it).
 *
 * A store shared by several writers (the PostgreSQL one) resolves `append` with the index of the
 * batch's first entry, having loaded the entries other writers stored before it, and implements
 * `refresh` to load what they stored since; the log catches its tree and consent index up after
 * both. A single-writer store resolves `append` with nothing and has no `refresh`. A shared store
 * may refuse a batch whose consent grants reuse IDs another writer used (nothing stored; see
 * `_consent-conflict.ts`) and may serialize pruning across writers (`pruneLock`).
 *
 * A store may keep the Merkle tree itself (`tree`, the PostgreSQL one): the log then builds no
 * tree in memory and answers roots and proofs from the store (its asynchronous methods
 * `rootAt`, `proveInclusion`, `proveConsistency`); the per-entry columns are loaded only when a
 * full scan needs them (`loadColumns`: `eventsFor`, `prune`, `verify`), and the consent index is
 * built from `consentEntries`.
 * @module
 */
import type { ConsistencyProof, InclusionProof } from '../merkle.js';

/** The Merkle tree of a store that keeps it (see {@link AuditStore.tree}); sizes ≤ the store's size. */
export interface StoredTree {
  /** MTH of the first `size` entries. */
  root(size: number): Promise<Uint8Array>;
  /** Inclusion proof of entry `index` in the tree of `size` entries. */
  inclusionProof(index: number, size: number): Promise<InclusionProof>;
  /** Consistency proof between the trees of `oldSize` and `newSize` entries. */
  consistencyProof(oldSize: number, newSize: number): Promise<ConsistencyProof>;
  /** The leaf hash of entry `index`. */
  leafHash(index: number): Promise<Uint8Array>;
}

/** One entry as stored. */
export interface StoredEntry {
  /** Canonical entry bytes (see entries.ts). */
  payload: Uint8Array;
  /** RFC 9162 leaf hash of `payload` (32 bytes). */
  leafHash: Uint8Array;
  /** Entry kind code (see entries.ts `KIND_CODES`). */
  kind: number;
  /** First 8 bytes of the subject tag hash (see entries.ts `subjectTag`). */
  subjectTag: Uint8Array;
  /** End of retention in ms since the epoch (0: kept indefinitely). */
  retainUntil: number;
}

/** A retention deletion: which entries lost their payload, and the tombstone note describing it. */
export interface Tombstone {
  indexes: number[];
  /** Canonical tombstone bytes (date, rule) written by the log. */
  note: Uint8Array;
}

/** What the store did to recover at open. */
export interface RecoveryReport {
  /** Bytes of torn (never acknowledged) tails discarded, per file (kept aside as `<file>.<ms>.tail`). */
  truncated: Record<string, number>;
  /** Retention deletions that were interrupted and have been completed. */
  resumedPrunes: number;
}

/** Storage for one audit log. */
export interface AuditStore {
  /** Number of durable entries. */
  readonly size: number;
  /**
   * Optional: the Merkle tree as the store keeps it. Such a store's column accessors
   * (`leafHashes`, `kind`, `subjectTag`, `retainUntil`, `isPruned`) throw `BAD_STATE` until
   * `loadColumns()` ran.
   */
  readonly tree?: StoredTree;
  /** Optional (with `tree`): loads the per-entry columns, and keeps them loaded from then on. */
  loadColumns?(): Promise<void>;
  /**
   * Optional (with `tree`): the entries in `[from, to)` that are not access events (the kinds
   * the consent index is built from), with their payload (`null` when deleted) and leaf hash.
   */
  consentEntries?(
    from: number,
    to: number,
  ): Promise<{ index: number; payload: Uint8Array | null; leafHash: Uint8Array }[]>;
  /** All leaf hashes, concatenated (`size × 32` bytes; a view, do not modify). */
  leafHashes(): Uint8Array;
  /** The kind code of entry `index`. */
  kind(index: number): number;
  /** The 8-byte subject tag of entry `index` (a view). */
  subjectTag(index: number): Uint8Array;
  /** End of retention of entry `index` in ms since the epoch (0: indefinitely). */
  retainUntil(index: number): number;
  /** True when the payload of entry `index` was deleted under retention. */
  isPruned(index: number): boolean;
  /**
   * Appends a batch; resolves once it is durable. Batches are atomic. A shared store resolves
   * with the batch's first index (entries of other writers before it are loaded by then).
   */
  append(entries: StoredEntry[]): Promise<number | void>;
  /** Optional (shared stores): loads the entries, checkpoints and tombstones other writers stored. */
  refresh?(): Promise<void>;
  /**
   * Optional (shared stores): runs `fn` while holding this log's pruning lock, which one writer
   * of the log holds at a time (`prune()` runs under it, so that two instances pruning at once
   * do not both delete and log the same entries).
   */
  pruneLock?<T>(fn: () => Promise<T>): Promise<T>;
  /** The payload of entry `index`, or `null` when it was deleted under retention. */
  read(index: number): Promise<Uint8Array | null>;
  /** Deletes the payloads of `tombstone.indexes`, durably recording the tombstone first. */
  prune(tombstone: Tombstone): Promise<void>;
  /** All tombstones, in order. */
  tombstones(): Tombstone[];
  /** Durably appends a signed checkpoint note. */
  appendCheckpoint(note: Uint8Array): Promise<void>;
  /** All stored checkpoint notes, oldest first. */
  checkpoints(): Uint8Array[];
  /**
   * Optional: the saved tree-node cache (see `treeCache` of `openAuditLog`), or `null` when there
   * is none. Throws `INTEGRITY` when a cache exists but is damaged.
   */
  loadTreeCache?(): Uint8Array | null;
  /** Optional: durably replaces the tree-node cache. */
  saveTreeCache?(body: Uint8Array): Promise<void>;
  /** What recovery did at open (empty for a memory store). */
  readonly recovery: RecoveryReport;
  /** Releases files and locks. */
  close(): Promise<void>;
}
