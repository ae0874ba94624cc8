// The zk module's own Poseidon, Baby Jubjub and EdDSA-Poseidon (src/zk/_poseidon.ts, _babyjub.ts,
// _eddsa.ts) against circomlibjs, the oracle (a dev dependency, imported only here and in the other
// zk tests): Grain-derived constants equal circomlibjs's tables for every width; published
// known-answer vectors (Poseidon reference / circomlib tests, circomlibjs's EdDSA test); fast-check
// properties on random and edge inputs (0, 1, p − 1) for every input count 1..16; prv2pub, identical
// signatures (R8 and S), verification agreement on valid and tampered signatures; on-curve and
// subgroup checks on random, small-order, off-curve and out-of-range points.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
// @ts-ignore circomlibjs ships no type declarations
import { buildBabyjub, buildEddsa, buildPoseidon } from 'circomlibjs';
import {
  poseidon,
  poseidonConstants,
  poseidonReference,
  POSEIDON_MAX_INPUTS,
  POSEIDON_PARTIAL_ROUNDS,
} from '../src/zk/_poseidon.js';
import {
  addPoint,
  BABYJUB_ORDER,
  BABYJUB_SUBORDER,
  BASE8,
  GENERATOR,
  IDENTITY,
  inCurve,
  inSubgroup,
  mulBase,
  mulPointEscalar,
  type BabyJubPoint,
} from '../src/zk/_babyjub.js';
import { prv2pub, signPoseidon, verifyPoseidon } from '../src/zk/_eddsa.js';
import { BukejianError } from '../src/errors.js';

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const L = BABYJUB_SUBORDER;

/* eslint-disable @typescript-eslint/no-explicit-any */
let clPoseidon: any;
let clEddsa: any;
let clJub: any;
let F: any;

beforeAll(async () => {
  [clPoseidon, clEddsa, clJub] = await Promise.all([buildPoseidon(), buildEddsa(), buildBabyjub()]);
  F = clJub.F;
});

const clHash = (xs: readonly bigint[]): bigint => clPoseidon.F.toObject(clPoseidon([...xs]));
const toF = (p: readonly bigint[]) => [F.e(p[0]), F.e(p[1])];
const fromF = (p: unknown[]): BabyJubPoint => [F.toObject(p[0]), F.toObject(p[1])];
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof BukejianError ? e.code : 'OTHER';
  }
  return 'NONE';
};

/** A field element, biased towards the edges 0, 1, p − 1 and a few other awkward values. */
const fieldArb = fc.oneof(
  { arbitrary: fc.constantFrom(0n, 1n, 2n, P - 1n, P - 2n, (P - 1n) / 2n, 1n << 253n), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: P - 1n }), weight: 3 },
);

describe('Poseidon', () => {
  it('Grain-derived constants equal circomlibjs poseidon_constants for every width t = 2..17', () => {
    const main = createRequire(import.meta.url).resolve('circomlibjs'); // <pkg>/build/main.cjs
    const ref = JSON.parse(
      readFileSync(path.join(path.dirname(main), '..', 'src', 'poseidon_constants.json'), 'utf8'),
    );
    expect(ref.C.length).toBe(POSEIDON_MAX_INPUTS);
    for (let t = 2; t <= POSEIDON_MAX_INPUTS + 1; t++) {
      const c = poseidonConstants(t);
      const rp = POSEIDON_PARTIAL_ROUNDS[t - 2]!;
      expect(c.C.length).toBe((8 + rp) * t);
      expect(c.C).toEqual(ref.C[t - 2].map(BigInt));
      expect(c.M).toEqual(ref.M[t - 2].map((row: string[]) => row.map(BigInt)));
    }
  });

  it('known-answer vectors (Poseidon reference poseidonperm_x5_254_3/5, circomlib poseidoncircuit test)', () => {
    expect(poseidon([1n, 2n])).toBe(
      0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an,
    );
    expect(poseidon([1n, 2n, 3n, 4n])).toBe(
      0x299c867db6c1fdd79dcefa40e4510b9837e60ebb1ce0663dbaa525df65250465n,
    );
    expect(poseidon([3n, 4n])).toBe(
      14763215145315200506921711489642608356394854266165572616578112107564877678998n,
    );
    expect(poseidon([1n, 2n, 0n, 0n, 0n])).toBe(
      1018317224307729531995786483840663576608797660851238720571059489595066344487n,
    );
    expect(poseidon([3n, 4n, 5n, 10n, 23n])).toBe(
      13034429309846638789535561449942021891039729847501137143363028890275222221409n,
    );
    expect(poseidonConstants(3).C[0]).toBe(
      0x0ee9a592ba9a9518d05986d656f40c2114c4993c11bb29938d21d47304cd8e6en,
    );
  });

  it('equals circomlibjs on all-0, all-1 and all-(p − 1) inputs for every input count 1..16', () => {
    for (let n = 1; n <= POSEIDON_MAX_INPUTS; n++) {
      for (const v of [0n, 1n, P - 1n]) {
        const xs = new Array<bigint>(n).fill(v);
        expect(poseidon(xs)).toBe(clHash(xs));
      }
    }
  });

  it('property: equals circomlibjs for random and edge inputs of every count 1..16', () => {
    fc.assert(
      fc.property(fc.array(fieldArb, { minLength: 1, maxLength: POSEIDON_MAX_INPUTS }), (xs) => {
        expect(poseidon(xs)).toBe(clHash(xs));
      }),
      { numRuns: 300 },
    );
  });

  it('property: the sparse schedule equals the textbook evaluation', () => {
    fc.assert(
      fc.property(fc.array(fieldArb, { minLength: 1, maxLength: POSEIDON_MAX_INPUTS }), (xs) => {
        expect(poseidon(xs)).toBe(poseidonReference(xs));
      }),
      { numRuns: 40 },
    );
  });

  it('rejects what is not 1..16 field elements (circomlibjs would reduce values ≥ p)', () => {
    expect(code(() => poseidon([]))).toBe('INVALID_LENGTH');
    expect(code(() => poseidon(new Array(17).fill(0n)))).toBe('INVALID_LENGTH');
    expect(code(() => poseidon([P]))).toBe('INVALID_RANGE');
    expect(code(() => poseidon([-1n]))).toBe('INVALID_RANGE');
    expect(code(() => poseidon([1 as never]))).toBe('INVALID_TYPE');
    expect(code(() => poseidon('1' as never))).toBe('INVALID_TYPE');
    expect(code(() => poseidonConstants(18))).toBe('INVALID_RANGE');
    expect(code(() => poseidonConstants(1))).toBe('INVALID_RANGE');
  });
});

describe('Baby Jubjub', () => {
  /** All 8 points of the torsion subgroup: (k·l)·Generator, k = 0..7 (the group is cyclic of order 8·l). */
  const smallOrder = () =>
    Array.from({ length: 8 }, (_, k) => mulPointEscalar(GENERATOR, BigInt(k) * L));
  const scalarArb = fc.oneof(
    fc.constantFrom(
      0n,
      1n,
      2n,
      7n,
      8n,
      L - 1n,
      L,
      L + 1n,
      BABYJUB_ORDER - 1n,
      BABYJUB_ORDER,
      BABYJUB_ORDER + 3n,
    ),
    fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  );

  it('constants: Base8 = 8·Generator, both on the curve; Base8 in the subgroup, Generator not', () => {
    expect(mulPointEscalar(GENERATOR, 8n)).toEqual(BASE8);
    expect(BASE8).toEqual(fromF(clJub.Base8));
    expect(GENERATOR).toEqual(fromF(clJub.Generator));
    expect(L).toBe(clJub.subOrder);
    expect(BABYJUB_ORDER).toBe(clJub.order);
    expect(inSubgroup(BASE8)).toBe(true);
    expect(inSubgroup(GENERATOR)).toBe(false);
    expect(mulBase(L)).toEqual(IDENTITY);
    expect(mulPointEscalar(BASE8, L)).toEqual(IDENTITY);
  });

  it('small-order points: on the curve, outside the subgroup (except the identity), as circomlibjs', () => {
    const pts = smallOrder();
    expect(new Set(pts.map((p) => `${p[0]},${p[1]}`)).size).toBe(8);
    expect(pts).toContainEqual([0n, P - 1n]); // order 2
    for (const p of pts) {
      expect(inCurve(p)).toBe(true);
      expect(clJub.inCurve(toF(p))).toBe(true);
      expect(inSubgroup(p)).toBe(clJub.inSubgroup(toF(p)));
      expect(inSubgroup(p)).toBe(p[0] === 0n && p[1] === 1n);
      expect(mulPointEscalar(p, 8n)).toEqual(IDENTITY);
    }
  });

  it('property: random points k·Generator (+ torsion) — inCurve / inSubgroup agree with circomlibjs', () => {
    const torsion = smallOrder();
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: L - 1n }), fc.integer({ min: 0, max: 7 }), (k, i) => {
        const q = addPoint(mulBase(k), torsion[i]!); // in the subgroup iff i = 0
        expect(inCurve(q)).toBe(true);
        expect(inSubgroup(q)).toBe(i === 0);
        expect(clJub.inSubgroup(toF(q))).toBe(i === 0);
      }),
      { numRuns: 8 },
    );
  });

  it('hostile points: off the curve, coordinates ≥ p, malformed', () => {
    fc.assert(
      fc.property(fieldArb, fieldArb, (x, y) => {
        const p = [x, y] as const;
        expect(inCurve(p)).toBe(clJub.inCurve(toF(p)));
        expect(inSubgroup(p)).toBe(inCurve(p) && clJub.inSubgroup(toF(p)));
      }),
      { numRuns: 200 },
    );
    const off = [BASE8[0], BASE8[1] + 1n] as const;
    expect(inCurve(off)).toBe(false);
    expect(clJub.inCurve(toF(off))).toBe(false);
    // circomlibjs reduces coordinates mod p first (F.e), so [x + p, y] is "on the curve" for it; ours rejects
    const wrapped = [BASE8[0] + P, BASE8[1]] as const;
    expect(clJub.inCurve(toF(wrapped))).toBe(true);
    expect(inCurve(wrapped)).toBe(false);
    expect(inSubgroup(wrapped)).toBe(false);
    expect(inCurve([0n, 1n + P])).toBe(false);
    expect(inCurve([-1n, 1n])).toBe(false);
    for (const bad of [
      null,
      undefined,
      [],
      [1n],
      [0n, 1n, 0n],
      [0, 1],
      ['0', '1'],
      { 0: 0n, 1: 1n, length: 2 },
    ]) {
      expect(inCurve(bad)).toBe(false);
      expect(inSubgroup(bad)).toBe(false);
    }
    expect(code(() => addPoint(off, BASE8))).toBe('INVALID_POINT');
    expect(code(() => mulPointEscalar(wrapped, 2n))).toBe('INVALID_POINT');
    expect(code(() => mulPointEscalar(BASE8, -1n))).toBe('INVALID_RANGE');
  });

  it('property: addPoint and mulPointEscalar equal circomlibjs (points with torsion, any scalar)', () => {
    const torsion = smallOrder();
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: L - 1n }),
        fc.integer({ min: 0, max: 7 }),
        scalarArb,
        (k, i, e) => {
          const a = addPoint(mulBase(k), torsion[i]!);
          expect(addPoint(a, BASE8)).toEqual(fromF(clJub.addPoint(toF(a), clJub.Base8)));
          expect(addPoint(a, a)).toEqual(fromF(clJub.addPoint(toF(a), toF(a))));
          expect(mulPointEscalar(a, e)).toEqual(fromF(clJub.mulPointEscalar(toF(a), e)));
        },
      ),
      { numRuns: 6 },
    );
  });

  it('property: mulBase(k) = circomlibjs mulPointEscalar(Base8, k)', () => {
    fc.assert(
      fc.property(scalarArb, (k) => {
        expect(mulBase(k)).toEqual(fromF(clJub.mulPointEscalar(clJub.Base8, k)));
      }),
      { numRuns: 6 },
    );
  });
});

describe('EdDSA-Poseidon', () => {
  const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it('known-answer vector (circomlibjs test/eddsa.js, "Sign (using Poseidon) a single 10 bytes from 0 to 9")', () => {
    const prv = Uint8Array.from(
      Buffer.from('0001020304050607080900010203040506070809000102030405060708090001', 'hex'),
    );
    const msg = 0x09080706050403020100n; // the bytes 00..09 read little-endian
    expect(prv2pub(prv)).toEqual([
      13277427435165878497778222415993513565335242147425444199013288855685581939618n,
      13622229784656158136036771217484571176836296686641868549125388198837476602820n,
    ]);
    const sig = signPoseidon(prv, msg);
    expect(sig.R8).toEqual([
      11384336176656855268977457483345535180380036354188103142384839473266348197733n,
      15383486972088797283337779941324724402501462225528836549661220478783371668959n,
    ]);
    expect(sig.S).toBe(
      1672775540645840396591609181675628451599263765380031905495115170613215233181n,
    );
    expect(verifyPoseidon(msg, sig, prv2pub(prv))).toBe(true);
  });

  it('property: prv2pub equals circomlibjs (32-byte keys and other lengths)', () => {
    fc.assert(
      fc.property(fc.oneof(keyArb, fc.uint8Array({ minLength: 0, maxLength: 80 })), (prv) => {
        expect(prv2pub(prv)).toEqual(fromF(clEddsa.prv2pub(prv)));
      }),
      { numRuns: 16 },
    );
  });

  it('property: signPoseidon gives the same R8 and S as circomlibjs; both verify it', () => {
    fc.assert(
      fc.property(keyArb, fieldArb, (prv, msg) => {
        const ours = signPoseidon(prv, msg);
        const theirs = clEddsa.signPoseidon(prv, F.e(msg));
        expect(ours.R8).toEqual(fromF(theirs.R8));
        expect(ours.S).toBe(theirs.S);
        const A = prv2pub(prv);
        expect(verifyPoseidon(msg, ours, A)).toBe(true);
        expect(clEddsa.verifyPoseidon(F.e(msg), theirs, toF(A))).toBe(true);
      }),
      { numRuns: 16 },
    );
  });

  it('property: verifyPoseidon agrees with circomlibjs on valid and tampered signatures', () => {
    const torsion2 = [0n, P - 1n] as const; // the point of order 2
    const other = prv2pub(new Uint8Array(32).fill(7));
    const tamper = fc.constantFrom(
      'none',
      'S+1',
      'S+l',
      'S=0',
      'msg+1',
      'R8=-R8',
      'R8+T',
      'R8 off-curve',
      'A other',
      'A+T',
      'A=identity',
    );
    fc.assert(
      fc.property(keyArb, fieldArb, tamper, (prv, msg, how) => {
        const A = prv2pub(prv);
        const sig = signPoseidon(prv, msg);
        let m = msg;
        let R8: BabyJubPoint = sig.R8;
        let S = sig.S;
        let key: BabyJubPoint = A;
        if (how === 'S+1') S = (S + 1n) % L;
        if (how === 'S+l') S = S + L; // ≥ l: both must refuse
        if (how === 'S=0') S = 0n;
        if (how === 'msg+1') m = (msg + 1n) % P;
        if (how === 'R8=-R8') R8 = [(P - R8[0]) % P, R8[1]];
        if (how === 'R8+T') R8 = addPoint(R8, torsion2);
        if (how === 'R8 off-curve') R8 = [R8[0], (R8[1] + 1n) % P];
        if (how === 'A other') key = other;
        if (how === 'A+T') key = addPoint(A, torsion2);
        if (how === 'A=identity') key = IDENTITY;
        const ours = verifyPoseidon(m, { R8, S }, key);
        const theirs = clEddsa.verifyPoseidon(F.e(m), { R8: toF(R8), S }, toF(key));
        expect(ours).toBe(theirs);
        expect(ours).toBe(how === 'none');
      }),
      { numRuns: 33 },
    );
  });

  it('verifyPoseidon returns false (never throws) on malformed input; signPoseidon rejects a non-field message', () => {
    const prv = new Uint8Array(32).fill(1);
    const A = prv2pub(prv);
    const sig = signPoseidon(prv, 5n);
    expect(verifyPoseidon(5n, sig, A)).toBe(true);
    expect(verifyPoseidon(5n + P, sig, A)).toBe(false);
    expect(verifyPoseidon(-1n, sig, A)).toBe(false);
    expect(verifyPoseidon(5 as never, sig, A)).toBe(false);
    expect(verifyPoseidon(5n, null as never, A)).toBe(false);
    expect(verifyPoseidon(5n, { R8: sig.R8, S: -1n }, A)).toBe(false);
    expect(verifyPoseidon(5n, { R8: sig.R8, S: Number(1) as never }, A)).toBe(false);
    expect(verifyPoseidon(5n, { R8: [sig.R8[0] + P, sig.R8[1]], S: sig.S }, A)).toBe(false);
    expect(verifyPoseidon(5n, sig, [A[0], A[1] + P])).toBe(false);
    expect(verifyPoseidon(5n, sig, [A[0]] as never)).toBe(false);
    expect(code(() => signPoseidon(prv, P))).toBe('INVALID_RANGE');
    expect(code(() => signPoseidon(prv, 1 as never))).toBe('INVALID_TYPE');
    expect(code(() => prv2pub('key' as never))).toBe('INVALID_TYPE');
  });
});
