/**
 * The audit log: entries appended in durable batches to a store, an RFC 9162 Merkle tree over
 * their canonical bytes, SM2-signed checkpoints, consent checks, retention and subject queries.
 *
 * Appends issued while a batch is being made durable are grouped into the next batch (group
 * commit, at most `maxBatch` entries); each append resolves with its index only after its batch
 * is durable. At open the tree is rebuilt from the stored leaf hashes and checked against the
 * latest stored checkpoint (`INTEGRITY` if the tree lost checkpointed entries or differs).
 * @module
 */
import { BukejianError } from '../errors.js';
import { anchorProblem, resolveAnchor, type AuditAnchor, type ResolvedAnchor } from './_anchor.js';
export type { AuditAnchor } from './_anchor.js';
import { bytesToHex, equalBytes } from '../utils.js';
import { anumber, aoptions, astring } from '../_assert.js';
import { verifyCheckpoint } from './client.js';
import {
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type CheckpointSigner,
  type CheckpointVerifier,
} from './checkpoint.js';
import { createConsentIndex, type AccessDecision, type AccessQuery } from './consent.js';
import {
  decodeEntry,
  encodeNormalized,
  entryLeafHash,
  entrySubject,
  indexesDigest,
  KIND_CODES,
  leafAndTag,
  normalizeEntry,
  subjectTag,
  timeMs,
  type Entry,
  type PruneEntry,
} from './entries.js';
import {
  createMerkleTree,
  restoreMerkleTree,
  treeHasher,
  type ConsistencyProof,
  type InclusionProof,
  type MerkleTree,
  type TreeHashName,
} from './merkle.js';
import type { LogInternals, ReadResult } from './_log-internals.js';
export type { ReadResult } from './_log-internals.js';
import type { SubjectEvents } from './client.js';
import { eventsFor } from './query.js';
import { pruneExpired, type PruneResult } from './retention.js';
import type { AuditStore, StoredEntry } from './store/types.js';
import { conflictingConsentIds } from './store/_consent-conflict.js';

/** Options of {@link openAuditLog}. */
export interface AuditLogOptions {
  store: AuditStore;
  /** The log identity written into every checkpoint (e.g. `"agency.example/audit"`). */
  origin: string;
  /** Tree hash (default `'sm3'`); fixed for the life of a log. */
  hash?: TreeHashName;
  /** Signs checkpoints (SM2: `sm2CheckpointSigner`). Without it `checkpoint()` throws. */
  signer?: CheckpointSigner;
  /** Verifies stored checkpoints at open and in `verify()` (default: none, roots still checked). */
  verifier?: CheckpointVerifier;
  /** Largest batch made durable at once (default 1000). */
  maxBatch?: number;
  /**
   * Keep a cache of the tree's interior nodes in the store (saved at `close()`) and open from it
   * (default false). Opening then costs I/O instead of rehashing every node, but open no longer
   * recomputes the tree from the leaf hashes: it checks the cached tree against the latest signed
   * checkpoint, and `verify()` does the full recomputation.
   */
  treeCache?: boolean;
  /**
   * What you saw of this log before, kept outside its store (by you or a witness): a signed
   * checkpoint note of this log (e.g. the text `checkpoint()` returned last; needs `verifier`) or
   * a minimum size `{ size }`. Open throws `INTEGRITY` when the store holds fewer entries, or, for
   * a note, when the store's first `size` entries do not have the note's root (rolled back and
   * re-grown). Without an anchor a store truncated at frame boundaries opens cleanly: every stored
   * checksum and checkpoint still holds. `verify()` checks the anchor again on the recomputed tree.
   */
  anchor?: AuditAnchor;
}

/** Result of {@link AuditLog.verify}. */
export interface VerifyReport {
  ok: boolean;
  /** Entries checked against their leaf hashes (pruned ones excluded). */
  checked: number;
  problems: string[];
}

type Pending = {
  entry: Entry;
  stored: StoredEntry;
  resolve: (i: number) => void;
  reject: (e: unknown) => void;
};

/** The consent ID an entry names (a grant's own ID, the grant a revocation revokes), if any. */
function namedConsentId(e: Entry): string | undefined {
  return e.type === 'consent' ? e.id : e.type === 'revocation' ? e.consent : undefined;
}

// Entry kinds the consent index is built from.
const CONSENT_KINDS = new Set([
  KIND_CODES.consent,
  KIND_CODES.revocation,
  KIND_CODES['legal-basis'],
  KIND_CODES.prune,
]);

// Each log's narrow internal interface, for openAuditLog (module-private: not on the public type).
const INNER = new WeakMap<AuditLog, LogInternals>();

/**
 * An open audit log. Create with {@link openAuditLog}.
 * @example
 * import { createMemoryStore, openAuditLog, sm2CheckpointSigner } from 'bukejian/audit'
 * import { sm2 } from 'bukejian/sm2'
 * const signer = sm2CheckpointSigner(sm2.keygen().secretKey, { name: 'audit-key' })
 * const log = await openAuditLog({ store: createMemoryStore(), origin: 'agency.example/audit', signer })
 * const i = await log.append({ type: 'legal-basis', id: 'lb-1', subject: 'p:1', purpose: 'benefits',
 *   fields: ['income'], law: 'Social Assistance Measures art. 12', from: Date.now() })
 * const note = await log.checkpoint()
 * await log.close()
 */
export class AuditLog {
  readonly origin: string;
  readonly hash: TreeHashName;
  readonly #store: AuditStore;
  // The tree in memory, or null when the store keeps it (AuditStore.tree).
  readonly #tree: MerkleTree | null;
  // With a store that keeps the tree: the entries the consent index has caught up with.
  #known = 0;
  readonly #signer?: CheckpointSigner;
  readonly #verifier?: CheckpointVerifier;
  readonly #maxBatch: number;
  #consent = createConsentIndex();
  // consent IDs named by queued entries not yet in the index (count per ID)
  readonly #pendingIds = new Map<string, number>();
  #queue: Pending[] = [];
  #flushing = false;
  #lock: Promise<unknown> = Promise.resolve();
  #closed = false;
  #cache: { enabled: boolean; savedSize: number };
  readonly #anchor: ResolvedAnchor | null;

  /** @internal use {@link openAuditLog} */
  constructor(
    o: Required<Pick<AuditLogOptions, 'store' | 'origin' | 'hash' | 'maxBatch'>> &
      Omit<AuditLogOptions, 'anchor'>,
    tree: MerkleTree | null,
    anchor: ResolvedAnchor | null,
    cachedSize: number,
  ) {
    this.#store = o.store;
    this.origin = o.origin;
    this.hash = o.hash;
    this.#tree = tree;
    this.#signer = o.signer;
    this.#verifier = o.verifier;
    this.#maxBatch = o.maxBatch;
    this.#cache = { enabled: o.treeCache === true, savedSize: cachedSize };
    this.#anchor = anchor;
    this.#inner = {
      store: this.#store,
      hash: this.hash,
      flush: () => this.flush(),
      read: (i) => this.read(i),
      leafHash: (i) => this.#leafOf(i),
      proveInclusion: (i, n) => this.proveInclusion(i, n),
      proveConsistency: (a, b) => this.proveConsistency(a, b),
      latestCheckpoint: () => this.latestCheckpoint(),
      appendNormalized: (e) => this.#appendNormalized(e),
      exclusive: (fn) => this.#exclusive(fn),
      consentGrant: (id) => this.#consent.consent(id),
      rebuildConsent: () => this.#rebuildConsent(),
    };
    INNER.set(this, this.#inner);
  }

  // What retention and queries may do (see _log-internals.ts).
  readonly #inner: LogInternals;

  /** Number of durable entries. */
  get size(): number {
    return this.#tree ? this.#tree.size : this.#known;
  }

  // The in-memory tree of the synchronous methods.
  #memTree(): MerkleTree {
    if (!this.#tree)
      throw new BukejianError(
        'BAD_STATE',
        '"log" expected its tree in memory, got a store that keeps it (use rootAt, proveInclusion, proveConsistency)',
      );
    return this.#tree;
  }

  // The leaf hash of entry `index` from memory: the tree, or the store's loaded columns.
  #leafOf(index: number): Uint8Array {
    if (this.#tree) return this.#tree.leafHash(index);
    anumber(index, 'index', 0, this.size - 1);
    return this.#store.leafHashes().slice(index * 32, index * 32 + 32);
  }

  // The leaf hash of entry `index`, from memory or from the store that keeps the tree.
  #leafAt(index: number): Promise<Uint8Array> | Uint8Array {
    return this.#tree ? this.#tree.leafHash(index) : this.#store.tree!.leafHash(index);
  }

  // MTH of the first `size` entries (size ≤ this.size).
  #rootOf(size: number): Promise<Uint8Array> | Uint8Array {
    return this.#tree ? this.#tree.root(size) : this.#store.tree!.root(size);
  }

  // Rebuilds the consent index from the stored entries (consent, revocation, legal-basis and
  // prune kinds), at open and after a prune, so that the live index is always the one a reopen
  // would build.
  #rebuildConsent(): Promise<void> {
    return this.#exclusive(() => this.#buildConsent());
  }

  async #buildConsent(): Promise<void> {
    const ix = createConsentIndex();
    if (!this.#tree) {
      const to = this.#store.size;
      for (const r of await this.#store.consentEntries!(0, to))
        if (r.payload) ix.add(this.#checked(r.index, r.payload, r.leafHash));
      this.#consent = ix;
      this.#seenTombstones = this.#store.tombstones().length;
      this.#known = to;
      return;
    }
    for (let i = 0; i < this.#store.size; i++) {
      if (!CONSENT_KINDS.has(this.#store.kind(i))) continue;
      const r = await this.read(i);
      if ('entry' in r) ix.add(r.entry);
    }
    this.#consent = ix;
    this.#seenTombstones = this.#store.tombstones().length;
  }

  // Tombstones the consent index was built with (a shared store may gain others' prunes).
  #seenTombstones = 0;

  // Brings the tree and the consent index up to the store's size (exclusive use held). With a
  // shared store (see AuditStore.refresh) the new entries may be other writers'; `mine` are the
  // entries of the batch just appended, stored from index `first`.
  async #catchUp(mine: Pending[] = [], first = this.size): Promise<void> {
    if (!this.#tree) return this.#catchUpShared(mine, first);
    const from = this.#tree.size;
    const to = this.#store.size;
    if (to > from)
      this.#tree.appendLeafHashes(this.#store.leafHashes().subarray(from * 32, to * 32));
    if (this.#store.tombstones().length !== this.#seenTombstones) {
      await this.#buildConsent(); // another writer deleted entries: what a reopen would build
      return;
    }
    for (let i = from; i < to; i++) {
      if (i >= first && i < first + mine.length) this.#consent.add(mine[i - first]!.entry);
      else if (CONSENT_KINDS.has(this.#store.kind(i))) {
        const r = await this.read(i);
        if ('entry' in r) this.#consent.add(r.entry);
      }
    }
  }

  // #catchUp with a store that keeps the tree: only the consent index follows the store, from
  // the entries other writers stored that are not access events.
  async #catchUpShared(mine: Pending[], first: number): Promise<void> {
    const from = this.#known;
    const to = this.#store.size;
    if (this.#store.tombstones().length !== this.#seenTombstones) return this.#buildConsent();
    const others = (a: number, b: number) =>
      b > a ? this.#store.consentEntries!(a, b) : Promise.resolve([]);
    const before = await others(from, Math.min(first, to));
    const after = await others(Math.max(from, first + mine.length), to);
    for (const r of before)
      if (r.payload) this.#consent.add(this.#checked(r.index, r.payload, r.leafHash));
    for (const p of mine) this.#consent.add(p.entry);
    for (const r of after)
      if (r.payload) this.#consent.add(this.#checked(r.index, r.payload, r.leafHash));
    this.#known = to;
  }

  // Runs `fn` with exclusive use of the store's write side.
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  #open(): void {
    if (this.#closed) throw new BukejianError('BAD_STATE', '"log" expected open, got closed');
  }

  /**
   * Appends one entry; resolves with its index once its batch is durable.
   * @example const i = await log.append({ type: 'access', actor, subject, purpose, fields, basis, time: Date.now() })
   */
  append(entry: Entry | Record<string, unknown>): Promise<number> {
    this.#open();
    const e = normalizeEntry(entry);
    if (e.type === 'prune')
      throw new BukejianError(
        'INVALID_DATA',
        '"entry" expected access|consent|revocation|legal-basis, got prune (use prune())',
      );
    // Consent IDs are never reused (also after the earlier grant was deleted under retention):
    // a second grant with a used ID would be ignored now and take effect once the first is pruned.
    if (e.type === 'consent' && (this.#consent.idUsed(e.id) || this.#pendingIds.has(e.id))) {
      throw new BukejianError(
        'INVALID_DATA',
        '"id" expected a consent ID not used before in this log, got one already used',
      );
    }
    return this.#appendNormalized(e);
  }

  #appendNormalized(e: Entry): Promise<number> {
    // Hash now, so that this CPU work overlaps the fsync of the batch in flight.
    const bytes = encodeNormalized(e);
    const h = leafAndTag(bytes, entrySubject(e), this.hash);
    const stored: StoredEntry = {
      payload: bytes,
      leafHash: h.leafHash,
      kind: KIND_CODES[e.type],
      subjectTag: h.subjectTag,
      retainUntil: e.retention ? timeMs(e.retention.until) : 0,
    };
    const id = namedConsentId(e);
    if (id !== undefined) this.#pendingIds.set(id, (this.#pendingIds.get(id) ?? 0) + 1);
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ entry: e, stored, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // Start after the current synchronous run so that appends issued together share a batch.
        void Promise.resolve().then(() => this.#flush());
      }
    });
  }

  /**
   * Appends many entries (one or more durable batches); resolves with their indexes.
   * @example const idx = await log.appendMany(events)
   */
  appendMany(entries: Iterable<Entry | Record<string, unknown>>): Promise<number[]> {
    const ps: Promise<number>[] = [];
    for (const e of entries) ps.push(this.append(e));
    return Promise.all(ps);
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        let settled = batch;
        try {
          await this.#exclusive(async () => {
            const stored = batch.map((p) => p.stored);
            const at = await this.#store.append(stored);
            const first = typeof at === 'number' ? at : this.#store.size - batch.length;
            if (!this.#tree && first < this.#known)
              throw new BukejianError('INTEGRITY', 'the store appended below its known size');
            await this.#catchUp(batch, first);
            for (let j = 0; j < batch.length; j++) batch[j]!.resolve(first + j);
          });
        } catch (err) {
          const used = conflictingConsentIds(err);
          const reused = used
            ? batch.filter((p) => p.entry.type === 'consent' && used.has(p.entry.id))
            : [];
          if (reused.length) {
            // A shared store refused the batch (nothing stored): grants whose ID another writer
            // used meanwhile fail, the rest of the batch goes back to the head of the queue.
            settled = reused;
            this.#queue.unshift(...batch.filter((p) => !reused.includes(p)));
          }
          for (const p of settled) p.reject(err);
        } finally {
          for (const p of settled) {
            const id = namedConsentId(p.entry);
            if (id === undefined) continue;
            const n = this.#pendingIds.get(id)! - 1;
            if (n === 0) this.#pendingIds.delete(id);
            else this.#pendingIds.set(id, n);
          }
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * Waits until every append issued so far has been made durable (or failed). With a store
   * shared by several writers (`bukejian/postgres`), also loads what the others stored, so that
   * the proofs, roots and checkpoints that follow cover their entries too; `checkpoint()`,
   * `eventsFor()`, `prune()` and `verify()` do this themselves.
   * @example await log.flush(); const proof = log.inclusionProof(i)
   */
  async flush(): Promise<void> {
    while (this.#flushing || this.#queue.length) await this.#exclusive(async () => undefined);
    const store = this.#store;
    if (store.refresh)
      await this.#exclusive(async () => {
        await store.refresh!();
        await this.#catchUp();
      });
  }

  /**
   * Reads entry `index`: the entry, or when deleted under retention, when and under which rule.
   * @example const r = await log.read(7); if ('deleted' in r) console.log(r.deleted.rule)
   */
  async read(index: number): Promise<ReadResult> {
    this.#open();
    anumber(index, 'index', 0, this.size - 1);
    const bytes = await this.#store.read(index);
    if (bytes === null) {
      const note = this.#tombstoneOf(index);
      if (!note)
        throw new BukejianError('INTEGRITY', `entry ${index} has no payload and no tombstone`);
      return { index, deleted: { time: note.time, rule: note.rule } };
    }
    return { index, entry: this.#checked(index, bytes, await this.#leafAt(index)) };
  }

  // The entry stored at `index`, decoded and checked against its leaf (which commits to the
  // subject too, so the entry is decoded first). Any mismatch is INTEGRITY; an entry written in
  // entry/leaf format 1 (before leaves committed to the subject) is VERSION.
  #checked(index: number, bytes: Uint8Array, leaf: Uint8Array): Entry {
    let e: Entry | null = null;
    try {
      e = decodeEntry(bytes);
    } catch (err) {
      if (
        err instanceof BukejianError &&
        err.code === 'VERSION' &&
        equalBytes(treeHasher(this.hash).leaf(bytes), leaf)
      ) {
        throw new BukejianError(
          'VERSION',
          `entry ${index} is in entry and leaf format 1; this version reads format 2 only`,
        );
      }
    }
    if (!e || !equalBytes(entryLeafHash(bytes, entrySubject(e), this.hash), leaf)) {
      throw new BukejianError('INTEGRITY', `entry ${index} does not match its leaf hash`);
    }
    return e;
  }

  // index → its tombstone's prune entry; rebuilt when the number of tombstones changes.
  #tombs: { n: number; map: Map<number, PruneEntry> } = { n: -1, map: new Map() };
  #tombstoneOf(index: number): PruneEntry | undefined {
    const all = this.#store.tombstones();
    if (all.length !== this.#tombs.n) {
      const map = new Map<number, PruneEntry>();
      for (const t of all) {
        const note = decodeEntry(t.note);
        if (note.type !== 'prune')
          throw new BukejianError('INTEGRITY', 'a tombstone note is not a prune entry');
        for (const i of t.indexes) if (!map.has(i)) map.set(i, note);
      }
      this.#tombs = { n: all.length, map };
    }
    return this.#tombs.map.get(index);
  }

  /** The leaf hash of entry `index`. @example log.leafHash(0) */
  leafHash(index: number): Uint8Array {
    return this.#memTree().leafHash(index);
  }

  /** Root hash of the first `size` entries (default all). @example bytesToHex(log.root()) */
  root(size?: number): Uint8Array {
    return this.#memTree().root(size);
  }

  /** Inclusion proof of entry `index` in the tree of `size` entries (default all). @example log.inclusionProof(3, cp.size) */
  inclusionProof(index: number, size?: number): InclusionProof {
    return this.#memTree().inclusionProof(index, size);
  }

  /** Consistency proof between two tree sizes. @example log.consistencyProof(old.size, cur.size) */
  consistencyProof(oldSize: number, newSize?: number): ConsistencyProof {
    return this.#memTree().consistencyProof(oldSize, newSize);
  }

  // A tree size for the asynchronous methods: the given one (after catching up when it is past
  // what this instance knows) or, when omitted, the current size after catching up.
  async #sizeArg(size: number | undefined, what: string, min: number): Promise<number> {
    this.#open();
    if (size === undefined || anumber(size, what, min) > this.size) await this.flush();
    return size === undefined ? this.size : anumber(size, what, min, this.size);
  }

  /**
   * Root hash of the first `size` entries (default: all, after catching up with the entries
   * other instances stored). Works with every store; with one that keeps its tree (PostgreSQL)
   * it reads O(log n) stored node hashes instead of holding the tree in memory.
   * @example const root = await log.rootAt(cp.size)
   */
  async rootAt(size?: number): Promise<Uint8Array> {
    const s = await this.#sizeArg(size, 'size', 0);
    return (await this.#rootOf(s)).slice();
  }

  /**
   * Inclusion proof of entry `index` in the tree of `size` entries (default: all, after catching
   * up with other instances), from memory or from the store that keeps the tree (one query of
   * O(log n) node hashes for PostgreSQL).
   * @example const proof = await log.proveInclusion(3, cp.size)
   */
  async proveInclusion(index: number, size?: number): Promise<InclusionProof> {
    const s = await this.#sizeArg(size, 'size', 1);
    anumber(index, 'index', 0, s - 1);
    return this.#tree
      ? this.#tree.inclusionProof(index, s)
      : this.#store.tree!.inclusionProof(index, s);
  }

  /**
   * Consistency proof between two tree sizes (`newSize` default: all, after catching up), from
   * memory or from the store that keeps the tree.
   * @example const proof = await log.proveConsistency(old.size, cur.size)
   */
  async proveConsistency(oldSize: number, newSize?: number): Promise<ConsistencyProof> {
    const s = await this.#sizeArg(newSize, 'newSize', 0);
    anumber(oldSize, 'oldSize', 0, s);
    return this.#tree
      ? this.#tree.consistencyProof(oldSize, s)
      : this.#store.tree!.consistencyProof(oldSize, s);
  }

  /**
   * Signs and durably stores a checkpoint of the current tree; returns the note text.
   * @example const note = await log.checkpoint()
   */
  async checkpoint(opts?: { time?: number | Date }): Promise<string> {
    this.#open();
    const o = aoptions(opts, 'opts', ['time']);
    if (!this.#signer)
      throw new BukejianError('BAD_STATE', '"signer" expected for checkpoint(), got none');
    await this.flush();
    return this.#exclusive(async () => {
      const t =
        o.time === undefined
          ? Date.now()
          : o.time instanceof Date
            ? o.time.getTime()
            : anumber(o.time, 'time');
      const cp: Checkpoint = {
        origin: this.origin,
        size: this.size,
        root: await this.#rootOf(this.size),
        time: new Date(t).toISOString(),
        hash: this.hash,
      };
      const note = await signCheckpoint(cp, this.#signer!);
      await this.#store.appendCheckpoint(new TextEncoder().encode(note));
      return note;
    });
  }

  /** The latest stored checkpoint (note text and parsed content), or `null`. @example log.latestCheckpoint()?.checkpoint.size */
  latestCheckpoint(): { note: string; checkpoint: Checkpoint } | null {
    const all = this.#store.checkpoints();
    if (!all.length) return null;
    const note = new TextDecoder().decode(all[all.length - 1]);
    const p = parseCheckpoint(note);
    if (!p) throw new BukejianError('INTEGRITY', 'the latest stored checkpoint is malformed');
    return { note, checkpoint: p.checkpoint };
  }

  /**
   * Whether a valid consent or legal basis covers exactly these fields for this purpose at `at`.
   * @example log.checkAccess({ subject, purpose: 'benefits', fields: ['income'], at: Date.now() })
   */
  checkAccess(q: AccessQuery): AccessDecision {
    return this.#consent.check(q);
  }

  /**
   * A subject's events with inclusion proofs against the latest checkpoint (see query.ts).
   * With `since` (the size of a checkpoint the subject saw before), the answer also carries the
   * consistency proof from it.
   * @example const answer = await log.eventsFor(pseudonym, { since: previous.size })
   */
  eventsFor(subject: string, opts?: { since?: number }): Promise<SubjectEvents> {
    this.#open();
    const o = aoptions(opts, 'opts', ['since']);
    return eventsFor(this.#inner, astring(subject, 'subject'), o);
  }

  /**
   * Deletes payloads whose retention ended at or before `now`, keeping their leaf hashes; each
   * deletion is itself logged as a `prune` entry.
   * @example await log.prune(Date.now())
   */
  prune(now: number | Date = Date.now()): Promise<PruneResult> {
    this.#open();
    return pruneExpired(this.#inner, now instanceof Date ? now.getTime() : anumber(now, 'now'));
  }

  /**
   * Full audit of the stored data: every payload against its leaf hash, kind, subject tag and
   * retention index; every tombstone against its logged prune entry; every stored checkpoint
   * against the recomputed root (and its signature when a verifier was given); the `anchor` of
   * {@link openAuditLog}, when given, against the recomputed tree.
   * @example const { ok, problems } = await log.verify()
   */
  async verify(): Promise<VerifyReport> {
    this.#open();
    await this.flush();
    await this.#store.loadColumns?.();
    const problems: string[] = [];
    const pruneEntries = new Map<string, number>();
    let checked = 0;
    for (let i = 0; i < this.size; i++) {
      let bytes: Uint8Array | null;
      try {
        bytes = await this.#store.read(i);
      } catch (e) {
        problems.push(`entry ${i}: ${e instanceof BukejianError ? e.message : 'unreadable'}`);
        continue;
      }
      if (bytes === null) continue;
      checked++;
      let e: Entry;
      try {
        e = this.#checked(i, bytes, this.#leafOf(i));
      } catch (err) {
        problems.push(
          `entry ${i}: ${err instanceof BukejianError && err.code === 'VERSION' ? 'written in format 1' : 'payload does not match its leaf hash'}`,
        );
        continue;
      }
      if (this.#store.kind(i) !== KIND_CODES[e.type])
        problems.push(`entry ${i}: kind index differs`);
      if (!equalBytes(this.#store.subjectTag(i), subjectTag(entrySubject(e))))
        problems.push(`entry ${i}: subject index differs`);
      if (this.#store.retainUntil(i) !== (e.retention ? timeMs(e.retention.until) : 0))
        problems.push(`entry ${i}: retention index differs`);
      if (e.type === 'prune') pruneEntries.set(bytesToHex(bytes), i);
    }
    for (const t of this.#store.tombstones()) {
      if (!pruneEntries.has(bytesToHex(t.note))) {
        problems.push(
          `tombstone for ${t.indexes.length} entries has no matching prune entry in the log`,
        );
        continue;
      }
      const note = decodeEntry(t.note) as PruneEntry;
      if (note.count !== t.indexes.length || note.indexes !== indexesDigest(t.indexes)) {
        problems.push('tombstone entry list differs from its logged prune entry');
      }
      for (const i of t.indexes) {
        if (this.#store.retainUntil(i) === 0 || this.#store.retainUntil(i) > timeMs(note.time)) {
          problems.push(`entry ${i}: deleted before its retention ended`);
        }
      }
    }
    // The tree recomputed from the stored leaf hashes (the log may have been opened from a cache).
    const fresh = createMerkleTree({ hash: this.hash });
    const leaves = this.#store.leafHashes();
    let cached: ReturnType<typeof decodeTreeCache> | null = null;
    try {
      const body = this.#store.loadTreeCache?.() ?? null;
      cached = body === null ? null : decodeTreeCache(body, this.hash);
      if (body !== null && !cached) problems.push('the tree cache is malformed');
    } catch {
      problems.push('the tree cache is damaged');
    }
    if (cached && cached.size > this.size) {
      problems.push('the tree cache covers more entries than are stored');
      cached = null;
    }
    if (cached) {
      fresh.appendLeafHashes(leaves.subarray(0, cached.size * 32));
      if (!equalBytes(fresh.exportNodes(), cached.nodes))
        problems.push('the tree cache differs from the stored leaf hashes');
      fresh.appendLeafHashes(leaves.subarray(cached.size * 32));
    } else fresh.appendLeafHashes(leaves);
    if (!equalBytes(fresh.root(), await this.#rootOf(this.size)))
      problems.push('the tree in use differs from the stored leaf hashes');
    for (const raw of this.#store.checkpoints()) {
      const p = parseCheckpoint(raw);
      if (!p) {
        problems.push('a stored checkpoint is malformed');
        continue;
      }
      const cp = p.checkpoint;
      if (
        this.#verifier &&
        !verifyCheckpoint(raw, this.#verifier, { origin: this.origin, hash: this.hash })
      ) {
        problems.push(`checkpoint of size ${cp.size}: signature does not verify`);
      }
      if (cp.size > this.size || !equalBytes(fresh.root(cp.size), cp.root)) {
        problems.push(`checkpoint of size ${cp.size}: root differs from the stored tree`);
      } else if (!this.#tree && !equalBytes(await this.#rootOf(cp.size), cp.root)) {
        problems.push(
          `checkpoint of size ${cp.size}: the store's tree nodes differ from its leaf hashes`,
        );
      }
    }
    const a = this.#anchor && anchorProblem(this.#anchor, fresh.size, (n) => fresh.root(n));
    if (a) problems.push(a);
    return { ok: problems.length === 0, checked, problems };
  }

  /** Flushes pending appends and closes the store. @example await log.close() */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    const tree = this.#tree;
    if (
      tree &&
      this.#cache.enabled &&
      this.#store.saveTreeCache &&
      this.#cache.savedSize !== this.size
    ) {
      const body = encodeTreeCache(this.hash, this.size, tree.exportNodes());
      await this.#exclusive(() => this.#store.saveTreeCache!(body));
      this.#cache.savedSize = this.size;
    }
    this.#closed = true;
    await this.#store.close();
  }
}

/**
 * Opens an audit log over a store: rebuilds the tree, the consent index, and checks the latest
 * checkpoint (root and, with a verifier, signature) and the outside `anchor` when given. Throws
 * `INTEGRITY` on a mismatch (the store stays open: close it).
 * @example
 * const log = await openAuditLog({ store: await openFileStore(dir, { create: true }),
 *   origin: 'agency.example/audit', signer: sm2CheckpointSigner(secretKey, { name: 'agency-key' }) })
 * // keep each checkpoint outside the log directory and pass it back at the next open:
 * writeFileSync('/etc/agency/audit-anchor.txt', await log.checkpoint())
 * const again = await openAuditLog({ store, origin, verifier,
 *   anchor: readFileSync('/etc/agency/audit-anchor.txt', 'utf8') }) // INTEGRITY if rolled back
 */
export async function openAuditLog(opts: AuditLogOptions): Promise<AuditLog> {
  const o = aoptions(opts, 'opts', [
    'store',
    'origin',
    'hash',
    'signer',
    'verifier',
    'maxBatch',
    'treeCache',
    'anchor',
  ]);
  if (!o.store || typeof o.store.append !== 'function')
    throw new BukejianError('INVALID_OPTION', '"store" expected an AuditStore, got other');
  const origin = astring(o.origin, 'origin');
  const hash = o.hash ?? 'sm3';
  treeHasher(hash);
  const maxBatch = o.maxBatch === undefined ? 1000 : anumber(o.maxBatch, 'maxBatch', 1, 1 << 20);
  const anchor =
    o.anchor === undefined ? null : resolveAnchor(o.anchor, o.verifier, { origin, hash });
  const store = o.store;
  // A store that keeps the tree (PostgreSQL): nothing to load or hash here.
  const shared = store.tree !== undefined;
  const leaves = shared ? new Uint8Array(0) : store.leafHashes();
  let tree: MerkleTree | null = null;
  let cachedSize = -1;
  if (!shared && o.treeCache === true && store.loadTreeCache) {
    try {
      const body = store.loadTreeCache();
      const c = body === null ? null : decodeTreeCache(body, hash);
      if (c && c.size <= store.size) {
        tree = restoreMerkleTree(hash, leaves.subarray(0, c.size * 32), c.nodes);
        tree.appendLeafHashes(leaves.subarray(c.size * 32));
        cachedSize = c.size;
      }
    } catch {
      tree = null; // a damaged or stale cache only costs the full rebuild below
    }
  }
  if (!tree && !shared) {
    tree = createMerkleTree({ hash });
    tree.appendLeafHashes(leaves);
  }
  const { anchor: _a, ...rest } = o;
  const log = new AuditLog(
    { ...rest, store, origin, hash, maxBatch },
    tree,
    anchor,
    cachedSize === store.size ? cachedSize : -1,
  );
  // consent state: consent, revocation, legal-basis and prune entries
  await INNER.get(log)!.rebuildConsent();
  const latest = log.latestCheckpoint();
  if (latest) {
    const cp = latest.checkpoint;
    if (cp.origin !== origin || cp.hash !== hash)
      throw new BukejianError(
        'INTEGRITY',
        'the latest checkpoint belongs to another log (origin or hash differ)',
      );
    if (cp.size > log.size)
      throw new BukejianError(
        'INTEGRITY',
        `the latest checkpoint covers ${cp.size} entries but only ${log.size} are stored`,
      );
    if (!equalBytes(await log.rootAt(cp.size), cp.root))
      throw new BukejianError('INTEGRITY', 'the stored tree does not match the latest checkpoint');
    if (o.verifier && !verifyCheckpoint(latest.note, o.verifier, { origin, hash })) {
      throw new BukejianError(
        'INTEGRITY',
        'the latest checkpoint is not signed by the expected key',
      );
    }
  }
  // A store truncated at frame boundaries passes every check above: only an outside anchor sees it.
  const anchorRoot =
    anchor && anchor.size <= log.size ? await log.rootAt(anchor.size) : new Uint8Array(0);
  const a = anchor && anchorProblem(anchor, log.size, () => anchorRoot);
  if (a) throw new BukejianError('INTEGRITY', a);
  return log;
}

// Tree cache body: u8 version (1) ‖ u8 hash (0 sm3, 1 sha256) ‖ u64be size ‖ interior nodes.
function encodeTreeCache(hash: TreeHashName, size: number, nodes: Uint8Array): Uint8Array {
  const out = new Uint8Array(10 + nodes.length);
  const v = new DataView(out.buffer);
  out[0] = 1;
  out[1] = hash === 'sm3' ? 0 : 1;
  v.setUint32(2, Math.floor(size / 2 ** 32));
  v.setUint32(6, size >>> 0);
  out.set(nodes, 10);
  return out;
}

function decodeTreeCache(
  body: Uint8Array,
  hash: TreeHashName,
): { size: number; nodes: Uint8Array } | null {
  if (body.length < 10 || body[0] !== 1 || body[1] !== (hash === 'sm3' ? 0 : 1)) return null;
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const size = v.getUint32(2) * 2 ** 32 + v.getUint32(6);
  let want = 0;
  for (let c = Math.floor(size / 2); c >= 1; c = Math.floor(c / 2)) want += c;
  if (body.length !== 10 + want * 32) return null;
  return { size, nodes: body.subarray(10) };
}
