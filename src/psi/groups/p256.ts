/**
 * NIST P-256 as an x-only PSI group (see ./xonly.ts). Hash-to-group is RFC 9380 §8.2
 * `P256_XMD:SHA-256_SSWU_RO_` (noble's `p256_hasher`) with a bukejian DST; scalar multiplication
 * runs in node:crypto ECDH (`prime256v1`) when available, else in pure TS with identical output.
 * @module
 */
import { p256, p256_hasher } from '@noble/curves/nist.js';
import type { PsiGroup } from './types.js';
import { xOnlyGroup } from './xonly.js';

/**
 * Domain separation tag of bukejian's ECDH-PSI over P-256.
 * @example
 * p256_hasher.hashToCurve(msg, { DST: P256_DST })
 */
export const P256_DST = 'bukejian-psi-v1-P256_XMD:SHA-256_SSWU_RO_';

/**
 * The P-256 PSI group; `native: false` forces the pure-TS path.
 * @example
 * const g = p256Group(true) // node:crypto ECDH where it exists
 */
export function p256Group(native = true): PsiGroup {
  return xOnlyGroup(
    {
      name: 'p256',
      id: 2,
      suite: 'P256_XMD:SHA-256_SSWU_RO_',
      Point: p256.Point,
      hashToX: (msg) => p256_hasher.hashToCurve(msg, { DST: P256_DST }).toAffine().x,
      opensslCurve: 'prime256v1',
    },
    native,
  );
}
