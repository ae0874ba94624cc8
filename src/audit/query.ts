/**
 * The server side of "who used my data": a subject's events with inclusion proofs against the
 * latest signed checkpoint, as plain JSON-serializable data (`AuditLog.eventsFor`). The citizen
 * side, `verifySubjectEvents`, is in `client.ts`, which says what an answer proves.
 * @module
 */
import { BukejianError } from '../errors.js';
import { bytesToHex, equalBytes, hexToBytes } from '../utils.js';
import { anumber } from '../_assert.js';
import type { LogInternals } from './_log-internals.js';
import type { PruneEvidence, SubjectEvent, SubjectEvents } from './client.js';
import {
  decodeEntry,
  entryLeafHash,
  entrySubject,
  KIND_CODES,
  leafFromContent,
  subjectTag,
  type PruneEntry,
} from './entries.js';
import { auditProofToJSON } from './proof-encoding.js';

// A subject's events with proofs: `AuditLog.eventsFor`. Deleted events are found by their
// subject index tag and matched by the payload hash their prune entry keeps.
export async function eventsFor(
  log: LogInternals,
  subject: string,
  opts: { since?: number } = {},
): Promise<SubjectEvents> {
  await log.flush();
  const store = log.store;
  await store.loadColumns?.(); // a store that keeps the tree loads its columns on first use
  const tag = subjectTag(subject);
  const latest = log.latestCheckpoint();
  const cpSize = latest ? latest.checkpoint.size : 0;
  const proofAt = async (i: number) =>
    i < cpSize ? (await log.proveInclusion(i, cpSize)).path.map(bytesToHex) : null;
  const events: SubjectEvent[] = [];
  // deleted index → its tombstone (the first one naming it, as log.read does)
  let tombOf: Map<number, { indexes: number[]; note: Uint8Array }> | null = null;
  const prunes = new Map<string, PruneEvidence>(); // by note hex
  for (let i = 0; i < store.size; i++) {
    if (!equalBytes(store.subjectTag(i), tag)) continue;
    const r = await log.read(i);
    if ('entry' in r) {
      if (entrySubject(r.entry) !== subject) continue; // tag collision
      events.push({
        index: i,
        leafHash: bytesToHex(log.leafHash(i)),
        entry: r.entry,
        proof: await proofAt(i),
      });
      continue;
    }
    if (!tombOf) {
      tombOf = new Map();
      for (const t of store.tombstones())
        for (const j of t.indexes) if (!tombOf.has(j)) tombOf.set(j, t);
    }
    const t = tombOf.get(i)!; // log.read found it
    const key = bytesToHex(t.note);
    let ev = prunes.get(key);
    if (!ev) {
      const entry = decodeEntry(t.note) as PruneEntry;
      const leaf = entryLeafHash(t.note, null, log.hash);
      let at = -1;
      for (let j = i + 1; j < store.size && at < 0; j++)
        if (store.kind(j) === KIND_CODES.prune && equalBytes(log.leafHash(j), leaf)) at = j;
      if (at < 0)
        throw new BukejianError(
          'INTEGRITY',
          `the tombstone of entry ${i} has no logged prune entry after it`,
        );
      ev = {
        index: at,
        entry,
        indexes: [...t.indexes].sort((a, b) => a - b),
        proof: await proofAt(at),
      };
      prunes.set(key, ev);
    }
    const content = hexToBytes(ev.entry.leaves[ev.indexes.indexOf(i)]!);
    if (!equalBytes(leafFromContent(content, subject, log.hash), log.leafHash(i))) continue; // tag collision
    events.push({
      index: i,
      leafHash: bytesToHex(log.leafHash(i)),
      deleted: r.deleted,
      prune: ev.index,
      proof: await proofAt(i),
    });
  }
  const answer: SubjectEvents = { subject, checkpoint: latest ? latest.note : null, events };
  if (prunes.size) answer.prunes = [...prunes.values()].sort((a, b) => a.index - b.index);
  if (opts.since !== undefined) {
    anumber(opts.since, 'since', 0, cpSize);
    answer.consistency = auditProofToJSON({
      type: 'consistency',
      hash: log.hash,
      proof: await log.proveConsistency(opts.since, cpSize),
    });
  }
  return answer;
}
