// The SM2 limb field and engine (src/sm2/_field.ts, _point.ts, _mul.ts, _fast-limb.ts, _h2c.ts)
// against independent implementations: plain bigint arithmetic mod p (a naive reference written
// here), @noble/curves' generic Weierstrass arithmetic and hash-to-curve, and node:crypto's
// OpenSSL SM2 ECDH. Random values (fast-check) and the edges: 0, 1, p − 1, values ≥ p,
// scalars 1, 2, 3, n − 1, n − 2, n − 2j, results at infinity.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createECDH } from 'node:crypto';
import * as F from '../src/sm2/_field.js';
import { jac, toAffine, N } from '../src/sm2/_point.js';
import { fromAffine, mulCT } from '../src/sm2/_mul.js';
import { createFastLimb } from '../src/sm2/_fast-limb.js';
import { hashToJac } from '../src/sm2/_h2c.js';
import { SM2P256V1, Sm2Point } from '../src/sm2/curve.js';
import { SM2_DST, sm2Hasher } from '../src/psi/groups/sm2.js';
import { sm3 } from '../src/sm3.js';
import { sm2Wasm } from '../src/sm2/_wasm.js';
import { LAYOUT, SM2_WASM_BASE64 } from '../src/sm2/_field-wasm.js';

const p = SM2P256V1.p;
const n = SM2P256V1.n;
const mod = (x: bigint) => ((x % p) + p) % p;
const pow = (b: bigint, e: bigint) => {
  let r = 1n;
  b = mod(b);
  for (; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
  return r;
};
const be = (x: bigint) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
const EDGES = [
  0n,
  1n,
  2n,
  3n,
  p - 1n,
  p - 2n,
  (p - 1n) / 2n,
  1n << 255n,
  1n << 224n,
  2n ** 96n - 1n,
];
const elem = fc.oneof(fc.bigInt({ min: 0n, max: p - 1n }), fc.constantFrom(...EDGES));
const scalar = fc.oneof(
  fc.bigInt({ min: 1n, max: n - 1n }),
  fc.constantFrom(1n, 2n, 3n, 4n, 31n, 32n, 33n, n - 1n, n - 2n, n - 3n, n - 6n, n - 62n),
);
const G = Sm2Point.BASE;

// the WebAssembly kernel (src/sm2/_wasm.ts) on the same values: elements in its memory at three
// scratch slots, written with its own decoder and read back with its own encoder
const W = sm2Wasm()!;
const [W0, W1, W2] = [W.L.T0, W.L.T1, W.L.T2];
const wPut = (at: number, x: bigint) => {
  W.mem.set(be(x), W.L.IN);
  return W.x.fromBytes(at, W.L.IN);
};
const wGet = (at: number) => {
  W.x.toBytes(W.L.OUT, at);
  return BigInt('0x' + Buffer.from(W.mem.subarray(W.L.OUT, W.L.OUT + 32)).toString('hex'));
};

describe('field: limbs vs bigint mod p', () => {
  it('add, sub, neg, mulSmall, mul, sqr, inv, sqrt, canonical bytes', () => {
    const o = F.fe();
    fc.assert(
      fc.property(elem, elem, fc.integer({ min: -16, max: 16 }), (a, b, k) => {
        const A = F.fromBig(a);
        const B = F.fromBig(b);
        const chk = (x: bigint) => expect(F.toBig(o)).toBe(mod(x));
        F.add(o, A, B);
        chk(a + b);
        F.sub(o, A, B);
        chk(a - b);
        F.neg(o, A);
        chk(-a);
        F.mulSmall(o, A, k);
        chk(a * BigInt(k));
        F.mul(o, A, B);
        chk(a * b);
        F.sqr(o, A);
        chk(a * a);
        F.inv(o, A);
        chk(a === 0n ? 0n : pow(a, p - 2n));
        if (a !== 0n) expect(mod(F.toBig(o) * a)).toBe(1n);
        const isSq = pow(a, (p - 1n) / 2n) !== p - 1n;
        expect(F.sqrt(o, A)).toBe(isSq ? 1 : 0);
        if (isSq) expect(mod(F.toBig(o) ** 2n)).toBe(a);
        expect(F.toBytes(A)).toEqual(be(a));
        expect(F.isOdd(A)).toBe(Number(a & 1n));
        expect(F.isZero(A)).toBe(a === 0n ? 1 : 0);
        expect(F.equal(A, B)).toBe(a === b ? 1 : 0);
        expect(F.fromBytes(o, be(a))).toBe(1);
        expect(F.toBig(o)).toBe(a);
        // the same on the WebAssembly kernel
        expect([wPut(W0, a), wPut(W1, b)]).toEqual([1, 1]);
        const wchk = (x: bigint) => expect(wGet(W2)).toBe(mod(x));
        W.x.lin(W2, W0, 1n, W1, 1n);
        wchk(a + b);
        W.x.lin(W2, W0, 1n, W1, -1n);
        wchk(a - b);
        W.x.lin(W2, W0, BigInt(k), W1, -2n);
        wchk(a * BigInt(k) - 2n * b);
        W.x.mul(W2, W0, W1);
        wchk(a * b);
        W.x.sqr(W2, W0);
        wchk(a * a);
        W.x.inv(W2, W0);
        wchk(a === 0n ? 0n : pow(a, p - 2n));
        expect(W.x.sqrt(W2, W0)).toBe(isSq ? 1 : 0);
        if (isSq) expect(mod(wGet(W2) ** 2n)).toBe(a);
        expect(W.x.isZero(W0)).toBe(a === 0n ? 1 : 0);
        W.x.condNeg(W2, W0, 1);
        wchk(-a);
        W.x.select(W2, W0, W1, 1);
        wchk(b);
      }),
      { numRuns: 100 },
    );
  });
  it('long chains of unreduced sums and differences stay exact', () => {
    // worst-case magnitudes of the point formulas: 8·x, differences of such, then products
    fc.assert(
      fc.property(fc.array(elem, { minLength: 6, maxLength: 6 }), (v) => {
        const [a, b, c, d, e, f] = v.map((x) => F.fromBig(x)) as F.Fe[];
        const t = F.fe(),
          u = F.fe(),
          o = F.fe();
        F.mulSmall(t, a!, 8);
        F.sub(t, b!, t);
        F.sub(t, t, c!); // b − 8a − c
        F.mulSmall(u, d!, 3);
        F.add(u, u, e!);
        F.mulSmall(u, u, 2); // 2(3d + e)
        F.mul(o, t, u);
        F.mul(o, o, f!);
        F.sqr(o, o);
        const [A, B, C, D, E, Ff] = v;
        const want = mod(((B! - 8n * A! - C!) * 2n * (3n * D! + E!) * Ff!) ** 2n);
        expect(F.toBig(o)).toBe(want);
        // the kernel: its linear operation normalizes every result, so chain it the same way
        wPut(W0, A!);
        wPut(W1, B!);
        W.x.lin(W2, W1, 1n, W0, -8n);
        wPut(W0, C!);
        W.x.lin(W2, W2, 1n, W0, -1n);
        wPut(W0, D!);
        wPut(W1, E!);
        W.x.lin(W1, W0, 6n, W1, 2n);
        W.x.mul(W2, W2, W1);
        wPut(W0, Ff!);
        W.x.mul(W2, W2, W0);
        W.x.sqr(W2, W2);
        expect(wGet(W2)).toBe(want);
      }),
      { numRuns: 100 },
    );
  });
  it('decoding rejects every value ≥ p and accepts p − 1', () => {
    const o = F.fe();
    for (const x of [p, p + 1n, p + (1n << 64n), 2n ** 256n - 1n, 2n ** 255n + p - 2n ** 255n]) {
      expect(F.fromBytes(o, be(x))).toBe(0);
      expect(wPut(W0, x)).toBe(0);
    }
    fc.assert(
      fc.property(fc.bigInt({ min: p, max: 2n ** 256n - 1n }), (x) => {
        expect(F.fromBytes(o, be(x))).toBe(0);
        expect(wPut(W0, x)).toBe(0);
      }),
      { numRuns: 100 },
    );
    expect(F.fromBytes(o, be(p - 1n))).toBe(1);
    expect(F.toBig(o)).toBe(p - 1n);
    expect(wPut(W0, p - 1n)).toBe(1);
    expect(wGet(W0)).toBe(p - 1n);
  });
  it('the committed WebAssembly bytes are what scripts/gen-sm2-wasm.mjs emits', async () => {
    // @ts-expect-error -- a plain .mjs script without type declarations
    const gen = (await import('../scripts/gen-sm2-wasm.mjs')) as {
      bytes: Uint8Array<ArrayBuffer>;
      layout: Record<string, number>;
    };
    expect(Buffer.from(gen.bytes).toString('base64')).toBe(SM2_WASM_BASE64);
    expect(gen.layout).toEqual({ ...LAYOUT });
    expect(WebAssembly.validate(gen.bytes)).toBe(true);
  });
});

describe('points: limb engine vs @noble/curves', () => {
  const X = F.fe(),
    Y = F.fe();
  const toJac = (P: typeof G) => {
    const a = P.toAffine();
    return fromAffine(jac(), F.fromBig(a.x), F.fromBig(a.y));
  };
  it('constant-time variable-base [k]P', () => {
    const out = jac();
    fc.assert(
      fc.property(scalar, fc.bigInt({ min: 1n, max: n - 1n }), (k, s) => {
        const P = G.multiply(s);
        mulCT(out, k, toJac(P));
        toAffine(out, X, Y);
        const want = P.multiply(k).toAffine();
        expect([F.toBig(X), F.toBig(Y)]).toEqual([want.x, want.y]);
      }),
      { numRuns: 40 },
    );
  });
  it('engine: [k]G, [k]P, [k]P by table, [s]G + [t]P (table and cold), infinity', () => {
    const fast = createFastLimb();
    fc.assert(
      fc.property(scalar, scalar, scalar, (k, s, t) => {
        expect(fast.mulBaseSecret(k)).toEqual(G.multiply(k).toAffine());
        const P = G.multiply(s).toAffine();
        const kP = G.multiply(s).multiply(k).toAffine();
        expect(fast.mulSecret(k, P.x, P.y)).toEqual(kP);
        expect(fast.mulSecretTable(k, fast.tableFor(P.x, P.y, 5))).toEqual(kP);
        const Q = G.multiply(k);
        const sum = G.multiply(s).add(Q.multiply(t));
        const Qa = Q.toAffine();
        for (const R of [
          fast.mulAddPublic(s, t, Qa),
          fast.mulAddPublic(s, t, fast.tableFor(Qa.x, Qa.y, 6)),
        ]) {
          if (sum.is0()) {
            expect(fast.xEquals(R, 0n)).toBe(false);
            continue;
          }
          const x = sum.toAffine().x;
          expect(fast.xEquals(R, x)).toBe(true);
          expect(fast.xEquals(R, mod(x + 1n))).toBe(false);
        }
      }),
      { numRuns: 12 },
    );
    // (n − 1)·G + 1·G = ∞ and 2·G + (n − 2)·G = ∞ (cold and table); s·G + s·G = 2s·G
    const T = fast.tableFor(SM2P256V1.Gx, SM2P256V1.Gy, 4);
    for (const [s, t] of [
      [n - 1n, 1n],
      [2n, n - 2n],
    ] as const) {
      expect(fast.xEquals(fast.mulAddPublic(s, t, T), 0n)).toBe(false);
      expect(fast.xEquals(fast.mulAddPublic(s, t, { x: SM2P256V1.Gx, y: SM2P256V1.Gy }), 0n)).toBe(
        false,
      );
      for (let x = 1n; x < 4n; x++)
        expect(fast.xEquals(fast.mulAddPublic(s, t, T), G.multiply(x).toAffine().x)).toBe(false);
    }
    const s = 12345n;
    const want = G.multiply(2n * s).toAffine().x;
    expect(fast.xEquals(fast.mulAddPublic(s, s, T), want)).toBe(true);
    expect(
      fast.xEquals(fast.mulAddPublic(s, s, { x: G.toAffine().x, y: G.toAffine().y }), want),
    ).toBe(true);
  });
  it('[k]P agrees with node:crypto SM2 ECDH (OpenSSL)', () => {
    const fast = createFastLimb();
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: n - 1n }),
        fc.bigInt({ min: 1n, max: n - 1n }),
        (k, s) => {
          const ecdh = createECDH('SM2');
          ecdh.setPrivateKey(be(k));
          const P = G.multiply(s).toAffine();
          const pub = new Uint8Array(65);
          pub[0] = 4;
          pub.set(be(P.x), 1);
          pub.set(be(P.y), 33);
          const shared = ecdh.computeSecret(pub);
          expect(Buffer.from(be(fast.mulSecret(k, P.x, P.y).x)).equals(shared)).toBe(true);
          expect(
            Buffer.from(be(fast.mulBaseSecret(k).x)).equals(ecdh.getPublicKey().subarray(1, 33)),
          ).toBe(true);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('hash-to-curve: limb SSWU vs @noble/curves', () => {
  it('SM2_XMD:SM3_SSWU_RO_ gives the same point', () => {
    const sm3Hash = Object.assign((m: Uint8Array) => sm3(m), {
      create: () => sm3.create(),
      outputLen: 32,
      blockLen: 64,
    });
    const H = jac(),
      X = F.fe(),
      Y = F.fe();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (msg) => {
        hashToJac(msg, SM2_DST, sm3Hash as never, H);
        toAffine(H, X, Y);
        const want = sm2Hasher().hashToCurve(msg).toAffine();
        expect([F.toBig(X), F.toBig(Y)]).toEqual([want.x, want.y]);
      }),
      { numRuns: 60 },
    );
  });
});

void N;
