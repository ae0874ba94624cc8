// "Who used my data" answers with deleted events: leaves commit to the subject (leaf format 2),
// and a deleted event must be backed by the logged prune entry that lists it, with that entry's
// inclusion proof. The expected leaf hashes are computed here with node:crypto from the format
// written out in the README, not with the code under test. Synthetic pseudonyms only.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index.js';
import { codeOf } from './helpers/errors.js';
import { bytesToHex, utf8ToBytes } from '../src/utils.js';
import {
  createMemoryStore,
  encodeEntry,
  entryLeafHash,
  openAuditLog,
  sm2CheckpointSigner,
  sm2CheckpointVerifier,
  verifyCheckpoint,
  verifySubjectEvents,
  type AuditLog,
  type SubjectEvents,
} from '../src/audit/index.js';

const { secretKey, publicKey } = sm2.keygen();
const KEY = 'civil-affairs.example/audit-key';
const ORIGIN = 'civil-affairs.example/audit';
const signer = sm2CheckpointSigner(secretKey, { name: KEY });
const verifier = sm2CheckpointVerifier(publicKey, { name: KEY });
const T0 = Date.UTC(2026, 0, 1);
const day = 86_400_000;
const S = 'p:synthetic-0001'; // the citizen asking
const O = 'p:synthetic-0002'; // another citizen

const nodeHash = (alg: 'sm3' | 'sha256', ...parts: Uint8Array[]) => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
// Leaf format 2 from the README: HASH(0x00 ‖ 0x02 ‖ SM3("bukejian/audit subject\0" ‖ subject) ‖ HASH(bytes)).
const refLeaf = (bytes: Uint8Array, subject: string, alg: 'sm3' | 'sha256' = 'sm3') =>
  nodeHash(
    alg,
    Uint8Array.of(0, 2),
    nodeHash('sm3', utf8ToBytes(`bukejian/audit subject\u0000${subject}`)),
    nodeHash(alg, bytes),
  );

const access = (subject: string, t: number, retention?: { rule: string; until: number }) => ({
  type: 'access',
  actor: { agency: 'civil-affairs', staff: 's:clerk-17' },
  subject,
  purpose: 'benefits',
  fields: ['income', 'name'],
  basis: { legal: 'lb-1' },
  time: t,
  ...(retention ? { retention } : {}),
});
const short = { rule: 'access-log-10d', until: T0 + 10 * day };

describe('leaf format 2: the leaf commits to the subject', () => {
  it('known answer: canonical bytes and leaf hash (SM3 and SHA-256 trees), also as the log stores it', async () => {
    const json =
      '{"v":2,"type":"access","actor":{"agency":"civil-affairs","staff":"s:clerk-17"},"subject":"p:synthetic-0001","purpose":"benefits",' +
      '"fields":["income","name"],"basis":{"legal":"lb-1"},"action":"read","policy":null,"time":"2026-01-01T00:00:00.000Z","retention":null}';
    const bytes = encodeEntry(access(S, T0));
    expect(new TextDecoder().decode(bytes)).toBe(json);
    expect(bytesToHex(refLeaf(bytes, S))).toBe(
      '3a7234b71281b67b9f8011be217900a8bd4faabf950c128b7462585fbf1841a7',
    );
    expect(bytesToHex(refLeaf(bytes, S, 'sha256'))).toBe(
      '174801f783923cd43b9991a112edf0fbdc3cd6e21f87a29f4f05b2e25158df80',
    );
    expect(bytesToHex(entryLeafHash(bytes, S, 'sm3'))).toBe(
      '3a7234b71281b67b9f8011be217900a8bd4faabf950c128b7462585fbf1841a7',
    );
    expect(bytesToHex(entryLeafHash(bytes, S, 'sha256'))).toBe(
      '174801f783923cd43b9991a112edf0fbdc3cd6e21f87a29f4f05b2e25158df80',
    );
    for (const hash of ['sm3', 'sha256'] as const) {
      const log = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN, hash });
      await log.append(access(S, T0));
      expect(bytesToHex(log.leafHash(0))).toBe(bytesToHex(refLeaf(bytes, S, hash)));
    }
  });
});

/** Events 0..9 alternate S, O; the even ones (S) 0, 2, 4 and the odd ones (O) 1, 3, 5 carry a short retention. */
async function buildLog(): Promise<AuditLog> {
  const log = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN, signer, verifier });
  for (let i = 0; i < 10; i++)
    await log.append(access(i % 2 ? O : S, T0 + i, i < 6 ? short : undefined));
  return log;
}
const asJson = (a: SubjectEvents): SubjectEvents => JSON.parse(JSON.stringify(a));

describe("verifySubjectEvents: a deleted event must be a real, logged deletion of this subject's leaf", () => {
  it('attack: a live access relabelled as deleted (no prune ever ran) is rejected', async () => {
    const log = await buildLog();
    await log.checkpoint();
    const answer = asJson(await log.eventsFor(S));
    expect(verifySubjectEvents(answer, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: true,
      proven: [0, 2, 4, 6, 8],
    });
    const forged = structuredClone(answer);
    const ev = forged.events.find((e) => e.index === 4)!;
    delete ev.entry;
    ev.deleted = { time: new Date(T0 + 10 * day).toISOString(), rule: short.rule };
    expect(verifySubjectEvents(forged, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: false,
      failed: [4],
    });
  });

  it("attack: another subject's leaf added as a deleted event (no prune ever ran) is rejected", async () => {
    const log = await buildLog();
    const cp = await log.checkpoint();
    const answer = asJson(await log.eventsFor(S));
    const size = Number(cp.split('\n')[1]);
    const forged = structuredClone(answer);
    forged.events.push({
      index: 3,
      leafHash: bytesToHex(log.leafHash(3)),
      deleted: { time: new Date(T0 + 10 * day).toISOString(), rule: short.rule },
      proof: log.inclusionProof(3, size).path.map(bytesToHex),
    });
    expect(verifySubjectEvents(forged, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: false,
      failed: [3],
    });
  });

  it('honest case: after a real prune and a checkpoint, the deleted events verify with their prune entry', async () => {
    const log = await buildLog();
    const r = await log.prune(T0 + 10 * day);
    expect(r.deletions.map((d) => [d.logIndex, d.indexes])).toEqual([[10, [0, 1, 2, 3, 4, 5]]]);
    await log.checkpoint();
    const answer = asJson(await log.eventsFor(S));
    expect(
      answer.events.map((e) => [e.index, e.deleted ? 'deleted' : 'entry', e.prune ?? null]),
    ).toEqual([
      [0, 'deleted', 10],
      [2, 'deleted', 10],
      [4, 'deleted', 10],
      [6, 'entry', null],
      [8, 'entry', null],
    ]);
    expect(answer.prunes!.map((p) => [p.index, p.indexes])).toEqual([[10, [0, 1, 2, 3, 4, 5]]]);
    expect(verifySubjectEvents(answer, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: true,
      proven: [0, 2, 4, 6, 8],
      unproven: [],
      failed: [],
    });
    // the other citizen's answer verifies too, with the same prune entry
    expect(
      verifySubjectEvents(asJson(await log.eventsFor(O)), verifier, { origin: ORIGIN, subject: O }),
    ).toMatchObject({ ok: true, proven: [1, 3, 5, 7, 9] });
  });

  it("after a real prune: relabelling, borrowing another subject's deleted leaf, or editing the evidence is rejected", async () => {
    const log = await buildLog();
    await log.prune(T0 + 10 * day);
    await log.checkpoint();
    const answer = asJson(await log.eventsFor(S));
    const other = asJson(await log.eventsFor(O));
    const check = (a: SubjectEvents) =>
      verifySubjectEvents(a, verifier, { origin: ORIGIN, subject: S });
    // a live access relabelled as deleted, pointing at the real prune entry (which does not list it)
    const relabel = structuredClone(answer);
    const live = relabel.events.find((e) => e.index === 6)!;
    delete live.entry;
    Object.assign(live, { deleted: { ...answer.events[0]!.deleted! }, prune: 10 });
    expect(check(relabel)).toMatchObject({ ok: false, failed: [6] });
    // the other subject's deleted leaf, with its genuine prune evidence
    const borrowed = structuredClone(answer);
    borrowed.events.push(other.events.find((e) => e.index === 3)!);
    expect(check(borrowed)).toMatchObject({ ok: false, failed: [3] });
    // a prune entry claimed beyond the checkpoint, without proof: not ok
    const newer = structuredClone(relabel);
    Object.assign(
      newer.events.find((e) => e.index === 6)!,
      { prune: 11 },
    );
    newer.prunes!.push({ ...structuredClone(answer.prunes![0]!), index: 11, proof: null });
    expect(check(newer).ok).toBe(false);
    // a complete fabricated prune entry listing event 6, claimed beyond the checkpoint: unproven, never ok
    const fabricated = structuredClone(relabel);
    Object.assign(
      fabricated.events.find((e) => e.index === 6)!,
      { prune: 11 },
    );
    const entry6 = answer.events.find((e) => e.index === 6)!.entry!;
    fabricated.prunes = [
      {
        index: 11,
        entry: {
          type: 'prune',
          rule: short.rule,
          time: answer.events[0]!.deleted!.time,
          count: 1,
          indexes: bytesToHex(nodeHash('sm3', utf8ToBytes('6'))),
          leaves: [bytesToHex(nodeHash('sm3', encodeEntry(entry6)))],
          consents: [],
          retention: null,
        },
        indexes: [6],
        proof: null,
      },
      ...answer.prunes!,
    ];
    expect(check(fabricated)).toMatchObject({ ok: false, failed: [], unproven: [6] });
    // edits of the evidence
    const edits: ((a: SubjectEvents) => void)[] = [
      (a) => a.prunes![0]!.indexes.pop(),
      (a) => (a.prunes![0]!.indexes = [0, 1, 2, 3, 5, 6]),
      (a) => (a.prunes![0]!.entry.rule = 'other-rule'),
      (a) => a.prunes![0]!.entry.leaves.reverse(),
      (a) => a.prunes![0]!.proof!.reverse(),
      (a) => (a.prunes![0]!.proof = null),
      (a) => (a.prunes![0]!.index = 9),
      (a) => delete a.prunes,
      (a) => (a.events[0]!.deleted!.rule = 'other-rule'),
      (a) => (a.events[0]!.deleted!.time = new Date(T0).toISOString()),
      (a) => delete a.events[0]!.prune,
    ];
    for (const edit of edits) {
      const a = structuredClone(answer);
      edit(a);
      const r = check(a);
      expect(r.ok).toBe(false);
      expect(r.failed.length).toBeGreaterThan(0);
    }
  });

  it('between a prune and the next checkpoint the deletions are unproven and the answer is not ok', async () => {
    const log = await buildLog();
    await log.checkpoint();
    await log.prune(T0 + 10 * day);
    const before = asJson(await log.eventsFor(S));
    expect(before.prunes![0]!.proof).toBe(null);
    expect(verifySubjectEvents(before, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: false,
      failed: [],
      unproven: [0, 2, 4],
      proven: [6, 8],
    });
    await log.checkpoint();
    expect(
      verifySubjectEvents(asJson(await log.eventsFor(S)), verifier, { origin: ORIGIN, subject: S }),
    ).toMatchObject({ ok: true, proven: [0, 2, 4, 6, 8] });
  });
});

describe('large prunes', () => {
  it('a rule deleting more than 4,096 entries is logged as several prune entries, each backing its own deletions', async () => {
    const log = await openAuditLog({ store: createMemoryStore(), origin: ORIGIN, signer });
    const n = 4096 + 5;
    await log.appendMany(
      Array.from({ length: n }, (_, i) => access(i === 1 || i === n - 2 ? S : O, T0 + i, short)),
    );
    const r = await log.prune(T0 + 10 * day);
    expect(r.pruned).toBe(n);
    expect(r.deletions.map((d) => [d.logIndex, d.indexes.length])).toEqual([
      [n, 4096],
      [n + 1, 5],
    ]);
    await log.checkpoint();
    const answer = asJson(await log.eventsFor(S));
    expect(answer.events.map((e) => [e.index, e.prune])).toEqual([
      [1, n],
      [n - 2, n + 1],
    ]);
    expect(verifySubjectEvents(answer, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: true,
      proven: [1, n - 2],
    });
    // pointing a deletion at the other prune entry fails
    const swapped = structuredClone(answer);
    swapped.events[1]!.prune = n;
    expect(verifySubjectEvents(swapped, verifier, { origin: ORIGIN, subject: S })).toMatchObject({
      ok: false,
      failed: [n - 2],
    });
  });
});

describe('format versions', () => {
  it('an entry written in entry/leaf format 1 reads as VERSION; a changed one as INTEGRITY', async () => {
    const v1 = utf8ToBytes(
      new TextDecoder().decode(encodeEntry(access(S, T0))).replace('{"v":2,', '{"v":1,'),
    );
    const tag = nodeHash('sm3', utf8ToBytes(`bukejian/audit subject\u0000${S}`)).subarray(0, 8);
    const store = createMemoryStore();
    await store.append([
      {
        payload: v1,
        leafHash: nodeHash('sm3', Uint8Array.of(0), v1),
        kind: 1,
        subjectTag: tag,
        retainUntil: 0,
      },
    ]);
    const edited = v1.slice();
    edited[edited.length - 3] ^= 1;
    await store.append([
      {
        payload: edited,
        leafHash: nodeHash('sm3', Uint8Array.of(0), v1),
        kind: 1,
        subjectTag: tag,
        retainUntil: 0,
      },
    ]);
    const log = await openAuditLog({ store, origin: ORIGIN });
    await expect(log.read(0)).rejects.toMatchObject({ code: 'VERSION' });
    await expect(log.read(1)).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect((await log.verify()).problems).toEqual([
      'entry 0: written in format 1',
      'entry 1: payload does not match its leaf hash',
    ]);
  });
});

describe('trust anchors are required (docs/api-conventions.md)', () => {
  it("a checkpoint of another log signed by the same key is refused; origin and subject can't be left out", async () => {
    const log = await buildLog();
    await log.checkpoint();
    const answer = asJson(await log.eventsFor(S));
    // the same key signs a second log: its answers must not pass for this one's
    const other = await openAuditLog({
      store: createMemoryStore(),
      origin: 'tax.example/audit',
      signer,
    });
    await other.checkpoint();
    expect(
      verifySubjectEvents(answer, verifier, { origin: 'tax.example/audit', subject: S }).ok,
    ).toBe(false);
    expect(verifyCheckpoint(await other.checkpoint(), verifier, { origin: ORIGIN })).toBe(null);
    for (const bad of [undefined, {}, { subject: S }, { origin: '', subject: S }]) {
      expect(await codeOf(() => verifySubjectEvents(answer, verifier, bad as never))).toBe(
        'INVALID_OPTION',
      );
    }
    expect(
      await codeOf(() => verifySubjectEvents(answer, verifier, { origin: ORIGIN } as never)),
    ).toBe('INVALID_OPTION');
    const note = await log.checkpoint();
    expect(await codeOf(() => verifyCheckpoint(note, verifier, {} as never))).toBe(
      'INVALID_OPTION',
    );
  });
});
