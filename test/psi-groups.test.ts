// PSI groups: RFC 9380 / RFC 9497 hash-to-group vectors, native (node:crypto) vs pure-TS
// identity, commutativity and unblinding, element validation, re-derived constants.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { getGroup, GROUP_NAMES } from '../src/psi/groups/index.js';
import { hashToU, X25519_DST } from '../src/psi/groups/x25519.js';
import { P256_DST } from '../src/psi/groups/p256.js';
import { SM2_DST, SM2_SSWU_Z, sm2ReferenceGroup } from '../src/psi/groups/sm2.js';
import { jacobi } from '../src/psi/groups/jacobi.js';
import { Sm2Point } from '../src/sm2/curve.js';
import { sm3 } from '../src/sm3.js';
import { hex, toHex } from './helpers/vectors.js';

const vec = (f: string) => JSON.parse(readFileSync(path.join(__dirname, 'vectors', f), 'utf8'));
const H2C = vec('hash-to-curve.json');
const OPRF = vec('oprf-ristretto255-sha512.json');
const enc = (s: string) => new TextEncoder().encode(s);
const beHex = (n: bigint) => n.toString(16).padStart(64, '0');
const leToBig = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).reverse().toString('hex'));

function powMod(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe('RFC 9380 vectors', () => {
  it('P256_XMD:SHA-256_SSWU_RO_ (J.1.1) through the hasher the p256 group uses', () => {
    const s = H2C['P256_XMD:SHA-256_SSWU_RO_'];
    for (const v of s.vectors) {
      const P = p256_hasher.hashToCurve(enc(v.msg), { DST: s.dst }).toAffine();
      expect(beHex(P.x)).toBe(v['P.x']);
      expect(beHex(P.y)).toBe(v['P.y']);
    }
    // and the group's element is that x-coordinate (under the PSI DST)
    const g = getGroup('p256', 'js');
    expect(toHex(g.hashToGroup(enc('abc')))).toBe(
      beHex(p256_hasher.hashToCurve(enc('abc'), { DST: P256_DST }).toAffine().x),
    );
  });

  it('curve25519_XMD:SHA-512_ELL2_NU_ (J.4.2): our x-only Elligator 2 gives Q.x, and [8]Q = P', () => {
    const s = H2C['curve25519_XMD:SHA-512_ELL2_NU_'];
    const p = 2n ** 255n - 19n;
    // naive x-only doubling on y² = x³ + 486662x² + x (affine formulas, RFC 7748 curve)
    const dbl = (u: bigint) => {
      const num = powMod((u * u - 1n + p) % p, 2n, p);
      const den = (4n * u * ((u * u + 486662n * u + 1n) % p)) % p;
      return (num * powMod(den, p - 2n, p)) % p;
    };
    for (const v of s.vectors) {
      const q = hashToU(enc(v.msg), s.dst);
      expect(beHex(q)).toBe(v['Q.x']);
      expect(beHex(dbl(dbl(dbl(q))))).toBe(v['P.x']);
    }
    const g = getGroup('x25519', 'js');
    expect(leToBig(g.hashToGroup(enc('abc')))).toBe(hashToU(enc('abc'), X25519_DST));
  });

  it('ristretto255 hash_to_group (RFC 9497 A.1.1): Blind · H(Input) = BlindedElement', () => {
    const dst = 'HashToGroup-OPRFV1-\x00-ristretto255-SHA512';
    for (const v of OPRF.vectors) {
      const H = ristretto255_hasher.hashToCurve(hex(v.Input), { DST: dst });
      expect(toHex(H.multiply(leToBig(hex(v.Blind))).toBytes())).toBe(v.BlindedElement);
    }
  });
});

describe('SM2 hash-to-group (SM2_XMD:SM3_SSWU_RO_)', () => {
  const p = Sm2Point.Fp.ORDER;
  const { a: A, b: B } = Sm2Point.CURVE();
  const mod = (x: bigint) => ((x % p) + p) % p;
  const isSq = (x: bigint, q = p) =>
    x % q === 0n || powMod(((x % q) + q) % q, (q - 1n) / 2n, q) === 1n;

  // RFC 9380 Appendix H.2 find_z_sswu, with the cubic irreducibility test as "no root in Fp"
  // (gcd(x^p − x, g − Z) = 1), done by square-and-multiply modulo the cubic.
  function findZ(q: bigint, a: bigint, b: bigint): bigint {
    const m = (x: bigint) => ((x % q) + q) % q;
    const mulmod = (u: bigint[], v: bigint[], c0: bigint, c1: bigint) => {
      const r = [0n, 0n, 0n, 0n, 0n];
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) r[i + j] = m(r[i + j]! + u[i]! * v[j]!);
      for (let d = 4; d >= 3; d--) {
        const t = r[d]!;
        r[d] = 0n;
        r[d - 2] = m(r[d - 2]! - t * c1);
        r[d - 3] = m(r[d - 3]! - t * c0);
      }
      return r.slice(0, 3);
    };
    const hasRoot = (c0: bigint, c1: bigint) => {
      let res = [1n, 0n, 0n];
      let base = [0n, 1n, 0n];
      for (let e = q; e > 0n; e >>= 1n) {
        if (e & 1n) res = mulmod(res, base, c0, c1);
        base = mulmod(base, base, c0, c1);
      }
      let f = [c0, c1, 0n, 1n];
      let g = [res[0]!, m(res[1]! - 1n), res[2]!];
      const deg = (x: bigint[]) => x.reduce((d, c, i) => (c !== 0n ? i : d), -1);
      while (deg(g) >= 0) {
        const r = f.slice();
        while (deg(r) >= deg(g)) {
          const dr = deg(r);
          const dg = deg(g);
          const c = (r[dr]! * powMod(g[dg]!, q - 2n, q)) % q;
          for (let i = 0; i <= dg; i++) r[i + dr - dg] = m(r[i + dr - dg]! - c * g[i]!);
        }
        f = g;
        g = r;
      }
      return deg(f) > 0;
    };
    for (let ctr = 1n; ; ctr++) {
      for (const Z of [ctr, q - ctr]) {
        if (isSq(Z, q) || Z === q - 1n || hasRoot(m(b - Z), a)) continue;
        const h = m(b * powMod(m(Z * a), q - 2n, q)); // Criterion 4: g(B / (Z·A)) is square
        if (isSq(m(h * h * h + a * h + b), q)) return Z === ctr ? ctr : -ctr;
      }
    }
  }

  it('find_z_sswu gives Z = −10 for P-256 (RFC 9380 §8.2) and the typed-in Z = −9 for SM2', () => {
    const { a, b } = p256.Point.CURVE();
    expect(findZ(p256.Point.Fp.ORDER, a, b)).toBe(-10n);
    expect(findZ(p, A, B)).toBe(SM2_SSWU_Z);
  });

  it('equals a naive RFC 9380 implementation (expand_message_xmd(SM3), straight-line SSWU §6.6.2)', () => {
    const xmd = (msg: Uint8Array, dst: Uint8Array, len: number) => {
      const dstPrime = new Uint8Array([...dst, dst.length]);
      const b0 = sm3(
        new Uint8Array([...new Uint8Array(64), ...msg, len >> 8, len & 255, 0, ...dstPrime]),
      );
      const out: number[] = [];
      let prev = sm3(new Uint8Array([...b0, 1, ...dstPrime]));
      out.push(...prev);
      for (let i = 2; out.length < len; i++) {
        prev = sm3(new Uint8Array([...b0.map((x, j) => x ^ prev[j]!), i, ...dstPrime]));
        out.push(...prev);
      }
      return Uint8Array.from(out.slice(0, len));
    };
    const sqrt = (x: bigint) => powMod(x, (p + 1n) / 4n, p); // p ≡ 3 (mod 4)
    const inv0 = (x: bigint) => (x === 0n ? 0n : powMod(x, p - 2n, p));
    const Z = mod(SM2_SSWU_Z);
    const sswu = (u: bigint) => {
      const tv1 = inv0(mod(Z * Z * powMod(u, 4n, p) + Z * u * u));
      let x1 = mod(mod(-B * inv0(A)) * (1n + tv1));
      if (tv1 === 0n) x1 = mod(B * inv0(mod(Z * A)));
      const gx1 = mod(x1 * x1 * x1 + A * x1 + B);
      const x2 = mod(Z * u * u * x1);
      const gx2 = mod(x2 * x2 * x2 + A * x2 + B);
      let [x, y] = isSq(gx1) ? [x1, sqrt(gx1)] : [x2, sqrt(gx2)];
      if ((u & 1n) !== (y & 1n)) y = mod(-y);
      return Sm2Point.fromAffine({ x, y });
    };
    const g = getGroup('sm2', 'js');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (msg) => {
        const ub = xmd(msg, enc(SM2_DST), 96);
        const u0 = BigInt('0x' + toHex(ub.subarray(0, 48))) % p;
        const u1 = BigInt('0x' + toHex(ub.subarray(48))) % p;
        const P = sswu(u0).add(sswu(u1)).toAffine();
        expect(toHex(g.hashToGroup(msg))).toBe(beHex(P.x));
      }),
      { numRuns: 12 },
    );
  });
});

describe('group laws, native = pure TS', () => {
  it('jacobi agrees with Euler’s criterion', () => {
    const p = 2n ** 255n - 19n;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: p - 1n }), (x) => {
        const e = powMod(x, (p - 1n) / 2n, p);
        expect(jacobi(x, p)).toBe(e === 0n ? 0 : e === 1n ? 1 : -1);
      }),
      { numRuns: 200 },
    );
  });

  for (const name of GROUP_NAMES) {
    it(`${name}: k·H commutes, unblind inverts, outputs are valid elements`, () => {
      const g = getGroup(name);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 24 }), (msg) => {
          const a = g.withKey(g.randomKey());
          const b = g.withKey(g.randomKey());
          const ab = b.multiply(a.hashMultiply(msg));
          expect(toHex(a.multiply(b.hashMultiply(msg)))).toBe(toHex(ab));
          expect(toHex(a.unblind(ab))).toBe(toHex(b.hashMultiply(msg)));
          expect(g.isElement(ab)).toBe(true);
          expect(g.isElement(g.hashToGroup(msg)) || name === 'x25519').toBe(true);
        }),
        { numRuns: name === 'ristretto255' ? 6 : 10 },
      );
    });
  }

  for (const name of ['p256', 'x25519', 'sm2'] as const) {
    it(`${name}: node:crypto and pure-TS backends give identical results`, () => {
      const nat = name === 'sm2' ? sm2ReferenceGroup(true) : getGroup(name, 'auto');
      const js = getGroup(name, 'js');
      expect(nat.native).toBe(true);
      expect(js.native).toBe(false);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 24 }), (msg) => {
          const key = nat.randomKey();
          const kn = nat.withKey(key);
          const kj = js.withKey(key);
          const e1 = kn.hashMultiply(msg);
          expect(toHex(kj.hashMultiply(msg))).toBe(toHex(e1));
          const other = js.withKey(js.randomKey()).hashMultiply(msg);
          expect(toHex(kn.multiply(other))).toBe(toHex(kj.multiply(other)));
          expect(toHex(kn.unblind(other))).toBe(toHex(kj.unblind(other)));
        }),
        { numRuns: 6 },
      );
    });
  }
});

describe('element validation', () => {
  const bad = (name: string, e: Uint8Array, backend: 'auto' | 'js' = 'js') => {
    const g = getGroup(name, backend);
    expect(g.isElement(e)).toBe(false);
    expect(() => g.withKey(g.randomKey()).multiply(e)).toThrow(
      expect.objectContaining({ code: 'INVALID_POINT' }),
    );
  };
  it('ristretto255: identity, non-canonical, wrong length', () => {
    bad('ristretto255', new Uint8Array(32));
    bad('ristretto255', new Uint8Array(32).fill(0xff));
    bad('ristretto255', ristretto255.Point.BASE.toBytes().subarray(0, 31));
  });
  for (const name of ['p256', 'sm2'] as const) {
    it(`${name}: x ≥ p, x not on the curve, wrong length (both backends)`, () => {
      const G = name === 'p256' ? p256.Point : Sm2Point;
      const p = G.Fp.ORDER;
      const { a, b } = G.CURVE();
      let x = 1n;
      while (jacobi((x * x * x + a * x + b) % p, p) === 1) x++;
      for (const be of ['auto', 'js'] as const) {
        bad(name, hex(beHex(p)), be);
        bad(name, hex(beHex(x)), be);
        bad(name, new Uint8Array(31), be);
      }
    });
  }
  it('x25519: twist points, small order, u ≥ p (both backends)', () => {
    const p = 2n ** 255n - 19n;
    const le = (n: bigint) => Uint8Array.from(Buffer.from(beHex(n), 'hex').reverse());
    let u = 2n;
    while (jacobi((u * u * u + 486662n * u * u + u) % p, p) === 1) u++;
    for (const be of ['auto', 'js'] as const) {
      bad('x25519', le(u), be); // on the twist
      bad('x25519', le(0n), be);
      bad('x25519', le(1n), be); // order 4 point (0 → twist? 1 → small order)
      bad('x25519', le(p), be);
      bad(
        'x25519',
        le(39382357235489614581723060781553021112529911719440698176882885853963445705823n),
        be,
      ); // order 8
    }
  });
  it('keys out of range are refused', () => {
    for (const name of GROUP_NAMES) {
      expect(() => getGroup(name).withKey(new Uint8Array(32))).toThrow(
        expect.objectContaining({ code: 'INVALID_KEY' }),
      );
    }
  });
});
