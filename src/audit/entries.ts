/**
 * Audit log entries and their canonical encoding: access events (who read, shared or verified
 * whose data, for what purpose, which fields, under which consent or legal basis), consent grants
 * and revocations, declared legal bases, and retention deletions.
 *
 * The canonical encoding is UTF-8 JSON with a fixed key order per entry type, no whitespace,
 * times as ISO 8601 UTC with milliseconds (`2026-11-25T08:00:00.000Z`) and field lists sorted
 * and de-duplicated. {@link decodeEntry} accepts only canonical bytes: it re-encodes what it
 * parsed and rejects any difference (`INVALID_ENCODING`), and never returns an unvalidated
 * structure.
 *
 * The Merkle leaf of an entry (leaf format 2, {@link entryLeafHash}) commits to the entry's
 * subject as well as to its bytes: `HASH(0x00 ‖ 0x02 ‖ subjectCommitment(subject) ‖ HASH(bytes))`.
 * `HASH(bytes)` survives a retention deletion in the logged prune entry, so a deleted event can
 * still be proven to be this subject's (and no one else's) without its content.
 *
 * Subjects are keyed pseudonyms (for example `pseudonymize` of `bukejian/mask`), never raw
 * identifiers; staff are pseudonyms too.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { BukejianError } from '../errors.js';
import { sm3 } from '../sm3.js';
import { treeHasher, type TreeHashName } from './merkle.js';
import { bytesToHex, bytesToUtf8, equalBytes, utf8ToBytes } from '../utils.js';
import { isBytes } from '../_assert.js';

/** A time: a `Date`, ms since the epoch, or an ISO 8601 string; stored as ISO UTC with ms. */
export type TimeInput = Date | number | string;

/** How long an entry's payload is kept. */
export interface Retention {
  /** Name of the retention rule (e.g. `"access-log-3y"`, a regulation reference). */
  rule: string;
  /** When the payload may be deleted. */
  until: string;
}

/** Who accessed the data. */
export interface Actor {
  /** The agency (organisation code or name). */
  agency: string;
  /** The staff member, as a pseudonym. */
  staff: string;
}

/** The basis an access relied on: a consent (by ID) or a declared legal basis (by ID). */
export type Basis = { consent: string } | { legal: string };

/** An access event: a read, share or verification of a subject's data. */
export interface AccessEntry {
  type: 'access';
  actor: Actor;
  /** Keyed pseudonym of the data subject. */
  subject: string;
  purpose: string;
  /** Fields released (sorted, unique). */
  fields: string[];
  basis: Basis;
  /** What happened: `read` (default), `share`, `verify` or any short verb. */
  action: string;
  /** Name of the field policy applied (from `applyPolicy` of `bukejian/mask`), or `null`. */
  policy: string | null;
  time: string;
  retention: Retention | null;
}

/** A subject's consent to use `fields` for `purpose` from `granted` until `expires`. */
export interface ConsentEntry {
  type: 'consent';
  id: string;
  subject: string;
  purpose: string;
  fields: string[];
  granted: string;
  /** End of validity (exclusive); `null`: until revoked. */
  expires: string | null;
  retention: Retention | null;
}

/** Revocation of consent `consent` by its subject, effective at `time`. */
export interface RevocationEntry {
  type: 'revocation';
  consent: string;
  subject: string;
  time: string;
  retention: Retention | null;
}

/** A legal basis the agency declares: `fields` may be used for `purpose` without consent. */
export interface LegalBasisEntry {
  type: 'legal-basis';
  id: string;
  purpose: string;
  fields: string[];
  /** The statute or regulation relied on. */
  reference: string;
  effective: string;
  expires: string | null;
  retention: Retention | null;
}

/** A retention deletion performed by `prune`: which entries lost their payload, when, under which rule. */
export interface PruneEntry {
  type: 'prune';
  rule: string;
  time: string;
  count: number;
  /** SM3 (hex) of the sorted deleted indexes as decimal numbers joined by `,`. */
  indexes: string;
  /**
   * The tree hash (hex) of each deleted payload, in the order of the sorted indexes: what the
   * deleted leaves still commit to, so that a deleted event stays verifiable: with `content` this
   * value, its leaf hash is `HASH(0x00 ‖ 0x02 ‖ subjectCommitment(subject) ‖ content)`, the same
   * leaf {@link entryLeafHash} computes from the entry's bytes.
   */
  leaves: string[];
  /**
   * Digest of every consent ID named by a deleted consent grant or revocation, as hex:
   * `SM3("bukejian/audit consent id\0" ‖ id)[0..16)` (sorted, unique): the log remembers that
   * these IDs were used, so they are never reused.
   */
  consents: string[];
  retention: null;
}

/** Any log entry. */
export type Entry = AccessEntry | ConsentEntry | RevocationEntry | LegalBasisEntry | PruneEntry;

/** Stable one-byte codes of the entry types (stored next to each leaf for indexing). @example KIND_CODES.access // 1 */
export const KIND_CODES: Readonly<Record<Entry['type'], number>> = /* @__PURE__ */ Object.freeze({
  access: 1,
  consent: 2,
  revocation: 3,
  'legal-basis': 4,
  prune: 5,
});

/**
 * Version of the entry encoding (the `v` key). 2 (with leaf format 2): prune entries list the
 * digests of the payloads and of the consent IDs they deleted. Version 1 entries are refused with
 * `VERSION`.
 * @example JSON.parse(new TextDecoder().decode(encodeEntry(e))).v === ENTRY_VERSION
 */
export const ENTRY_VERSION = 2;

const MAX_STR = 512;
const MAX_FIELDS = 256;

function bad(msg: string): never {
  throw new BukejianError('INVALID_DATA', msg);
}
function str(v: unknown, name: string, max = MAX_STR): string {
  if (typeof v !== 'string')
    bad(`"${name}" expected string, got ${v === null ? 'null' : typeof v}`);
  if (v.length === 0 || v.length > max)
    bad(`"${name}" expected string of length 1..${max}, got length=${v.length}`);
  if (/[\u0000-\u001f]/.test(v)) bad(`"${name}" expected no control characters, got some`);
  return v;
}

/**
 * Normalizes a time to ISO 8601 UTC with milliseconds.
 * @example toTime(0) // '1970-01-01T00:00:00.000Z'
 */
export function toTime(v: TimeInput, name = 'time'): string {
  let ms: number;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'number') ms = v;
  else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v))
    ms = Date.parse(v);
  else
    bad(
      `"${name}" expected Date, epoch ms or ISO 8601 UTC string, got ${typeof v === 'string' ? 'other string' : typeof v}`,
    );
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > 253402300799999)
    bad(`"${name}" expected a time in 1970..9999, got out of range`);
  return new Date(ms).toISOString();
}

/** Milliseconds since the epoch of a stored time. @example timeMs('1970-01-01T00:00:01.000Z') // 1000 */
export function timeMs(t: string): number {
  return Date.parse(t);
}

function fields(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_FIELDS)
    bad(`"${name}" expected 1..${MAX_FIELDS} field names, got other`);
  const out = [...new Set(v.map((f, i) => str(f, `${name}[${i}]`, 128)))];
  return out.sort();
}

function retention(v: unknown): Retention | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object') bad('"retention" expected { rule, until } or null, got other');
  const r = v as { rule?: unknown; until?: unknown };
  return {
    rule: str(r.rule, 'retention.rule', 128),
    until: toTime(r.until as TimeInput, 'retention.until'),
  };
}

function basis(v: unknown): Basis {
  const b = (v ?? {}) as Record<string, unknown>;
  const keys = Object.keys(b);
  if (keys.length === 1 && keys[0] === 'consent')
    return { consent: str(b.consent, 'basis.consent', 128) };
  if (keys.length === 1 && keys[0] === 'legal') return { legal: str(b.legal, 'basis.legal', 128) };
  return bad('"basis" expected { consent: id } or { legal: id }, got other');
}

function expiry(v: unknown, name: string): string | null {
  return v === undefined || v === null ? null : toTime(v as TimeInput, name);
}

/**
 * Validates and normalizes an entry (times to ISO, fields sorted, key order fixed). Throws
 * `INVALID_DATA` naming the offending field.
 * @example normalizeEntry({ type: 'consent', id: 'c-1', subject: 'p:3f…', purpose: 'benefits',
 *   fields: ['name', 'income'], granted: Date.now(), expires: null })
 */
export function normalizeEntry(e: unknown): Entry {
  if (!e || typeof e !== 'object') bad('"entry" expected object, got other');
  const x = e as Record<string, unknown>;
  switch (x.type) {
    case 'access': {
      const a = (x.actor ?? {}) as Record<string, unknown>;
      return {
        type: 'access',
        actor: {
          agency: str(a.agency, 'actor.agency', 128),
          staff: str(a.staff, 'actor.staff', 128),
        },
        subject: str(x.subject, 'subject', 256),
        purpose: str(x.purpose, 'purpose', 256),
        fields: fields(x.fields, 'fields'),
        basis: basis(x.basis),
        action: x.action === undefined ? 'read' : str(x.action, 'action', 32),
        policy: x.policy === undefined || x.policy === null ? null : str(x.policy, 'policy', 128),
        time: toTime(x.time as TimeInput),
        retention: retention(x.retention),
      };
    }
    case 'consent': {
      const granted = toTime(x.granted as TimeInput, 'granted');
      const expires = expiry(x.expires, 'expires');
      if (expires !== null && timeMs(expires) <= timeMs(granted))
        bad('"expires" expected after "granted", got not after');
      return {
        type: 'consent',
        id: str(x.id, 'id', 128),
        subject: str(x.subject, 'subject', 256),
        purpose: str(x.purpose, 'purpose', 256),
        fields: fields(x.fields, 'fields'),
        granted,
        expires,
        retention: retention(x.retention),
      };
    }
    case 'revocation':
      return {
        type: 'revocation',
        consent: str(x.consent, 'consent', 128),
        subject: str(x.subject, 'subject', 256),
        time: toTime(x.time as TimeInput),
        retention: retention(x.retention),
      };
    case 'legal-basis': {
      const effective = toTime(x.effective as TimeInput, 'effective');
      const expires = expiry(x.expires, 'expires');
      if (expires !== null && timeMs(expires) <= timeMs(effective))
        bad('"expires" expected after "effective", got not after');
      return {
        type: 'legal-basis',
        id: str(x.id, 'id', 128),
        purpose: str(x.purpose, 'purpose', 256),
        fields: fields(x.fields, 'fields'),
        reference: str(x.reference, 'reference'),
        effective,
        expires,
        retention: retention(x.retention),
      };
    }
    case 'prune': {
      if (typeof x.count !== 'number' || !Number.isSafeInteger(x.count) || x.count < 1)
        bad('"count" expected positive integer, got other');
      const ix = str(x.indexes, 'indexes', 64);
      if (!/^[0-9a-f]{64}$/.test(ix)) bad('"indexes" expected 64 hex digits, got other');
      if (x.retention !== undefined && x.retention !== null)
        bad('"retention" expected null for a prune entry, got other');
      if (!Array.isArray(x.leaves) || x.leaves.length !== x.count)
        bad('"leaves" expected one digest per deleted entry, got other');
      const leaves = x.leaves.map((l, i) => str(l, `leaves[${i}]`, 64));
      if (!leaves.every((l) => /^[0-9a-f]{64}$/.test(l)))
        bad('"leaves" expected 64 hex digits each, got other');
      if (!Array.isArray(x.consents) || x.consents.length > x.count)
        bad('"consents" expected an array of at most "count" digests, got other');
      const consents = [...new Set(x.consents.map((c, i) => str(c, `consents[${i}]`, 32)))].sort();
      if (!consents.every((c) => /^[0-9a-f]{32}$/.test(c)))
        bad('"consents" expected 32 hex digits each, got other');
      return {
        type: 'prune',
        rule: str(x.rule, 'rule', 128),
        time: toTime(x.time as TimeInput),
        count: x.count,
        indexes: ix,
        leaves,
        consents,
        retention: null,
      };
    }
    default:
      return bad('"type" expected access|consent|revocation|legal-basis|prune, got other');
  }
}

/**
 * Canonical bytes of an entry (normalized first).
 * @example const bytes = encodeEntry(entry); const leaf = treeHasher().leaf(bytes)
 */
export function encodeEntry(e: Entry | Record<string, unknown>): Uint8Array {
  return encodeNormalized(normalizeEntry(e));
}

/**
 * Canonical bytes of an entry that is already the output of {@link normalizeEntry} (no checks).
 * @example encodeNormalized(normalizeEntry(e))
 */
export function encodeNormalized(n: Entry): Uint8Array {
  // normalizeEntry builds objects with a fixed key order, so JSON.stringify is canonical.
  // (JSON.stringify escapes lone surrogates, so the string is always well-formed UTF-16.)
  return utf8(JSON.stringify({ v: ENTRY_VERSION, ...n }));
}

const ENCODER = /* @__PURE__ */ new TextEncoder();
// Node's Buffer, where there is one (never imported: browsers use TextEncoder).
const NODE_BUFFER = (globalThis as { Buffer?: { from(s: string, e: 'utf8'): Uint8Array } }).Buffer;

// UTF-8 bytes of a string on the append path: Node's `Buffer.from` (about 3× faster than
// TextEncoder for entry-sized strings, and allocated from its pool) returned as a plain
// Uint8Array view, TextEncoder elsewhere. Both replace lone surrogates with U+FFFD.
function utf8(s: string): Uint8Array {
  if (!NODE_BUFFER) return ENCODER.encode(s);
  const b = NODE_BUFFER.from(s, 'utf8');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Parses canonical entry bytes; anything else (not JSON, unknown version or type, missing or
 * extra fields, non-canonical form) throws `INVALID_ENCODING`.
 * @example decodeEntry(encodeEntry(entry)).type // 'access'
 */
export function decodeEntry(bytes: Uint8Array): Entry {
  if (!isBytes(bytes) || bytes.length > 1 << 20)
    throw new BukejianError('INVALID_ENCODING', '"bytes" expected entry bytes, got other');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(bytes));
  } catch {
    throw new BukejianError(
      'INVALID_ENCODING',
      '"bytes" expected canonical entry JSON, got unparsable',
    );
  }
  if (!parsed || typeof parsed !== 'object' || (parsed as { v?: unknown }).v !== ENTRY_VERSION) {
    throw new BukejianError(
      'VERSION',
      `"bytes" expected entry version ${ENTRY_VERSION}, got other`,
    );
  }
  const { v: _v, ...rest } = parsed as Record<string, unknown>;
  let e: Entry;
  try {
    e = normalizeEntry(rest);
  } catch {
    throw new BukejianError(
      'INVALID_ENCODING',
      '"bytes" expected a valid entry, got invalid fields',
    );
  }
  if (!equalBytes(encodeEntry(e), bytes))
    throw new BukejianError(
      'INVALID_ENCODING',
      '"bytes" expected canonical encoding, got non-canonical',
    );
  return e;
}

const TAG_PREFIX = /* @__PURE__ */ utf8ToBytes('bukejian/audit subject\u0000');

/**
 * The 32-byte subject commitment a leaf binds: `SM3("bukejian/audit subject\0" ‖ subject)`, or
 * 32 zero bytes for entries about no subject (legal bases, prune records).
 * @example subjectCommitment('p:9c1f…') // Uint8Array(32)
 */
export function subjectCommitment(subject: string | null): Uint8Array {
  if (subject === null) return new Uint8Array(32);
  if (typeof subject !== 'string') utf8ToBytes(subject); // throws the usual error
  const s = utf8(subject);
  const m = new Uint8Array(TAG_PREFIX.length + s.length);
  m.set(TAG_PREFIX);
  m.set(s, TAG_PREFIX.length);
  return sm3(m);
}

/**
 * The 8-byte index tag of a subject pseudonym: the first 8 bytes of {@link subjectCommitment}.
 * Only an index: queries confirm the subject against the entry or its leaf.
 * @example subjectTag('p:9c1f…') // Uint8Array(8)
 */
export function subjectTag(subject: string | null): Uint8Array {
  return subjectCommitment(subject).subarray(0, 8);
}

/** Version byte that starts the leaf data of {@link leafFromContent}. @example LEAF_FORMAT // 2 */
export const LEAF_FORMAT = 2;

/**
 * The leaf hash of an entry from the tree hash of its bytes (what a prune entry keeps) and its
 * subject: `HASH(0x00 ‖ 0x02 ‖ subjectCommitment(subject) ‖ content)`, RFC 9162 leaf hashing of
 * a 65-byte leaf.
 * @example leafFromContent(hexToBytes(prune.leaves[k]), subject, 'sm3')
 */
export function leafFromContent(
  content: Uint8Array,
  subject: string | null,
  hash: TreeHashName = 'sm3',
): Uint8Array {
  if (!isBytes(content) || content.length !== 32)
    bad(
      `"content" expected Uint8Array of length 32, got ${isBytes(content) ? `length=${content.length}` : 'other'}`,
    );
  const d = new Uint8Array(65);
  d[0] = LEAF_FORMAT;
  d.set(subjectCommitment(subject), 1);
  d.set(content, 33);
  return treeHasher(hash).leaf(d);
}

/**
 * The tree hash of canonical entry bytes (`HASH(bytes)`, SM3 or SHA-256).
 * @example bytesToHex(contentDigest(encodeEntry(e)))
 */
export function contentDigest(bytes: Uint8Array, hash: TreeHashName = 'sm3'): Uint8Array {
  treeHasher(hash);
  return hash === 'sha256' ? sha256(bytes) : sm3(bytes);
}

/**
 * The Merkle leaf hash of canonical entry bytes about `subject` (leaf format 2):
 * `leafFromContent(contentDigest(bytes), subject)`.
 * @example
 * // the leaf of an access entry (subject: the entry's `subject`; `null` for legal bases and prunes)
 * const leaf = entryLeafHash(encodeEntry(entry), entry.subject, 'sm3')
 * verifyInclusion(log.inclusionProof(i), leaf, log.root()) // true
 */
export function entryLeafHash(
  bytes: Uint8Array,
  subject: string | null,
  hash: TreeHashName = 'sm3',
): Uint8Array {
  return leafFromContent(contentDigest(bytes, hash), subject, hash);
}

/**
 * The leaf hash ({@link entryLeafHash}) and the subject tag ({@link subjectTag}) of canonical
 * entry bytes, hashing the subject commitment once (the log's append path).
 * @internal
 */
export function leafAndTag(
  bytes: Uint8Array,
  subject: string | null,
  hash: TreeHashName,
): { leafHash: Uint8Array; subjectTag: Uint8Array } {
  const commitment = subjectCommitment(subject);
  // RFC 9162 leaf hashing of the 65-byte leaf data: HASH(0x00 ‖ LEAF_FORMAT ‖ commitment ‖ content)
  const H = hash === 'sha256' ? sha256 : sm3;
  const m = new Uint8Array(66);
  m[1] = LEAF_FORMAT;
  m.set(commitment, 2);
  m.set(H(bytes), 34);
  return { leafHash: H(m), subjectTag: commitment.subarray(0, 8) };
}

const CONSENT_ID_PREFIX = /* @__PURE__ */ utf8ToBytes('bukejian/audit consent id\u0000');

/**
 * What a prune entry keeps of a deleted consent ID: `SM3("bukejian/audit consent id\0" ‖ id)[0..16)`
 * as hex. Enough to refuse the ID forever without keeping it in clear.
 * @example consentIdDigest('c-1').length // 32
 */
export function consentIdDigest(id: string): string {
  const s = utf8ToBytes(id);
  const m = new Uint8Array(CONSENT_ID_PREFIX.length + s.length);
  m.set(CONSENT_ID_PREFIX);
  m.set(s, CONSENT_ID_PREFIX.length);
  return bytesToHex(sm3(m).subarray(0, 16));
}

/** The subject an entry is about, or `null` (legal bases and prune records). @example entrySubject(e) */
export function entrySubject(e: Entry): string | null {
  return e.type === 'access' || e.type === 'consent' || e.type === 'revocation' ? e.subject : null;
}

/** The access description `applyPolicy` (bukejian/mask) returns, as far as the log needs it. */
export interface PolicyAccess {
  actor: string | null;
  purpose: string;
  policy?: string;
  released: readonly { field: string }[];
}

/**
 * An access entry from the access description of `applyPolicy`: its purpose, released fields,
 * policy name and actor (as the staff pseudonym), plus what only the caller knows.
 * @example
 * const { record, access } = applyPolicy(row, policy, { purpose: 'benefits', actor: 'clerk-17' });
 * await log.append(accessEntryFromPolicy(access, { agency: 'civil-affairs', subject, basis: { legal: 'lb-1' }, time: Date.now() }));
 */
export function accessEntryFromPolicy(
  access: PolicyAccess,
  ctx: {
    agency: string;
    subject: string;
    basis: Basis;
    time: TimeInput;
    staff?: string;
    action?: string;
    retention?: { rule: string; until: TimeInput };
  },
): AccessEntry {
  if (!access || typeof access !== 'object' || !Array.isArray(access.released))
    bad('"access" expected an applyPolicy access description, got other');
  const staff = ctx.staff ?? access.actor;
  if (staff === null || staff === undefined)
    bad('"staff" expected (the access description has no actor), got none');
  return normalizeEntry({
    type: 'access',
    actor: { agency: ctx.agency, staff },
    subject: ctx.subject,
    purpose: access.purpose,
    fields: access.released.map((r) => r.field),
    basis: ctx.basis,
    action: ctx.action,
    policy: access.policy ?? null,
    time: ctx.time,
    retention: ctx.retention,
  }) as AccessEntry;
}

// SM3 (hex) of the sorted indexes joined by commas: what a prune entry's `indexes` commits to.
export function indexesDigest(indexes: readonly number[]): string {
  return bytesToHex(sm3(utf8ToBytes([...indexes].sort((a, b) => a - b).join(','))));
}
