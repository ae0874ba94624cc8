// SM2 properties (fast-check) and differential tests against independent implementations that run
// in-process: @noble/curves' generic Weierstrass arithmetic (vs our a = −3 Jacobian engine),
// node:crypto's OpenSSL SM2 (empty user ID, see the README (SM2 section)) and sm-crypto.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { sm2 } from '../src/sm2/index.js';
import { SM2P256V1, Sm2Point } from '../src/sm2/curve.js';
import { createFast } from '../src/sm2/fast.js';
import { BukejianError } from '../src/errors.js';
import { hex, toHex } from './helpers/vectors.js';

const smCrypto = createRequire(import.meta.url)('sm-crypto').sm2 as {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(msg: string | number[], sk: string, o?: object): string;
  doVerifySignature(msg: string | number[], sig: string, pk: string, o?: object): boolean;
  doEncrypt(msg: string | number[], pk: string, mode?: number): string;
  doDecrypt(ct: string, sk: string, mode?: number, o?: object): string | number[];
};

const n = SM2P256V1.n;
const scalar = fc.bigInt({ min: 1n, max: n - 1n });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const flipBit = (b: Uint8Array, bit: number): Uint8Array => {
  const c = Uint8Array.from(b);
  c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
  return c;
};
const K = sm2.keygen();

describe('fast engine vs @noble/curves generic arithmetic', () => {
  const fast = createFast(SM2P256V1);
  const G = Sm2Point.BASE;
  it('[k]G, [k]P and [s]G + [t]P (cold and table) agree', () => {
    fc.assert(
      fc.property(scalar, scalar, scalar, (k, s, t) => {
        const ref = G.multiply(k).toAffine();
        expect(fast.mulBaseSecret(k)).toEqual(ref);
        const P = G.multiply(s).toAffine();
        expect(fast.mulSecret(k, P.x, P.y)).toEqual(G.multiply(s).multiply(k).toAffine());
        expect(fast.mulSecretTable(k, fast.tableFor(P.x, P.y, 6))).toEqual(
          G.multiply(s).multiply(k).toAffine(),
        );
        const want = G.multiplyUnsafe(s).add(G.multiplyUnsafe(k).multiplyUnsafe(t)).toAffine();
        const Q = G.multiply(k).toAffine();
        for (const R of [
          fast.mulAddPublic(s, t, Q),
          fast.mulAddPublic(s, t, fast.tableFor(Q.x, Q.y, 6)),
        ]) {
          expect(fast.xEquals(R, want.x)).toBe(true);
          expect(fast.xEquals(R, (want.x + 1n) % SM2P256V1.p)).toBe(false);
        }
      }),
      { numRuns: 15 },
    );
  });
  it('edge scalars 1, 2, n−1, n−2 and 2^k', () => {
    const T = fast.tableFor(SM2P256V1.Gx, SM2P256V1.Gy, 4);
    for (const k of [1n, 2n, 3n, n - 1n, n - 2n, 1n << 128n, (1n << 255n) + 1n]) {
      expect(fast.mulBaseSecret(k)).toEqual(G.multiply(k).toAffine());
      expect(fast.mulSecret(k, SM2P256V1.Gx, SM2P256V1.Gy)).toEqual(G.multiply(k).toAffine());
      if (k !== n - 1n)
        expect(fast.xEquals(fast.mulAddPublic(k, 1n, T), G.multiply(k).add(G).toAffine().x)).toBe(
          true,
        );
    }
    // (n−1)·G + 1·G is the point at infinity, by table and cold
    expect(fast.mulAddPublic(n - 1n, 1n, T).Z).toBe(0n);
    expect(fast.mulAddPublic(n - 1n, 1n, { x: SM2P256V1.Gx, y: SM2P256V1.Gy }).Z).toBe(0n);
  });
});

describe('signatures', () => {
  it('sign → verify for random messages, user IDs and both formats', () => {
    fc.assert(
      fc.property(
        bytes(0, 300),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('der' as const, 'raw' as const),
        (msg, userId, format) => {
          const sig = sm2.sign(msg, K.secretKey, { userId, format });
          expect(sm2.verify(sig, msg, K.publicKey, { userId, format })).toBe(true);
          expect(sm2.verify(sig, msg, sm2.keys.compress(K.publicKey), { userId, format })).toBe(
            true,
          );
        },
      ),
      { numRuns: 30 },
    );
  });
  it('any bit flip of signature, message or public key → false (or INVALID_POINT for a broken key)', () => {
    fc.assert(
      fc.property(
        bytes(1, 100),
        fc.nat(),
        fc.constantFrom('der' as const, 'raw' as const),
        (msg, bit, format) => {
          const sig = sm2.sign(msg, K.secretKey, { format });
          expect(sm2.verify(flipBit(sig, bit), msg, K.publicKey, { format })).toBe(false);
          expect(sm2.verify(sig, flipBit(msg, bit), K.publicKey, { format })).toBe(false);
          const badKey = flipBit(K.publicKey, 8 + (bit % 512));
          try {
            expect(sm2.verify(sig, msg, badKey, { format })).toBe(false);
          } catch (e) {
            expect((e as BukejianError).code).toBe('INVALID_POINT');
          }
        },
      ),
      { numRuns: 30 },
    );
  });
  it('signatures are randomized (hedged nonces) and the signer cache follows key mutation', () => {
    const a = sm2.sign('m', K.secretKey),
      b = sm2.sign('m', K.secretKey);
    expect(toHex(a)).not.toBe(toHex(b));
    const sk = Uint8Array.from(K.secretKey);
    sm2.sign('m', sk);
    const other = sm2.keygen();
    sk.set(other.secretKey);
    expect(sm2.verify(sm2.sign('m', sk), 'm', other.publicKey)).toBe(true);
  });
  it('prehashed: e = SM3(Z_A ‖ M) signs like the message', async () => {
    const { sm3 } = await import('../src/sm3.js');
    const e = sm3(new Uint8Array([...sm2.za(K.publicKey), ...new TextEncoder().encode('abc')]));
    expect(sm2.verify(sm2.sign(e, K.secretKey, { prehashed: true }), 'abc', K.publicKey)).toBe(
      true,
    );
    expect(sm2.verify(sm2.sign('abc', K.secretKey), e, K.publicKey, { prehashed: true })).toBe(
      true,
    );
  });
});

describe('node:crypto (OpenSSL 3.0) differential, empty user ID', () => {
  // node cannot set the SM2 distid: OpenSSL 3.0 then uses the empty ID (ENTL = 0).
  const sk = createPrivateKey(sm2.keys.toPem(K.secretKey));
  const pk = createPublicKey(sm2.keys.toPem(K.publicKey));
  it('ours → node verifies; node → ours verifies', () => {
    fc.assert(
      fc.property(bytes(0, 200), (msg) => {
        const ours = sm2.sign(msg, K.secretKey, { userId: '' });
        expect(nodeVerify(null, msg, pk, ours)).toBe(true);
        expect(nodeVerify(null, flipBit(msg.length ? msg : new Uint8Array(1), 3), pk, ours)).toBe(
          false,
        );
        const theirs = nodeSign(null, msg, sk);
        expect(sm2.verify(new Uint8Array(theirs), msg, K.publicKey, { userId: '' })).toBe(true);
        expect(sm2.verify(new Uint8Array(theirs), msg, K.publicKey)).toBe(false); // default ID differs
      }),
      { numRuns: 25 },
    );
  });
  it('PEM round trip through node:crypto KeyObjects', () => {
    const back = sm2.keys.fromPem(sk.export({ type: 'pkcs8', format: 'pem' }) as string);
    expect(back.type === 'private' && toHex(back.secretKey)).toBe(toHex(K.secretKey));
    const pub = sm2.keys.fromPem(pk.export({ type: 'spki', format: 'pem' }) as string);
    expect(toHex(pub.publicKey)).toBe(toHex(K.publicKey));
    expect(sk.export({ type: 'pkcs8', format: 'pem' })).toBe(sm2.keys.toPem(K.secretKey));
  });
});

describe('sm-crypto interop (both directions)', () => {
  const skHex = toHex(K.secretKey),
    pkHex = toHex(K.publicKey);
  it('signatures: sm-crypto {hash: true} (raw r‖s hex and DER) ↔ ours', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (msg) => {
        const theirs = smCrypto.doSignature(msg, skHex, { hash: true });
        expect(sm2.verify(hex(theirs), msg, K.publicKey, { format: 'raw' })).toBe(true);
        const theirsDer = smCrypto.doSignature(msg, skHex, { hash: true, der: true });
        expect(sm2.verify(hex(theirsDer), msg, K.publicKey)).toBe(true);
        expect(
          smCrypto.doVerifySignature(
            msg,
            toHex(sm2.sign(msg, K.secretKey, { format: 'raw' })),
            pkHex,
            { hash: true },
          ),
        ).toBe(true);
        expect(
          smCrypto.doVerifySignature(msg, toHex(sm2.sign(msg, K.secretKey)), pkHex, {
            hash: true,
            der: true,
          }),
        ).toBe(true);
      }),
      { numRuns: 10 },
    );
  });
  it('ciphertexts: C1C3C2 (mode 1) and C1C2C3 (mode 0), without the 04 prefix', () => {
    fc.assert(
      fc.property(bytes(1, 200), fc.constantFrom(0, 1), (msg, cipherMode) => {
        const mode = cipherMode === 1 ? 'c1c3c2' : 'c1c2c3';
        const theirs = smCrypto.doEncrypt(Array.from(msg), pkHex, cipherMode);
        expect(toHex(sm2.decrypt(hex(theirs), K.secretKey, { format: 'raw', mode }))).toBe(
          toHex(msg),
        );
        const ours = sm2.encrypt(msg, K.publicKey, { format: 'raw', mode });
        const back = smCrypto.doDecrypt(toHex(ours).slice(2), skHex, cipherMode, {
          output: 'array',
        }) as number[];
        expect(toHex(Uint8Array.from(back))).toBe(toHex(msg));
      }),
      { numRuns: 10 },
    );
  });
});

describe('encryption', () => {
  const formats = fc.constantFrom(
    { format: 'der' as const },
    { format: 'raw' as const, mode: 'c1c3c2' as const },
    { format: 'raw' as const, mode: 'c1c2c3' as const },
  );
  it('decrypt ∘ encrypt = id for lengths 1..1000, every format and order', () => {
    fc.assert(
      fc.property(bytes(1, 1000), formats, (msg, o) => {
        expect(toHex(sm2.decrypt(sm2.encrypt(msg, K.publicKey, o), K.secretKey, o))).toBe(
          toHex(msg),
        );
      }),
      { numRuns: 25 },
    );
  });
  it('any ciphertext bit flip → DECRYPT_FAILED', () => {
    fc.assert(
      fc.property(bytes(1, 64), formats, fc.nat(), (msg, o, bit) => {
        const ct = sm2.encrypt(msg, K.publicKey, o);
        const bad = flipBit(ct, bit % (ct.length * 8));
        expect(() => sm2.decrypt(bad, K.secretKey, o)).toThrowError(
          expect.objectContaining({ code: 'DECRYPT_FAILED' }),
        );
      }),
      { numRuns: 40 },
    );
  });
  it('wrong key → DECRYPT_FAILED', () => {
    const ct = sm2.encrypt('x', K.publicKey);
    expect(() => sm2.decrypt(ct, sm2.keygen().secretKey)).toThrowError(
      expect.objectContaining({ code: 'DECRYPT_FAILED' }),
    );
  });
});

describe('key exchange', () => {
  it('initiator and responder agree, confirmations cross-check; a wrong ID breaks agreement', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 1, max: 64 }),
        (idA, idB, keyLength) => {
          const a = sm2.keygen(),
            b = sm2.keygen(),
            ra = sm2.keygen(),
            rb = sm2.keygen();
          const A = sm2.keyExchange({
            role: 'initiator',
            secretKey: a.secretKey,
            ephemeralSecretKey: ra.secretKey,
            peerPublicKey: b.publicKey,
            peerEphemeralPublicKey: rb.publicKey,
            userId: idA,
            peerUserId: idB,
            keyLength,
          });
          const B = sm2.keyExchange({
            role: 'responder',
            secretKey: b.secretKey,
            ephemeralSecretKey: rb.secretKey,
            peerPublicKey: a.publicKey,
            peerEphemeralPublicKey: ra.publicKey,
            userId: idB,
            peerUserId: idA,
            keyLength,
          });
          expect(A.sharedKey.length).toBe(keyLength);
          expect(toHex(A.sharedKey)).toBe(toHex(B.sharedKey));
          expect(sm2.checkConfirmation(A, B.confirmation)).toBe(true);
          expect(sm2.checkConfirmation(B, A.confirmation)).toBe(true);
          expect(sm2.checkConfirmation(A, A.confirmation)).toBe(false);
          const C = sm2.keyExchange({
            role: 'responder',
            secretKey: b.secretKey,
            ephemeralSecretKey: rb.secretKey,
            peerPublicKey: a.publicKey,
            peerEphemeralPublicKey: ra.publicKey,
            userId: idB + 'x',
            peerUserId: idA,
            keyLength,
          });
          expect(toHex(C.sharedKey)).not.toBe(toHex(A.sharedKey));
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('keys', () => {
  it('compress/decompress, hex, PEM round trips; Sm2Point export', () => {
    fc.assert(
      fc.property(fc.constant(0), () => {
        const k = sm2.keygen();
        const c = sm2.keys.compress(k.publicKey);
        expect(c.length).toBe(33);
        expect(toHex(sm2.keys.decompress(c))).toBe(toHex(k.publicKey));
        expect(toHex(sm2.getPublicKey(k.secretKey, true))).toBe(toHex(c));
        expect(toHex(sm2.keys.fromHex(sm2.keys.toHex(k.secretKey)))).toBe(toHex(k.secretKey));
        const priv = sm2.keys.fromPem(sm2.keys.toPem(k.secretKey));
        expect(priv.type === 'private' && toHex(priv.secretKey)).toBe(toHex(k.secretKey));
        expect(toHex(priv.publicKey)).toBe(toHex(k.publicKey));
        expect(toHex(sm2.keys.fromPem(sm2.keys.toPem(c)).publicKey)).toBe(toHex(k.publicKey));
        expect(toHex(Sm2Point.fromHex(toHex(k.publicKey)).toBytes(true))).toBe(toHex(c));
        expect(sm2.Point).toBe(Sm2Point);
        expect(sm2.CURVE).toBe(SM2P256V1);
      }),
      { numRuns: 10 },
    );
  });
});
