/**
 * The PSI group registry: name ↔ wire id ↔ implementation, with the backend choice
 * (`'auto'` = node:crypto scalar multiplication where it exists, `'js'` = pure TypeScript).
 * @module
 */
import { BukejianError } from '../../errors.js';
import { aoneOf } from '../../_assert.js';
import type { GroupName, PsiGroup } from './types.js';
import { ristretto255Group } from './ristretto255.js';
import { p256Group } from './p256.js';
import { x25519Group } from './x25519.js';
import { sm2Group } from './sm2.js';

export type { GroupName, KeyOps, PsiGroup } from './types.js';

/**
 * All group names, in wire-id order.
 * @example
 * GROUP_NAMES.includes('sm2') // true
 */
export const GROUP_NAMES: readonly GroupName[] = /* @__PURE__ */ Object.freeze([
  'ristretto255',
  'p256',
  'x25519',
  'sm2',
] as GroupName[]);

const cache = new Map<string, PsiGroup>();

/**
 * The group used when none is named: x25519, the fastest (OpenSSL X25519 through node:crypto on
 * Node, about 14× ristretto255's pure TypeScript). Where node:crypto is absent (a browser) x25519
 * runs on its pure-TS fallback, so both parties of a run still agree on the default. Its
 * hash-to-group is RFC 9380's non-uniform (NU) suite: where a proof in the random-oracle model is
 * required, name `'ristretto255'` or `'p256'`.
 */
export const DEFAULT_GROUP: GroupName = 'x25519';

/**
 * The group `name` with the given backend.
 * @example
 * getGroup('x25519').native // true on Node (OpenSSL X25519)
 * getGroup('p256', 'js')    // pure TypeScript
 */
export function getGroup(name: unknown, backend: 'auto' | 'js' = 'auto'): PsiGroup {
  const n = aoneOf(name, 'group', GROUP_NAMES);
  const key = `${n}/${backend}`;
  let g = cache.get(key);
  if (!g) {
    const native = backend === 'auto';
    g =
      n === 'ristretto255'
        ? ristretto255Group
        : n === 'p256'
          ? p256Group(native)
          : n === 'x25519'
            ? x25519Group(native)
            : sm2Group(native);
    cache.set(key, g);
  }
  return g;
}

/**
 * The group with wire id `id` (for decoders).
 * @example
 * groupNameById(3) // 'x25519'
 */
export function groupNameById(id: number): GroupName {
  const n = GROUP_NAMES[id - 1];
  if (!n) throw new BukejianError('INVALID_ENCODING', `unknown PSI group id ${id}`);
  return n;
}
