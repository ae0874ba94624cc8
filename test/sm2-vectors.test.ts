// SM2 known-answer tests: every case of test/vectors/sm2.json (GB/T 32918 / GM/T 0003 examples on
// the recommended and test curves, OpenSSL-generated signatures and ciphertexts, invalid cases).
import { describe, expect, it } from 'vitest';
import { createCurve, sm2Curve, type Sm2Curve } from '../src/sm2/curve.js';
import { signWithK, verifyCore, verify } from '../src/sm2/sign.js';
import {
  encryptWithK,
  encodeCiphertext,
  decodeCiphertext,
  decryptCore,
  decrypt,
} from '../src/sm2/encrypt.js';
import { keyExchangeCore, keyExchange } from '../src/sm2/exchange.js';
import { zaPoint } from '../src/sm2/za.js';
import { getPublicKey } from '../src/sm2/keys.js';
import { sm3 } from '../src/sm3.js';
import { BukejianError } from '../src/errors.js';
import { loadVectors, hex, toHex, type VectorCase } from './helpers/vectors.js';

const all = loadVectors('sm2');
const big = (h: unknown): bigint => BigInt('0x' + String(h));

const curves = new Map<string, Sm2Curve>();
for (const c of all.filter((v) => v.type === 'curve')) {
  curves.set(
    String(c.curve),
    createCurve({
      name: String(c.curve),
      p: big(c.p_hex),
      a: big(c.a_hex),
      b: big(c.b_hex),
      n: big(c.n_hex),
      Gx: big(c.gx_hex),
      Gy: big(c.gy_hex),
    }),
  );
}
const curveOf = (c: VectorCase): Sm2Curve => curves.get(String(c.curve))!;

describe('sm2.json inventory', () => {
  it('has 34 cases: 3 curves, 2 sign, 3 encrypt, 2 key exchange, 15 verify, 9 decrypt', () => {
    const count = (t: string): number => all.filter((c) => c.type === t).length;
    expect([
      all.length,
      count('curve'),
      count('sign'),
      count('encrypt'),
      count('key-exchange'),
      count('verify'),
      count('decrypt'),
    ]).toEqual([34, 3, 2, 3, 2, 15, 9]);
    const invalid = (t: string): number =>
      all.filter((c) => c.type === t && c.result === 'invalid').length;
    expect([invalid('verify'), invalid('decrypt')]).toEqual([7, 3]);
  });
});

describe('curves', () => {
  it.each(all.filter((c) => c.type === 'curve').map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const curve = curveOf(c);
    const n = big(c.n_hex);
    const G = curve.Point.BASE;
    expect(curve.fieldBytes).toBe(c.field_bytes);
    // (n−1)·G = −G and n·G = O, computed with the point arithmetic under test
    expect(G.multiply(n - 1n).equals(G.negate())).toBe(true);
    expect(
      G.multiplyUnsafe(n - 1n)
        .add(G)
        .is0(),
    ).toBe(true);
    expect(G.toBytes(false).length).toBe(1 + 2 * curve.fieldBytes);
  });
  it('the exported sm2Curve equals the recommended-curve vector', () => {
    const c = all.find((v) => v.id === 'curve-sm2p256v1')!;
    const p = sm2Curve.params;
    expect([p.p, p.a, p.b, p.n, p.Gx, p.Gy]).toEqual(
      [c.p_hex, c.a_hex, c.b_hex, c.n_hex, c.gx_hex, c.gy_hex].map(big),
    );
  });
});

describe('standard signature examples (sign with the published k)', () => {
  it.each(all.filter((c) => c.type === 'sign').map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const curve = curveOf(c);
    const d = big(c.private_key_hex);
    const P = curve.Point.BASE.multiply(d);
    expect(toHex(P.toBytes(false))).toBe(c.public_key_hex);
    const z = zaPoint(curve, hex(c.user_id_hex), P);
    expect(toHex(z)).toBe(c.za_hex);
    const e = sm3.create().update(z).update(hex(c.msg_hex)).digest();
    expect(toHex(e)).toBe(c.e_hex);
    const { r, s } = signWithK(curve, big(c.e_hex), d, big(c.k_hex));
    expect(r).toBe(big(c.r_hex));
    expect(s).toBe(big(c.s_hex));
    expect(verifyCore(curve, big(c.e_hex), r, s, P)).toBe(true);
    expect(verifyCore(curve, big(c.e_hex) + 1n, r, s, P)).toBe(false);
    if (c.curve === 'sm2p256v1') {
      expect(
        verify(hex(c.signature_der_hex), hex(c.msg_hex), hex(c.public_key_hex), {
          userId: hex(c.user_id_hex),
        }),
      ).toBe(true);
      expect(
        verify(hex(c.signature_raw_hex), hex(c.msg_hex), hex(c.public_key_hex), {
          userId: hex(c.user_id_hex),
          format: 'raw',
        }),
      ).toBe(true);
      expect(toHex(getPublicKey(hex(c.private_key_hex)))).toBe(c.public_key_hex);
    }
  });
});

describe('OpenSSL signature interop cases (valid and invalid)', () => {
  it.each(all.filter((c) => c.type === 'verify').map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const pub = hex(c.public_key_hex);
    const msg = hex(c.msg_hex);
    const userId = hex(c.user_id_hex);
    const want = c.result === 'valid';
    expect(verify(hex(c.signature_der_hex), msg, pub, { userId })).toBe(want);
    if (c.signature_raw_hex !== undefined)
      expect(verify(hex(c.signature_raw_hex), msg, pub, { userId, format: 'raw' })).toBe(want);
    if (want) {
      const P = sm2Curve.Point.fromBytes(pub);
      expect(toHex(zaPoint(sm2Curve, userId, P))).toBe(c.za_hex);
      expect(verify(hex(c.signature_der_hex), msg, pub, { userId: 'another id' })).toBe(false);
      expect(toHex(getPublicKey(hex(c.private_key_hex)))).toBe(c.public_key_hex);
    }
  });
});

describe('standard encryption examples (encrypt with the published k)', () => {
  it.each(all.filter((c) => c.type === 'encrypt').map((c) => [c.id, c] as const))(
    '%s',
    (_id, c) => {
      const curve = curveOf(c);
      const d = big(c.private_key_hex);
      const P = curve.Point.BASE.multiply(d);
      expect(toHex(P.toBytes(false))).toBe(c.public_key_hex);
      const parts = encryptWithK(curve, P, hex(c.msg_hex), big(c.k_hex))!;
      expect(toHex(parts.c1)).toBe(c.c1_hex);
      expect(toHex(parts.c2)).toBe(c.c2_hex);
      expect(toHex(parts.c3)).toBe(c.c3_hex);
      expect(toHex(encodeCiphertext(curve, parts, 'c1c3c2', 'raw'))).toBe(c.ciphertext_c1c3c2_hex);
      expect(toHex(encodeCiphertext(curve, parts, 'c1c2c3', 'raw'))).toBe(c.ciphertext_c1c2c3_hex);
      if (c.ciphertext_der_hex !== undefined)
        expect(toHex(encodeCiphertext(curve, parts, 'c1c3c2', 'der'))).toBe(c.ciphertext_der_hex);
      for (const mode of ['c1c3c2', 'c1c2c3'] as const) {
        const dec = decodeCiphertext(curve, hex(c[`ciphertext_${mode}_hex`]), mode, 'raw');
        expect(toHex(decryptCore(curve, d, dec.C1, dec.parts))).toBe(c.msg_hex);
      }
    },
  );
});

describe('OpenSSL decryption interop cases (valid and invalid)', () => {
  it.each(all.filter((c) => c.type === 'decrypt').map((c) => [c.id, c] as const))(
    '%s',
    (_id, c) => {
      const sk = hex(c.private_key_hex);
      const forms = [
        [hex(c.ciphertext_der_hex), {}],
        [hex(c.ciphertext_c1c3c2_hex), { format: 'raw' }],
        [hex(c.ciphertext_c1c2c3_hex), { format: 'raw', mode: 'c1c2c3' }],
        [hex(c.ciphertext_c1c3c2_hex).subarray(1), { format: 'raw' }], // without the 04 prefix
      ] as const;
      for (const [ct, opts] of forms) {
        if (c.result === 'valid') expect(toHex(decrypt(ct, sk, opts))).toBe(c.plaintext_hex);
        else {
          let err: unknown;
          try {
            decrypt(ct, sk, opts);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(BukejianError);
          expect((err as BukejianError).code).toBe('DECRYPT_FAILED');
        }
      }
    },
  );
});

describe('standard key-exchange examples', () => {
  it.each(all.filter((c) => c.type === 'key-exchange').map((c) => [c.id, c] as const))(
    '%s',
    (_id, c) => {
      const curve = curveOf(c);
      expect(curve.w).toBe(c.w);
      const dA = big(c.private_key_a_hex),
        dB = big(c.private_key_b_hex);
      const rA = big(c.ephemeral_private_a_hex),
        rB = big(c.ephemeral_private_b_hex);
      const pt = (h: unknown) => curve.Point.fromBytes(hex(h));
      expect(toHex(curve.Point.BASE.multiply(rA).toBytes(false))).toBe(c.ephemeral_public_a_hex);
      expect(toHex(zaPoint(curve, hex(c.id_a_hex), pt(c.public_key_a_hex)))).toBe(c.za_hex);
      expect(toHex(zaPoint(curve, hex(c.id_b_hex), pt(c.public_key_b_hex)))).toBe(c.zb_hex);
      const klen = Number(c.klen_bits) / 8;
      const A = keyExchangeCore(
        curve,
        true,
        dA,
        rA,
        hex(c.id_a_hex),
        hex(c.id_b_hex),
        pt(c.public_key_b_hex),
        pt(c.ephemeral_public_b_hex),
        klen,
      );
      const B = keyExchangeCore(
        curve,
        false,
        dB,
        rB,
        hex(c.id_b_hex),
        hex(c.id_a_hex),
        pt(c.public_key_a_hex),
        pt(c.ephemeral_public_a_hex),
        klen,
      );
      expect(toHex(A.sharedKey)).toBe(c.shared_key_hex);
      expect(toHex(B.sharedKey)).toBe(c.shared_key_hex);
      expect(toHex(B.confirmation)).toBe(c.s_b_hex);
      expect(toHex(A.peerConfirmation)).toBe(c.s_b_hex);
      expect(toHex(A.confirmation)).toBe(c.s_a_hex);
      expect(toHex(B.peerConfirmation)).toBe(c.s_a_hex);
      if (c.curve === 'sm2p256v1') {
        const pub = keyExchange({
          role: 'initiator',
          secretKey: hex(c.private_key_a_hex),
          ephemeralSecretKey: hex(c.ephemeral_private_a_hex),
          peerPublicKey: hex(c.public_key_b_hex),
          peerEphemeralPublicKey: hex(c.ephemeral_public_b_hex),
          userId: String(c.id_a_ascii),
          peerUserId: String(c.id_b_ascii),
        });
        expect(toHex(pub.sharedKey)).toBe(c.shared_key_hex);
        expect(toHex(pub.confirmation)).toBe(c.s_a_hex);
      }
    },
  );
});
