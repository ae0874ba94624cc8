// Real Groth16 proofs of the programme-rule circuit (circuits/rules.circom, committed development
// artifacts). Every operator at its boundaries (one below, at, one above): the cases that hold are
// proved for real (several predicates per proof, up to the circuit's 8) and verified with
// ruleProof.verifyBatch AND snarkjs.groth16.verify; the cases that fail are rejected by the circuit
// itself during witness generation (prove → NOT_ELIGIBLE; prove does no predicate check in JS).
// Revocation (a revoked credential at a refreshed verifier), a stale revocation state, a retired
// and an unknown issuer key, nullifier scoping (nullifier recomputed with circomlibjs Poseidon), and
// a fast-check property: a random rule and record give a proof exactly when a plain JS evaluation
// of the rule (written here, dates compared as calendar dates) says eligible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';
// @ts-ignore no types
import { buildPoseidon } from 'circomlibjs';
import { sm2 } from '../src/sm2/index.js';
import {
  createMemoryRegistry,
  eligibility,
  holder,
  issuer,
  programId,
  revocation,
  rule,
  ruleProof,
  RULES_VKEY,
  type Credential,
  type CredentialRecord,
  type HolderKey,
  type PredicateSpec,
  type ProgrammeRule,
  type ProgrammeRuleSpec,
  type RevocationState,
  type RuleProof,
  type RuleProofContext,
} from '../src/zk/index.js';

let poseidon: any;
const H = (xs: bigint[]) => poseidon.F.toObject(poseidon(xs)) as bigint;

const TODAY = 20261125;
const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 10, 25, 9);
let k1: Awaited<ReturnType<typeof issuer.keygen>>; // retired on 20260630
let k2: Awaited<ReturnType<typeof issuer.keygen>>; // current
let sm: ReturnType<typeof sm2.keygen>;
let A: HolderKey;
let B: HolderKey;
let credA: Credential; // k2, the boundary record
let credOld: Credential; // k1
let credB: Credential; // k2, revoked during the test
let state0: RevocationState;
let issuers: RuleProofContext['issuers'];

const BASE = {
  birthDate: 19461125, // exactly 80 on TODAY
  sex: 2,
  regionCode: 110105,
  income: 12000,
  householdSize: 3,
  flags: 0b0101,
  issuedAt: 20260101,
  expiresAt: 20270101,
};

beforeAll(async () => {
  poseidon = await buildPoseidon();
  k1 = await issuer.keygen();
  k2 = await issuer.keygen();
  sm = sm2.keygen();
  A = await holder.create();
  B = await holder.create();
  credA = await issuer.issue({ ...BASE, holderCommitment: A.commitment }, k2.secretKey);
  credOld = await issuer.issue({ ...BASE, holderCommitment: A.commitment }, k1.secretKey);
  credB = await issuer.issue(
    { ...BASE, income: 5000, holderCommitment: B.commitment },
    k2.secretKey,
  );
  // a registry that already holds unrelated ids, so the low leaves have real neighbours
  const reg = revocation.createRegistry([3n, 2n ** 64n, 2n ** 127n + 5n]);
  state0 = await reg.publish(sm.secretKey, { at: NOW - 3600_000 });
  issuers = {
    keys: [
      { publicKey: k1.publicKey, validFrom: 20250101, validUntil: 20260630 },
      { publicKey: k2.publicKey, validFrom: 20260701, validUntil: 20301231 },
    ],
    revocationKey: sm.publicKey,
  };
}, 60_000);

afterAll(async () => {
  await eligibility.terminate();
});

const ctx = (r: ProgrammeRule, over: Partial<RuleProofContext> = {}): RuleProofContext => ({
  rule: r,
  issuers,
  revocation: state0,
  today: TODAY,
  programId: '低保 minimum living allowance',
  period: 202611,
  challenge: 77n,
  ...over,
});

async function proveWith(cred: Credential, h: HolderKey, c: RuleProofContext): Promise<RuleProof> {
  const { issuers: _i, ...req } = c;
  return ruleProof.prove({ ...req, credential: cred, holderSecret: h.secret });
}

async function expectNotEligible(cred: Credential, h: HolderKey, c: RuleProofContext) {
  await expect(proveWith(cred, h, c)).rejects.toMatchObject({ code: 'NOT_ELIGIBLE' });
}

/** Public signals in snarkjs order, from the prover's own circuit input, nullifier recomputed here. */
async function snarkSignals(cred: Credential, h: HolderKey, c: RuleProofContext) {
  const { issuers: _i, ...req } = c;
  const inp = (await ruleProof.circuitInput({
    ...req,
    credential: cred,
    holderSecret: h.secret,
  })) as Record<string, string | string[]>;
  const scope = typeof c.programId === 'string' ? programId(c.programId) : c.programId;
  const nullifier = H([h.secret, scope, BigInt(c.period)]);
  const flat = (k: string) => [inp[k]!].flat() as string[];
  return [
    String(nullifier),
    ...[
      'today',
      'op',
      'lo',
      'hi',
      'mul',
      'setField',
      'setRoot',
      'revRoot',
      'scope',
      'period',
      'challenge',
      'issuerAx',
      'issuerAy',
    ].flatMap(flat),
  ];
}

const snarkProof = (p: RuleProof) => ({
  pi_a: [String(p.a[0]), String(p.a[1]), '1'],
  pi_b: [
    [String(p.b[0][0]), String(p.b[0][1])],
    [String(p.b[1][0]), String(p.b[1][1])],
    ['1', '0'],
  ],
  pi_c: [String(p.c[0]), String(p.c[1]), '1'],
  protocol: 'groth16',
  curve: 'bn128',
});

async function snarkVerify(p: RuleProof, cred: Credential, h: HolderKey, c: RuleProofContext) {
  const s = await snarkSignals(cred, h, c);
  expect(BigInt(s[0]!)).toBe(p.nullifier);
  return snarkjs.groth16.verify(RULES_VKEY, s, snarkProof(p));
}

const P = (field: PredicateSpec['field'], op: PredicateSpec['op'], v: number | number[]) =>
  (Array.isArray(v) ? { field, op, values: v } : { field, op, value: v }) as PredicateSpec;

// [predicate, holds?] around the record BASE (income 12000, household 3, flags 0101, region
// 110105, sex 2, age exactly 80 on TODAY): one below, at, one above each boundary.
const BOUNDARY: [PredicateSpec, boolean][] = [
  [P('income', '=', 11999), false],
  [P('income', '=', 12000), true],
  [P('income', '=', 12001), false],
  [P('income', '!=', 11999), true],
  [P('income', '!=', 12000), false],
  [P('income', '!=', 12001), true],
  [P('income', '<', 11999), false],
  [P('income', '<', 12000), false],
  [P('income', '<', 12001), true],
  [P('income', '<=', 11999), false],
  [P('income', '<=', 12000), true],
  [P('income', '<=', 12001), true],
  [P('income', '>', 11999), true],
  [P('income', '>', 12000), false],
  [P('income', '>', 12001), false],
  [P('income', '>=', 11999), true],
  [P('income', '>=', 12000), true],
  [P('income', '>=', 12001), false],
  [P('income', 'between', [11999, 20000]), true],
  [P('income', 'between', [12000, 20000]), true],
  [P('income', 'between', [12001, 20000]), false],
  [P('income', 'between', [0, 11999]), false],
  [P('income', 'between', [0, 12000]), true],
  [P('income', 'between', [0, 12001]), true],
  [P('income', 'per-head', 3999), false], // 11,997 < 12,000
  [P('income', 'per-head', 4000), true], // 12,000 = 4,000 × 3
  [P('income', 'per-head', 4001), true],
  [P('flags', 'all-set', 0b0100), true],
  [P('flags', 'all-set', 0b0101), true],
  [P('flags', 'all-set', 0b0111), false],
  [P('flags', 'all-clear', 0b0010), true],
  [P('flags', 'all-clear', 0b1010), true],
  [P('flags', 'all-clear', 0b1011), false],
  [P('regionCode', 'in', [110104, 110106]), false],
  [P('regionCode', 'in', [110104, 110105]), true],
  [P('regionCode', 'not-in', [110104, 110106]), true],
  [P('regionCode', 'not-in', [110105, 310115]), false],
  [P('age', '>=', 79), true],
  [P('age', '>=', 80), true],
  [P('age', '>=', 81), false],
  [P('age', '<', 80), false],
  [P('age', '<', 81), true],
  [P('age', 'between', [60, 79]), false],
  [P('age', 'between', [60, 80]), true],
  [P('age', '=', 80), true],
  [P('sex', '=', 2), true],
  [P('householdSize', '>', 2), true],
];

describe('rules circuit: every operator at its boundaries', () => {
  const proofs: { p: RuleProof; c: RuleProofContext }[] = [];

  it('the failing boundary cases are rejected by the circuit (NOT_ELIGIBLE)', async () => {
    for (const [pred, holds] of BOUNDARY) {
      if (holds) continue;
      const r = await rule.create({ all: [pred] });
      await expectNotEligible(credA, A, ctx(r));
    }
  }, 60_000);

  it('the holding cases, 8 predicates per proof, are proved for real', async () => {
    const holding = BOUNDARY.filter(([, h]) => h).map(([p]) => p);
    // at most 2 set predicates per rule: keep set predicates apart
    const sets = holding.filter((p) => p.op === 'in' || p.op === 'not-in');
    const rest = holding.filter((p) => p.op !== 'in' && p.op !== 'not-in');
    const groups: PredicateSpec[][] = [];
    for (let i = 0; i < rest.length; i += 7) groups.push(rest.slice(i, i + 7));
    groups[0]!.push(sets[0]!);
    groups[1]!.push(sets[1]!);
    for (const [i, g] of groups.entries()) {
      const c = ctx(await rule.create({ all: g }), { challenge: 1000n + BigInt(i) });
      proofs.push({ p: await proveWith(credA, A, c), c });
    }
    expect(proofs.length).toBe(groups.length);
  }, 90_000);

  it('the OR of two groups', async () => {
    const yes = await rule.create({
      any: [[P('sex', '=', 1)], [P('income', '<=', 12000), P('age', '>=', 80)]],
    });
    const no = await rule.create({
      any: [[P('sex', '=', 1)], [P('income', '<=', 11999), P('age', '>=', 80)]],
    });
    const also = await rule.create({
      all: [P('householdSize', '>=', 3)],
      any: [[P('sex', '=', 2)], [P('income', '<=', 11999)]],
    });
    await expectNotEligible(credA, A, ctx(no));
    for (const r of [yes, also]) {
      const c = ctx(r, { challenge: 2000n + BigInt(proofs.length) });
      proofs.push({ p: await proveWith(credA, A, c), c });
    }
  }, 60_000);

  it('age boundaries move with the verifier date (one day before, at, after the 80th birthday)', async () => {
    const r80 = await rule.create({ all: [P('age', '>=', 80)] });
    await expectNotEligible(credA, A, ctx(r80, { today: 20261124 }));
    const c = ctx(r80, { today: 20261126, challenge: 3000n });
    proofs.push({ p: await proveWith(credA, A, c), c });
  }, 30_000);

  it('every proof verifies in one verifyBatch and with snarkjs.groth16.verify', async () => {
    const res = await ruleProof.verifyBatch(
      proofs.map((x) => x.p),
      proofs.map((x) => x.c),
      { allowDevelopmentKey: true, now: NOW },
    );
    expect(res.every((r) => r.ok)).toBe(true);
    for (const { p, c } of proofs) expect(await snarkVerify(p, credA, A, c)).toBe(true);
    // a proof checked against another rule (or date) fails
    const other = await ruleProof.verify(proofs[1]!.p, proofs[0]!.c, {
      allowDevelopmentKey: true,
      now: NOW,
    });
    expect(other).toEqual({ ok: false, reason: 'invalid' });
    // JSON round trip of the wire form
    const back = ruleProof.fromJSON(JSON.stringify(ruleProof.toJSON(proofs[0]!.p)));
    expect(
      await ruleProof.verify(back, proofs[0]!.c, { allowDevelopmentKey: true, now: NOW }),
    ).toEqual({ ok: true, nullifier: proofs[0]!.p.nullifier });
  }, 60_000);
});

describe('revocation, state age, issuer key rotation, nullifier scope', () => {
  let r: ProgrammeRule;
  beforeAll(async () => {
    r = await rule.create({ all: [P('income', 'per-head', 2000)] }); // 5,000 <= 6,000
  });

  it('a revoked credential fails at a refreshed verifier and can no longer be proved', async () => {
    const c0 = ctx(r, { challenge: 4000n });
    const p = await proveWith(credB, B, c0);
    const opts = { allowDevelopmentKey: true, now: NOW } as const;
    expect(await ruleProof.verify(p, c0, opts)).toEqual({ ok: true, nullifier: p.nullifier });
    expect(await snarkVerify(p, credB, B, c0)).toBe(true);
    const reg = revocation.createRegistry(state0.ids);
    expect(await reg.revoke(credB)).toBe(true);
    const state1 = await reg.publish(sm.secretKey, { at: NOW - 60_000 });
    expect(state1.ids).toContain(await revocation.id(credB));
    const refreshed = ctx(r, { challenge: 4000n, revocation: state1 });
    expect(await ruleProof.verify(p, refreshed, opts)).toEqual({ ok: false, reason: 'invalid' });
    await expectNotEligible(credB, B, refreshed);
    // a credential that is not revoked still proves against the new state
    const cA = ctx(r, { challenge: 4001n, revocation: state1, period: 202612 });
    const rA = await rule.create({ all: [P('income', 'per-head', 4000)] });
    const pA = await proveWith(credA, A, { ...cA, rule: rA });
    expect((await ruleProof.verify(pA, { ...cA, rule: rA }, opts)).ok).toBe(true);
    expect(await snarkVerify(pA, credA, A, { ...cA, rule: rA })).toBe(true);
  }, 60_000);

  it('stale or forged revocation state, retired and unknown issuer keys', async () => {
    const c = ctx(r, { challenge: 5000n });
    const p = await proveWith(credB, B, c);
    const dev = { allowDevelopmentKey: true } as const;
    // state published 1 h before NOW: stale 24 h later, accepted with a 48 h policy
    expect(await ruleProof.verify(p, c, { ...dev, now: NOW + DAY })).toEqual({
      ok: false,
      reason: 'stale-revocation-state',
    });
    expect(
      (await ruleProof.verify(p, c, { ...dev, now: NOW + DAY, maxRevocationAge: 2 * DAY })).ok,
    ).toBe(true);
    const forged = { ...state0, publishedAt: NOW };
    expect(await ruleProof.verify(p, { ...c, revocation: forged }, { ...dev, now: NOW })).toEqual({
      ok: false,
      reason: 'bad-revocation-state',
    });
    // credential signed by k1, retired on 20260630: the proof is valid, the key is not
    const cOld = ctx(r, { challenge: 5001n });
    const rOld = await rule.create({ all: [P('income', 'per-head', 4000)] });
    const pOld = await proveWith(credOld, A, { ...cOld, rule: rOld });
    expect(await snarkVerify(pOld, credOld, A, { ...cOld, rule: rOld })).toBe(true);
    expect(await ruleProof.verify(pOld, { ...cOld, rule: rOld }, { ...dev, now: NOW })).toEqual({
      ok: false,
      reason: 'issuer-key-retired',
    });
    // the same proof while k1 was current (verifier date 20260601, state fresh then)
    const june = { ...cOld, rule: rOld, today: 20260601 };
    expect((await ruleProof.verify(pOld, june, { ...dev, now: NOW })).ok).toBe(false); // other date → other public input
    const only2 = { ...issuers, keys: [issuers.keys[1]!] };
    expect(
      await ruleProof.verify(pOld, { ...cOld, rule: rOld, issuers: only2 }, { ...dev, now: NOW }),
    ).toEqual({ ok: false, reason: 'unknown-issuer' });
  }, 60_000);

  it('nullifiers are scoped to programme and period; a second claim is refused', async () => {
    const opts = { allowDevelopmentKey: true, now: NOW, registry: createMemoryRegistry() };
    const c1 = ctx(r, { challenge: 6000n, programId: '残疾人两项补贴' });
    const c2 = ctx(r, { challenge: 6001n, programId: '高龄津贴' });
    const p1 = await proveWith(credB, B, c1);
    const p2 = await proveWith(credB, B, c2);
    expect(p1.nullifier).toBe(H([B.secret, programId('残疾人两项补贴'), 202611n]));
    expect(p1.nullifier).not.toBe(p2.nullifier);
    const res = await ruleProof.verifyBatch([p1, p2, p1], [c1, c2, c1], opts);
    expect(res.map((x) => (x.ok ? 'ok' : x.reason))).toEqual(['ok', 'ok', 'already-claimed']);
    expect(await ruleProof.verify('{', c1, opts)).toEqual({ ok: false, reason: 'malformed' });
  }, 60_000);
});

// ---- property: proof exactly when the plain JS evaluation says eligible ----

function ageOn(birth: number, today: number): number {
  const [by, bmd] = [Math.floor(birth / 10000), birth % 10000];
  const [ty, tmd] = [Math.floor(today / 10000), today % 10000];
  return ty - by - (tmd < bmd ? 1 : 0);
}

function holdsJS(p: PredicateSpec, rec: CredentialRecord, today: number): boolean {
  const x = p.field === 'age' ? ageOn(rec.birthDate, today) : (rec[p.field] as number);
  const v = p.value!;
  switch (p.op) {
    case '=':
      return x === v;
    case '!=':
      return x !== v;
    case '<':
      return x < v;
    case '<=':
      return x <= v;
    case '>':
      return x > v;
    case '>=':
      return x >= v;
    case 'between':
      return p.values![0]! <= x && x <= p.values![1]!;
    case 'per-head':
      return x <= v * (rec[(p.per ?? 'householdSize') as 'householdSize'] as number);
    case 'all-set':
      return (x & v) >>> 0 === v;
    case 'all-clear':
      return (x & v) === 0;
    case 'in':
      return p.values!.includes(x);
    case 'not-in':
      return !p.values!.includes(x);
  }
}

function eligibleJS(spec: ProgrammeRuleSpec, rec: CredentialRecord, today: number): boolean {
  const all = (ps: readonly PredicateSpec[]) => ps.every((p) => holdsJS(p, rec, today));
  return all(spec.all ?? []) && (!spec.any || spec.any.some(all));
}

const near = (x: number) => fc.integer({ min: Math.max(0, x - 2), max: x + 2 });

function predicateArb(rec: {
  birthDate: number;
  income: number;
  householdSize: number;
  flags: number;
  regionCode: number;
}): fc.Arbitrary<PredicateSpec> {
  const age = ageOn(rec.birthDate, TODAY);
  return fc.oneof(
    fc
      .tuple(fc.constantFrom('=', '!=', '<', '<=', '>', '>='), near(rec.income))
      .map(([op, value]) => ({ field: 'income', op, value }) as PredicateSpec),
    fc
      .tuple(fc.constantFrom('>=', '<', '='), near(age))
      .map(([op, value]) => ({ field: 'age', op, value }) as PredicateSpec),
    fc
      .tuple(near(age), fc.integer({ min: 0, max: 3 }))
      .map(([a, d]) => ({ field: 'age', op: 'between', values: [a, a + d] }) as PredicateSpec),
    near(Math.ceil(rec.income / rec.householdSize)).map(
      (value) => ({ field: 'income', op: 'per-head', value }) as PredicateSpec,
    ),
    fc
      .tuple(fc.constantFrom('all-set', 'all-clear'), fc.integer({ min: 1, max: 15 }))
      .map(([op, value]) => ({ field: 'flags', op, value }) as PredicateSpec),
    fc.tuple(fc.constantFrom('in', 'not-in'), fc.boolean()).map(
      ([op, inc]) =>
        ({
          field: 'regionCode',
          op,
          values: inc ? [rec.regionCode, 310115] : [rec.regionCode + 1, 310115],
        }) as PredicateSpec,
    ),
  );
}

describe('property: a proof exactly when the JS evaluation says eligible', () => {
  it('random rules and records (16 runs, real proofs for the eligible ones)', async () => {
    let proved = 0;
    let refused = 0;
    const recArb = fc.record({
      birthDate: fc
        .integer({ min: 1930, max: 1990 })
        .chain((y) =>
          fc.constantFrom(y * 10000 + 1125, y * 10000 + 1124, y * 10000 + 1126, y * 10000 + 229),
        ),
      income: fc.integer({ min: 0, max: 60000 }),
      householdSize: fc.integer({ min: 1, max: 6 }),
      flags: fc.integer({ min: 0, max: 15 }),
      regionCode: fc.constantFrom(110101, 110105, 310115),
      sex: fc.constantFrom(1, 2),
    });
    await fc.assert(
      fc.asyncProperty(
        recArb.chain((rec) =>
          fc.tuple(
            fc.constant(rec),
            fc.array(predicateArb(rec), { minLength: 1, maxLength: 3 }),
            fc.option(
              fc.tuple(
                fc.array(predicateArb(rec), { minLength: 1, maxLength: 2 }),
                fc.array(predicateArb(rec), { minLength: 1, maxLength: 2 }),
              ),
              { nil: undefined },
            ),
          ),
        ),
        async ([rec, all, any]) => {
          const nSets = [...all, ...(any ?? []).flat()].filter(
            (p) => p.op === 'in' || p.op === 'not-in',
          ).length;
          fc.pre(nSets <= 2);
          const spec: ProgrammeRuleSpec = any ? { all, any } : { all };
          const record = {
            ...BASE,
            ...rec,
            birthDate: rec.birthDate % 10000 === 229 ? rec.birthDate - 229 + 228 : rec.birthDate,
            holderCommitment: A.commitment,
          };
          const cred = await issuer.issue(record, k2.secretKey);
          const c = ctx(await rule.create(spec), { challenge: BigInt(proved + refused + 9000) });
          if (eligibleJS(spec, cred.record, TODAY)) {
            const p = await proveWith(cred, A, c);
            const res = await ruleProof.verify(p, c, { allowDevelopmentKey: true, now: NOW });
            expect(res.ok).toBe(true);
            expect(await snarkVerify(p, cred, A, c)).toBe(true);
            proved++;
          } else {
            await expectNotEligible(cred, A, c);
            refused++;
          }
        },
      ),
      {
        numRuns: 16,
        // one certainly eligible and one certainly refused case, then random ones
        examples: [
          [[{ ...BASE, regionCode: 110105, sex: 2 }, [P('income', '<=', 60000)], undefined]],
          [[{ ...BASE, regionCode: 110105, sex: 2 }, [P('income', '>', 60000)], undefined]],
        ],
      },
    );
    expect(proved).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);
});

describe('sorted-list trees match an independent Poseidon (circomlibjs)', () => {
  it('a set slot root and low leaves, and the revocation id, recomputed here', async () => {
    const { buildSortedTree } = await import('../src/zk/sorted-tree.js');
    const t = buildSortedTree([9n, 5n, 9n], 100n, 2);
    // leaves over [0, 5, 9, 100]: (0,5), (5,9), (9,100), then empty slots; 4-ary, 2 levels
    const l = [H([0n, 5n]), H([5n, 9n]), H([9n, 100n]), 0n];
    const z = H([0n, 0n, 0n, 0n]);
    expect(t.root).toBe(H([H(l), z, z, z]));
    expect(t.lowLeaf(7n)).toMatchObject({ lo: 5n, next: 9n, index: 1 });
    expect(t.lowLeaf(9n)).toMatchObject({ lo: 9n, next: 100n, index: 2 });
    expect(t.lowLeaf(0n)).toMatchObject({ lo: 0n, next: 5n, index: 0 });
    const rec = credA.record;
    const m = H([
      rec.holderCommitment,
      ...[
        rec.birthDate,
        rec.sex,
        rec.regionCode,
        rec.income,
        rec.householdSize,
        rec.flags,
        rec.issuedAt,
        rec.expiresAt,
      ].map(BigInt),
    ]);
    expect(await revocation.id(credA)).toBe(m & ((1n << 128n) - 1n));
  });
});

describe('rule.create({ all, any }): compilation and misuse', () => {
  it('age bands become birth-date bounds at the verifier date (hand-computed)', async () => {
    const r = await rule.create({ all: [P('age', 'between', [60, 79])] });
    const p = r.publicInputs(20261125);
    expect(p.lo[0]).toBe(19461126n); // born on or after 1946-11-26: not yet 80
    expect(p.hi[0]).toBe(19661125n); // born on or before 1966-11-25: at least 60
    expect(p.op[0]).toBe(0n); // field birthDate, range, core group
    // unused slots are always-true ranges over birthDate
    expect(p.lo.slice(1)).toEqual(Array(7).fill(0n));
    expect(p.hi[7]).toBe(2n ** 48n - 1n);
  });

  it('op words: per-head on household size, negation, OR groups, set slots', async () => {
    const r = await rule.create({
      all: [P('regionCode', 'not-in', [110105])],
      any: [[P('income', 'per-head', 100)], [P('sex', '!=', 1)]],
    });
    const p = r.publicInputs(TODAY);
    expect(p.op[0]).toBe(BigInt(2 | (2 << 6) | (1 << 8))); // regionCode, set slot 0, negated
    expect(p.op[1]).toBe(BigInt(3 | (4 << 3) | (1 << 9))); // income × householdSize, group A
    expect(p.op[2]).toBe(BigInt(1 | (1 << 8) | (2 << 9))); // sex, negated, group B
    expect(p.mul[1]).toBe(100n);
    expect(p.setField).toEqual([2n, 0n]);
  });

  it('misuse throws with a stable code', async () => {
    const nine = Array.from({ length: 9 }, () => P('sex', '=', 1));
    await expect(rule.create({ all: nine })).rejects.toMatchObject({ code: 'INVALID_LENGTH' });
    const sets = [1, 2, 3].map((v) => P('sex', 'in', [v]));
    await expect(rule.create({ all: sets })).rejects.toMatchObject({ code: 'INVALID_LENGTH' });
    await expect(rule.create({ all: [] })).rejects.toMatchObject({ code: 'INVALID_LENGTH' });
    await expect(
      rule.create({ all: [{ field: 'salary', op: '=', value: 1 } as never] }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(rule.create({ all: [P('income', '=', 2 ** 48)] })).rejects.toMatchObject({
      code: 'INVALID_RANGE',
    });
    await expect(rule.create({ all: [P('sex', 'all-set', 1)] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(rule.create({ any: [[P('sex', '=', 1)], []] as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});
