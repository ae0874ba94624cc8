/**
 * Retention: entries carry a retention period (`retention: { rule, until }`); pruning deletes the
 * payloads whose period has ended while keeping their leaf hashes, so the tree, every checkpoint
 * and the proofs of all other entries stay valid, and a pruned entry reads back as "deleted on D
 * under retention rule R".
 *
 * Each deletion is itself logged: one `prune` entry per rule (time, rule, count and the SM3 of the
 * deleted index list), appended durably BEFORE any payload is zeroed, so an agency cannot delete
 * quietly. A crash between the two steps leaves a logged prune whose entries are still present;
 * the next `prune` deletes them and logs again.
 *
 * A revocation whose retention has ended is not deleted while the consent grant it revokes is
 * still stored and unexpired (its payload is what keeps that consent revoked after a reopen); it
 * is deleted by a later `prune` once the grant has expired or been deleted itself.
 * @module
 */
import { bytesToHex, utf8ToBytes } from '../utils.js';
import { sm3 } from '../sm3.js';
import { decodeEntry, KIND_CODES, timeMs, toTime, type PruneEntry } from './entries.js';
import type { AuditLog } from './log.js';

/** What one `prune` did. */
export interface PruneResult {
  /** Number of payloads deleted. */
  pruned: number;
  /** One record per retention rule: the index of its logged prune entry and the entries deleted. */
  deletions: { rule: string; time: string; logIndex: number; indexes: number[] }[];
}

/**
 * SM3 (hex) of sorted indexes joined by commas: what a prune entry commits to.
 * @example indexesDigest([3, 1, 2]) === bytesToHex(sm3('1,2,3'))
 */
export function indexesDigest(indexes: readonly number[]): string {
  return bytesToHex(sm3(utf8ToBytes([...indexes].sort((a, b) => a - b).join(','))));
}

/**
 * Deletes the payloads of `log` whose retention ended at or before `now` (ms since the epoch).
 * Used by `AuditLog.prune`; exported for custom schedulers.
 * @example const r = await pruneExpired(log, Date.now()); console.log(r.pruned)
 */
export async function pruneExpired(log: AuditLog, now: number): Promise<PruneResult> {
  await log.flush();
  const store = log.store;
  const time = toTime(now, 'now');
  const byRule = new Map<string, number[]>();
  for (let i = 0; i < store.size; i++) {
    const until = store.retainUntil(i);
    if (until === 0 || until > now || store.isPruned(i) || store.kind(i) === KIND_CODES.prune) continue;
    const r = await log.read(i);
    if (!('entry' in r) || !r.entry.retention) continue;
    if (r.entry.type === 'revocation') {
      // A revocation is kept while the grant it revokes is stored and could still be valid:
      // deleting it first would make the consent valid again once the log is reopened (fail-open).
      const g = log._consentGrant(r.entry.consent);
      if (g && g.subject === r.entry.subject && (g.expires === null || timeMs(g.expires) > now)) continue;
    }
    const l = byRule.get(r.entry.retention.rule) ?? [];
    l.push(i);
    byRule.set(r.entry.retention.rule, l);
  }
  const result: PruneResult = { pruned: 0, deletions: [] };
  for (const [rule, indexes] of byRule) {
    const entry: PruneEntry = { type: 'prune', rule, time, count: indexes.length, indexes: indexesDigest(indexes), retention: null };
    const logIndex = await log._appendNormalized(entry); // durable before any deletion
    const note = await store.read(logIndex);
    await log._exclusive(() => store.prune({ indexes, note: note! }));
    decodeEntry(note!); // sanity: the tombstone note is the canonical prune entry
    result.pruned += indexes.length;
    result.deletions.push({ rule, time, logIndex, indexes });
  }
  return result;
}

/**
 * `log.prune(now)` as a function.
 * @example await prune(log, Date.now())
 */
export function prune(log: AuditLog, now: number | Date = Date.now()): Promise<PruneResult> {
  return log.prune(now);
}
