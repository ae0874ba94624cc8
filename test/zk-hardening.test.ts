// Security review items for bukejian/zk:
//  - item 9: no error message may echo a record value (birth date, income, region code, ...). Every
//    error path we can reach (record validation, credential JSON and binary decoding, rule
//    validation, the verifier's context, issuing, proving) is driven with a marker value and the
//    marker must not appear in err.message; the code must still say what went wrong.
//  - item 14: eligibility.verify / verifyBatch never pick a verification key by themselves:
//    `vkey` or an explicit `allowDevelopmentKey: true`, neither → INVALID_OPTION.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createMemoryRegistry,
  credentialFromJSON,
  credentialToJSON,
  decodeCredential,
  eligibility,
  encodeCredential,
  holder,
  issuer,
  MAX_INCOME,
  eligibilityProofFromJSON,
  eligibilityProofToJSON,
  rule,
  validateRecord,
  VKEY,
  type Credential,
  type CredentialRecord,
  type EligibilityProof,
  type HolderKey,
  type ProofContext,
  type Rule,
} from '../src/zk/index.js';
import { isDate } from '../src/zk/dates.js';
import { FIELD_ORDER } from '../src/zk/field.js';
import { BukejianError } from '../src/errors.js';

/** The BukejianError a call fails with (anything else, or success, fails the test). */
async function failure(f: () => unknown): Promise<BukejianError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof BukejianError) return e;
    throw e;
  }
  throw new Error('expected a BukejianError, got success');
}

/** True when `marker` occurs in `msg` as a whole number (not as part of a longer digit run). */
function echoes(msg: string, marker: string): boolean {
  const esc = marker.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(`(?<![0-9])${esc}(?![0-9])`).test(msg);
}

async function expectNoEcho(
  f: () => unknown,
  marker: string | number | bigint,
  code: string,
): Promise<void> {
  const e = await failure(f);
  expect(e.code, e.message).toBe(code);
  expect(echoes(e.message, String(marker)), `message echoes ${marker}: ${e.message}`).toBe(false);
}

// A synthetic citizen (invented data).
const base = (commitment: bigint): CredentialRecord => ({
  holderCommitment: commitment,
  birthDate: 19640229,
  sex: 2,
  regionCode: 110105,
  income: 28000,
  householdSize: 3,
  flags: 0b1011,
  issuedAt: 20240101,
  expiresAt: 20281231,
});

// The marker values of the review ("got 19630229", "got 1125899906854969", "got 1101051") and more.
const RANGE_MARKERS: [keyof CredentialRecord, number][] = [
  ['birthDate', 19630229], // 29 Feb of a non-leap year
  ['issuedAt', 20260230],
  ['expiresAt', 20261332],
  ['income', 1125899906854969],
  ['income', -1125899906854969],
  ['regionCode', 1101051],
  ['householdSize', 4242],
  ['flags', 98765432109],
  ['sex', 7], // inside 0..9 but not a GB/T 2261.1 code
  ['sex', 19630229],
];

let kp: Awaited<ReturnType<typeof issuer.keygen>>;
let me: HolderKey;
let cred: Credential;
let r60: Rule;

beforeAll(async () => {
  kp = await issuer.keygen();
  me = await holder.create();
  cred = await issuer.issue(base(me.commitment), kp.secretKey);
  r60 = await rule.create({
    minAge: 60,
    maxIncome: 30000,
    regions: [110101, 110105],
    requiredFlags: 0b1,
  });
}, 120_000);

describe('item 9: zk error messages never echo a record value', () => {
  it('validateRecord and issuer.issue: out-of-range fields', async () => {
    for (const [k, v] of RANGE_MARKERS) {
      const bad = { ...base(me.commitment), [k]: v };
      await expectNoEcho(() => validateRecord(bad), v, 'INVALID_RANGE');
      await expectNoEcho(() => issuer.issue(bad, kp.secretKey), v, 'INVALID_RANGE');
      await expectNoEcho(
        () =>
          eligibility.circuitInput({
            credential: { ...cred, record: bad },
            holderSecret: me.secret,
            rule: r60,
            today: 20260101,
            programId: 'p',
            period: 1,
            challenge: 1n,
          }),
        v,
        'INVALID_RANGE',
      );
    }
    const big = FIELD_ORDER + 19630229n;
    await expectNoEcho(
      () => validateRecord({ ...base(me.commitment), holderCommitment: big }),
      big,
      'INVALID_RANGE',
    );
  });

  it('validateRecord: wrong types (a value given as a string or a fraction)', async () => {
    for (const [k, v] of [
      ['birthDate', '19630301'],
      ['income', '1125899906854969'],
      ['regionCode', 1101051.5],
      ['sex', '2'],
    ] as const) {
      await expectNoEcho(
        () => validateRecord({ ...base(me.commitment), [k]: v } as never),
        v,
        'INVALID_TYPE',
      );
    }
    await expectNoEcho(
      () => validateRecord({ ...base(me.commitment), holderCommitment: '19630229' as never }),
      '19630229',
      'INVALID_TYPE',
    );
  });

  it('credentialFromJSON: record values, version and signature fields', async () => {
    const o = credentialToJSON(cred) as unknown as Record<string, any>;
    for (const [k, v] of RANGE_MARKERS) {
      await expectNoEcho(
        () => credentialFromJSON({ ...o, record: { ...o.record, [k]: v } }),
        v,
        'INVALID_RANGE',
      );
      await expectNoEcho(
        () => credentialFromJSON(JSON.stringify({ ...o, record: { ...o.record, [k]: v } })),
        v,
        'INVALID_RANGE',
      );
    }
    await expectNoEcho(
      () => credentialFromJSON({ ...o, record: { ...o.record, income: '1125899906854969' } }),
      '1125899906854969',
      'INVALID_TYPE',
    );
    const big = (FIELD_ORDER + 19630229n).toString();
    await expectNoEcho(
      () => credentialFromJSON({ ...o, record: { ...o.record, holderCommitment: big } }),
      big,
      'INVALID_RANGE',
    );
    await expectNoEcho(() => credentialFromJSON({ ...o, version: 19630229 }), 19630229, 'VERSION');
    await expectNoEcho(
      () => credentialFromJSON({ ...o, version: '19630229' }),
      19630229,
      'VERSION',
    );
    await expectNoEcho(
      () => credentialFromJSON({ ...o, signature: { ...o.signature, S: big } }),
      big,
      'INVALID_RANGE',
    );
    await expectNoEcho(
      () => credentialFromJSON({ ...o, issuerPublicKey: [big, '1'] }),
      big,
      'INVALID_RANGE',
    );
    await expectNoEcho(
      () => credentialFromJSON({ ...o, sm2Signature: '19630229' }),
      19630229,
      'INVALID_ENCODING',
    );
  });

  it('decodeCredential: record fields patched in the binary form', async () => {
    const bin = encodeCredential(cred);
    const patch = (at: number, v: number, bytes: 1 | 4 | 8) => {
      const t = bin.slice();
      const dv = new DataView(t.buffer);
      if (bytes === 1) t[at] = v;
      else if (bytes === 4) dv.setUint32(at, v);
      else dv.setBigUint64(at, BigInt(v));
      return t;
    };
    // layout: magic 4, version 1, commitment 32 | birthDate u32 @37, sex u8 @41, regionCode u32 @42,
    // income u64 @46, householdSize u8 @54, flags u32 @55, issuedAt u32 @59, expiresAt u32 @63
    await expectNoEcho(() => decodeCredential(patch(37, 19630229, 4)), 19630229, 'INVALID_RANGE');
    await expectNoEcho(() => decodeCredential(patch(41, 7, 1)), 7, 'INVALID_RANGE');
    await expectNoEcho(() => decodeCredential(patch(42, 1101051, 4)), 1101051, 'INVALID_RANGE');
    await expectNoEcho(
      () => decodeCredential(patch(46, 1125899906854969, 8)),
      1125899906854969,
      'INVALID_RANGE',
    );
    await expectNoEcho(() => decodeCredential(patch(59, 20260230, 4)), 20260230, 'INVALID_RANGE');
    await expectNoEcho(() => decodeCredential(patch(63, 20261332, 4)), 20261332, 'INVALID_RANGE');
  });

  it('rule.create: thresholds and region codes', async () => {
    await expectNoEcho(() => rule.create({ minAge: 4242 }), 4242, 'INVALID_RANGE');
    await expectNoEcho(
      () => rule.create({ maxIncome: 1125899906854969 }),
      1125899906854969,
      'INVALID_RANGE',
    );
    await expectNoEcho(() => rule.create({ regions: [110101, 1101051] }), 1101051, 'INVALID_RANGE');
    await expectNoEcho(
      () => rule.create({ requiredFlags: 98765432109 }),
      98765432109,
      'INVALID_RANGE',
    );
    await expectNoEcho(
      () => rule.create({ regions: ['1101051' as never] }),
      1101051,
      'INVALID_TYPE',
    );
  });

  it("the verifier's context (verify, verifyBatch, circuitInput) and the holder secret", async () => {
    const ctx: ProofContext = {
      issuerPublicKey: kp.publicKey,
      rule: r60,
      today: 20260101,
      programId: 'p',
      period: 202601,
      challenge: 5n,
    };
    const big = FIELD_ORDER + 19630229n;
    const bad: [Partial<ProofContext>, string | number | bigint, string][] = [
      [{ today: 19630229 }, 19630229, 'INVALID_RANGE'],
      [{ period: -19630229 }, -19630229, 'INVALID_RANGE'],
      [{ period: big }, big, 'INVALID_RANGE'],
      [{ challenge: big }, big, 'INVALID_RANGE'],
      [{ programId: big }, big, 'INVALID_RANGE'],
      [{ issuerPublicKey: [big, 1n] }, big, 'INVALID_RANGE'],
    ];
    const proof = {
      a: [1n, 2n],
      b: [
        [3n, 4n],
        [5n, 6n],
      ],
      c: [7n, 8n],
      nullifier: 9n,
    } as const;
    for (const [over, marker, code] of bad) {
      const c = { ...ctx, ...over } as ProofContext;
      await expectNoEcho(
        () => eligibility.verify(proof, c, { allowDevelopmentKey: true }),
        marker,
        code,
      );
      await expectNoEcho(
        () => eligibility.verifyBatch([proof], [c], { allowDevelopmentKey: true }),
        marker,
        code,
      );
      const { issuerPublicKey: _i, ...req } = c;
      if (!('issuerPublicKey' in over)) {
        await expectNoEcho(
          () => eligibility.circuitInput({ ...req, credential: cred, holderSecret: me.secret }),
          marker,
          code,
        );
      }
    }
    const { issuerPublicKey: _i, ...req } = ctx;
    await expectNoEcho(
      () => eligibility.circuitInput({ ...req, credential: cred, holderSecret: big }),
      big,
      'INVALID_RANGE',
    );
    await expectNoEcho(() => holder.commitment(big), big, 'INVALID_RANGE');
  });

  it('proof JSON: a marker in the version', async () => {
    const o = eligibilityProofToJSON({
      a: [1n, 2n],
      b: [
        [3n, 4n],
        [5n, 6n],
      ],
      c: [7n, 8n],
      nullifier: 9n,
    });
    await expectNoEcho(
      () => eligibilityProofFromJSON({ ...o, version: 19630229 }),
      19630229,
      'VERSION',
    );
  });

  it('prove: an ineligible citizen is NOT_ELIGIBLE without naming her birth date or income', async () => {
    // born 1 March 1966: not 60 on 2026-02-28; income 30001 > 30000
    const young = await issuer.issue(
      { ...base(me.commitment), birthDate: 19660301, income: 30001 },
      kp.secretKey,
    );
    const req = { rule: r60, today: 20260228, programId: 'p', period: 202602, challenge: 7n };
    const e = await failure(() =>
      eligibility.prove({ ...req, credential: young, holderSecret: me.secret }),
    );
    expect(e.code).toBe('NOT_ELIGIBLE');
    for (const m of ['19660301', '30001']) expect(echoes(e.message, m), e.message).toBe(false);
  }, 120_000);

  it('property: any invalid integer in any numeric record field is reported without its value', () => {
    const limits: Record<string, [number, number]> = {
      sex: [0, 9],
      regionCode: [100000, 999999],
      income: [0, MAX_INCOME],
      householdSize: [1, 255],
      flags: [0, 0xffffffff],
    };
    const anyInt = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    const r = base(1n);
    fc.assert(
      fc.property(
        fc.constantFrom(
          'birthDate',
          'issuedAt',
          'expiresAt',
          'sex',
          'regionCode',
          'income',
          'householdSize',
          'flags',
        ),
        fc.oneof(anyInt, fc.integer({ min: -1e9, max: 1e9 })),
        (k, v) => {
          const lim = limits[k];
          const valid = lim
            ? v >= lim[0] && v <= lim[1] && (k !== 'sex' || [0, 1, 2, 9].includes(v))
            : isDate(v);
          fc.pre(!valid);
          let err: unknown;
          try {
            validateRecord({ ...r, [k]: v });
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(BukejianError);
          expect((err as BukejianError).code).toBe('INVALID_RANGE');
          expect(
            echoes((err as BukejianError).message, String(v)),
            (err as BukejianError).message,
          ).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('item 14: eligibility.verify / verifyBatch need an explicit verification key', () => {
  let proof: EligibilityProof;
  let context: ProofContext;

  beforeAll(async () => {
    const req = {
      rule: r60,
      today: 20260101,
      programId: '高龄津贴',
      period: 202601,
      challenge: eligibility.challenge(),
    };
    proof = await eligibility.prove({
      ...req,
      credential: await issuer.issue({ ...base(me.commitment), birthDate: 19600101 }, kp.secretKey),
      holderSecret: me.secret,
    });
    context = { ...req, issuerPublicKey: kp.publicKey };
  }, 180_000);

  it('without vkey or allowDevelopmentKey: INVALID_OPTION (verify and verifyBatch), nothing is claimed', async () => {
    const registry = createMemoryRegistry();
    for (const opts of [
      undefined,
      {},
      { registry },
      { allowDevelopmentKey: false },
      { registry, workers: 0 },
    ]) {
      expect((await failure(() => eligibility.verify(proof, context, opts))).code).toBe(
        'INVALID_OPTION',
      );
      expect((await failure(() => eligibility.verifyBatch([proof], context, opts))).code).toBe(
        'INVALID_OPTION',
      );
    }
    // the check comes first: even a malformed proof does not get a silent development-key answer
    expect((await failure(() => eligibility.verify('garbage', context))).code).toBe(
      'INVALID_OPTION',
    );
    expect(
      (
        await failure(() =>
          eligibility.verify(proof, context, { allowDevelopmentKey: 'yes' as never }),
        )
      ).code,
    ).toBe('INVALID_OPTION');
    expect(registry.size).toBe(0);
  });

  it('with allowDevelopmentKey: true it verifies against the pinned development key', async () => {
    expect(await eligibility.verify(proof, context, { allowDevelopmentKey: true })).toMatchObject({
      ok: true,
    });
    expect(
      (await eligibility.verifyBatch([proof, proof], context, { allowDevelopmentKey: true })).map(
        (r) => r.ok,
      ),
    ).toEqual([true, true]);
  });

  it('with an explicit vkey it verifies against that key, which wins over allowDevelopmentKey', async () => {
    expect(await eligibility.verify(proof, context, { vkey: VKEY })).toMatchObject({ ok: true });
    expect((await eligibility.verifyBatch([proof], [context], { vkey: VKEY }))[0]).toMatchObject({
      ok: true,
    });
    // Another well-formed key (delta replaced by gamma): the same proof no longer verifies, with or
    // without allowDevelopmentKey, so the named key is the one used.
    const other = { ...VKEY, vk_delta_2: VKEY.vk_gamma_2 };
    expect(await eligibility.verify(proof, context, { vkey: other })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(
      await eligibility.verify(proof, context, { vkey: other, allowDevelopmentKey: true }),
    ).toEqual({ ok: false, reason: 'invalid' });
  });
});
