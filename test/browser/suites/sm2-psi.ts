// The SM2 PSI group's batch operations in the browser: the WebAssembly kernel (src/sm2/_wasm.ts)
// must load under the page's policy, and its results, and those of the JavaScript path with the
// kernel turned off, must equal the k·H(m) that the independent reference group (noble's bigint
// Weierstrass arithmetic and hash-to-curve) computed on the Node side of the test (fixtures).
import { describe, expect, it } from 'vitest';
import { sm2Group } from '../../../src/psi/groups/sm2.js';
import type { BatchKeyOps } from '../../../src/psi/groups/types.js';
import { sm2Wasm, useSm2Wasm } from '../../../src/sm2/_wasm.js';
import { hex, toHex } from '../runner/vectors.js';
import { fixtures } from '../runner/fixtures.js';

export interface Sm2PsiFixtures {
  /** the two keys, 32 bytes hex */
  readonly keys: [string, string];
  /** the messages, UTF-8 */
  readonly msgs: string[];
  /** k1·H(m) for each message, by the reference group */
  readonly blinded: string[];
  /** k2·k1·H(m), by the reference group */
  readonly both: string[];
}

const f = fixtures<Sm2PsiFixtures>();
const enc = new TextEncoder();
const msgs = f.msgs.map((m) => enc.encode(m));
const split = (flat: Uint8Array) =>
  Array.from({ length: flat.length / 32 }, (_, i) => toHex(flat.subarray(32 * i, 32 * i + 32)));

describe('sm2 PSI batch operations in the browser', () => {
  it('the WebAssembly kernel loads', () => {
    expect(sm2Wasm()).not.toBe(null);
  });
  it.each(['wasm', 'js'])('%s path: hashMultiplyMany, multiplyMany, unblindMany', (path) => {
    useSm2Wasm(path === 'wasm');
    try {
      const g = sm2Group();
      const a = g.withKey(hex(f.keys[0])) as BatchKeyOps;
      const b = g.withKey(hex(f.keys[1])) as BatchKeyOps;
      const blinded = a.hashMultiplyMany!(msgs);
      expect(split(blinded)).toEqual(f.blinded);
      const both = b.multiplyMany!(blinded, msgs.length);
      expect(split(both)).toEqual(f.both);
      expect(split(b.unblindMany!(both, msgs.length))).toEqual(f.blinded);
    } finally {
      useSm2Wasm(true);
    }
  });
});
