/**
 * EdDSA-Poseidon on Baby Jubjub, bit-for-bit as circomlibjs's `eddsa` (`prv2pub`, `signPoseidon`,
 * `verifyPoseidon`) and circomlib's `EdDSAPoseidonVerifier` circuit:
 *
 * - key: h = BLAKE-512(prv) (the original BLAKE, SHA-3 finalist — what circomlibjs's `blake-hash`
 *   computes; not BLAKE2); s = h[0..32] pruned (low 3 bits cleared, bit 255 cleared, bit 254 set)
 *   read little-endian; A = (s >> 3)·Base8.
 * - sign(msg): r = BLAKE-512(h[32..64] ‖ msg as 32 little-endian bytes) read little-endian, mod l;
 *   R8 = r·Base8; hm = Poseidon(R8x, R8y, Ax, Ay, msg); S = (r + hm·s) mod l (the full pruned s).
 * - verify: R8 and A on the curve, S < l, then S·Base8 = R8 + (8·hm)·A.
 *
 * Constant time: the secret scalar s and the nonce r go through noble's fixed-sequence `multiply`
 * (see _babyjub.ts), but BLAKE-512's output is turned into a bigint and reduced with JavaScript
 * bigint arithmetic, and S = r + hm·s is computed with bigints: none of this is constant time,
 * the same as circomlibjs. Secret byte buffers are zeroed after use (best effort).
 * @module
 */
import { blake512 } from '@noble/hashes/blake1.js';
import { BukejianError } from '../errors.js';
import { bytesToHex, zeroize } from '../utils.js';
import { abytes } from '../_assert.js';
import { BABYJUB_SUBORDER as L, babyJub, inCurve, mulBase, type BabyJubPoint } from './_babyjub.js';
import { poseidon } from './_poseidon.js';
import { FIELD_ORDER as P } from './field.js';

/** An EdDSA-Poseidon signature: R8 (affine point) and S (< l). */
export interface EddsaPoseidonSignature {
  readonly R8: BabyJubPoint;
  readonly S: bigint;
}

/** Little-endian bytes → bigint. */
function leToNumber(b: Uint8Array): bigint {
  const r = b.slice().reverse();
  const v = BigInt('0x' + bytesToHex(r));
  zeroize(r);
  return v;
}

/** A field element as 32 little-endian bytes. */
function fieldToLE(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** BLAKE-512 of the secret key with the first half pruned (circomlibjs's `pruneBuffer`). */
function expandKey(prv: Uint8Array): { h: Uint8Array; s: bigint } {
  abytes(prv, 'prv');
  const h = blake512(prv);
  h[0] = h[0]! & 0xf8;
  h[31] = (h[31]! & 0x7f) | 0x40;
  return { h, s: leToNumber(h.subarray(0, 32)) };
}

function amsg(msg: unknown): bigint {
  if (typeof msg !== 'bigint')
    throw new BukejianError('INVALID_TYPE', `"msg" expected bigint, got ${typeof msg}`);
  if (msg < 0n || msg >= P)
    throw new BukejianError('INVALID_RANGE', '"msg" expected field element in [0, r)');
  return msg;
}

/**
 * The public key A = (s >> 3)·Base8 of a secret key (any byte length, as circomlibjs; the issuer
 * API uses 32 bytes).
 * @example const [Ax, Ay] = prv2pub(secretKey)
 */
export function prv2pub(prv: Uint8Array): BabyJubPoint {
  const { h, s } = expandKey(prv);
  zeroize(h);
  return mulBase(s >> 3n);
}

/**
 * Deterministic EdDSA-Poseidon signature of a field element, identical to circomlibjs's
 * `signPoseidon(prv, F.e(msg))`.
 * @example const { R8, S } = signPoseidon(secretKey, recordHash)
 */
export function signPoseidon(prv: Uint8Array, msg: bigint): EddsaPoseidonSignature {
  const m = amsg(msg);
  const { h, s } = expandKey(prv);
  const A = mulBase(s >> 3n);
  const nonceInput = new Uint8Array(64);
  nonceInput.set(h.subarray(32, 64), 0);
  nonceInput.set(fieldToLE(m), 32);
  const rh = blake512(nonceInput);
  const r = leToNumber(rh) % L;
  zeroize(h, nonceInput, rh);
  const R8 = mulBase(r);
  const hm = poseidon([R8[0], R8[1], A[0], A[1], m]);
  return Object.freeze({ R8, S: (r + hm * s) % L });
}

/**
 * Checks an EdDSA-Poseidon signature as circomlibjs's `verifyPoseidon`: R8 and A on the curve
 * (coordinates in [0, r)), S in [0, l), S·Base8 = R8 + (8·Poseidon(R8, A, msg))·A. Returns false
 * (never throws) on anything malformed. Variable time (public data only).
 * @example verifyPoseidon(msg, { R8, S }, publicKey) // true
 */
export function verifyPoseidon(msg: bigint, sig: EddsaPoseidonSignature, A: BabyJubPoint): boolean {
  try {
    if (typeof msg !== 'bigint' || msg < 0n || msg >= P) return false;
    if (typeof sig !== 'object' || sig === null) return false;
    const { R8, S } = sig;
    if (!inCurve(R8) || !inCurve(A)) return false;
    if (typeof S !== 'bigint' || S < 0n || S >= L) return false;
    const hm = poseidon([R8[0], R8[1], A[0], A[1], msg]);
    const Pt = babyJub();
    const left = Pt.BASE.multiplyUnsafe(S);
    // (8·hm)·A = (hm mod l)·(8·A): 8·A lies in the prime-order subgroup even when A does not
    const hA = Pt.fromAffine({ x: A[0], y: A[1] })
      .clearCofactor()
      .multiplyUnsafe(hm % L);
    return left.equals(Pt.fromAffine({ x: R8[0], y: R8[1] }).add(hA));
  } catch {
    return false;
  }
}
