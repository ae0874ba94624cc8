/**
 * The SM2 curve (GB/T 32918.5 sm2p256v1) as an x-only PSI group (see ./xonly.ts), for
 * deployments that must stay within 国密 algorithms. RFC 9380 defines no SM2 suite, so the map is
 * RFC 9380's generic construction instantiated with SM2 parameters and SM3:
 *
 *   suite `SM2_XMD:SM3_SSWU_RO_`: hash_to_field with expand_message_xmd(SM3) (§5.3.1), L = 48,
 *   m = 1, k = 128; map_to_curve_simple_swu (§6.6.2, SM2 has A = −3 ≠ 0, B ≠ 0) with Z = −9,
 *   the value RFC 9380 Appendix H.2 `find_z_sswu` returns for SM2 (re-derived in the tests);
 *   hash_to_curve = map(u0) + map(u1), cofactor 1.
 *
 * Both backends run on the SM2 limb field of src/sm2/_field.ts (fixed-width number limbs,
 * Montgomery reduction using the shape of p, constant-time scalar multiplication): it is faster
 * than node:crypto's ECDH on OpenSSL's generic `SM2` curve, so `auto` uses it too. The earlier
 * construction (noble weierstrass bigint, or OpenSSL ECDH) stays as `sm2ReferenceGroup`, the
 * independent reference of the differential tests.
 * @module
 */
import { createHasher, mapToCurveSimpleSWU } from '@noble/curves/abstract/hash-to-curve.js';
import { BukejianError } from '../../errors.js';
import { randomScalar } from '../../_random.js';
import { Sm2Point } from '../../sm2/curve.js';
import * as F from '../../sm2/_field.js';
import { hashToJac } from '../../sm2/_h2c.js';
import { fromAffine, mulCT } from '../../sm2/_mul.js';
import { MAX_BATCH, mulManyX, normalize, scratch } from '../../sm2/_mul-many.js';
import { jac, N, toAffineX, type Jac } from '../../sm2/_point.js';
import { sm2Wasm } from '../../sm2/_wasm.js';
import { sm3 } from '../../sm3.js';
import { beToNumber, invertMod, numberToBe } from './scalar.js';
import type { BatchKeyOps, KeyOps, PsiGroup } from './types.js';
import { xOnlyGroup } from './xonly.js';
import { kernelBatch, type Source } from './_sm2-kernel.js';

/**
 * Domain separation tag of bukejian's ECDH-PSI over SM2.
 * @example
 * sm2Hasher().hashToCurve(msg) // uses SM2_DST
 */
export const SM2_DST = 'bukejian-psi-v1-SM2_XMD:SM3_SSWU_RO_';
/**
 * The SSWU constant Z for SM2 (RFC 9380 Appendix H.2 `find_z_sswu`).
 * @example
 * mapToCurveSimpleSWU(Fp, { A, B, Z: Fp.create(SM2_SSWU_Z) })
 */
export const SM2_SSWU_Z = -9n;

const sm3Hash = /* @__PURE__ */ Object.assign((m: Uint8Array) => sm3(m), {
  create: () => sm3.create(),
  outputLen: 32,
  blockLen: 64,
});

let hasher: ReturnType<typeof createHasher<typeof Sm2Point>> | undefined;
/**
 * The SM2 hasher (`SM2_XMD:SM3_SSWU_RO_`), built on first use.
 * @example
 * sm2Hasher().hashToCurve(utf8ToBytes('abc')).toAffine().x
 */
export function sm2Hasher(): ReturnType<typeof createHasher<typeof Sm2Point>> {
  if (hasher) return hasher;
  const Fp = Sm2Point.Fp;
  const { a, b } = Sm2Point.CURVE();
  const map = mapToCurveSimpleSWU(Fp, { A: a, B: b, Z: Fp.create(SM2_SSWU_Z) });
  hasher = createHasher(Sm2Point, (u: bigint[]) => map(u[0]!), {
    DST: SM2_DST,
    encodeDST: SM2_DST,
    p: Fp.ORDER,
    m: 1,
    k: 128,
    expand: 'xmd',
    hash: sm3Hash as never,
  });
  return hasher;
}

/**
 * The earlier SM2 PSI group (noble weierstrass bigint, or node:crypto ECDH on OpenSSL's `SM2`
 * curve with `native`), kept as the independent reference of the differential tests.
 * @example
 * sm2ReferenceGroup(true).withKey(key).hashMultiply(msg)
 */
export function sm2ReferenceGroup(native = true): PsiGroup {
  return xOnlyGroup(
    {
      name: 'sm2',
      id: 4,
      suite: 'SM2_XMD:SM3_SSWU_RO_',
      Point: Sm2Point,
      hashToX: (msg) => sm2Hasher().hashToCurve(msg).toAffine().x,
      opensslCurve: 'SM2',
    },
    native,
  );
}

const LEN = 32;
const Bc = /* @__PURE__ */ F.fromBig(Sm2Point.CURVE().b);
const fx = F.fe(),
  fy = F.fe(),
  rhs = F.fe(),
  t3 = F.fe();
const H = jac(),
  R = jac();

/** Decodes an x-only element into the Jacobian point (x, y, 1) for one of its square roots y. */
function lift(e: Uint8Array, out: Jac): Jac {
  if (e.length !== LEN)
    throw new BukejianError('INVALID_POINT', `sm2 element must be ${LEN} bytes`);
  if (!F.fromBytes(fx, e))
    throw new BukejianError('INVALID_POINT', 'sm2 x-coordinate out of range');
  F.sqr(rhs, fx);
  F.mul(rhs, rhs, fx);
  F.mulSmall(t3, fx, 3);
  F.sub(rhs, rhs, t3);
  F.add(rhs, rhs, Bc);
  // x(k·(x, y)) = x(k·(x, −y)): either root will do
  if (!F.sqrt(fy, rhs))
    throw new BukejianError('INVALID_POINT', 'sm2 x-coordinate is not on the curve');
  return fromAffine(out, fx, fy);
}

function xBytes(P: Jac): Uint8Array {
  toAffineX(P, fx);
  return F.toBytes(fx);
}

const hashTo = (msg: Uint8Array, out: Jac): Jac => {
  hashToJac(msg, SM2_DST, sm3Hash as never, out);
  return out;
};

/** Below this many items a batch runs item by item (the shared inversions would not pay). */
const MIN_BATCH = 64;
/** The same threshold on the WebAssembly kernel (its inversions are cheaper). */
const MIN_BATCH_WASM = 16;
let wasmBatch: ReturnType<typeof kernelBatch> | undefined;

/**
 * k·P_i for `count` items in batches of MAX_BATCH: on the WebAssembly kernel when it is
 * available (./_wasm.ts), else on ../../sm2/_mul-many.ts, where `load(i, j)` puts item i into
 * slot j of the views (affine in ax/ay, or Jacobian in sx/sy/den with `jacobian`); `one(i)` is
 * the item-by-item path, used for short tails and when a batch reports a zero divisor.
 */
function many(
  k: bigint,
  count: number,
  src: Source,
  jacobian: boolean,
  load: (i: number, j: number) => void,
  one: (i: number) => Uint8Array,
): Uint8Array {
  const out = new Uint8Array(count * LEN);
  const w = sm2Wasm();
  for (let s = 0; s < count; s += MAX_BATCH) {
    const m = Math.min(MAX_BATCH, count - s);
    let ok = false;
    if (w && m >= MIN_BATCH_WASM) ok = (wasmBatch ??= kernelBatch(w, SM2_DST))(k, src, s, m, out);
    else if (!w && m >= MIN_BATCH) {
      scratch(m);
      for (let j = 0; j < m; j++) load(s + j, j);
      ok = (!jacobian || normalize(m)) && mulManyX(k, m, out, s * LEN);
    }
    if (!ok) for (let j = 0; j < m; j++) out.set(one(s + j), (s + j) * LEN);
  }
  return out;
}

/**
 * The SM2 PSI group on the limb field (`native` is accepted for the registry and ignored: the
 * limb code is faster than OpenSSL's generic SM2 ECDH). Its key operations also work on whole
 * batches (`hashMultiplyMany`, `multiplyMany`, `unblindMany`, used by ../batch.ts), which share
 * inversions across the items; results are the same bytes as item by item.
 * @example
 * const g = sm2Group()
 */
export function sm2Group(_native = true): PsiGroup {
  const mulX = (P: Jac, k: bigint): Uint8Array => {
    mulCT(R, k, P);
    return xBytes(R);
  };
  const manyLifted = (k: bigint, flat: Uint8Array, n: number): Uint8Array => {
    const one = (i: number): Uint8Array => mulX(lift(flat.subarray(i * LEN, (i + 1) * LEN), H), k);
    return many(
      k,
      n,
      { flat },
      false,
      (i, j) => {
        lift(flat.subarray(i * LEN, (i + 1) * LEN), H);
        const v = scratch(0);
        v.ax[j]!.set(H.X);
        v.ay[j]!.set(H.Y);
      },
      one,
    );
  };
  return Object.freeze({
    name: 'sm2' as const,
    id: 4,
    elementLength: LEN,
    suite: 'SM2_XMD:SM3_SSWU_RO_',
    native: false,
    randomKey: (): Uint8Array => numberToBe(randomScalar(N - 1n), LEN),
    hashToGroup: (msg: Uint8Array): Uint8Array => xBytes(hashTo(msg, H)),
    isElement(e: Uint8Array): boolean {
      try {
        lift(e, H);
        return true;
      } catch {
        return false;
      }
    },
    withKey(key: Uint8Array): KeyOps {
      const k = key.length === LEN ? beToNumber(key) : 0n;
      if (k === 0n || k >= N) throw new BukejianError('INVALID_KEY', 'sm2 PSI key out of range');
      const inv = invertMod(k, N);
      const ops: BatchKeyOps = {
        hashMultiply: (msg: Uint8Array) => mulX(hashTo(msg, H), k),
        multiply: (e: Uint8Array) => mulX(lift(e, H), k),
        unblind: (e: Uint8Array) => mulX(lift(e, H), inv),
        hashMultiplyMany: (msgs: Uint8Array[]) =>
          many(
            k,
            msgs.length,
            { msgs },
            true,
            (i, j) => {
              hashTo(msgs[i]!, H);
              const v = scratch(0);
              v.sx[j]!.set(H.X);
              v.sy[j]!.set(H.Y);
              v.den[j]!.set(H.Z);
            },
            (i) => mulX(hashTo(msgs[i]!, H), k),
          ),
        multiplyMany: (flat: Uint8Array, n: number) => manyLifted(k, flat, n),
        unblindMany: (flat: Uint8Array, n: number) => manyLifted(inv, flat, n),
      };
      return Object.freeze(ops);
    },
  });
}
