/**
 * X25519 (RFC 7748) as an x-only PSI group — the fastest group here, because node:crypto
 * (OpenSSL) does the scalar multiplications. An element is the 32-byte little-endian
 * u-coordinate of a curve25519 point in the prime-order subgroup.
 *
 * Hash-to-group is RFC 9380 `curve25519_XMD:SHA-512_ELL2_NU_` (§6.7.1 Elligator 2, hash_to_field
 * with expand_message_xmd(SHA-512)), x-only: the map's u-coordinate only needs is_square(gx1),
 * never a square root. The suite's clear_cofactor (×8) is folded into X25519's scalar clamping
 * (every clamped scalar is a multiple of 8), so all exchanged values lie in the prime-order
 * subgroup. Note the NU (non-uniform) encoding: it is not indifferentiable from a random oracle;
 * use ristretto255 or p256 (RO suites) where a proof in the random-oracle model is required.
 *
 * Scalars are clamped (RFC 7748 §5). Unblinding needs a clamped d with d·c ≡ 1 (mod ℓ), so a key
 * is drawn until c⁻¹ + jℓ is itself a clamped scalar for some j (about half of all keys; this costs
 * one bit of the ~251-bit key space). Pure-TS fallback: noble's x25519, identical results.
 * @module
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { BukejianError } from '../../errors.js';
import { nodeCrypto } from '../../native.js';
import { randomBytes } from '../../utils.js';
import type { KeyOps, PsiGroup } from './types.js';
import { brokenSource } from '../../_random.js';
import { invertMod, leToNumber, numberToLe } from './scalar.js';
import { jacobi } from './jacobi.js';

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const A = 486662n;
const A24 = 121666n; // (A + 2) / 4
const Z = 2n;
/**
 * Domain separation tag of bukejian's ECDH-PSI over X25519.
 * @example
 * hashToU(msg, X25519_DST)
 */
export const X25519_DST = 'bukejian-psi-v1-curve25519_XMD:SHA-512_ELL2_NU_';

const mod = (x: bigint): bigint => {
  const r = x % P;
  return r < 0n ? r + P : r;
};

/**
 * u-coordinate of RFC 9380 map_to_curve_elligator2(u) on curve25519 (J = 486662, K = 1, Z = 2).
 * @example
 * elligator2U(0x608d892b...n) // Q.x of RFC 9380 J.4.2, msg ""
 */
export function elligator2U(u: bigint): bigint {
  const den = mod(1n + Z * u * u);
  let x1 = den === 0n ? mod(-A) : mod(-A * invertEuclid(den));
  if (x1 === 0n) x1 = mod(-A);
  const gx1 = mod(x1 * mod(x1 * (x1 + A) + 1n));
  return jacobi(gx1, P) >= 0 ? x1 : mod(-x1 - A);
}

/** a⁻¹ mod P by the extended Euclidean algorithm (variable time). */
function invertEuclid(a: bigint): bigint {
  let r0 = P;
  let r1 = a;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  return mod(t0);
}

/**
 * u-coordinate of H(msg): hash_to_field (one element) then Elligator 2, no cofactor clearing.
 * @example
 * hashToU(new TextEncoder().encode('abc'), 'QUUX-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_NU_') // Q.x of RFC 9380 J.4.2
 */
export function hashToU(msg: Uint8Array, DST: string = X25519_DST): bigint {
  const [[u]] = hash_to_field(msg, 1, {
    DST,
    p: P,
    m: 1,
    k: 128,
    expand: 'xmd',
    hash: sha512,
  }) as bigint[][];
  return elligator2U(u!);
}

/** True when [8]·P is the identity (x-only doubling, projective; P a curve point). */
function smallOrder(u: bigint): boolean {
  let x = u;
  let z = 1n;
  for (let i = 0; i < 3; i++) {
    const s = mod((x + z) * (x + z));
    const d = mod((x - z) * (x - z));
    const e = mod(s - d);
    x = mod(s * d);
    z = mod(e * (d + A24 * e));
  }
  return z === 0n;
}

function checkU(e: Uint8Array): bigint {
  if (e.length !== 32) throw new BukejianError('INVALID_POINT', 'x25519 element must be 32 bytes');
  const u = leToNumber(e);
  if (u >= P) throw new BukejianError('INVALID_POINT', 'x25519 u-coordinate out of range');
  if (jacobi(mod(u * mod(u * (u + A) + 1n)), P) !== 1)
    throw new BukejianError('INVALID_POINT', 'x25519 u-coordinate is not on the curve');
  if (smallOrder(u)) throw new BukejianError('INVALID_POINT', 'x25519 element has small order');
  return u;
}

const isClamped = (d: bigint): boolean => (d & 7n) === 0n && d >> 254n === 1n;

/** The clamped inverse of the clamped scalar c modulo ℓ, or null when none exists. */
function clampedInverse(c: bigint): bigint | null {
  const inv = invertMod(c % L, L);
  for (let j = 0n; j < 16n; j++) {
    const d = inv + j * L;
    if (d >> 255n) break;
    if (isClamped(d)) return d;
  }
  return null;
}

function clamp(b: Uint8Array): Uint8Array {
  b[0]! &= 248;
  b[31]! &= 127;
  b[31]! |= 64;
  return b;
}

const PKCS8 = /* @__PURE__ */ Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

/** True when node:crypto can run X25519 with imported raw keys. */
function nativeX25519(): ReturnType<typeof nodeCrypto> {
  const c = nodeCrypto();
  if (!c || typeof c.diffieHellman !== 'function') return null;
  return c;
}

/**
 * The X25519 PSI group; `native: false` forces the pure-TS path (noble x25519).
 * @example
 * const g = x25519Group()
 * g.native // true on Node
 */
export function x25519Group(native = true): PsiGroup {
  const crypto = native ? nativeX25519() : null;
  // Public keys are imported as JWK: about 10x cheaper in Node than parsing an SPKI DER.
  const mulNative = (priv: unknown, u: Uint8Array): Uint8Array => {
    let out: Uint8Array;
    try {
      const x = Buffer.from(u.buffer, u.byteOffset, u.length).toString('base64url');
      const publicKey = crypto!.createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x },
        format: 'jwk',
      });
      out = crypto!.diffieHellman({ privateKey: priv as never, publicKey });
    } catch {
      throw new BukejianError('INVALID_POINT', 'x25519 element rejected');
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
  const mulJs = (s: Uint8Array, u: Uint8Array): Uint8Array => {
    try {
      return x25519.scalarMult(s, u);
    } catch {
      throw new BukejianError('INVALID_POINT', 'x25519 element rejected');
    }
  };
  const importKey = (s: Uint8Array): unknown => {
    const der = new Uint8Array(PKCS8.length + 32);
    der.set(PKCS8);
    der.set(s, PKCS8.length);
    return crypto!.createPrivateKey({ key: der as never, format: 'der', type: 'pkcs8' });
  };
  return Object.freeze({
    name: 'x25519' as const,
    id: 3,
    elementLength: 32,
    suite: 'curve25519_XMD:SHA-512_ELL2_NU_',
    native: crypto !== null,
    randomKey(): Uint8Array {
      // about 4 in 10 draws qualify; 256 failures in a row mean a stuck source (zeros never do)
      for (let i = 0; i < 256; i++) {
        const c = clamp(randomBytes(32));
        if (clampedInverse(leToNumber(c)) !== null) return c;
      }
      return brokenSource();
    },
    hashToGroup: (msg: Uint8Array): Uint8Array => numberToLe(hashToU(msg), 32),
    isElement(e: Uint8Array): boolean {
      try {
        checkU(e);
        return true;
      } catch {
        return false;
      }
    },
    withKey(key: Uint8Array): KeyOps {
      const c = key.length === 32 ? leToNumber(key) : 0n;
      const d = isClamped(c) ? clampedInverse(c) : null;
      if (d === null)
        throw new BukejianError(
          'INVALID_KEY',
          'x25519 PSI key is not a clamped scalar with a clamped inverse',
        );
      const cBytes = numberToLe(c, 32);
      const dBytes = numberToLe(d, 32);
      if (crypto) {
        const kc = importKey(cBytes);
        const kd = importKey(dBytes);
        return Object.freeze({
          hashMultiply: (msg: Uint8Array) => mulNative(kc, numberToLe(hashToU(msg), 32)),
          multiply: (e: Uint8Array) => (checkU(e), mulNative(kc, e)),
          unblind: (e: Uint8Array) => (checkU(e), mulNative(kd, e)),
        });
      }
      return Object.freeze({
        hashMultiply: (msg: Uint8Array) => mulJs(cBytes, numberToLe(hashToU(msg), 32)),
        multiply: (e: Uint8Array) => (checkU(e), mulJs(cBytes, e)),
        unblind: (e: Uint8Array) => (checkU(e), mulJs(dBytes, e)),
      });
    },
  });
}
