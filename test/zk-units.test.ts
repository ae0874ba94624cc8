// bukejian/zk without proofs: records, credentials (EdDSA-Poseidon checked with circomlibjs directly),
// JSON/binary codecs (strict decoders, tamper properties), dates (against JS Date), region tree
// (paths re-hashed independently), SM2 disclosed form (verified with sm-crypto-v2), registry.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
// @ts-ignore no types
import { buildEddsa, buildPoseidon } from 'circomlibjs';
// @ts-ignore no types
import { sm2 as smv2 } from 'sm-crypto-v2';
import {
  createMemoryRegistry,
  credentialFromJSON,
  credentialToJSON,
  decodeCredential,
  decodeEligibilityProof,
  encodeCredential,
  encodeEligibilityProof,
  holder,
  issuer,
  eligibilityProofFromJSON,
  eligibilityProofToJSON,
  programId,
  recordHash,
  rule,
  validateRecord,
  type CredentialRecord,
} from '../src/zk/index.js';
import { isDate } from '../src/zk/dates.js';
import { FIELD_ORDER } from '../src/zk/field.js';
import {
  buildRegionTree,
  REGION_TREE_CAPACITY,
  REGION_TREE_LEVELS,
} from '../src/zk/region-tree.js';
import { disclosedMessage } from '../src/zk/disclosed.js';
import { sm2 } from '../src/sm2/index.js';
import { BukejianError } from '../src/errors.js';

const poseidonP = buildPoseidon();
const eddsaP = buildEddsa();
const H = async (xs: bigint[]) => {
  const p = await poseidonP;
  return p.F.toObject(p(xs)) as bigint;
};

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof BukejianError ? e.code : 'OTHER';
  }
  return 'NONE';
};

// A synthetic citizen (invented data).
const baseRecord = (commitment: bigint): CredentialRecord => ({
  holderCommitment: commitment,
  birthDate: 19640229,
  sex: 2,
  regionCode: 110105,
  income: 28000,
  householdSize: 3,
  flags: 0b1011,
  issuedAt: 20260101,
  expiresAt: 20261231,
});

describe('dates', () => {
  it('isDate agrees with the JS calendar on every day of 1899..2101 plus impossible days', () => {
    for (let y = 1899; y <= 2101; y++) {
      for (let m = 1; m <= 12; m++) {
        for (let d = 1; d <= 31; d++) {
          const js = new Date(Date.UTC(y, m - 1, d));
          const real =
            js.getUTCFullYear() === y && js.getUTCMonth() === m - 1 && js.getUTCDate() === d;
          expect(isDate(y * 10000 + m * 100 + d)).toBe(real);
        }
      }
    }
    expect(isDate(20240229)).toBe(true);
    expect(isDate(20250229)).toBe(false);
    expect(isDate(19000229)).toBe(false);
    expect(isDate(20000229)).toBe(true);
    expect(isDate(20261300)).toBe(false);
  });
});

describe('records and credentials', () => {
  it('holder commitment is Poseidon(secret) (circomlibjs)', async () => {
    const h = await holder.create();
    expect(h.secret).toBeLessThan(FIELD_ORDER);
    expect(h.commitment).toBe(await H([h.secret]));
  });

  it('record hash is circomlibjs Poseidon over the 9 fields in circuit order', async () => {
    const r = baseRecord(12345n);
    expect(await recordHash(r)).toBe(
      await H([12345n, 19640229n, 2n, 110105n, 28000n, 3n, 11n, 20260101n, 20261231n]),
    );
  });

  it('rejects out-of-range records with stable codes', () => {
    const r = baseRecord(1n);
    expect(code(() => validateRecord({ ...r, birthDate: 19650229 }))).toBe('INVALID_RANGE');
    expect(code(() => validateRecord({ ...r, sex: 3 }))).toBe('INVALID_RANGE');
    expect(code(() => validateRecord({ ...r, regionCode: 99999 }))).toBe('INVALID_RANGE');
    expect(code(() => validateRecord({ ...r, income: 2 ** 48 }))).toBe('INVALID_RANGE');
    expect(code(() => validateRecord({ ...r, income: 1.5 }))).toBe('INVALID_TYPE');
    expect(code(() => validateRecord({ ...r, holderCommitment: FIELD_ORDER }))).toBe(
      'INVALID_RANGE',
    );
    expect(code(() => validateRecord({ ...r, expiresAt: 20251231 }))).toBe('INVALID_RANGE');
    expect(code(() => validateRecord({ ...r, extra: 1 } as never))).toBe('INVALID_OPTION');
    expect(code(() => validateRecord({ ...r, flags: undefined } as never))).toBe('INVALID_DATA');
  });

  it('issued signature verifies with circomlibjs verifyPoseidon; wrong key, tampered record and bad S fail', async () => {
    const kp = await issuer.keygen();
    const other = await issuer.keygen();
    const h = await holder.create();
    const cred = await issuer.issue(baseRecord(h.commitment), kp.secretKey);
    const e = await eddsaP;
    const F = e.F;
    const msg = F.e(
      await H([h.commitment, 19640229n, 2n, 110105n, 28000n, 3n, 11n, 20260101n, 20261231n]),
    );
    const A = [F.e(kp.publicKey[0]), F.e(kp.publicKey[1])];
    const sig = { R8: [F.e(cred.signature.R8[0]), F.e(cred.signature.R8[1])], S: cred.signature.S };
    expect(e.verifyPoseidon(msg, sig, A)).toBe(true);
    const pub = e.prv2pub(kp.secretKey);
    expect([F.toObject(pub[0]), F.toObject(pub[1])]).toEqual([...kp.publicKey]);
    expect(await issuer.verify(cred, kp.publicKey)).toBe(true);
    expect(await issuer.verify(cred, other.publicKey)).toBe(false);
    expect(
      await issuer.verify({ ...cred, record: { ...cred.record, income: 27999 } }, kp.publicKey),
    ).toBe(false);
    expect(
      await issuer.verify(
        { ...cred, signature: { ...cred.signature, S: cred.signature.S + 1n } },
        kp.publicKey,
      ),
    ).toBe(false);
    expect(
      await issuer.verify(
        { ...cred, signature: { ...cred.signature, S: FIELD_ORDER + 5n } },
        kp.publicKey,
      ),
    ).toBe(false);
    // the trust anchor is required: missing → INVALID_OPTION, never "any issuer"
    const verifyAny = issuer.verify as (c: unknown, k?: unknown) => Promise<boolean>;
    await expect(verifyAny(cred)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(verifyAny(cred, null)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(verifyAny(cred, [1n])).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(verifyAny(cred, [FIELD_ORDER, 1n])).rejects.toMatchObject({
      code: 'INVALID_RANGE',
    });
    await expect(issuer.getPublicKey(new Uint8Array(31))).rejects.toMatchObject({
      code: 'INVALID_KEY',
    });
  });

  it('JSON and binary forms round-trip; decoders are strict', async () => {
    const kp = await issuer.keygen();
    const sm2kp = sm2.keygen();
    const cred = await issuer.issue(baseRecord((await holder.create()).commitment), kp.secretKey, {
      sm2SecretKey: sm2kp.secretKey,
    });
    const json = JSON.stringify(credentialToJSON(cred));
    expect(credentialFromJSON(json)).toEqual(cred);
    const bin = encodeCredential(cred);
    expect(bin.length).toBe(292);
    expect(decodeCredential(bin)).toEqual(cred);
    const noSm2 = { ...cred, sm2Signature: undefined };
    delete (noSm2 as { sm2Signature?: unknown }).sm2Signature;
    expect(encodeCredential(noSm2).length).toBe(228);
    expect(decodeCredential(encodeCredential(noSm2))).toEqual(noSm2);
    // trailing bytes, truncation, version, magic
    expect(code(() => decodeCredential(Uint8Array.of(...bin, 0)))).toBe('INVALID_ENCODING');
    expect(code(() => decodeCredential(bin.subarray(0, 227)))).toBe('INVALID_ENCODING');
    const v2 = bin.slice();
    v2[4] = 2;
    expect(code(() => decodeCredential(v2))).toBe('VERSION');
    const mg = bin.slice();
    mg[0] = 0x41;
    expect(code(() => decodeCredential(mg))).toBe('INVALID_ENCODING');
    // a field element ≥ r (commitment all 0xff)
    const big = bin.slice();
    big.fill(0xff, 5, 37);
    expect(code(() => decodeCredential(big))).toBe('INVALID_ENCODING');
    const o = JSON.parse(json);
    expect(code(() => credentialFromJSON({ ...o, extra: 1 }))).toBe('INVALID_ENCODING');
    expect(code(() => credentialFromJSON({ ...o, version: 2 }))).toBe('VERSION');
    expect(
      code(() => credentialFromJSON({ ...o, record: { ...o.record, holderCommitment: '0x10' } })),
    ).toBe('INVALID_TYPE');
    expect(
      code(() => credentialFromJSON({ ...o, record: { ...o.record, holderCommitment: '007' } })),
    ).toBe('INVALID_TYPE');
    expect(code(() => credentialFromJSON({ ...o, record: { ...o.record, income: '1' } }))).toBe(
      'INVALID_TYPE',
    );
    expect(code(() => credentialFromJSON('{'))).toBe('INVALID_ENCODING');
  });

  it('property: every single-byte change of a binary credential is rejected or changes what it says', async () => {
    const kp = await issuer.keygen();
    const cred = await issuer.issue(baseRecord((await holder.create()).commitment), kp.secretKey);
    const bin = encodeCredential(cred);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bin.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (i, x) => {
          const t = bin.slice();
          t[i]! ^= x;
          let dec;
          try {
            dec = decodeCredential(t);
          } catch (e) {
            expect(e).toBeInstanceOf(BukejianError);
            expect(['INVALID_ENCODING', 'VERSION', 'INVALID_RANGE', 'INVALID_DATA']).toContain(
              (e as BukejianError).code,
            );
            return;
          }
          expect(dec).not.toEqual(cred);
          expect(await issuer.verify(dec, kp.publicKey)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('SM2 disclosed form verifies with sm-crypto-v2 and with issuer.verifyDisclosed; tampering fails', async () => {
    const kp = await issuer.keygen();
    const sm2kp = sm2.keygen();
    const cred = await issuer.issue(baseRecord((await holder.create()).commitment), kp.secretKey, {
      sm2SecretKey: sm2kp.secretKey,
    });
    expect(issuer.verifyDisclosed(cred, sm2kp.publicKey)).toBe(true);
    const msg = disclosedMessage(cred.record, cred.issuerPublicKey);
    const sigHex = Buffer.from(cred.sm2Signature!).toString('hex');
    const pubHex = Buffer.from(sm2kp.publicKey).toString('hex');
    expect(smv2.doVerifySignature(msg, sigHex, pubHex, { hash: true, der: false })).toBe(true);
    expect(
      issuer.verifyDisclosed(
        { ...cred, record: { ...cred.record, regionCode: 110106 } },
        sm2kp.publicKey,
      ),
    ).toBe(false);
    expect(issuer.verifyDisclosed(cred, sm2.keygen().publicKey)).toBe(false);
    const { sm2Signature: _drop, ...bare } = cred;
    expect(issuer.verifyDisclosed(bare as typeof cred, sm2kp.publicKey)).toBe(false);
    // the issuer's SM2 key is the caller's trust anchor: required
    const disclosedAny = issuer.verifyDisclosed as (c: unknown, k?: unknown) => boolean;
    expect(code(() => disclosedAny(cred))).toBe('INVALID_OPTION');
    expect(code(() => disclosedAny(cred, Buffer.from(sm2kp.publicKey).toString('hex')))).toBe(
      'INVALID_OPTION',
    );
  });
});

describe('region tree', () => {
  // The reference below is written independently of src/zk/region-tree.ts: a dense quaternary
  // tree over all 65,536 slots is too slow, so it hashes the naive way level by level over the
  // occupied prefix, padding with zero subtrees computed by circomlibjs Poseidon.
  it('every path re-hashes (circomlibjs Poseidon(4)) to the root; absent codes have no path', async () => {
    const codes = [110101, 110105, 310115, 440305, 510107, 110105, 120101, 130102, 140105, 150102];
    const t = await buildRegionTree(codes);
    expect(t.codes).toEqual([...new Set(codes)].sort((a, b) => a - b));
    expect(REGION_TREE_CAPACITY).toBe(2 ** 16);
    for (const c of t.codes) {
      const p = t.path(c)!;
      expect(p.index).toBe(t.codes.indexOf(c));
      expect(p.siblings.length).toBe(REGION_TREE_LEVELS);
      let cur = BigInt(c);
      for (let i = 0; i < REGION_TREE_LEVELS; i++) {
        const pos = (p.index >> (2 * i)) & 3;
        const children = [...p.siblings[i]!];
        children.splice(pos, 0, cur);
        cur = await H(children);
      }
      expect(cur).toBe(t.root);
    }
    expect(t.path(120102)).toBeUndefined();
  });

  it('roots equal a naive level-by-level quaternary tree with explicit zero subtrees', async () => {
    const naive = async (leaves: bigint[]) => {
      let z = 0n;
      let level = leaves;
      for (let i = 0; i < REGION_TREE_LEVELS; i++) {
        const next: bigint[] = [];
        for (let j = 0; j < Math.max(1, level.length); j += 4)
          next.push(await H([0, 1, 2, 3].map((k) => level[j + k] ?? z)));
        level = next;
        z = await H([z, z, z, z]);
      }
      return level[0]!;
    };
    for (const codes of [
      [110101],
      [110101, 110102, 110105, 110106, 110107],
      Array.from({ length: 17 }, (_, i) => 110101 + i),
    ]) {
      expect((await buildRegionTree(codes)).root).toBe(await naive(codes.map(BigInt)));
    }
  });

  it('rule validation', async () => {
    await expect(rule.create({ minAge: 300 })).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    await expect(rule.create({ regions: [] })).rejects.toMatchObject({ code: 'INVALID_LENGTH' });
    await expect(rule.create({ regions: [12] })).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    await expect(rule.create({ requiredFlags: 0 })).rejects.toMatchObject({
      code: 'INVALID_RANGE',
    });
    await expect(rule.create({ bogus: 1 } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    const r = await rule.create({ minAge: 60 });
    expect([r.checkAge, r.checkIncome, r.checkRegion, r.checkFlags]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect([r.minAge, r.maxIncome, r.regionRoot, r.requiredFlags]).toEqual([60, 0, 0n, 0]);
  });
});

describe('proof codec, programme ids and the registry', () => {
  const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
  const proof = {
    a: [1n, 2n],
    b: [
      [3n, 4n],
      [5n, 6n],
    ],
    c: [7n, 8n],
    nullifier: 9n,
  } as const;
  it('binary and JSON round-trip; ranges and lengths enforced', () => {
    const bin = encodeEligibilityProof(proof);
    expect(bin.length).toBe(293);
    expect(decodeEligibilityProof(bin)).toEqual(proof);
    expect(eligibilityProofFromJSON(JSON.stringify(eligibilityProofToJSON(proof)))).toEqual(proof);
    expect(code(() => decodeEligibilityProof(Uint8Array.of(...bin, 0)))).toBe('INVALID_ENCODING');
    const hi = bin.slice();
    hi.set(Buffer.from(P.toString(16).padStart(64, '0'), 'hex'), 5);
    expect(code(() => decodeEligibilityProof(hi))).toBe('INVALID_ENCODING');
    const hn = bin.slice();
    hn.set(Buffer.from(FIELD_ORDER.toString(16).padStart(64, '0'), 'hex'), 5 + 8 * 32);
    expect(code(() => decodeEligibilityProof(hn))).toBe('INVALID_ENCODING');
    expect(
      code(() => eligibilityProofFromJSON({ ...eligibilityProofToJSON(proof), extra: 1 })),
    ).toBe('INVALID_ENCODING');
    expect(
      code(() => eligibilityProofFromJSON({ ...eligibilityProofToJSON(proof), version: 3 })),
    ).toBe('VERSION');
  });
  it('programme ids are SM3-derived field elements, distinct per name', () => {
    expect(programId('高龄津贴')).toBeLessThan(FIELD_ORDER);
    expect(programId('高龄津贴')).toBe(programId('高龄津贴'));
    expect(programId('高龄津贴')).not.toBe(programId('低保'));
  });
  it('memory registry claims once', () => {
    const reg = createMemoryRegistry();
    expect(reg.claim(1n, 202611n, 5n)).toBe(true);
    expect(reg.claim(1n, 202611n, 5n)).toBe(false);
    expect(reg.claim(1n, 202612n, 5n)).toBe(true);
    expect(reg.has(1n, 202611n, 5n)).toBe(true);
    expect(reg.size).toBe(2);
  });
});
