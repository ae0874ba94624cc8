/**
 * "Who used my data": a subject's events with inclusion proofs against the latest signed
 * checkpoint, as plain JSON-serializable data, and the standalone verifier a citizen (or anyone
 * acting for them) runs with only the answer and the log's public key.
 *
 * What the verifier establishes: every returned event is in the log the key holder signed, at
 * the stated position, with exactly the stated content. What it cannot establish: that no event
 * was left out (completeness would need a verifiable index per subject). Compare the checkpoint's
 * size with a checkpoint obtained elsewhere (a witness, an earlier answer) to detect a log that
 * shows different histories to different people.
 * @module
 */
import { anumber, bytesToHex, equalBytes, hexToBytes, isBytes } from '../utils.js';
import { checkCheckpointConsistency, verifyCheckpoint, type Checkpoint, type CheckpointVerifier } from './checkpoint.js';
import { proofFromJSON, proofToJSON } from './proof-encoding.js';
import { decodeEntry, encodeEntry, entrySubject, subjectTag, type Entry } from './entries.js';
import type { AuditLog } from './log.js';
import { treeHasher, verifyInclusion } from './merkle.js';

/** One event of a subject. */
export interface SubjectEvent {
  index: number;
  /** Leaf hash, hex. */
  leafHash: string;
  /** The entry, or absent when deleted under retention. */
  entry?: Entry;
  /** Present when the payload was deleted under retention. */
  deleted?: { time: string; rule: string };
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
}

/**
 * Collects a subject's events with proofs (normally called as `log.eventsFor(subject)`).
 * Deleted events are matched by their subject index tag only (their content is gone).
 * @example const answer = await eventsFor(log, pseudonym)
 */
export async function eventsFor(log: AuditLog, subject: string, opts: { since?: number } = {}): Promise<SubjectEvents> {
  await log.flush();
  const store = log.store;
  const tag = subjectTag(subject);
  const latest = log.latestCheckpoint();
  const cpSize = latest ? latest.checkpoint.size : 0;
  const events: SubjectEvent[] = [];
  for (let i = 0; i < store.size; i++) {
    if (!equalBytes(store.subjectTag(i), tag)) continue;
    const r = await log.read(i);
    if ('entry' in r && entrySubject(r.entry) !== subject) continue; // tag collision
    events.push({
      index: i,
      leafHash: bytesToHex(log.leafHash(i)),
      ...('entry' in r ? { entry: r.entry } : { deleted: r.deleted }),
      proof: i < cpSize ? log.inclusionProof(i, cpSize).path.map(bytesToHex) : null,
    });
  }
  const answer: SubjectEvents = { subject, checkpoint: latest ? latest.note : null, events };
  if (opts.since !== undefined) {
    anumber(opts.since, 'since', 0, cpSize);
    answer.consistency = proofToJSON({ type: 'consistency', hash: log.hash, proof: log.consistencyProof(opts.since, cpSize) });
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
  /** Events without a proof (newer than the checkpoint): not yet verifiable. */
  unproven: number[];
  /** Events that failed (bad proof, content not matching its leaf hash, another subject). */
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
 * the log's public key), and for each event the inclusion proof and (when present) that the
 * content hashes to the leaf and names this subject. With `expect.previous` (a checkpoint the
 * subject verified earlier) it also requires the answer's consistency proof from it, and reports
 * a fork. Malformed answers give `ok: false`.
 * @example verifySubjectEvents(answer, sm2CheckpointVerifier(logPublicKey, { name: 'agency-key' }), { origin: 'agency.example/audit' }).ok
 */
export function verifySubjectEvents(
  answer: SubjectEvents,
  verifier: CheckpointVerifier,
  expect: { origin?: string; subject?: string; previous?: Checkpoint } = {},
): SubjectEventsCheck {
  const out: SubjectEventsCheck = { ok: false, checkpoint: null, proven: [], unproven: [], failed: [] };
  if (!answer || typeof answer !== 'object' || !Array.isArray(answer.events) || typeof answer.subject !== 'string') return out;
  if (expect.subject !== undefined && answer.subject !== expect.subject) return out;
  const cp = answer.checkpoint === null ? null : verifyCheckpoint(answer.checkpoint, verifier, { origin: expect.origin });
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
    const r = cp ? checkCheckpointConsistency(expect.previous, cp, proof) : { consistent: false, fork: false };
    out.consistent = r.consistent;
    out.fork = r.fork;
    if (!r.consistent) return out;
  }
  const h = treeHasher(cp?.hash ?? 'sm3');
  for (const ev of answer.events) {
    const idx = ev && typeof ev.index === 'number' ? ev.index : -1;
    try {
      const leaf = hexToBytes(ev.leafHash);
      if (ev.entry !== undefined) {
        const bytes = encodeEntry(ev.entry);
        if (!equalBytes(h.leaf(bytes), leaf) || entrySubject(decodeEntry(bytes)) !== answer.subject) {
          out.failed.push(idx);
          continue;
        }
      } else if (!ev.deleted || typeof ev.deleted.rule !== 'string') {
        out.failed.push(idx);
        continue;
      }
      if (ev.proof === null) {
        if (cp && idx < cp.size) out.failed.push(idx); // old enough to be proven: a proof is required
        else out.unproven.push(idx);
        continue;
      }
      if (!cp || !Array.isArray(ev.proof)) {
        out.failed.push(idx);
        continue;
      }
      const path = ev.proof.map((x) => hexToBytes(x));
      if (!path.every(isBytes) || !verifyInclusion({ index: idx, size: cp.size, path }, leaf, cp.root, cp.hash)) {
        out.failed.push(idx);
        continue;
      }
      out.proven.push(idx);
    } catch {
      out.failed.push(idx);
    }
  }
  out.ok = cp !== null && out.failed.length === 0;
  return out;
}
