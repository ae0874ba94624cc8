// Consent state across retention and reopening: consent IDs are never reused, and the consent
// index a reopen builds always equals the live one. The property test runs random sequences of
// grants, revocations, legal bases, prunes and reopens against a naive model written here from the
// documented rules (not from the implementation). Synthetic pseudonyms only.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sm3 } from '../src/sm3.js';
import { bytesToHex } from '../src/utils.js';
import {
  createMemoryStore,
  openAuditLog,
  type AccessDecision,
  type AuditLog,
} from '../src/audit/index.js';

const ORIGIN = 'civil-affairs.example/audit';
const T0 = Date.UTC(2026, 0, 1);
const day = 86_400_000;
const P = (n: number) => `p:${bytesToHex(sm3(`synthetic-consent-subject-${n}`)).slice(0, 24)}`;

describe('consent IDs are never reused; a revoked consent stays revoked across prune and reopen', () => {
  it('regression: c-1 (30 days), a 10-year renewal as c-1, revocation on day 40 kept 60 days, prune(day 150), reopen', async () => {
    const store = createMemoryStore();
    const log = await openAuditLog({ store, origin: ORIGIN });
    const S = P(1);
    const q = { subject: S, purpose: 'benefits', fields: ['income'], at: T0 + 200 * day };
    await log.append({
      type: 'consent',
      id: 'c-1',
      subject: S,
      purpose: 'benefits',
      fields: ['income'],
      granted: T0,
      expires: T0 + 30 * day,
      retention: { rule: 'consent-records-90d', until: T0 + 90 * day },
    });
    // the renewal with the same ID is refused and nothing is appended
    expect(() =>
      log.append({
        type: 'consent',
        id: 'c-1',
        subject: S,
        purpose: 'benefits',
        fields: ['income'],
        granted: T0 + 20 * day,
        expires: T0 + 3650 * day,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    await log.flush();
    expect(log.size).toBe(1);
    await log.append({
      type: 'revocation',
      consent: 'c-1',
      subject: S,
      time: T0 + 40 * day,
      retention: { rule: 'revocations-60d', until: T0 + 100 * day },
    });
    const r = await log.prune(T0 + 150 * day);
    expect(r.pruned).toBe(2); // the grant and, with it, its revocation
    expect(log.checkAccess(q)).toMatchObject({ allowed: false, reason: 'no-basis' });
    const reopened = await openAuditLog({ store, origin: ORIGIN });
    expect(reopened.checkAccess(q)).toEqual(log.checkAccess(q));
    expect(reopened.checkAccess(q)).toMatchObject({ allowed: false, reason: 'no-basis' });
    // the deleted ID stays refused, in this process and after the reopen
    const renewal = {
      type: 'consent',
      id: 'c-1',
      subject: S,
      purpose: 'benefits',
      fields: ['income'],
      granted: T0 + 160 * day,
      expires: T0 + 3650 * day,
    };
    expect(() => log.append(renewal)).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    expect(() => reopened.append(renewal)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
    expect(reopened.size).toBe(4); // grant, revocation, one prune entry per rule
    // another ID is fine
    await reopened.append({ ...renewal, id: 'c-2' });
    expect(reopened.checkAccess(q)).toEqual({
      allowed: true,
      basis: { consent: 'c-2' },
      missing: [],
    });
  });

  it('two grants with one ID issued together: the second is refused before anything is written', async () => {
    const log = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN });
    const g = {
      type: 'consent',
      id: 'c-7',
      subject: P(2),
      purpose: 'housing',
      fields: ['address'],
      granted: T0,
      expires: null,
    };
    const first = log.append(g);
    expect(() => log.append({ ...g, granted: T0 + day })).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
    expect(await first).toBe(0);
    expect(log.size).toBe(1);
  });

  it('a grant whose ID a revocation already named is refused (it would be revoked or revived by retention)', async () => {
    const log = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN });
    await log.append({ type: 'revocation', consent: 'c-8', subject: P(3), time: T0 });
    expect(() =>
      log.append({
        type: 'consent',
        id: 'c-8',
        subject: P(3),
        purpose: 'housing',
        fields: ['address'],
        granted: T0,
        expires: null,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
  });

  it('a revocation is kept while its grant is stored, even after the grant expired (questions about the past stay answered)', async () => {
    const store = createMemoryStore();
    const log = await openAuditLog({ store, origin: ORIGIN });
    const S = P(4);
    await log.append({
      type: 'consent',
      id: 'c-9',
      subject: S,
      purpose: 'school',
      fields: ['address'],
      granted: T0,
      expires: T0 + 30 * day,
    });
    await log.append({
      type: 'revocation',
      consent: 'c-9',
      subject: S,
      time: T0 + 10 * day,
      retention: { rule: 'r-1d', until: T0 + 11 * day },
    });
    expect((await log.prune(T0 + 100 * day)).pruned).toBe(0);
    const past = { subject: S, purpose: 'school', fields: ['address'], at: T0 + 20 * day };
    expect(log.checkAccess(past)).toMatchObject({ allowed: false, reason: 'revoked' });
    expect((await openAuditLog({ store, origin: ORIGIN })).checkAccess(past)).toMatchObject({
      allowed: false,
      reason: 'revoked',
    });
  });
});

// ---- property: live index = reopened index = naive model ----

type Ret = number | null; // retention end (day) or none
type Op =
  | {
      op: 'consent';
      id: number;
      subj: number;
      purpose: number;
      fields: number[];
      granted: number;
      len: number | null;
      ret: Ret;
    }
  | { op: 'revoke'; id: number; subj: number; time: number; ret: Ret }
  | {
      op: 'legal';
      id: number;
      purpose: number;
      fields: number[];
      effective: number;
      len: number | null;
      ret: Ret;
    }
  | { op: 'prune'; now: number }
  | { op: 'reopen' }
  | { op: 'check'; subj: number; purpose: number; fields: number[]; at: number };

const PURPOSES = ['benefits', 'housing'];
const FIELDS = ['income', 'name', 'address'];
const fieldsArb = fc.subarray([0, 1, 2], { minLength: 1 });
const retArb = fc.option(fc.integer({ min: 0, max: 60 }), { nil: null });
const lenArb = fc.option(fc.integer({ min: 1, max: 40 }), { nil: null });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('consent' as const),
    id: fc.nat(3),
    subj: fc.nat(1),
    purpose: fc.nat(1),
    fields: fieldsArb,
    granted: fc.nat(30),
    len: lenArb,
    ret: retArb,
  }),
  fc.record({
    op: fc.constant('revoke' as const),
    id: fc.nat(3),
    subj: fc.nat(1),
    time: fc.nat(60),
    ret: retArb,
  }),
  fc.record({
    op: fc.constant('legal' as const),
    id: fc.nat(1),
    purpose: fc.nat(1),
    fields: fieldsArb,
    effective: fc.nat(30),
    len: lenArb,
    ret: retArb,
  }),
  fc.record({ op: fc.constant('prune' as const), now: fc.nat(80) }),
  fc.constant({ op: 'reopen' as const }),
  fc.record({
    op: fc.constant('check' as const),
    subj: fc.nat(1),
    purpose: fc.nat(1),
    fields: fieldsArb,
    at: fc.nat(80),
  }),
);

// The model: every accepted record with a "deleted" flag, in log order.
type MGrant = {
  kind: 'consent';
  id: string;
  subject: string;
  purpose: string;
  fields: string[];
  from: number;
  to: number | null;
  until: Ret;
  gone: boolean;
};
type MRevoke = {
  kind: 'revocation';
  id: string;
  subject: string;
  time: number;
  until: Ret;
  gone: boolean;
};
type MLegal = {
  kind: 'legal';
  id: string;
  purpose: string;
  fields: string[];
  from: number;
  to: number | null;
  until: Ret;
  gone: boolean;
};
type MRec = MGrant | MRevoke | MLegal;

function modelAllowing(
  recs: MRec[],
  subject: string,
  purpose: string,
  fields: string[],
  at: number,
): string[] {
  const live = recs.filter((r) => !r.gone);
  const ok: string[] = [];
  const valid = (from: number, to: number | null) => from <= at && (to === null || at < to);
  const covers = (have: string[]) => fields.every((f) => have.includes(f));
  for (const r of live) {
    if (
      r.kind === 'consent' &&
      r.subject === subject &&
      r.purpose === purpose &&
      covers(r.fields) &&
      valid(r.from, r.to)
    ) {
      const revoked = live.some(
        (x) => x.kind === 'revocation' && x.id === r.id && x.subject === r.subject && x.time <= at,
      );
      if (!revoked) ok.push(`consent:${r.id}`);
    }
    if (r.kind === 'legal' && r.purpose === purpose && covers(r.fields) && valid(r.from, r.to))
      ok.push(`legal:${r.id}`);
  }
  return ok;
}

function modelPrune(recs: MRec[], now: number): void {
  const due = recs.filter((r) => !r.gone && r.until !== null && r.until <= now);
  const grantsGoing = new Set(due.filter((r) => r.kind === 'consent').map((r) => r.id));
  for (const r of due) {
    if (r.kind === 'revocation' && !grantsGoing.has(r.id)) {
      // kept while the grant it revokes (same subject) is still stored
      if (
        recs.some(
          (g) => g.kind === 'consent' && !g.gone && g.id === r.id && g.subject === r.subject,
        )
      )
        continue;
    }
    r.gone = true;
  }
}

const basisKey = (d: AccessDecision) =>
  d.allowed
    ? 'consent' in d.basis
      ? `consent:${d.basis.consent}`
      : `legal:${d.basis.legal}`
    : null;

describe('property: the consent index after any grants, revocations, prunes and reopens', () => {
  it('live answers = answers after a reopen = the naive model; reused IDs are refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const store = createMemoryStore();
        let log: AuditLog = await openAuditLog({ store, origin: ORIGIN });
        const recs: MRec[] = [];
        const named = new Set<string>(); // consent IDs any accepted grant or revocation named
        const d = (n: number) => T0 + n * day;
        const retention = (r: Ret, rule: string) => (r === null ? null : { rule, until: d(r) });
        for (const o of ops) {
          if (o.op === 'consent') {
            const id = `c-${o.id}`;
            const e = {
              type: 'consent',
              id,
              subject: P(o.subj),
              purpose: PURPOSES[o.purpose]!,
              fields: o.fields.map((f) => FIELDS[f]!),
              granted: d(o.granted),
              expires: o.len === null ? null : d(o.granted + o.len),
              retention: retention(o.ret, 'consent-rule'),
            };
            const before = log.size;
            if (named.has(id)) {
              expect(() => log.append(e)).toThrow(
                expect.objectContaining({ code: 'INVALID_DATA' }),
              );
              await log.flush();
              expect(log.size).toBe(before);
            } else {
              await log.append(e);
              named.add(id);
              recs.push({
                kind: 'consent',
                id,
                subject: e.subject,
                purpose: e.purpose,
                fields: e.fields,
                from: o.granted,
                to: o.len === null ? null : o.granted + o.len,
                until: o.ret,
                gone: false,
              });
            }
          } else if (o.op === 'revoke') {
            const id = `c-${o.id}`;
            await log.append({
              type: 'revocation',
              consent: id,
              subject: P(o.subj),
              time: d(o.time),
              retention: retention(o.ret, 'revocation-rule'),
            });
            named.add(id);
            recs.push({
              kind: 'revocation',
              id,
              subject: P(o.subj),
              time: o.time,
              until: o.ret,
              gone: false,
            });
          } else if (o.op === 'legal') {
            const id = `lb-${o.id}`;
            const e = {
              type: 'legal-basis',
              id,
              purpose: PURPOSES[o.purpose]!,
              fields: o.fields.map((f) => FIELDS[f]!),
              reference: 'synthetic statute',
              effective: d(o.effective),
              expires: o.len === null ? null : d(o.effective + o.len),
              retention: retention(o.ret, 'legal-rule'),
            };
            await log.append(e);
            recs.push({
              kind: 'legal',
              id,
              purpose: e.purpose,
              fields: e.fields,
              from: o.effective,
              to: o.len === null ? null : o.effective + o.len,
              until: o.ret,
              gone: false,
            });
          } else if (o.op === 'prune') {
            await log.prune(d(o.now));
            modelPrune(recs, o.now);
          } else if (o.op === 'reopen') {
            log = await openAuditLog({ store, origin: ORIGIN });
          } else {
            const q = {
              subject: P(o.subj),
              purpose: PURPOSES[o.purpose]!,
              fields: o.fields.map((f) => FIELDS[f]!),
              at: d(o.at),
            };
            const live = log.checkAccess(q);
            const fresh = (await openAuditLog({ store, origin: ORIGIN })).checkAccess(q);
            expect(fresh).toEqual(live);
            const want = modelAllowing(recs, q.subject, q.purpose, q.fields, o.at);
            expect(live.allowed).toBe(want.length > 0);
            if (live.allowed) expect(want).toContain(basisKey(live));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
