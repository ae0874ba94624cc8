/**
 * Retention: entries carry a retention period (`retention: { rule, until }`); pruning deletes the
 * payloads whose period has ended while keeping their leaf hashes, so the tree, every checkpoint
 * and the proofs of all other entries stay valid, and a pruned entry reads back as "deleted on D
 * under retention rule R".
 *
 * Each deletion is itself logged: one `prune` entry per rule and per 4,096
 * entries (time, rule, count, the SM3 of the deleted index list, the tree hash of each deleted
 * payload, and the digests of the consent IDs the deleted grants and revocations named), appended durably BEFORE any payload is zeroed, so an
 * agency cannot delete quietly. A crash between the two steps leaves a logged prune whose entries
 * are still present; the next `prune` deletes them and logs again.
 *
 * Consent state after a prune is what a reopen builds: the log rebuilds its consent index from
 * the entries still stored. A grant or legal basis whose retention ended no longer counts (its
 * record is gone: fail closed). A revocation whose retention has ended is not deleted while the
 * consent grant it revokes is still stored, whether or not that grant has expired (its payload is
 * what keeps that consent revoked, also for questions about past times); it goes in the same
 * `prune` as that grant or a later one. Deleted consent IDs stay refused: the prune entry keeps
 * their digests.
 * @module
 */
import { bytesToHex } from '../utils.js';
import type { LogInternals } from './_log-internals.js';
import {
  consentIdDigest,
  contentDigest,
  decodeEntry,
  encodeNormalized,
  indexesDigest,
  KIND_CODES,
  toTime,
  type Entry,
  type PruneEntry,
} from './entries.js';

// Largest number of entries one prune entry covers (keeps prune entries well below the 1 MiB
// entry limit).
const MAX_PRUNE_BATCH = 4096;

/**
 * What one `prune` did.
 * @example
 * const r: PruneResult = await log.prune(Date.now())
 * for (const d of r.deletions) console.log(d.rule, d.indexes.length, 'deleted, logged at', d.logIndex)
 */
export interface PruneResult {
  /** Number of payloads deleted. */
  pruned: number;
  /**
   * One record per logged prune entry (one per rule, more when a rule deletes more than
   * 4,096 entries): the index of the prune entry and the entries deleted.
   */
  deletions: { rule: string; time: string; logIndex: number; indexes: number[] }[];
}

// Deletes the payloads of `log` whose retention ended at or before `now` (ms since the epoch):
// `AuditLog.prune`.
export async function pruneExpired(log: LogInternals, now: number): Promise<PruneResult> {
  const store = log.store;
  // A shared store: one pruning writer at a time; the flush inside the lock loads what another
  // instance deleted and logged before it released the lock.
  return store.pruneLock ? store.pruneLock(() => pruneLocked(log, now)) : pruneLocked(log, now);
}

async function pruneLocked(log: LogInternals, now: number): Promise<PruneResult> {
  await log.flush();
  const store = log.store;
  await store.loadColumns?.(); // a store that keeps the tree loads its columns on first use
  const time = toTime(now, 'now');
  const due: { index: number; entry: Entry & { retention: { rule: string } } }[] = [];
  for (let i = 0; i < store.size; i++) {
    const until = store.retainUntil(i);
    if (until === 0 || until > now || store.isPruned(i) || store.kind(i) === KIND_CODES.prune)
      continue;
    const r = await log.read(i);
    if (!('entry' in r) || !r.entry.retention) continue;
    due.push({ index: i, entry: r.entry as Entry & { retention: { rule: string } } });
  }
  // Grants deleted in this run; a revocation of a grant that stays stored stays too: deleting it
  // would make that consent valid again (fail open), now or for any question about a past time.
  const goneGrants = new Set(due.flatMap((d) => (d.entry.type === 'consent' ? [d.entry.id] : [])));
  const byRule = new Map<string, { index: number; entry: Entry }[]>();
  for (const d of due) {
    const e = d.entry;
    if (e.type === 'revocation' && !goneGrants.has(e.consent)) {
      const g = log.consentGrant(e.consent);
      if (g && g.subject === e.subject) continue;
    }
    const l = byRule.get(e.retention.rule) ?? [];
    l.push(d);
    byRule.set(e.retention.rule, l);
  }
  const result: PruneResult = { pruned: 0, deletions: [] };
  for (const [rule, all] of byRule) {
    for (let c = 0; c < all.length; c += MAX_PRUNE_BATCH) {
      const chunk = all.slice(c, c + MAX_PRUNE_BATCH); // ascending index order, as scanned
      const indexes = chunk.map((d) => d.index);
      // what the deleted leaves commit to besides their subject: kept so deleted events stay verifiable
      const leaves = chunk.map((d) =>
        bytesToHex(contentDigest(encodeNormalized(d.entry), log.hash)),
      );
      const consents = [
        ...new Set(
          chunk
            .flatMap(({ entry: e }) =>
              e.type === 'consent' ? [e.id] : e.type === 'revocation' ? [e.consent] : [],
            )
            .map(consentIdDigest),
        ),
      ].sort();
      const entry: PruneEntry = {
        type: 'prune',
        rule,
        time,
        count: indexes.length,
        indexes: indexesDigest(indexes),
        leaves,
        consents,
        retention: null,
      };
      const logIndex = await log.appendNormalized(entry); // durable before any deletion
      const note = await store.read(logIndex);
      await log.exclusive(() => store.prune({ indexes, note: note! }));
      decodeEntry(note!); // sanity: the tombstone note is the canonical prune entry
      result.pruned += indexes.length;
      result.deletions.push({ rule, time, logIndex, indexes });
    }
  }
  // Consent state is what a reopen builds from the entries still stored.
  if (result.pruned > 0) await log.rebuildConsent();
  return result;
}
