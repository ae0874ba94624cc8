/**
 * "Who used my data": a subject's events with inclusion proofs against the latest signed
 * checkpoint, as plain JSON-serializable data, and the standalone verifier a citizen (or anyone
 * acting for them) runs with only the answer and the log's public key.
 *
 * What the verifier establishes: every returned event is in the log the key holder signed, at
 * the stated position, with exactly the stated content, and is about this subject. An event shown
 * as deleted under retention is one of this subject's leaves (leaves commit to the subject, leaf
 * format 2) AND is listed by a prune entry that is itself proven in the signed log: the answer
 * carries that prune entry, its full index list and its inclusion proof, and the prune entry keeps
 * the hash of each payload it deleted. What it cannot establish: that no event was left out
 * (completeness would need a verifiable index per subject), or that a logged deletion was due
 * (the leaf does not commit to the retention period). Compare the checkpoint's size with a
 * checkpoint obtained elsewhere (a witness, an earlier answer) to detect a log that shows
 * different histories to different people.
 * @module
 */
import { BukejianError } from '../errors.js';
import { bytesToHex, equalBytes, hexToBytes } from '../utils.js';
import { anumber, isBytes } from '../_assert.js';
import {
  checkCheckpointConsistency,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointVerifier,
} from './checkpoint.js';
import { proofFromJSON, proofToJSON } from './proof-encoding.js';
import {
  decodeEntry,
  encodeEntry,
  encodeNormalized,
  entryLeafHash,
  entrySubject,
  KIND_CODES,
  leafFromContent,
  normalizeEntry,
  subjectTag,
  type Entry,
  type PruneEntry,
} from './entries.js';
import { indexesDigest } from './retention.js';
import type { AuditLog } from './log.js';
import { verifyInclusion } from './merkle.js';

/** One event of a subject. */
export interface SubjectEvent {
  index: number;
  /** Leaf hash, hex. */
  leafHash: string;
  /** The entry, or absent when deleted under retention. */
  entry?: Entry;
  /** Present when the payload was deleted under retention. */
  deleted?: { time: string; rule: string };
  /** With `deleted`: the log index of the prune entry that deleted it (see {@link SubjectEvents.prunes}). */
  prune?: number;
  /** Audit path (hex) against the checkpoint; `null` for events newer than the checkpoint. */
  proof: string[] | null;
}

/** The answer to "who used my data". */
export interface SubjectEvents {
  subject: string;
  /** The signed checkpoint note the proofs refer to (`null` if the log has none yet). */
  checkpoint: string | null;
  events: SubjectEvent[];
  /**
   * When asked with `since` (the size of a checkpoint the subject saw before): the consistency
   * proof from that size to this checkpoint, in the JSON proof form (see proof-encoding.ts).
   */
  consistency?: Record<string, unknown>;
  /** The prune entries the deleted events refer to (present when there are deleted events). */
  prunes?: PruneEvidence[];
}

/** A logged prune entry as evidence for deleted events. */
export interface PruneEvidence {
  /** Log index of the prune entry. */
  index: number;
  entry: PruneEntry;
  /** Every index the prune entry deleted, ascending (its `indexes` field is their SM3). */
  indexes: number[];
  /** Audit path (hex) of the prune entry against the checkpoint; `null` when it is newer. */
  proof: string[] | null;
}

/**
 * Collects a subject's events with proofs (normally called as `log.eventsFor(subject)`).
 * Deleted events are matched by their subject index tag only (their content is gone).
 * @example const answer = await eventsFor(log, pseudonym)
 */
export async function eventsFor(
  log: AuditLog,
  subject: string,
  opts: { since?: number } = {},
): Promise<SubjectEvents> {
  await log.flush();
  const store = log.store;
  const tag = subjectTag(subject);
  const latest = log.latestCheckpoint();
  const cpSize = latest ? latest.checkpoint.size : 0;
  const proofAt = (i: number) =>
    i < cpSize ? log.inclusionProof(i, cpSize).path.map(bytesToHex) : null;
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
        proof: proofAt(i),
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
      ev = { index: at, entry, indexes: [...t.indexes].sort((a, b) => a - b), proof: proofAt(at) };
      prunes.set(key, ev);
    }
    const content = hexToBytes(ev.entry.leaves[ev.indexes.indexOf(i)]!);
    if (!equalBytes(leafFromContent(content, subject, log.hash), log.leafHash(i))) continue; // tag collision
    events.push({
      index: i,
      leafHash: bytesToHex(log.leafHash(i)),
      deleted: r.deleted,
      prune: ev.index,
      proof: proofAt(i),
    });
  }
  const answer: SubjectEvents = { subject, checkpoint: latest ? latest.note : null, events };
  if (prunes.size) answer.prunes = [...prunes.values()].sort((a, b) => a.index - b.index);
  if (opts.since !== undefined) {
    anumber(opts.since, 'since', 0, cpSize);
    answer.consistency = proofToJSON({
      type: 'consistency',
      hash: log.hash,
      proof: log.consistencyProof(opts.since, cpSize),
    });
  }
  return answer;
}

/** Outcome of {@link verifySubjectEvents}. */
export interface SubjectEventsCheck {
  /**
   * A signed checkpoint verified and every event with a proof verified. An answer without a
   * checkpoint proves nothing and is never `ok` (an agency could otherwise strip the checkpoint and
   * every proof from an answer and still have it pass).
   */
  ok: boolean;
  checkpoint: Checkpoint | null;
  /** Indexes of events that are proven in the signed log. */
  proven: number[];
  /**
   * Events not yet verifiable: newer than the checkpoint, or shown as deleted by a prune entry
   * newer than the checkpoint. The second kind makes `ok` false (checkpoint after pruning).
   */
  unproven: number[];
  /**
   * Events that failed (bad proof, content not matching its leaf hash, another subject, a deletion
   * not backed by a logged prune entry listing it, or a deleted leaf that is not this subject's).
   */
  failed: number[];
  /**
   * With `expect.previous`: whether this checkpoint extends the previous one (`false` also when
   * the answer carries no usable consistency proof), and whether the two prove a fork.
   */
  consistent?: boolean;
  fork?: boolean;
}

/**
 * Verifies an answer independently of the agency that served it: the checkpoint signature (with
 * the log's public key), and for each event the inclusion proof and that its leaf is this
 * subject's: from the content when present, and for a deleted event from the payload hash kept in
 * the prune entry that deleted it, which must list the event's index, come after it in the log,
 * match the stated time and rule, and be proven against the same checkpoint. With `expect.previous` (a checkpoint the
 * subject verified earlier) it also requires the answer's consistency proof from it, and reports
 * a fork. Malformed answers give `ok: false`.
 * @example verifySubjectEvents(answer, sm2CheckpointVerifier(logPublicKey, { name: 'agency-key' }), { origin: 'agency.example/audit' }).ok
 */
export function verifySubjectEvents(
  answer: SubjectEvents,
  verifier: CheckpointVerifier,
  expect: { origin?: string; subject?: string; previous?: Checkpoint } = {},
): SubjectEventsCheck {
  const out: SubjectEventsCheck = {
    ok: false,
    checkpoint: null,
    proven: [],
    unproven: [],
    failed: [],
  };
  if (
    !answer ||
    typeof answer !== 'object' ||
    !Array.isArray(answer.events) ||
    typeof answer.subject !== 'string'
  )
    return out;
  if (expect.subject !== undefined && answer.subject !== expect.subject) return out;
  const cp =
    answer.checkpoint === null
      ? null
      : verifyCheckpoint(answer.checkpoint, verifier, { origin: expect.origin });
  if (answer.checkpoint !== null && !cp) return out;
  out.checkpoint = cp;
  if (expect.previous) {
    let proof;
    try {
      const d = answer.consistency === undefined ? null : proofFromJSON(answer.consistency);
      proof = d && d.type === 'consistency' ? d.proof : undefined;
    } catch {
      proof = undefined;
    }
    const r = cp
      ? checkCheckpointConsistency(expect.previous, cp, proof)
      : { consistent: false, fork: false };
    out.consistent = r.consistent;
    out.fork = r.fork;
    if (!r.consistent) return out;
  }
  const hash = cp?.hash ?? 'sm3';
  const prunes = Array.isArray(answer.prunes) ? answer.prunes : [];
  let pending = false; // a deleted event old enough to be proven whose prune entry is not yet
  for (const ev of answer.events) {
    const idx = ev && typeof ev.index === 'number' ? ev.index : -1;
    try {
      const leaf = hexToBytes(ev.leafHash);
      let prune: 'proven' | 'newer' | null = null;
      if (ev.entry !== undefined) {
        const e = decodeEntry(encodeEntry(ev.entry));
        const s = entrySubject(e);
        if (
          s !== answer.subject ||
          !equalBytes(entryLeafHash(encodeNormalized(e), s, hash), leaf)
        ) {
          out.failed.push(idx);
          continue;
        }
      } else {
        prune = checkDeletion(ev, idx, leaf, answer.subject, prunes, cp, hash);
        if (prune === null) {
          out.failed.push(idx);
          continue;
        }
      }
      if (ev.proof === null) {
        if (cp && idx < cp.size)
          out.failed.push(idx); // old enough to be proven: a proof is required
        else out.unproven.push(idx);
        continue;
      }
      if (!cp || !Array.isArray(ev.proof)) {
        out.failed.push(idx);
        continue;
      }
      const path = ev.proof.map((x) => hexToBytes(x));
      if (
        !path.every(isBytes) ||
        !verifyInclusion({ index: idx, size: cp.size, path }, leaf, cp.root, cp.hash)
      ) {
        out.failed.push(idx);
        continue;
      }
      if (prune === 'newer') {
        out.unproven.push(idx);
        pending = true;
      } else out.proven.push(idx);
    } catch {
      out.failed.push(idx);
    }
  }
  out.ok = cp !== null && out.failed.length === 0 && !pending;
  return out;
}

// A deleted event is backed by the prune entry it names: that entry lists its index (against the
// SM3 of the full list), comes after it, states its time and rule, and keeps the payload hash
// from which this subject's leaf is recomputed. `proven` when the prune entry's own inclusion
// proof verifies against the checkpoint, `newer` when it is beyond the checkpoint, `null` when
// anything does not hold.
function checkDeletion(
  ev: SubjectEvent,
  idx: number,
  leaf: Uint8Array,
  subject: string,
  prunes: unknown[],
  cp: Checkpoint | null,
  hash: Checkpoint['hash'],
): 'proven' | 'newer' | null {
  if (!ev.deleted || typeof ev.deleted !== 'object' || typeof ev.prune !== 'number') return null;
  const p = prunes.find(
    (x) => !!x && typeof x === 'object' && (x as PruneEvidence).index === ev.prune,
  ) as PruneEvidence | undefined;
  if (!p || !Number.isSafeInteger(p.index) || p.index <= idx) return null;
  const e = normalizeEntry(p.entry);
  if (e.type !== 'prune') return null;
  const ix = p.indexes;
  if (!Array.isArray(ix) || ix.length !== e.count) return null;
  for (let k = 0; k < ix.length; k++)
    if (!Number.isSafeInteger(ix[k]) || ix[k]! < 0 || (k > 0 && ix[k]! <= ix[k - 1]!)) return null;
  if (indexesDigest(ix) !== e.indexes) return null;
  const pos = ix.indexOf(idx);
  if (pos < 0 || ev.deleted.time !== e.time || ev.deleted.rule !== e.rule) return null;
  if (!equalBytes(leafFromContent(hexToBytes(e.leaves[pos]!), subject, hash), leaf)) return null;
  if (!cp || p.index >= cp.size) return p.proof === null ? 'newer' : null;
  if (!Array.isArray(p.proof)) return null;
  const path = p.proof.map((x) => hexToBytes(x));
  const pruneLeaf = entryLeafHash(encodeNormalized(e), null, hash);
  return verifyInclusion({ index: p.index, size: cp.size, path }, pruneLeaf, cp.root, cp.hash)
    ? 'proven'
    : null;
}
