// eligibility.check (the rule in plain JS) and the NOT_ELIGIBLE message of prove: which predicate
// failed, with the rule's bound, never the holder's value. Hand-written boundary cases, one
// ineligible prove per predicate kind (prove throws before any proving work), and a differential
// property against the circuit itself: check says eligible exactly when the circuit's witness
// generation accepts the same credential, rule and date.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  eligibility,
  holder,
  issuer,
  loadArtifacts,
  rule,
  type Credential,
  type CredentialRecord,
  type EligibilityPredicate,
  type HolderKey,
  type Rule,
} from '../src/zk/index.js';
import { witnessCalculator, WitnessError, type WitnessCalculator } from '../src/zk/witness.js';
import { BukejianError } from '../src/errors.js';

let kp: Awaited<ReturnType<typeof issuer.keygen>>;
let me: HolderKey;
let wc: WitnessCalculator;

// A synthetic citizen (invented data): born 29 Feb 1964, income 30,000 yuan, region 110105,
// flags 0b1011, credential valid from 2024-01-01 to 2028-12-31.
const RECORD = {
  birthDate: 19640229,
  sex: 2,
  regionCode: 110105,
  income: 30000,
  householdSize: 2,
  flags: 0b1011,
  issuedAt: 20240101,
  expiresAt: 20281231,
};
let cred: Credential;

const issue = (over: Partial<CredentialRecord> = {}) =>
  issuer.issue({ ...RECORD, holderCommitment: me.commitment, ...over }, kp.secretKey);

const request = (r: Rule, today: number) => ({
  rule: r,
  today,
  programId: '高龄津贴 elderly allowance',
  period: 202402,
  challenge: 7n,
});

/** The circuit's verdict: witness generation succeeds (true) or a circuit assertion fails (false). */
function circuitAccepts(c: Credential, r: Rule, today: number): boolean {
  try {
    wc.calculate(
      eligibility.circuitInput({ ...request(r, today), credential: c, holderSecret: me.secret }),
    );
    return true;
  } catch (e) {
    if (e instanceof WitnessError && e.code === 4) return false;
    throw e;
  }
}

async function proveError(c: Credential, r: Rule, today: number): Promise<BukejianError> {
  try {
    await eligibility.prove({ ...request(r, today), credential: c, holderSecret: me.secret });
  } catch (e) {
    if (e instanceof BukejianError) return e;
    throw e;
  }
  throw new Error('prove succeeded');
}

/** The message names no value of the record (digits not part of a longer number). */
function expectNoRecordValue(message: string, record: CredentialRecord) {
  for (const k of [
    'birthDate',
    'income',
    'regionCode',
    'flags',
    'issuedAt',
    'expiresAt',
  ] as const) {
    const v = String(record[k]);
    expect(new RegExp(`(?<![0-9])${v}(?![0-9])`).test(message), `${k} in: ${message}`).toBe(false);
  }
}

beforeAll(async () => {
  kp = await issuer.keygen();
  me = await holder.create();
  cred = await issue();
  wc = await witnessCalculator((await loadArtifacts()).wasm);
});

describe('eligibility.check: each predicate at its boundary', () => {
  it('age: 60 on 29 Feb 2024 (born 29 Feb 1964), not on the day before', async () => {
    const r = await rule.create({ minAge: 60 });
    expect(eligibility.check(cred, { rule: r, today: 20240229 })).toEqual({ eligible: true });
    expect(eligibility.check(cred, { rule: r, today: 20240228 })).toEqual({
      eligible: false,
      failed: ['age'],
    });
  });

  it('income: at most 30,000 passes for 30,000, at most 29,999 fails', async () => {
    const ok = await rule.create({ maxIncome: 30000 });
    const low = await rule.create({ maxIncome: 29999 });
    expect(eligibility.check(cred, { rule: ok, today: 20250101 })).toEqual({ eligible: true });
    expect(eligibility.check(cred, { rule: low, today: 20250101 })).toEqual({
      eligible: false,
      failed: ['income'],
    });
  });

  it('region: in the set passes, outside it fails', async () => {
    const inSet = await rule.create({ regions: [110101, 110105] });
    const outside = await rule.create({ regions: [110101, 310115] });
    expect(eligibility.check(cred, { rule: inSet, today: 20250101 })).toEqual({ eligible: true });
    expect(eligibility.check(cred, { rule: outside, today: 20250101 })).toEqual({
      eligible: false,
      failed: ['region'],
    });
  });

  it('flags: every required bit set passes (0b1011 has 0b1001), a missing bit fails (0b0100)', async () => {
    const ok = await rule.create({ requiredFlags: 0b1001 });
    const missing = await rule.create({ requiredFlags: 0b0110 });
    expect(eligibility.check(cred, { rule: ok, today: 20250101 })).toEqual({ eligible: true });
    expect(eligibility.check(cred, { rule: missing, today: 20250101 })).toEqual({
      eligible: false,
      failed: ['flags'],
    });
    // bit 31 (the sign bit of a JS 32-bit integer)
    const high = await issue({ flags: 0x80000001 });
    const r31 = await rule.create({ requiredFlags: 0x80000000 });
    expect(eligibility.check(high, { rule: r31, today: 20250101 })).toEqual({ eligible: true });
    expect(eligibility.check(cred, { rule: r31, today: 20250101 })).toEqual({
      eligible: false,
      failed: ['flags'],
    });
  });

  it('validity: first and last day pass, the day before and after fail, even with no predicate', async () => {
    const none = await rule.create({});
    for (const today of [20240101, 20281231])
      expect(eligibility.check(cred, { rule: none, today })).toEqual({ eligible: true });
    for (const today of [20231231, 20290101])
      expect(eligibility.check(cred, { rule: none, today })).toEqual({
        eligible: false,
        failed: ['validity'],
      });
  });

  it('every failed predicate is listed, in the order age, income, region, flags, validity', async () => {
    const all = await rule.create({
      minAge: 90,
      maxIncome: 100,
      regions: [310115],
      requiredFlags: 0b0100,
    });
    expect(eligibility.check(cred, { rule: all, today: 20290101 })).toEqual({
      eligible: false,
      failed: ['age', 'income', 'region', 'flags', 'validity'],
    });
  });

  it('accepts the whole proof request; rejects what is not a rule or a date', async () => {
    const r = await rule.create({ minAge: 60 });
    expect(eligibility.check(cred, request(r, 20240229))).toEqual({ eligible: true });
    expect(() =>
      eligibility.check(cred, { rule: { minAge: 60 } as unknown as Rule, today: 20240229 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }));
    expect(() => eligibility.check(cred, { rule: r, today: 20240230 })).toThrow(BukejianError);
  });
});

describe('prove: NOT_ELIGIBLE names the failed predicate and the bound, never the value', () => {
  it('one ineligible prove per predicate kind, agreeing with check', async () => {
    const cases: [EligibilityPredicate, Rule, number, RegExp][] = [
      [
        'age',
        await rule.create({ minAge: 60 }),
        20240228,
        /age \(the rule requires at least 60 years on 20240228\)/,
      ],
      ['income', await rule.create({ maxIncome: 29999 }), 20250101, /income .*29999 yuan/],
      ['region', await rule.create({ regions: [110101, 310115] }), 20250101, /region .*2 regions/],
      ['flags', await rule.create({ requiredFlags: 0b0100 }), 20250101, /flags .*0b100\)/],
      ['validity', await rule.create({}), 20290101, /validity .*not valid on 20290101/],
    ];
    for (const [p, r, today, bound] of cases) {
      const t0 = performance.now();
      const e = await proveError(cred, r, today);
      expect(performance.now() - t0, 'no proving work').toBeLessThan(1000);
      expect(e.code).toBe('NOT_ELIGIBLE');
      expect(e.message).toMatch(/^the credential does not satisfy the rule: /);
      expect(e.message).toMatch(new RegExp(`: ${p} \\(.*\\) failed$`));
      expect(e.message).toMatch(bound);
      expectNoRecordValue(e.message, cred.record);
      expect(eligibility.check(cred, { rule: r, today })).toEqual({ eligible: false, failed: [p] });
    }
  });

  it('several failures are all named', async () => {
    const r = await rule.create({ minAge: 61, maxIncome: 1000 });
    const e = await proveError(cred, r, 20240229);
    expect(e.code).toBe('NOT_ELIGIBLE');
    expect(e.message).toMatch(/: age \(.*\), income \(.*\) failed$/);
    expectNoRecordValue(e.message, cred.record);
  });

  it('a wrong holder secret (predicates hold) is still NOT_ELIGIBLE, from the circuit', async () => {
    const r = await rule.create({ minAge: 60 });
    const other = await holder.create();
    expect(eligibility.check(cred, { rule: r, today: 20240229 })).toEqual({ eligible: true });
    await expect(
      eligibility.prove({ ...request(r, 20240229), credential: cred, holderSecret: other.secret }),
    ).rejects.toMatchObject({ code: 'NOT_ELIGIBLE', message: /holder secret/ });
  }, 60_000);
});

// --- differential: check vs the circuit ---------------------------------------------------------

const DAY = 86_400_000;
const ymd = (t: number) => {
  const d = new Date(t);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};
const REGIONS = [110101, 110105, 310115, 440305];

const scenario = fc
  .record({
    birth: fc.integer({ min: Date.UTC(1930, 0, 1), max: Date.UTC(2010, 11, 31) }),
    minAge: fc.integer({ min: 0, max: 90 }),
    todayShift: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -3000, max: 3000 })),
    issuedShift: fc.integer({ min: -3, max: 1 }),
    expiresShift: fc.integer({ min: -1, max: 3 }),
    income: fc.integer({ min: 0, max: 100_000 }),
    incomeShift: fc.oneof(
      fc.integer({ min: -1, max: 1 }),
      fc.integer({ min: -50_000, max: 50_000 }),
    ),
    region: fc.constantFrom(...REGIONS),
    regions: fc.subarray(REGIONS, { minLength: 1 }),
    flags: fc.integer({ min: 0, max: 0xffffffff }),
    flagsToggle: fc.integer({ min: 0, max: 31 }),
    on: fc.record({
      age: fc.boolean(),
      income: fc.boolean(),
      region: fc.boolean(),
      flags: fc.boolean(),
    }),
  })
  .map((s) => {
    const birthDate = ymd(s.birth);
    const d = new Date(s.birth);
    // the day the holder turns minAge (29 Feb births roll to 1 Mar in non-leap years), shifted
    const anniversary = Date.UTC(d.getUTCFullYear() + s.minAge, d.getUTCMonth(), d.getUTCDate());
    const todayT = Math.max(Date.UTC(1931, 0, 1), anniversary + s.todayShift * DAY);
    const required = (s.flags ^ (1 << s.flagsToggle)) >>> 0 || 1;
    return {
      record: {
        birthDate,
        sex: 1,
        regionCode: s.region,
        income: s.income,
        householdSize: 1,
        flags: s.flags,
        issuedAt: ymd(todayT + s.issuedShift * DAY),
        expiresAt: ymd(todayT + Math.max(s.expiresShift, s.issuedShift) * DAY),
      },
      today: ymd(todayT),
      spec: {
        ...(s.on.age ? { minAge: s.minAge } : {}),
        ...(s.on.income ? { maxIncome: Math.max(0, s.income + s.incomeShift) } : {}),
        ...(s.on.region ? { regions: s.regions } : {}),
        ...(s.on.flags ? { requiredFlags: s.flagsToggle % 2 ? s.flags || 1 : required } : {}),
      },
    };
  });

describe('check agrees with the circuit', () => {
  it('property: check is eligible exactly when the circuit accepts; prove names exactly check’s failures', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ record, today, spec }) => {
        const c = await issue(record);
        const r = await rule.create(spec);
        const verdict = eligibility.check(c, { rule: r, today });
        expect(verdict.eligible).toBe(circuitAccepts(c, r, today));
        if (!verdict.eligible) {
          const e = await proveError(c, r, today);
          expect(e.code).toBe('NOT_ELIGIBLE');
          const named = e.message.match(/: (.*) failed$/)![1]!.split(/\), /);
          expect(named.map((x) => x.split(' ')[0])).toEqual(verdict.failed);
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
