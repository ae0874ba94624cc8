/**
 * SM2 digital signatures (GB/T 32918.2-2016 §6 signing, §7 verification):
 *   e = SM3(Z_A ‖ M), (x1, y1) = [k]G, r = (e + x1) mod n, s = (1 + d)⁻¹ · (k − r·d) mod n;
 *   verify: t = (r + s) mod n ≠ 0, (x1', y1') = [s]G + [t]P_A, accept iff (e + x1') mod n = r.
 * Signing uses only constant-time-ish scalar multiplication and a fixed-chain Fermat inversion;
 * verification is variable time over public data only.
 * @module
 */
import { BukejianError } from '../errors.js';
import { sm3 } from '../sm3.js';
import { equalBytes } from '../utils.js';
import { abytes, aoneOf, aoptions, toBytes, type Input } from '../_assert.js';
import { brokenSource, freshBytes, MAX_DRAWS } from '../_random.js';
import {
  base,
  mulBasePoint,
  fixedToNumber,
  invertFermat,
  mod,
  mulBase,
  numberToFixed,
  sm2Curve,
  type Sm2Curve,
  type Sm2PointType,
} from './curve.js';
import { publicKeyCache, type Entry } from './cache.js';
import { secretScalar } from './keys.js';
import { nonceGenerator } from './nonce.js';
import { decodeSignature, encodeSignature, type SignatureFormat } from './signature.js';
import { userIdBytes, zaPoint } from './za.js';

/** Options of {@link sign}. */
export interface SignOptions {
  /** Distinguishing identifier for Z_A (string = UTF-8). Default `'1234567812345678'`. */
  userId?: string | Uint8Array;
  /** `'der'` (default): ASN.1 SEQUENCE{r, s}; `'raw'`: r ‖ s, 64 bytes. */
  format?: SignatureFormat;
  /** `msg` is already e = SM3(Z_A ‖ M) (32 bytes); `userId` is then not used. */
  prehashed?: boolean;
}

/** Options of {@link verify}. */
export type VerifyOptions = SignOptions;

const SIGN_KEYS = ['userId', 'format', 'prehashed'] as const;

interface Parsed {
  format: SignatureFormat;
  prehashed: boolean;
  userId: Uint8Array;
}

/**
 * Validates sign/verify options.
 * @example const o = signOptions({ userId: 'ALICE123@YAHOO.COM', format: 'raw' })
 */
export function signOptions(opts: SignOptions | undefined): Parsed {
  const o = aoptions(opts, 'opts', SIGN_KEYS);
  const format =
    o.format === undefined ? 'der' : aoneOf(o.format, 'format', ['der', 'raw'] as const);
  if (o.prehashed !== undefined && typeof o.prehashed !== 'boolean') {
    throw new BukejianError(
      'INVALID_OPTION',
      `"prehashed" expected boolean, got ${typeof o.prehashed}`,
    );
  }
  return { format, prehashed: o.prehashed === true, userId: userIdBytes(o.userId) };
}

/**
 * e = SM3(Z ‖ M) as a bigint, or the given 32-byte digest when prehashed.
 * @example const e = digestE(sm2Curve, P, msg, signOptions(undefined))
 */
export function digestE(curve: Sm2Curve, P: Sm2PointType, msg: Uint8Array, o: Parsed): bigint {
  if (o.prehashed) {
    abytes(msg, 'msg', 32);
    return fixedToNumber(msg);
  }
  const z = zaPoint(curve, o.userId, P);
  return fixedToNumber(
    sm3
      .create({ backend: msg.length >= 1024 ? 'auto' : 'js' })
      .update(z)
      .update(msg)
      .digest(),
  );
}

/**
 * Internal: the signing equation with a nonce source; retries while r = 0, r + k = n or s = 0, at
 * most MAX_DRAWS times (then UNSUPPORTED: no working nonce source produces that many).
 * @example signCore(sm2Curve, e, d, invertFermat(1n + d, n), nextK)
 */
export function signCore(
  curve: Sm2Curve,
  e: bigint,
  d: bigint,
  inv1d: bigint,
  nextK: () => bigint,
): { r: bigint; s: bigint } {
  const n = curve.params.n;
  for (let i = 0; i < MAX_DRAWS; i++) {
    const k = nextK();
    const x1 = mulBase(curve, k).x;
    const r = mod(e + x1, n);
    if (r === 0n || r + k === n) continue;
    const s = mod(inv1d * mod(k - r * d, n), n);
    if (s === 0n) continue;
    return { r, s };
  }
  return brokenSource();
}

/**
 * Internal known-answer hook: signs the digest e with a given nonce k (GB/T 32918.2 Annex A).
 * Never exported from the package entry.
 * @example signWithK(curve, e, d, k) // { r, s } of GB/T 32918.2 Annex A
 */
export function signWithK(
  curve: Sm2Curve,
  e: bigint,
  d: bigint,
  k: bigint,
): { r: bigint; s: bigint } {
  let used = false;
  return signCore(curve, e, d, invertFermat(1n + d, curve.params.n), () => {
    if (used) throw new BukejianError('INVALID_RANGE', '"k" expected usable nonce, got rejected');
    used = true;
    return k;
  });
}

/** Per-secret-key values that cost a scalar multiplication or an inversion: keyed by the key array. */
interface SignerState {
  copy: Uint8Array;
  d: bigint;
  inv1d: bigint;
  P: Sm2PointType;
  za: Map<string, Uint8Array>;
}
const signers = new WeakMap<Uint8Array, SignerState>();

function signer(secretKey: Uint8Array): SignerState {
  const cached = signers.get(secretKey);
  if (cached && equalBytes(cached.copy, secretKey)) return cached;
  const d = secretScalar(secretKey);
  const n = sm2Curve.params.n;
  const st: SignerState = {
    copy: Uint8Array.from(secretKey),
    d,
    inv1d: invertFermat(1n + d, n),
    P: mulBasePoint(sm2Curve, d),
    za: new Map(),
  };
  signers.set(secretKey, st);
  return st;
}

/**
 * Signs `msg` (string = UTF-8) with an SM2 secret key: e = SM3(Z_A ‖ M) with Z_A from `userId`,
 * a hedged RFC 6979-style nonce, canonical DER (default) or raw r ‖ s.
 * @example
 * const { secretKey, publicKey } = keygen()
 * const sig = sign('申请编号 2026-0001', secretKey)           // DER, ID 1234567812345678
 * const raw = sign(msg, secretKey, { userId: 'ALICE123@YAHOO.COM', format: 'raw' })
 */
export function sign(msg: Input, secretKey: Uint8Array, opts?: SignOptions): Uint8Array {
  const m = toBytes(msg, 'msg');
  abytes(secretKey, 'secretKey', 32, 'INVALID_KEY');
  const o = signOptions(opts);
  const st = signer(secretKey);
  let e: bigint;
  if (o.prehashed) e = digestE(sm2Curve, st.P, m, o);
  else {
    let idKey = '';
    for (let i = 0; i < o.userId.length; i++) idKey += String.fromCharCode(o.userId[i]!);
    let z = st.za.get(idKey);
    if (!z) {
      z = zaPoint(sm2Curve, o.userId, st.P);
      if (st.za.size < 16) st.za.set(idKey, z);
    }
    e = fixedToNumber(
      sm3
        .create({ backend: m.length >= 1024 ? 'auto' : 'js' })
        .update(z)
        .update(m)
        .digest(),
    );
  }
  const n = sm2Curve.params.n;
  const dBytes = numberToFixed(st.d, 32);
  const next = nonceGenerator(dBytes, numberToFixed(mod(e, n), 32), freshBytes(32), n, 32);
  dBytes.fill(0);
  const { r, s } = signCore(sm2Curve, e, st.d, st.inv1d, next);
  return encodeSignature(r, s, o.format);
}

/**
 * Internal: the verification equation on any curve for a validated public point (or cache entry).
 * @example verifyCore(sm2Curve, e, r, s, P) // boolean
 */
export function verifyCore(
  curve: Sm2Curve,
  e: bigint,
  r: bigint,
  s: bigint,
  P: Sm2PointType,
  entry?: Entry,
): boolean {
  const { n, p } = curve.params;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = (r + s) % n;
  if (t === 0n) return false;
  if (curve.fast) {
    const a = entry ?? P.toAffine();
    const R = curve.fast.mulAddPublic(s, t, entry?.table ?? { x: a.x, y: a.y });
    // (e + x1) mod n = r ⇔ x1 ∈ {r − e mod n, that + n}: compare with X/Z² without inverting Z
    const x = mod(r - e, n);
    return curve.fast.xEquals(R, x) || (x + n < p && curve.fast.xEquals(R, x + n));
  }
  const R = base(curve).multiplyUnsafe(s).add(P.multiplyUnsafe(t));
  if (R.is0()) return false;
  // (e + x1) mod n = r  ⇔  x1 ≡ r − e (mod n); x1 < p < 2n, so x1 ∈ {x, x + n}. Compare X = x·Z
  // in projective coordinates instead of inverting Z.
  const x = mod(r - e, n);
  const Z = R.Z;
  if ((x * Z) % p === R.X) return true;
  const x2 = x + n;
  return x2 < p && (x2 * Z) % p === R.X;
}

/**
 * Verifies an SM2 signature. Returns false for every signature that does not verify, including
 * malformed or non-canonical DER, wrong raw length, r or s outside [1, n − 1] and r + s ≡ 0.
 * Throws only for a malformed public key (INVALID_POINT) or wrong argument/option types.
 * @example
 * verify(sig, '申请编号 2026-0001', publicKey) // true
 * verify(sig, 'tampered', publicKey)           // false
 */
export function verify(
  signature: Uint8Array,
  msg: Input,
  publicKey: Uint8Array,
  opts?: VerifyOptions,
): boolean {
  abytes(signature, 'signature');
  const m = toBytes(msg, 'msg');
  abytes(publicKey, 'publicKey');
  const o = signOptions(opts);
  const entry = publicKeyCache.get(publicKey);
  if (o.prehashed && m.length !== 32) abytes(m, 'msg', 32);
  const rs = decodeSignature(signature, o.format);
  if (!rs) return false;
  return verifyCore(sm2Curve, digestE(sm2Curve, entry.point, m, o), rs.r, rs.s, entry.point, entry);
}
