/**
 * Consent and purpose checks over the log's consent grants, revocations and declared legal
 * bases: `checkAccess({ subject, purpose, fields, at })` answers whether ONE basis valid at
 * `at` covers every requested field, and what is missing when none does.
 *
 * Validity is half-open: a consent is valid for `granted ≤ at < expires`; a revocation takes
 * effect at its own time (`revoked ≤ at` → no longer valid); a legal basis is valid for
 * `effective ≤ at < expires`. Purposes must match exactly. A revocation only counts when it
 * comes from the consent's own subject, and it counts wherever it stands in the log (a revocation
 * recorded before the grant it names still revokes it: ignoring it would fail open).
 *
 * Consent IDs are never reused: the index remembers every ID a grant or revocation has named,
 * including those whose entries were deleted under retention (prune entries list their digests),
 * and the audit log refuses a grant whose ID {@link ConsentIndex.idUsed} reports. The index only
 * ever holds the entries still stored; the log rebuilds it after a prune the same way as at open.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions, astring } from '../_assert.js';
import {
  consentIdDigest,
  timeMs,
  toTime,
  type ConsentEntry,
  type Entry,
  type LegalBasisEntry,
  type TimeInput,
} from './entries.js';

/** The question. */
export interface AccessQuery {
  /** Subject pseudonym. */
  subject: string;
  purpose: string;
  fields: string[];
  /** When the access would happen (default: now). */
  at?: TimeInput;
}

/** Why no basis applies. */
export type DenyReason = 'no-basis' | 'not-yet-valid' | 'expired' | 'revoked' | 'fields';

/** The answer. */
export type AccessDecision =
  | { allowed: true; basis: { consent: string } | { legal: string }; missing: [] }
  | {
      allowed: false;
      /** Requested fields not covered by the closest basis (all of them when no basis is valid). */
      missing: string[];
      /** The most specific reason, from the closest candidate. */
      reason: DenyReason;
      /** The closest candidate basis, if any matched subject and purpose. */
      closest?: { consent: string } | { legal: string };
    };

/** Consent state built from log entries, in log order. */
export interface ConsentIndex {
  /** Feeds one decoded entry (access entries are ignored; prune entries retire consent IDs). */
  add(entry: Entry): void;
  /** Answers an access question. */
  check(q: AccessQuery): AccessDecision;
  /** The consent grant with this ID, if any. */
  consent(id: string): ConsentEntry | undefined;
  /**
   * Whether a grant or revocation fed to the index named this consent ID, or a prune entry
   * recorded it as deleted: such an ID cannot be granted again.
   */
  idUsed(id: string): boolean;
}

/**
 * An empty consent index; the audit log keeps one up to date.
 * @example
 * const ix = createConsentIndex(); for (const e of entries) ix.add(e);
 * ix.check({ subject, purpose: 'benefits', fields: ['income'], at: Date.now() })
 */
export function createConsentIndex(): ConsentIndex {
  const grants = new Map<string, ConsentEntry>(); // by consent id
  const bySubject = new Map<string, ConsentEntry[]>();
  // consent id → subject → earliest effective revocation (ms); kept even when the grant is not
  // (yet) known, and matched against the grant's subject at check time
  const revoked = new Map<string, Map<string, number>>();
  const legal: LegalBasisEntry[] = [];
  const named = new Set<string>(); // consent IDs named by a grant or a revocation
  const retired = new Set<string>(); // consentIdDigest of IDs whose entries were deleted

  function add(e: Entry): void {
    if (e.type === 'consent') {
      named.add(e.id);
      // The audit log refuses a reused ID; in a hand-made list the first grant with an ID wins.
      if (grants.has(e.id)) return;
      grants.set(e.id, e);
      const l = bySubject.get(e.subject) ?? [];
      l.push(e);
      bySubject.set(e.subject, l);
    } else if (e.type === 'revocation') {
      named.add(e.consent);
      const t = timeMs(e.time);
      const bySubj = revoked.get(e.consent) ?? new Map<string, number>();
      const prev = bySubj.get(e.subject);
      if (prev === undefined || t < prev) bySubj.set(e.subject, t);
      revoked.set(e.consent, bySubj);
    } else if (e.type === 'legal-basis') {
      legal.push(e);
    } else if (e.type === 'prune') {
      for (const d of e.consents) retired.add(d);
    }
  }

  function check(q: AccessQuery): AccessDecision {
    const o = aoptions(q, 'query', ['subject', 'purpose', 'fields', 'at']);
    const subject = astring(o.subject, 'subject');
    const purpose = astring(o.purpose, 'purpose');
    if (!Array.isArray(o.fields) || o.fields.length === 0) {
      throw new BukejianError(
        'INVALID_TYPE',
        '"fields" expected non-empty string array, got other',
      );
    }
    const want = [...new Set(o.fields.map((f, i) => astring(f, `fields[${i}]`)))].sort();
    const at = timeMs(toTime(o.at ?? Date.now(), 'at'));

    type Cand = {
      basis: { consent: string } | { legal: string };
      problem: DenyReason | null;
      missing: string[];
    };
    const cands: Cand[] = [];
    const consider = (
      basis: Cand['basis'],
      granted: Set<string>,
      from: string,
      to: string | null,
      revokedAt?: number,
    ) => {
      const missing = want.filter((f) => !granted.has(f));
      let problem: DenyReason | null = null;
      if (at < timeMs(from)) problem = 'not-yet-valid';
      else if (to !== null && at >= timeMs(to)) problem = 'expired';
      else if (revokedAt !== undefined && revokedAt <= at) problem = 'revoked';
      else if (missing.length) problem = 'fields';
      cands.push({ basis, problem, missing });
    };
    for (const g of bySubject.get(subject) ?? []) {
      if (g.purpose !== purpose) continue;
      // only the subject can revoke their consent
      consider(
        { consent: g.id },
        new Set(g.fields),
        g.granted,
        g.expires,
        revoked.get(g.id)?.get(g.subject),
      );
    }
    for (const l of legal) {
      if (l.purpose !== purpose) continue;
      consider({ legal: l.id }, new Set(l.fields), l.effective, l.expires);
    }
    const ok = cands.find((c) => c.problem === null);
    if (ok) return { allowed: true, basis: ok.basis, missing: [] };
    if (cands.length === 0) return { allowed: false, missing: want, reason: 'no-basis' };
    // Closest: a time-valid basis with the fewest missing fields, else the first candidate.
    const timeValid = cands
      .filter((c) => c.problem === 'fields')
      .sort((a, b) => a.missing.length - b.missing.length);
    const best = timeValid[0] ?? cands[cands.length - 1]!;
    return {
      allowed: false,
      missing: best.problem === 'fields' ? best.missing : want,
      reason: best.problem!,
      closest: best.basis,
    };
  }

  return Object.freeze({
    add,
    check,
    consent: (id: string) => grants.get(id),
    idUsed: (id: string) => named.has(id) || retired.has(consentIdDigest(id)),
  });
}

/**
 * One-shot check over a list of entries (builds an index each call; the audit log keeps one).
 * @example checkAccess(entries, { subject, purpose: 'benefits', fields: ['income'], at: '2026-01-01T00:00:00.000Z' })
 */
export function checkAccess(entries: Iterable<Entry>, q: AccessQuery): AccessDecision {
  const ix = createConsentIndex();
  for (const e of entries) ix.add(e);
  return ix.check(q);
}
