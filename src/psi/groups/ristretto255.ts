/**
 * ristretto255 (RFC 9496) as a PSI group, pure TypeScript via `@noble/curves`. Hash-to-group is
 * `hash_to_ristretto255` with expand_message_xmd(SHA-512) (RFC 9380 §5.3.1, RFC 9496 §4.3.4),
 * the same map RFC 9497 uses; elements are the canonical 32-byte encodings (RFC 9496 §4.3.2),
 * and decoding rejects non-canonical encodings and the identity.
 * @module
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { BukejianError } from '../../errors.js';
import type { KeyOps, PsiGroup } from './types.js';
import { randomScalar } from '../../_random.js';
import { invertMod, leToNumber, numberToLe } from './scalar.js';

const Point = ristretto255.Point;
const ORDER = Point.Fn.ORDER;
/**
 * Domain separation tag of bukejian's ECDH-PSI over ristretto255.
 * @example
 * ristretto255_hasher.hashToCurve(msg, { DST: RISTRETTO255_DST })
 */
export const RISTRETTO255_DST = 'bukejian-psi-v1-ristretto255_XMD:SHA-512_R255MAP_RO_';

type RPoint = InstanceType<typeof Point>;

function decode(e: Uint8Array): RPoint {
  let p: RPoint;
  try {
    p = Point.fromBytes(e);
  } catch {
    throw new BukejianError('INVALID_POINT', 'ristretto255 element is not a canonical encoding');
  }
  if (p.equals(Point.ZERO))
    throw new BukejianError('INVALID_POINT', 'ristretto255 element is the identity');
  return p;
}

function keyScalar(key: Uint8Array): bigint {
  const k = leToNumber(key);
  if (key.length !== 32 || k === 0n || k >= ORDER)
    throw new BukejianError('INVALID_KEY', 'ristretto255 PSI key out of range');
  return k;
}

/**
 * The ristretto255 PSI group (pure TS, the default group).
 * @example
 * const g = ristretto255Group
 * const k = g.withKey(g.randomKey())
 * const e = k.hashMultiply(utf8ToBytes('110101199003071234'))
 */
export const ristretto255Group: PsiGroup = /* @__PURE__ */ Object.freeze({
  name: 'ristretto255' as const,
  id: 1,
  elementLength: 32,
  suite: 'ristretto255_XMD:SHA-512_R255MAP_RO_',
  native: false,
  randomKey: (): Uint8Array => numberToLe(randomScalar(ORDER - 1n), 32),
  hashToGroup: (msg: Uint8Array): Uint8Array =>
    ristretto255_hasher.hashToCurve(msg, { DST: RISTRETTO255_DST }).toBytes(),
  isElement(e: Uint8Array): boolean {
    if (e.length !== 32) return false;
    try {
      decode(e);
      return true;
    } catch {
      return false;
    }
  },
  withKey(key: Uint8Array): KeyOps {
    const k = keyScalar(key);
    const inv = invertMod(k, ORDER);
    return Object.freeze({
      hashMultiply: (msg: Uint8Array) =>
        (ristretto255_hasher.hashToCurve(msg, { DST: RISTRETTO255_DST }) as RPoint)
          .multiply(k)
          .toBytes(),
      multiply: (e: Uint8Array) => decode(e).multiply(k).toBytes(),
      unblind: (e: Uint8Array) => decode(e).multiply(inv).toBytes(),
    });
  },
});
