// The audit log end to end on the memory store: checkpoints signed with real SM2, consent checks
// (edge cases at the exact instant), retention, "who used my data" answers verified
// independently, fork detection. Synthetic pseudonyms only.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sm2 } from '../src/sm2/index.js';
import { sm3 } from '../src/sm3.js';
import { bytesToHex, utf8ToBytes } from '../src/utils.js';
import {
  accessEntryFromPolicy,
  checkAccess,
  checkCheckpointConsistency,
  createMemoryStore,
  decodeEntry,
  encodeEntry,
  openAuditLog,
  parseCheckpoint,
  signCheckpoint,
  sm2CheckpointSigner,
  sm2CheckpointVerifier,
  treeHasher,
  verifyCheckpoint,
  verifyInclusion,
  verifySubjectEvents,
  type Entry,
} from '../src/audit/index.js';
import { normalizeEntry } from '../src/audit/entries.js';

const { secretKey, publicKey } = sm2.keygen();
const KEY = 'civil-affairs.example/audit-key';
const ORIGIN = 'civil-affairs.example/audit';
const signer = sm2CheckpointSigner(secretKey, { name: KEY, userId: 'audit@civil-affairs' });
const verifier = sm2CheckpointVerifier(publicKey, { name: KEY, userId: 'audit@civil-affairs' });
const T0 = Date.UTC(2026, 0, 1);
const day = 86_400_000;
// Synthetic keyed pseudonyms (what bukejian/mask pseudonymize would return).
const P = (n: number) => `p:${bytesToHex(sm3(`synthetic-subject-${n}`)).slice(0, 24)}`;

const access = (subject: string, t: number, extra: Record<string, unknown> = {}) => ({
  type: 'access',
  actor: { agency: 'civil-affairs', staff: 's:clerk-17' },
  subject,
  purpose: 'benefits',
  fields: ['income', 'name'],
  basis: { legal: 'lb-1' },
  time: t,
  ...extra,
});

describe('entries: canonical encoding', () => {
  it('round trips and rejects any non-canonical form', () => {
    const e = normalizeEntry(access(P(1), T0, { fields: ['name', 'income', 'name'] }));
    expect(e.type === 'access' && e.fields).toEqual(['income', 'name']);
    const b = encodeEntry(e);
    expect(decodeEntry(b)).toEqual(e);
    const json = new TextDecoder().decode(b);
    for (const bad of [
      json.replace('{"v":2,', '{ "v":2,'), // whitespace
      json.replace('"income","name"', '"name","income"'), // unsorted fields
      json.replace('{"v":2,', '{"v":2,"extra":1,'), // extra key
      json.replace('"v":2', '"v":1'), // version 1 (before prune entries listed consent IDs)
      json.replace('"v":2', '"v":3'), // unknown version
      json.replace('.000Z', 'Z'), // time not in canonical form
      json.slice(0, -1), // truncated
    ]) {
      expect(() => decodeEntry(utf8ToBytes(bad))).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/INVALID_ENCODING|VERSION/) }),
      );
    }
  });
  it('property: decode(encode(e)) = normalize(e) for arbitrary valid entries', () => {
    const s = fc.string({ minLength: 1, maxLength: 20 }).filter((x) => !/[\u0000-\u001f]/.test(x));
    fc.assert(
      fc.property(
        s,
        s,
        s,
        fc.array(s, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 4e12 }),
        (agency, subject, purpose, fields, t) => {
          const e = normalizeEntry(
            access(subject, t, { actor: { agency, staff: 's:1' }, purpose, fields }),
          );
          expect(decodeEntry(encodeEntry(e))).toEqual(e);
        },
      ),
      { numRuns: 200 },
    );
  });
  it("validates the caller's entries with INVALID_DATA", () => {
    for (const bad of [
      {},
      { type: 'x' },
      access('', T0),
      access(P(1), -1),
      access(P(1), T0, { fields: [] }),
      access(P(1), T0, { basis: { consent: 'c', legal: 'l' } }),
      access(P(1), T0, { subject: 'a\nb' }),
      {
        type: 'consent',
        id: 'c',
        subject: 's',
        purpose: 'p',
        fields: ['f'],
        granted: T0,
        expires: T0,
      },
    ]) {
      expect(() => normalizeEntry(bad)).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    }
  });
  it('takes the access description of applyPolicy (bukejian/mask) directly', async () => {
    const { loadPolicy, applyPolicy } = await import('../src/mask/index.js');
    const { pseudonymize } = await import('../src/mask/pseudonym.js');
    const policy = loadPolicy({
      version: 1,
      name: 'benefits-v1',
      fields: {
        name: {
          type: 'name',
          level: 'general',
          sharing: 'conditional',
          purposes: { benefits: 'mask' },
        },
        income: {
          type: 'number',
          level: 'important',
          sharing: 'conditional',
          purposes: { benefits: 'keep' },
        },
      },
    } as never);
    const { access: desc } = applyPolicy({ name: '王小明', income: 3200, note: 'x' }, policy, {
      purpose: 'benefits',
      actor: 's:clerk-17',
    });
    // synthetic ID number (valid GB 11643 check digit), pseudonymized with a test key
    const subject = pseudonymize('110101199003070011', new Uint8Array(32).fill(7), {
      domain: 'civil-affairs/audit',
      normalize: 'id',
    });
    const e = accessEntryFromPolicy(desc, {
      agency: 'civil-affairs',
      subject,
      basis: { legal: 'lb-1' },
      time: T0,
    });
    expect(e.fields).toEqual(['income', 'name']);
    expect(e.policy).toBe('benefits-v1');
    expect(e.actor.staff).toBe('s:clerk-17');
    expect(decodeEntry(encodeEntry(e))).toEqual(e);
  });
});

describe('checkpoints (SM2)', () => {
  it('sign → verify; unsigned, other key, other user ID, other origin and edited text are rejected', async () => {
    const log = await openAuditLog({
      store: createMemoryStore(),
      origin: ORIGIN,
      signer,
      verifier,
    });
    await log.appendMany([access(P(1), T0), access(P(2), T0 + 1)]);
    const note = await log.checkpoint({ time: T0 + 2 });
    expect(note).toMatch(
      /^civil-affairs\.example\/audit\n2\n[A-Za-z0-9+/=]{44}\ntime 2026-01-01T00:00:00\.002Z\nhash sm3\n\n\u2014 civil-affairs\.example\/audit-key [A-Za-z0-9+/=]+\n$/,
    );
    const cp = verifyCheckpoint(note, verifier, { origin: ORIGIN });
    expect(cp?.size).toBe(2);
    expect(bytesToHex(cp!.root)).toBe(bytesToHex(log.root()));
    const other = sm2.keygen();
    expect(
      verifyCheckpoint(
        note,
        sm2CheckpointVerifier(other.publicKey, { name: KEY, userId: 'audit@civil-affairs' }),
        { origin: ORIGIN },
      ),
    ).toBe(null);
    expect(
      verifyCheckpoint(note, sm2CheckpointVerifier(publicKey, { name: KEY }), { origin: ORIGIN }),
    ).toBe(null); // default user ID
    expect(verifyCheckpoint(note, verifier, { origin: 'other.example/audit' })).toBe(null);
    expect(
      verifyCheckpoint(note.slice(0, note.indexOf('\n\n') + 2), verifier, { origin: ORIGIN }),
    ).toBe(null); // unsigned
    expect(verifyCheckpoint(note.replace('\n2\n', '\n3\n'), verifier, { origin: ORIGIN })).toBe(
      null,
    );
    const forged = await signCheckpoint(
      { ...cp!, size: 3 },
      sm2CheckpointSigner(other.secretKey, { name: KEY }),
    );
    expect(verifyCheckpoint(forged, verifier, { origin: ORIGIN })).toBe(null);
    expect(parseCheckpoint(forged)?.checkpoint.size).toBe(3);
  });
  it('any single-character change of a signed note is rejected', async () => {
    const log = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN, signer });
    await log.append(access(P(1), T0));
    const note = await log.checkpoint();
    fc.assert(
      fc.property(fc.nat(note.length - 1), fc.integer({ min: 0x21, max: 0x7e }), (i, c) => {
        const ch = String.fromCharCode(c);
        fc.pre(note[i] !== ch);
        expect(
          verifyCheckpoint(note.slice(0, i) + ch + note.slice(i + 1), verifier, { origin: ORIGIN }),
        ).toBe(null);
      }),
      { numRuns: 60 },
    );
  });
  it('fork detection: two signed views of one log', async () => {
    const a = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN, signer });
    const b = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN, signer });
    for (let i = 0; i < 10; i++) {
      await a.append(access(P(i), T0 + i));
      await b.append(access(P(i === 6 ? 99 : i), T0 + i)); // b rewrote entry 6
    }
    const ca = verifyCheckpoint(await a.checkpoint(), verifier, { origin: ORIGIN })!;
    const cb = verifyCheckpoint(await b.checkpoint(), verifier, { origin: ORIGIN })!;
    expect(checkCheckpointConsistency(ca, cb)).toEqual({ consistent: false, fork: true });
    // size 0: only the empty-tree root HASH() is honest, whatever the proof says
    const empty = { ...ca, size: 0, root: treeHasher().empty() };
    expect(
      checkCheckpointConsistency(empty, ca, { oldSize: 0, newSize: ca.size, path: [] }),
    ).toEqual({ consistent: true, fork: false });
    expect(
      checkCheckpointConsistency({ ...empty, root: ca.root }, ca, {
        oldSize: 0,
        newSize: ca.size,
        path: [],
      }),
    ).toEqual({ consistent: false, fork: true });
    expect(
      checkCheckpointConsistency({ ...empty, root: ca.root }, { ...empty, root: ca.root }),
    ).toEqual({ consistent: false, fork: true });
    const old = verifyCheckpoint((await a.checkpoint()) && a.latestCheckpoint()!.note, verifier, {
      origin: ORIGIN,
    })!;
    for (let i = 10; i < 15; i++) await a.append(access(P(i), T0 + i));
    const ca2 = verifyCheckpoint(await a.checkpoint(), verifier, { origin: ORIGIN })!;
    expect(checkCheckpointConsistency(old, ca2, a.consistencyProof(old.size, ca2.size))).toEqual({
      consistent: true,
      fork: false,
    });
    // b's history can never be proven consistent with a's later checkpoint
    for (let i = 10; i < 15; i++) await b.append(access(P(i), T0 + i));
    expect(checkCheckpointConsistency(cb, ca2, b.consistencyProof(cb.size, 15))).toEqual({
      consistent: false,
      fork: true,
    });
    expect(checkCheckpointConsistency(cb, ca2, a.consistencyProof(cb.size, 15))).toEqual({
      consistent: false,
      fork: true,
    });
    // a citizen who kept the checkpoint of an earlier answer checks that the next answer extends it
    const first = verifySubjectEvents(await a.eventsFor(P(3)), verifier, {
      origin: ORIGIN,
      subject: P(3),
    });
    expect(first.ok).toBe(true);
    for (let i = 15; i < 20; i++) await a.append(access(P(i % 5), T0 + i));
    await a.checkpoint();
    const next = await a.eventsFor(P(3), { since: first.checkpoint!.size });
    expect(
      verifySubjectEvents(next, verifier, {
        origin: ORIGIN,
        subject: P(3),
        previous: first.checkpoint!,
      }),
    ).toMatchObject({
      ok: true,
      consistent: true,
      fork: false,
    });
    expect(
      verifySubjectEvents({ ...next, consistency: undefined }, verifier, {
        origin: ORIGIN,
        subject: P(3),
        previous: first.checkpoint!,
      }),
    ).toMatchObject({ ok: false, consistent: false });
    await b.checkpoint();
    const forked = await b.eventsFor(P(3), { since: first.checkpoint!.size });
    expect(
      verifySubjectEvents(forked, verifier, {
        origin: ORIGIN,
        subject: P(3),
        previous: first.checkpoint!,
      }),
    ).toMatchObject({
      ok: false,
      consistent: false,
      fork: true,
    });
  });
});

describe('consent and purpose checks', () => {
  const S = P(5);
  const entries: Entry[] = [
    normalizeEntry({
      type: 'consent',
      id: 'c-1',
      subject: S,
      purpose: 'benefits',
      fields: ['income', 'name'],
      granted: T0,
      expires: T0 + 30 * day,
    }),
    normalizeEntry({
      type: 'consent',
      id: 'c-2',
      subject: S,
      purpose: 'research',
      fields: ['age'],
      granted: T0,
      expires: null,
    }),
    normalizeEntry({ type: 'revocation', consent: 'c-2', subject: S, time: T0 + 10 * day }),
    normalizeEntry({ type: 'revocation', consent: 'c-1', subject: P(6), time: T0 + day }), // not the subject's: ignored
    normalizeEntry({
      type: 'legal-basis',
      id: 'lb-tax',
      purpose: 'tax',
      fields: ['income'],
      reference: 'Tax Administration Law art. 6',
      effective: T0,
      expires: null,
    }),
  ];
  const q = (purpose: string, fields: string[], at: number, subject = S) =>
    checkAccess(entries, { subject, purpose, fields, at });

  it('a valid consent covering the fields allows', () => {
    expect(q('benefits', ['income'], T0)).toEqual({
      allowed: true,
      basis: { consent: 'c-1' },
      missing: [],
    });
    expect(q('benefits', ['income', 'name'], T0 + 30 * day - 1).allowed).toBe(true);
  });
  it('expiry at the exact instant denies (valid for granted ≤ at < expires)', () => {
    expect(q('benefits', ['income'], T0 + 30 * day)).toMatchObject({
      allowed: false,
      reason: 'expired',
      missing: ['income'],
    });
    expect(q('benefits', ['income'], T0 - 1)).toMatchObject({
      allowed: false,
      reason: 'not-yet-valid',
    });
  });
  it('revocation takes effect at its own instant; only the subject can revoke', () => {
    expect(q('research', ['age'], T0 + 10 * day - 1).allowed).toBe(true);
    expect(q('research', ['age'], T0 + 10 * day)).toMatchObject({
      allowed: false,
      reason: 'revoked',
    });
    expect(q('benefits', ['income'], T0 + 2 * day).allowed).toBe(true);
  });
  it('a revocation recorded before the grant it names still revokes it (no fail-open on log order)', () => {
    const grant = normalizeEntry({
      type: 'consent',
      id: 'c-9',
      subject: S,
      purpose: 'housing',
      fields: ['address'],
      granted: T0,
      expires: null,
    });
    const early = normalizeEntry({
      type: 'revocation',
      consent: 'c-9',
      subject: S,
      time: T0 + day,
    });
    const stranger = normalizeEntry({
      type: 'revocation',
      consent: 'c-9',
      subject: P(6),
      time: T0,
    });
    const at = (es: Entry[], t: number) =>
      checkAccess(es, { subject: S, purpose: 'housing', fields: ['address'], at: t });
    expect(at([early, grant], T0 + day - 1).allowed).toBe(true);
    expect(at([early, grant], T0 + day)).toMatchObject({ allowed: false, reason: 'revoked' });
    expect(at([grant, early], T0 + day)).toMatchObject({ allowed: false, reason: 'revoked' });
    // another subject's revocation never counts, before or after the grant
    expect(at([stranger, grant], T0 + 2 * day).allowed).toBe(true);
    expect(at([grant, stranger], T0 + 2 * day).allowed).toBe(true);
  });
  it('a field outside the grant is named as missing', () => {
    expect(q('benefits', ['income', 'bankCard'], T0)).toEqual({
      allowed: false,
      reason: 'fields',
      missing: ['bankCard'],
      closest: { consent: 'c-1' },
    });
  });
  it('a declared legal basis covers any subject for its purpose; other purposes need their own basis', () => {
    expect(q('tax', ['income'], T0 + day, P(77))).toEqual({
      allowed: true,
      basis: { legal: 'lb-tax' },
      missing: [],
    });
    expect(q('tax', ['name'], T0, P(77))).toMatchObject({
      allowed: false,
      reason: 'fields',
      missing: ['name'],
    });
    expect(q('marketing', ['name'], T0)).toEqual({
      allowed: false,
      reason: 'no-basis',
      missing: ['name'],
    });
    expect(q('benefits', ['income'], T0, P(77))).toMatchObject({
      allowed: false,
      reason: 'no-basis',
    });
  });
  it('the log keeps the same index as entries are appended', async () => {
    const log = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN, signer });
    await log.appendMany(entries);
    expect(
      log.checkAccess({ subject: S, purpose: 'benefits', fields: ['income'], at: T0 }).allowed,
    ).toBe(true);
    expect(
      log.checkAccess({ subject: S, purpose: 'research', fields: ['age'], at: T0 + 10 * day })
        .allowed,
    ).toBe(false);
    expect(() => log.checkAccess({ subject: S, purpose: 'x', fields: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
  });
});

describe('retention and "who used my data"', () => {
  it('prune deletes expired payloads, keeps leaf hashes, old checkpoints and other proofs valid', async () => {
    const log = await openAuditLog({
      store: createMemoryStore(),
      origin: ORIGIN,
      signer,
      verifier,
    });
    const S = P(8);
    const rule = 'access-log-180d';
    for (let i = 0; i < 20; i++) {
      await log.append(
        access(i % 2 ? S : P(9), T0 + i, {
          retention: { rule, until: T0 + (i < 10 ? 10 : 400) * day },
        }),
      );
    }
    const note1 = await log.checkpoint();
    const root1 = log.root();
    const leaf3 = log.leafHash(3);
    const r = await log.prune(T0 + 10 * day); // retention ends exactly now: pruned
    expect(r.pruned).toBe(10);
    expect(r.deletions[0]).toMatchObject({ rule, logIndex: 20 });
    expect(await log.read(3)).toEqual({
      index: 3,
      deleted: { time: new Date(T0 + 10 * day).toISOString(), rule },
    });
    expect(await log.read(13)).toMatchObject({ index: 13, entry: { subject: S } });
    expect(await log.read(20)).toMatchObject({ entry: { type: 'prune', rule, count: 10 } });
    expect(bytesToHex(log.root(20))).toBe(bytesToHex(root1));
    expect(bytesToHex(log.leafHash(3))).toBe(bytesToHex(leaf3));
    const cp1 = verifyCheckpoint(note1, verifier, { origin: ORIGIN })!;
    expect(verifyInclusion(log.inclusionProof(3, 20), leaf3, cp1.root)).toBe(true);
    expect(verifyInclusion(log.inclusionProof(15, 20), log.leafHash(15), cp1.root)).toBe(true);
    expect((await log.prune(T0 + 10 * day)).pruned).toBe(0); // idempotent
    expect(await log.verify()).toMatchObject({ ok: true, checked: 11 });

    await log.checkpoint();
    const answer = await log.eventsFor(S);
    expect(answer.events.map((e) => e.index)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(answer.events.filter((e) => e.deleted).length).toBe(5);
    const json = JSON.parse(JSON.stringify(answer)); // crosses a process boundary as JSON
    expect(verifySubjectEvents(json, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: true,
      failed: [],
      unproven: [],
    });
    expect(verifySubjectEvents(json, verifier, { origin: ORIGIN, subject: P(9) }).ok).toBe(false);
    const other = sm2.keygen();
    expect(
      verifySubjectEvents(json, sm2CheckpointVerifier(other.publicKey, { name: KEY }), {
        subject: S,
        origin: ORIGIN,
      }).ok,
    ).toBe(false);
    // an agency editing an event (purpose, fields) or moving it is caught
    const edited = structuredClone(json);
    edited.events[6].entry.purpose = 'marketing';
    expect(verifySubjectEvents(edited, verifier, { subject: S, origin: ORIGIN })).toMatchObject({
      ok: false,
      failed: [13],
    });
    const moved = structuredClone(json);
    moved.events[6].index = 14;
    expect(verifySubjectEvents(moved, verifier, { subject: S, origin: ORIGIN }).ok).toBe(false);
    const noProof = structuredClone(json);
    noProof.events[0].proof = null;
    expect(verifySubjectEvents(noProof, verifier, { subject: S, origin: ORIGIN }).ok).toBe(false);
    // stripping the checkpoint and every proof does not make an answer pass
    const stripped = {
      ...structuredClone(json),
      checkpoint: null,
      events: json.events.map((e: object) => ({ ...e, proof: null })),
    };
    expect(verifySubjectEvents(stripped, verifier, { subject: S, origin: ORIGIN })).toMatchObject({
      ok: false,
      checkpoint: null,
      proven: [],
    });
    // events newer than the checkpoint come back without proof and are reported as unproven
    await log.append(access(S, T0 + 50));
    const later = await log.eventsFor(S);
    expect(later.events.at(-1)!.proof).toBe(null);
    expect(verifySubjectEvents(later, verifier, { subject: S, origin: ORIGIN })).toMatchObject({
      ok: true,
      unproven: [21],
    });
  });
  it('prune keeps a revocation while the grant it revokes is stored, expired or not (no consent revived at reopen)', async () => {
    const store = createMemoryStore();
    const log = await openAuditLog({ store, origin: ORIGIN });
    const S = P(21);
    const short = { rule: 'consent-records-1d', until: T0 + day };
    await log.append({
      type: 'consent',
      id: 'c-open',
      subject: S,
      purpose: 'housing',
      fields: ['address'],
      granted: T0,
      expires: null,
    });
    await log.append({
      type: 'revocation',
      consent: 'c-open',
      subject: S,
      time: T0 + 1,
      retention: short,
    });
    await log.append({
      type: 'consent',
      id: 'c-ends',
      subject: S,
      purpose: 'school',
      fields: ['address'],
      granted: T0,
      expires: T0 + 2 * day,
    });
    await log.append({
      type: 'revocation',
      consent: 'c-ends',
      subject: S,
      time: T0 + 1,
      retention: short,
    });
    const q = (l: typeof log, purpose: string) =>
      l.checkAccess({ subject: S, purpose, fields: ['address'], at: T0 + day + 5 });
    // both grants are still stored: both revocations stay (c-ends has expired, but a question about
    // a time before its expiry still needs its revocation)
    expect((await log.prune(T0 + 3 * day)).pruned).toBe(0);
    expect(await log.read(1)).toMatchObject({ entry: { type: 'revocation', consent: 'c-open' } });
    expect(await log.read(3)).toMatchObject({ entry: { type: 'revocation', consent: 'c-ends' } });
    const reopened = await openAuditLog({ store, origin: ORIGIN });
    for (const l of [reopened, log]) {
      expect(q(l, 'housing')).toMatchObject({ allowed: false, reason: 'revoked' });
      expect(q(l, 'school')).toMatchObject({ allowed: false, reason: 'revoked' });
    }
  });
  it('appends issued together are grouped into batches and keep their order', async () => {
    const log = await openAuditLog({
      store: createMemoryStore(),
      origin: ORIGIN,
      signer,
      maxBatch: 7,
    });
    const idx = await Promise.all(
      Array.from({ length: 30 }, (_, i) => log.append(access(P(i), T0 + i))),
    );
    expect(idx).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // leaf format 2, written out: HASH(0x00 ‖ 0x02 ‖ SM3("bukejian/audit subject\0" ‖ subject) ‖ HASH(bytes))
    const h = treeHasher();
    const leaf = (bytes: Uint8Array, subject: string) => {
      const d = new Uint8Array(65);
      d[0] = 2;
      d.set(sm3(utf8ToBytes(`bukejian/audit subject\u0000${subject}`)), 1);
      d.set(sm3(bytes), 33);
      return h.leaf(d);
    };
    for (const i of [0, 13, 29])
      expect(bytesToHex(log.leafHash(i))).toBe(
        bytesToHex(leaf(encodeEntry(access(P(i), T0 + i)), P(i))),
      );
  });
  it('open checks the stored tree against the latest checkpoint', async () => {
    const store = createMemoryStore();
    const log = await openAuditLog({ store, origin: ORIGIN, signer });
    await log.appendMany([access(P(1), T0), access(P(2), T0)]);
    await log.checkpoint();
    // a checkpoint for another tree stored into this log: refused at the next open
    const bogus = await signCheckpoint(
      {
        origin: ORIGIN,
        size: 2,
        root: new Uint8Array(32),
        time: new Date(T0).toISOString(),
        hash: 'sm3',
      },
      signer,
    );
    await store.appendCheckpoint(utf8ToBytes(bogus));
    await expect(openAuditLog({ store, origin: ORIGIN })).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
    await expect(openAuditLog({ store, origin: 'other' })).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
  });
});
