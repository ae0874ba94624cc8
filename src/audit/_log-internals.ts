/**
 * The narrow interface through which retention (`retention.ts`) and subject queries (`query.ts`)
 * work on an open log. An {@link AuditLog} builds one over its private state and passes it to
 * them; it is never reachable from the public API (no `log._*` members in the `.d.ts`).
 * @module
 */
import type { Checkpoint } from './checkpoint.js';
import type { ConsentEntry, Entry } from './entries.js';
import type { ConsistencyProof, InclusionProof, TreeHashName } from './merkle.js';
import type { AuditStore } from './store/types.js';

/** What reading an entry returns (see `AuditLog.read`). */
export type ReadResult =
  { index: number; entry: Entry } | { index: number; deleted: { time: string; rule: string } };

/** What retention and queries may do to a log. */
export interface LogInternals {
  readonly store: AuditStore;
  readonly hash: TreeHashName;
  /** Waits for every pending append to be durable. */
  flush(): Promise<void>;
  /** Reads and checks entry `index` (as `AuditLog.read`). */
  read(index: number): Promise<ReadResult>;
  /** The leaf hash of entry `index` from memory (with a store that keeps the tree: its loaded columns). */
  leafHash(index: number): Uint8Array;
  proveInclusion(index: number, size?: number): Promise<InclusionProof>;
  proveConsistency(oldSize: number, newSize?: number): Promise<ConsistencyProof>;
  latestCheckpoint(): { note: string; checkpoint: Checkpoint } | null;
  /** Appends an already normalized entry (prune entries included); resolves once durable. */
  appendNormalized(e: Entry): Promise<number>;
  /** Runs `fn` with exclusive use of the store's write side. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The consent grant with this ID, as the live consent index knows it. */
  consentGrant(id: string): ConsentEntry | undefined;
  /** Rebuilds the consent index from the stored entries (what a reopen builds). */
  rebuildConsent(): Promise<void>;
}
