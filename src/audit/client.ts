/**
 * Citizen-side verification (what someone holding only an answer and the log's public key runs):
 * signed checkpoints, RFC 9162 inclusion and consistency proofs, and "who used my data" answers.
 * This file imports nothing of the log or its stores, so a verifier's bundle stays small.
 *
 * What {@link verifySubjectEvents} establishes: every returned event is in the log the key holder
 * signed, at the stated position, with exactly the stated content, and is about this subject. An
 * event shown as deleted under retention is one of this subject's leaves (leaves commit to the
 * subject, leaf format 2) AND is listed by a prune entry that is itself proven in the signed log:
 * the answer carries that prune entry, its full index list and its inclusion proof, and the prune
 * entry keeps the hash of each payload it deleted. What it cannot establish: that no event was
 * left out (completeness would need a verifiable index per subject), or that a logged deletion was
 * due (the leaf does not commit to the retention period). Compare the checkpoint's size with a
 * checkpoint obtained elsewhere (a witness, an earlier answer) to detect a log that shows
 * different histories to different people.
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes, hexToBytes } from '../utils.js';
import { isBytes } from '../_assert.js';
import { keyId, parseCheckpoint, type Checkpoint, type CheckpointVerifier } from './checkpoint.js';
import {
  decodeEntry,
  encodeEntry,
  encodeNormalized,
  entryLeafHash,
  entrySubject,
  indexesDigest,
  leafFromContent,
  normalizeEntry,
  type Entry,
  type PruneEntry,
} from './entries.js';
import {
  treeHasher,
  type ConsistencyProof,
  type InclusionProof,
  type TreeHashName,
} from './merkle.js';
import { auditProofFromJSON } from './proof-encoding.js';

// ---- inclusion and consistency proofs (RFC 9162 §2.1.3.2, §2.1.4.2) ----

function validPath(path: unknown): path is Uint8Array[] {
  return (
    Array.isArray(path) && path.length <= 64 && path.every((p) => isBytes(p) && p.length === 32)
  );
}

const isCount = (x: unknown): x is number =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/**
 * The root implied by an inclusion proof and a leaf hash (RFC 9162 §2.1.3.2), or `null` when
 * the proof is malformed for its index and size.
 * @example const r = rootFromInclusion(proof, leafHash); r && equalBytes(r, checkpoint.root)
 */
export function rootFromInclusion(
  proof: InclusionProof,
  leafHash: Uint8Array,
  hash: TreeHashName = 'sm3',
): Uint8Array | null {
  const h = treeHasher(hash);
  if (!proof || typeof proof !== 'object') return null;
  const { index, size, path } = proof;
  if (!isCount(index) || !isCount(size) || index >= size || !validPath(path)) return null;
  if (!isBytes(leafHash) || leafHash.length !== 32) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = h.node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = h.node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/**
 * Verifies that `leafHash` is leaf `proof.index` of the tree of `proof.size` leaves whose root
 * is `root` (RFC 9162 §2.1.3.2). Returns `false` for any proof that does not verify, malformed
 * ones included.
 * @example verifyInclusion(proof, treeHasher().leaf(entryBytes), checkpoint.root) // true
 */
export function verifyInclusion(
  proof: InclusionProof,
  leafHash: Uint8Array,
  root: Uint8Array,
  hash: TreeHashName = 'sm3',
): boolean {
  const r = rootFromInclusion(proof, leafHash, hash);
  return r !== null && isBytes(root) && root.length === 32 && equalBytes(r, root);
}

/**
 * Verifies that the tree of `proof.oldSize` leaves with root `oldRoot` is a prefix of the tree of
 * `proof.newSize` leaves with root `newRoot` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof
 * and equal roots; an empty old tree is consistent with anything (empty proof). Returns `false`
 * for anything that does not verify.
 * @example verifyConsistency(log.consistencyProof(older.size), older.root, newer.root) // true
 */
export function verifyConsistency(
  proof: ConsistencyProof,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  hash: TreeHashName = 'sm3',
): boolean {
  const h = treeHasher(hash);
  if (!proof || typeof proof !== 'object') return false;
  const { oldSize, newSize, path } = proof;
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize || !validPath(path)) return false;
  if (!isBytes(oldRoot) || oldRoot.length !== 32 || !isBytes(newRoot) || newRoot.length !== 32)
    return false;
  if (oldSize === newSize) return path.length === 0 && equalBytes(oldRoot, newRoot);
  if (oldSize === 0) return path.length === 0;
  if (path.length === 0) return false;
  const c = isPow2(oldSize) ? [oldRoot, ...path] : path;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = c[0]!;
  let sr = c[0]!;
  for (let i = 1; i < c.length; i++) {
    const x = c[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = h.node(x, fr);
      sr = h.node(x, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = h.node(sr, x);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

function isPow2(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

// ---- signed checkpoints ----

// Trust anchors are required (docs/api-conventions.md): a key may sign several logs, so a check
// without the expected origin would accept another log's checkpoint.
function requireOrigin(expect: unknown): asserts expect is { origin: string } {
  const o = (expect as { origin?: unknown } | null | undefined)?.origin;
  if (typeof o !== 'string' || o === '') {
    throw new BukejianError(
      'INVALID_OPTION',
      '"origin" expected the origin of the log the caller trusts',
    );
  }
}

/**
 * Verifies a signed checkpoint note against one trusted key and the expected origin (required: a
 * key may sign several logs) and, when given, hash. Returns the checkpoint, or `null` when it is
 * unsigned by that key, the signature is bad, the origin/hash differ or the text is malformed.
 * A missing or empty `origin` throws `INVALID_OPTION`.
 * @example const cp = verifyCheckpoint(note, sm2CheckpointVerifier(publicKey, { name: 'agency-key' }), { origin: 'agency.example/audit' })
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  verifier: CheckpointVerifier,
  expect: { origin: string; hash?: TreeHashName },
): Checkpoint | null {
  requireOrigin(expect);
  const p = parseCheckpoint(note);
  if (!p) return null;
  if (p.checkpoint.origin !== expect.origin) return null;
  if (expect.hash !== undefined && p.checkpoint.hash !== expect.hash) return null;
  const id = keyId(verifier.name, verifier.publicKey);
  for (const s of p.signatures) {
    if (s.name !== verifier.name || !equalBytes(s.keyId, id)) continue;
    let ok = false;
    try {
      ok = verifier.verify(s.signature, p.body) === true;
    } catch {
      ok = false;
    }
    if (ok) return p.checkpoint;
  }
  return null;
}

/** The outcome of comparing two verified checkpoints of one log. */
export interface ConsistencyResult {
  /** The newer tree extends the older one (proof verified, or equal size and root). */
  consistent: boolean;
  /**
   * The two signed checkpoints cannot both be honest: equal sizes with different roots, or a
   * consistency proof that does not verify. Keep both notes: they are evidence.
   */
  fork: boolean;
}

/**
 * Checks that `newer` extends `older` (both already verified with {@link verifyCheckpoint}), using
 * a consistency proof from the log. Order does not matter.
 * @example checkCheckpointConsistency(old, cur, log.consistencyProof(old.size, cur.size)).consistent
 */
export function checkCheckpointConsistency(
  a: Checkpoint,
  b: Checkpoint,
  proof?: ConsistencyProof,
): ConsistencyResult {
  const [older, newer] = a.size <= b.size ? [a, b] : [b, a];
  if (older.origin !== newer.origin || older.hash !== newer.hash)
    return { consistent: false, fork: false };
  // The empty tree has exactly one root, HASH(). A signed size-0 checkpoint with any other root is
  // a false statement by the log (verifyConsistency, like the RFC and its reference verifier,
  // accepts any old root for size 0, so it must be caught here).
  for (const c of [older, newer]) {
    if (c.size === 0 && !equalBytes(c.root, treeHasher(c.hash).empty()))
      return { consistent: false, fork: true };
  }
  if (older.size === newer.size) {
    const same = equalBytes(older.root, newer.root);
    return { consistent: same, fork: !same };
  }
  if (!proof) return { consistent: false, fork: false };
  const ok =
    proof.oldSize === older.size &&
    proof.newSize === newer.size &&
    verifyConsistency(proof, older.root, newer.root, older.hash);
  return {
    consistent: ok,
    fork: !ok && proof.oldSize === older.size && proof.newSize === newer.size,
  };
}

// ---- "who used my data" answers ----

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
 * a fork. Malformed answers give `ok: false`. `origin` (the log the caller trusts) and `subject`
 * (the pseudonym the caller asked about) are required: missing either throws `INVALID_OPTION`.
 * @example verifySubjectEvents(answer, sm2CheckpointVerifier(logPublicKey, { name: 'agency-key' }), { origin: 'agency.example/audit', subject: 'p:7f3a9c' }).ok
 */
export function verifySubjectEvents(
  answer: SubjectEvents,
  verifier: CheckpointVerifier,
  expect: { origin: string; subject: string; previous?: Checkpoint },
): SubjectEventsCheck {
  requireOrigin(expect);
  if (typeof expect.subject !== 'string' || expect.subject === '') {
    throw new BukejianError(
      'INVALID_OPTION',
      '"subject" expected the pseudonym the caller asked about',
    );
  }
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
  if (answer.subject !== expect.subject) return out;
  const cp =
    answer.checkpoint === null
      ? null
      : verifyCheckpoint(answer.checkpoint, verifier, { origin: expect.origin });
  if (answer.checkpoint !== null && !cp) return out;
  out.checkpoint = cp;
  if (expect.previous) {
    let proof;
    try {
      const d = answer.consistency === undefined ? null : auditProofFromJSON(answer.consistency);
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
