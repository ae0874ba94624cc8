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
 * Scalar multiplication uses node:crypto ECDH on OpenSSL's `SM2` curve when present (about 3x
 * faster than pure TS here, OpenSSL has no tuned SM2 code), else noble weierstrass.
 * @module
 */
import { createHasher, mapToCurveSimpleSWU } from '@noble/curves/abstract/hash-to-curve.js';
import { Sm2Point } from '../../sm2/curve.js';
import { sm3 } from '../../sm3.js';
import type { PsiGroup } from './types.js';
import { xOnlyGroup } from './xonly.js';

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
 * The SM2 PSI group; `native: false` forces the pure-TS path.
 * @example
 * const g = sm2Group()
 */
export function sm2Group(native = true): PsiGroup {
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
