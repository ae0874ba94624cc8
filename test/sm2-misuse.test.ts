// SM2 misuse matrix: the caller's own malformed inputs throw a BukejianError with a stable code;
// anything from another party that does not verify returns false (verify) or DECRYPT_FAILED
// (decrypt), including every non-canonical encoding. Messages never contain key material.
import { describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index.js';
import { SM2P256V1 } from '../src/sm2/curve.js';
import { BukejianError, type ErrorCode } from '../src/errors.js';
import { hex, toHex } from './helpers/vectors.js';

const { n, p } = SM2P256V1;
const K = sm2.keygen();
const skHex = toHex(K.secretKey);
const msg = 'misuse';

function code(fn: () => unknown): ErrorCode | 'no error' {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BukejianError);
    expect((e as Error).message).not.toContain(skHex);
    return (e as BukejianError).code;
  }
  return 'no error';
}
const big = (x: bigint, len = 32): Uint8Array => hex(x.toString(16).padStart(2 * len, '0'));
const cat = (...a: Uint8Array[]): Uint8Array => Uint8Array.from(a.flatMap((x) => [...x]));
const derInt = (x: bigint): Uint8Array => {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  if (parseInt(h.slice(0, 2), 16) >= 0x80) h = '00' + h;
  return cat(Uint8Array.of(2, h.length / 2), hex(h));
};
// A DER INTEGER of `len` content bytes (long-form length), value 0x7f5555…: far larger than any
// SM2 field. Decoding such an INTEGER byte by byte into a bigint is quadratic, so a 1 MB one
// took minutes: the reader must reject it by its length before converting anything.
const hugeDerInt = (len: number): Uint8Array => {
  const out = new Uint8Array(5 + len).fill(0x55);
  out.set([2, 0x83, len >>> 16, (len >>> 8) & 255, len & 255, 0x7f]);
  return out;
};
const derSeqLong = (body: Uint8Array): Uint8Array => {
  const head = Uint8Array.of(
    0x30,
    0x83,
    body.length >>> 16,
    (body.length >>> 8) & 255,
    body.length & 255,
  );
  return cat(head, body);
};
const derSig = (r: bigint, s: bigint): Uint8Array => {
  const body = cat(derInt(r), derInt(s));
  return cat(Uint8Array.of(0x30, body.length), body);
};

describe('caller mistakes throw with stable codes', () => {
  const bad: [string, () => unknown, ErrorCode][] = [
    ['sign: message of wrong type', () => sm2.sign(42 as never, K.secretKey), 'INVALID_TYPE'],
    ['sign: key of wrong type', () => sm2.sign(msg, skHex as never), 'INVALID_TYPE'],
    ['sign: 31-byte key', () => sm2.sign(msg, K.secretKey.subarray(1)), 'INVALID_KEY'],
    ['sign: key 0', () => sm2.sign(msg, new Uint8Array(32)), 'INVALID_KEY'],
    ['sign: key n−1', () => sm2.sign(msg, big(n - 1n)), 'INVALID_KEY'],
    ['sign: key n', () => sm2.sign(msg, big(n)), 'INVALID_KEY'],
    [
      'sign: unknown option',
      () => sm2.sign(msg, K.secretKey, { hash: true } as never),
      'INVALID_OPTION',
    ],
    [
      'sign: bad format',
      () => sm2.sign(msg, K.secretKey, { format: 'pem' as never }),
      'INVALID_OPTION',
    ],
    [
      'sign: prehashed 31 bytes',
      () => sm2.sign(new Uint8Array(31), K.secretKey, { prehashed: true }),
      'INVALID_LENGTH',
    ],
    [
      'sign: userId of wrong type',
      () => sm2.sign(msg, K.secretKey, { userId: 5 as never }),
      'INVALID_TYPE',
    ],
    [
      'sign: options not an object',
      () => sm2.sign(msg, K.secretKey, 'der' as never),
      'INVALID_TYPE',
    ],
    [
      'verify: signature of wrong type',
      () => sm2.verify('sig' as never, msg, K.publicKey),
      'INVALID_TYPE',
    ],
    [
      'verify: public key of wrong type',
      () => sm2.verify(new Uint8Array(64), msg, [4] as never),
      'INVALID_TYPE',
    ],
    [
      'verify: 64-byte public key',
      () => sm2.verify(new Uint8Array(64), msg, K.publicKey.subarray(1)),
      'INVALID_POINT',
    ],
    [
      'verify: point not on curve',
      () =>
        sm2.verify(
          new Uint8Array(64),
          msg,
          cat(K.publicKey.subarray(0, 64), Uint8Array.of(K.publicKey[64]! ^ 1)),
        ),
      'INVALID_POINT',
    ],
    [
      'verify: x ≥ p',
      () =>
        sm2.verify(
          new Uint8Array(64),
          msg,
          cat(Uint8Array.of(4), big(p), K.publicKey.subarray(33)),
        ),
      'INVALID_POINT',
    ],
    [
      'verify: infinity 00',
      () => sm2.verify(new Uint8Array(64), msg, Uint8Array.of(0)),
      'INVALID_POINT',
    ],
    [
      'verify: all-zero key',
      () => sm2.verify(new Uint8Array(64), msg, new Uint8Array(65)),
      'INVALID_POINT',
    ],
    [
      'verify: bad option',
      () => sm2.verify(new Uint8Array(64), msg, K.publicKey, { mode: 'x' } as never),
      'INVALID_OPTION',
    ],
    ['getPublicKey: bad key', () => sm2.getPublicKey(new Uint8Array(32)), 'INVALID_KEY'],
    [
      'getPublicKey: compressed not boolean',
      () => sm2.getPublicKey(K.secretKey, 1 as never),
      'INVALID_TYPE',
    ],
    [
      'encrypt: empty plaintext',
      () => sm2.encrypt(new Uint8Array(0), K.publicKey),
      'INVALID_LENGTH',
    ],
    ['encrypt: bad public key', () => sm2.encrypt('x', new Uint8Array(65)), 'INVALID_POINT'],
    [
      'encrypt: bad mode',
      () => sm2.encrypt('x', K.publicKey, { mode: 'c2c1c3' as never }),
      'INVALID_OPTION',
    ],
    [
      'encrypt: plaintext of wrong type',
      () => sm2.encrypt(7 as never, K.publicKey),
      'INVALID_TYPE',
    ],
    [
      'decrypt: bad secret key',
      () => sm2.decrypt(new Uint8Array(120), new Uint8Array(32)),
      'INVALID_KEY',
    ],
    [
      'decrypt: ciphertext of wrong type',
      () => sm2.decrypt('ct' as never, K.secretKey),
      'INVALID_TYPE',
    ],
    [
      'decrypt: bad format',
      () => sm2.decrypt(new Uint8Array(120), K.secretKey, { format: 'hex' as never }),
      'INVALID_OPTION',
    ],
    ['keys.fromPem: not PEM', () => sm2.keys.fromPem('hello'), 'INVALID_ENCODING'],
    [
      'keys.fromPem: bad base64',
      () => sm2.keys.fromPem('-----BEGIN PUBLIC KEY-----\n@@@@\n-----END PUBLIC KEY-----'),
      'INVALID_ENCODING',
    ],
    [
      'keys.fromPem: truncated DER',
      () =>
        sm2.keys.fromPem(
          sm2.keys.toPem(K.publicKey).replace(/[A-Za-z0-9+/]{8}=*\n-----END/, '\n-----END'),
        ),
      'INVALID_ENCODING',
    ],
    // a lazy regex with a back-reference rescanned the text from every BEGIN: 2 MB took ~1.5 min
    [
      'keys.fromPem: 2 MB of BEGIN lines, no END',
      () => sm2.keys.fromPem('-----BEGIN PUBLIC KEY-----\n'.repeat(80_000)),
      'INVALID_ENCODING',
    ],
    [
      'keys.fromPem: END label differs',
      () => sm2.keys.fromPem(sm2.keys.toPem(K.publicKey).replace('END PUBLIC', 'END PRIVATE')),
      'INVALID_ENCODING',
    ],
    [
      'keys.fromPem: other label',
      () => sm2.keys.fromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
      'INVALID_KEY',
    ],
    [
      'keys.fromPem: not a string',
      () => sm2.keys.fromPem(new Uint8Array(3) as never),
      'INVALID_TYPE',
    ],
    ['keys.toPem: 40-byte key', () => sm2.keys.toPem(new Uint8Array(40)), 'INVALID_KEY'],
    ['keys.fromHex: 20 bytes', () => sm2.keys.fromHex('00'.repeat(20)), 'INVALID_KEY'],
    ['keys.fromHex: odd length', () => sm2.keys.fromHex('abc'), 'INVALID_HEX'],
    [
      'keys.fromHex: off-curve point',
      () => sm2.keys.fromHex('04' + '11'.repeat(64)),
      'INVALID_POINT',
    ],
    ['keyExchange: no options', () => sm2.keyExchange(undefined as never), 'INVALID_TYPE'],
    ['keyExchange: bad role', () => sm2.keyExchange({ role: 'alice' } as never), 'INVALID_OPTION'],
    [
      'keyExchange: bad peer ephemeral key',
      () =>
        sm2.keyExchange({
          role: 'initiator',
          secretKey: K.secretKey,
          ephemeralSecretKey: K.secretKey,
          peerPublicKey: K.publicKey,
          peerEphemeralPublicKey: new Uint8Array(65),
        }),
      'INVALID_POINT',
    ],
    [
      'keyExchange: keyLength 0',
      () =>
        sm2.keyExchange({
          role: 'initiator',
          secretKey: K.secretKey,
          ephemeralSecretKey: K.secretKey,
          peerPublicKey: K.publicKey,
          peerEphemeralPublicKey: K.publicKey,
          keyLength: 0,
        }),
      'INVALID_RANGE',
    ],
    [
      'checkConfirmation: wrong type',
      () => sm2.checkConfirmation({ peerConfirmation: new Uint8Array(32) } as never, 'x' as never),
      'INVALID_TYPE',
    ],
    ['za: bad key', () => sm2.za(new Uint8Array(65)), 'INVALID_POINT'],
  ];
  it.each(bad)('%s', (_name, fn, want) => expect(code(fn)).toBe(want));
  it('the sm2 object and its keys helper are frozen', () => {
    expect(Object.isFrozen(sm2)).toBe(true);
    expect(Object.isFrozen(sm2.keys)).toBe(true);
  });
});

describe('untrusted signatures: false, never a throw', () => {
  const e = sm2.sign(msg, K.secretKey, { format: 'raw' });
  const r = BigInt('0x' + toHex(e.subarray(0, 32)));
  const s = BigInt('0x' + toHex(e.subarray(32)));
  const good = derSig(r, s);
  const body = good.subarray(2);
  const cases: [string, Uint8Array, 'der' | 'raw'][] = [
    ['empty', new Uint8Array(0), 'der'],
    ['trailing byte', cat(good, Uint8Array.of(0)), 'der'],
    ['long-form length', cat(Uint8Array.of(0x30, 0x81, body.length), body), 'der'],
    ['indefinite length', cat(Uint8Array.of(0x30, 0x80), body, Uint8Array.of(0, 0)), 'der'],
    ['wrong outer tag', cat(Uint8Array.of(0x31, body.length), body), 'der'],
    [
      'r with a superfluous leading zero',
      (() => {
        const b = cat(Uint8Array.of(2, 34, 0, 0), big(r), derInt(s));
        return cat(Uint8Array.of(0x30, b.length), b);
      })(),
      'der',
    ],
    [
      'negative r',
      (() => {
        const b = cat(Uint8Array.of(2, 1, 0xff), derInt(s));
        return cat(Uint8Array.of(0x30, b.length), b);
      })(),
      'der',
    ],
    ['truncated', good.subarray(0, good.length - 1), 'der'],
    ['r = 0', derSig(0n, s), 'der'],
    ['s = 0', derSig(r, 0n), 'der'],
    ['r = n', derSig(n, s), 'der'],
    ['s = n', derSig(r, n), 'der'],
    ['r + n', derSig(r + n, s), 'der'],
    ['r + s ≡ 0', derSig(r, n - r), 'der'],
    ['raw 63 bytes', e.subarray(1), 'raw'],
    ['raw 65 bytes', cat(e, Uint8Array.of(0)), 'raw'],
    ['raw r = 0', cat(new Uint8Array(32), e.subarray(32)), 'raw'],
    ['DER given as raw', good, 'raw'],
    ['raw given as DER', e, 'der'],
    [
      '1 MB INTEGER r (rejected by length, not converted)',
      derSeqLong(cat(hugeDerInt(1 << 20), derInt(s))),
      'der',
    ],
    [
      'r with 33 content bytes and a value ≥ 2^256',
      (() => {
        const b = cat(Uint8Array.of(2, 33, 1), big(r), derInt(s));
        return cat(Uint8Array.of(0x30, b.length), b);
      })(),
      'der',
    ],
  ];
  it('the unmodified signature verifies (control)', () => {
    expect(sm2.verify(good, msg, K.publicKey)).toBe(true);
    expect(sm2.verify(e, msg, K.publicKey, { format: 'raw' })).toBe(true);
  });
  it.each(cases)('%s → false', (_name, sig, format) =>
    expect(sm2.verify(sig, msg, K.publicKey, { format })).toBe(false),
  );
});

describe('untrusted ciphertexts: DECRYPT_FAILED, never a partial or empty plaintext', () => {
  const ct = sm2.encrypt('secret', K.publicKey);
  const raw = sm2.encrypt('secret', K.publicKey, { format: 'raw' });
  const fail = (c: Uint8Array, o?: object) => () => sm2.decrypt(c, K.secretKey, o);
  const seq = (...a: Uint8Array[]) => {
    const b = cat(...a);
    return cat(Uint8Array.of(0x30, b.length), b);
  };
  const oct = (b: Uint8Array) => cat(Uint8Array.of(4, b.length), b);
  const x = BigInt('0x' + toHex(raw.subarray(1, 33)));
  const y = BigInt('0x' + toHex(raw.subarray(33, 65)));
  const c3 = raw.subarray(65, 97),
    c2 = raw.subarray(97);
  const cases: [string, () => unknown][] = [
    ['empty', fail(new Uint8Array(0))],
    ['DER trailing byte', fail(cat(ct, Uint8Array.of(0)))],
    ['DER truncated', fail(ct.subarray(0, ct.length - 1))],
    ['DER x ≥ p', fail(seq(derInt(x + p), derInt(y), oct(c3), oct(c2)))],
    ['DER C3 of 31 bytes', fail(seq(derInt(x), derInt(y), oct(c3.subarray(1)), oct(c2)))],
    ['DER empty C2', fail(seq(derInt(x), derInt(y), oct(c3), oct(new Uint8Array(0))))],
    ['DER C2 before C3', fail(seq(derInt(x), derInt(y), oct(c2), oct(c3)))],
    [
      'DER non-minimal x',
      fail(seq(cat(Uint8Array.of(2, 34, 0, 0), big(x)), derInt(y), oct(c3), oct(c2))),
    ],
    ['DER C1 off the curve', fail(seq(derInt(x), derInt(y ^ 1n), oct(c3), oct(c2)))],
    [
      'DER 1 MB INTEGER x (rejected by length, not converted)',
      fail(derSeqLong(cat(hugeDerInt(1 << 20), derInt(y), oct(c3), oct(c2)))),
    ],
    ['raw too short', fail(raw.subarray(0, 97), { format: 'raw' })],
    [
      'raw C1 off the curve',
      fail(cat(raw.subarray(0, 64), Uint8Array.of(raw[64]! ^ 1), raw.subarray(65)), {
        format: 'raw',
      }),
    ],
    ['raw read in the other order', fail(raw, { format: 'raw', mode: 'c1c2c3' })],
    ['raw given as DER', fail(raw)],
    ['DER given as raw', fail(ct, { format: 'raw' })],
  ];
  it('control: the re-assembled DER and both raw forms decrypt', () => {
    const want = toHex(new TextEncoder().encode('secret'));
    expect(toHex(sm2.decrypt(seq(derInt(x), derInt(y), oct(c3), oct(c2)), K.secretKey))).toBe(want);
    expect(toHex(sm2.decrypt(ct, K.secretKey))).toBe(want);
    expect(toHex(sm2.decrypt(raw, K.secretKey, { format: 'raw' }))).toBe(want);
  });
  it.each(cases)('%s', (_name, fn) => expect(code(fn as () => unknown)).toBe('DECRYPT_FAILED'));
});
