/**
 * SM2 key exchange (GB/T 32918.3-2016 §6.1) with the optional key confirmation of steps A9/B10:
 *   x̄ = 2^w + (x & (2^w − 1)), t = (d + x̄·r) mod n, V = [t](P_peer + [x̄_peer]R_peer),
 *   K = KDF(x_V ‖ y_V ‖ Z_A ‖ Z_B, klen),
 *   S_B = S1 = SM3(0x02 ‖ y_V ‖ SM3(x_V ‖ Z_A ‖ Z_B ‖ x1 ‖ y1 ‖ x2 ‖ y2)), S_A = S2 = same with 0x03.
 * A is the initiator (R_A = (x1, y1)), B the responder (R_B = (x2, y2)); Z_A/Z_B always belong to
 * A/B whatever the local role. Multiplication by t (secret) is constant-time-ish.
 * @module
 */
import { BukejianError } from '../errors.js';
import { kdf, sm3 } from '../sm3.js';
import { equalBytes, zeroize } from '../utils.js';
import { abytes, aoneOf, aoptions, anumber } from '../_assert.js';
import {
  fixedToNumber,
  mod,
  mulBasePoint,
  mulPoint,
  sm2Curve,
  type Sm2Curve,
  type Sm2PointType,
} from './curve.js';
import { publicPoint, secretScalar } from './keys.js';
import { userIdBytes, zaPoint } from './za.js';

/** Options of {@link keyExchange}. */
export interface KeyExchangeOptions {
  /** `'initiator'` (A, sends R_A first) or `'responder'` (B). */
  role: 'initiator' | 'responder';
  /** Own static secret key. */
  secretKey: Uint8Array;
  /** Own ephemeral secret key r (a fresh `keygen().secretKey` per exchange). */
  ephemeralSecretKey: Uint8Array;
  /** The peer's static public key. */
  peerPublicKey: Uint8Array;
  /** The peer's ephemeral public key R. */
  peerEphemeralPublicKey: Uint8Array;
  /** Own ID (default `'1234567812345678'`). */
  userId?: string | Uint8Array;
  /** Peer's ID (default `'1234567812345678'`). */
  peerUserId?: string | Uint8Array;
  /** Shared key length in bytes (default 16). */
  keyLength?: number;
}

/** Result of {@link keyExchange}. */
export interface KeyExchangeResult {
  /** The agreed key K_A = K_B. */
  sharedKey: Uint8Array;
  /** The confirmation value to send: S_B for the responder, S_A for the initiator. */
  confirmation: Uint8Array;
  /** The value expected from the peer: S2 (= S_A) for the responder, S1 (= S_B) for the initiator. */
  peerConfirmation: Uint8Array;
}

/**
 * Internal: the exchange on any curve with parsed inputs.
 * @example keyExchangeCore(curve, true, dA, rA, idA, idB, PB, RB, 16).sharedKey
 */
export function keyExchangeCore(
  curve: Sm2Curve,
  initiator: boolean,
  d: bigint,
  r: bigint,
  ownId: Uint8Array,
  peerId: Uint8Array,
  peerP: Sm2PointType,
  peerR: Sm2PointType,
  klen: number,
): KeyExchangeResult {
  const n = curve.params.n;
  const L = curve.fieldBytes;
  // secret scalars d, r, t: the constant-time engine of the curve (limbs for sm2p256v1)
  const ownP = mulBasePoint(curve, d);
  const ownR = mulBasePoint(curve, r).toBytes(false).subarray(1);
  const w = BigInt(curve.w);
  const mask = (1n << w) - 1n;
  const bar = (x: bigint): bigint => (1n << w) + (x & mask);
  const t = mod(d + bar(fixedToNumber(ownR.subarray(0, L))) * r, n);
  const peerRxy = peerR.toBytes(false).subarray(1);
  const Q = peerP.add(peerR.multiplyUnsafe(bar(fixedToNumber(peerRxy.subarray(0, L)))));
  if (Q.is0() || t === 0n)
    throw new BukejianError(
      'INVALID_POINT',
      '"peerEphemeralPublicKey" expected usable point, got degenerate exchange',
    );
  const V = curve.Point.fromAffine(mulPoint(curve, t, Q));
  if (V.is0())
    throw new BukejianError(
      'INVALID_POINT',
      '"peerEphemeralPublicKey" expected usable point, got V = O',
    );
  const vxy = V.toBytes(false).subarray(1);
  const zOwn = zaPoint(curve, ownId, ownP);
  const zPeer = zaPoint(curve, peerId, peerP);
  const [zA, zB] = initiator ? [zOwn, zPeer] : [zPeer, zOwn];
  const [r1, r2] = initiator ? [ownR, peerRxy] : [peerRxy, ownR];
  const kIn = new Uint8Array(2 * L + 64);
  kIn.set(vxy, 0);
  kIn.set(zA, 2 * L);
  kIn.set(zB, 2 * L + 32);
  const sharedKey = kdf(kIn, klen);
  const inner = sm3
    .create({ backend: 'js' })
    .update(vxy.subarray(0, L))
    .update(zA)
    .update(zB)
    .update(r1)
    .update(r2)
    .digest();
  const conf = (tag: number): Uint8Array =>
    sm3
      .create({ backend: 'js' })
      .update(Uint8Array.of(tag))
      .update(vxy.subarray(L))
      .update(inner)
      .digest();
  const s02 = conf(0x02);
  const s03 = conf(0x03);
  zeroize(kIn, vxy);
  return initiator
    ? { sharedKey, confirmation: s03, peerConfirmation: s02 }
    : { sharedKey, confirmation: s02, peerConfirmation: s03 };
}

/**
 * One side of an SM2 key exchange (GB/T 32918.3). Both sides call it with their own static and
 * ephemeral secret keys and the peer's public keys; the results' `sharedKey` agree. Optional key
 * confirmation: send `confirmation`, compare what the peer sends with `checkConfirmation`.
 * @example
 * const a = keygen(), b = keygen(), ra = keygen(), rb = keygen()
 * const A = keyExchange({ role: 'initiator', secretKey: a.secretKey, ephemeralSecretKey: ra.secretKey,
 *   peerPublicKey: b.publicKey, peerEphemeralPublicKey: rb.publicKey })
 * const B = keyExchange({ role: 'responder', secretKey: b.secretKey, ephemeralSecretKey: rb.secretKey,
 *   peerPublicKey: a.publicKey, peerEphemeralPublicKey: ra.publicKey })
 * // A.sharedKey equals B.sharedKey; checkConfirmation(A, B.confirmation) === true
 */
export function keyExchange(opts: KeyExchangeOptions): KeyExchangeResult {
  if (opts === undefined)
    throw new BukejianError('INVALID_TYPE', '"opts" expected options object, got undefined');
  const o = aoptions(opts, 'opts', [
    'role',
    'secretKey',
    'ephemeralSecretKey',
    'peerPublicKey',
    'peerEphemeralPublicKey',
    'userId',
    'peerUserId',
    'keyLength',
  ]);
  const role = aoneOf(o.role, 'role', ['initiator', 'responder'] as const);
  const d = secretScalar(abytes(o.secretKey, 'secretKey'), sm2Curve, 'secretKey');
  const r = secretScalar(
    abytes(o.ephemeralSecretKey, 'ephemeralSecretKey'),
    sm2Curve,
    'ephemeralSecretKey',
  );
  const peerP = publicPoint(abytes(o.peerPublicKey, 'peerPublicKey'), sm2Curve, 'peerPublicKey');
  const peerR = publicPoint(
    abytes(o.peerEphemeralPublicKey, 'peerEphemeralPublicKey'),
    sm2Curve,
    'peerEphemeralPublicKey',
  );
  const klen = o.keyLength === undefined ? 16 : anumber(o.keyLength, 'keyLength', 1, 1 << 20);
  return keyExchangeCore(
    sm2Curve,
    role === 'initiator',
    d,
    r,
    userIdBytes(o.userId),
    userIdBytes(o.peerUserId, 'peerUserId'),
    peerP,
    peerR,
    klen,
  );
}

/**
 * Constant-time check of the peer's confirmation value against the expected one.
 * @example
 * if (!checkConfirmation(myResult, received)) throw new Error('key confirmation failed')
 */
export function checkConfirmation(result: KeyExchangeResult, received: Uint8Array): boolean {
  abytes(received, 'received');
  return equalBytes(result.peerConfirmation, received);
}
