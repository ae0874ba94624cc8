// The batched SM2 multiplication of the PSI group (src/sm2/_mul-many.ts: many points times one
// scalar in affine lockstep with shared inversions) against @noble/curves' generic Weierstrass
// arithmetic, and the group's batch operations against its own item-by-item path (which
// test/sm2-field.test.ts and test/psi-groups.test.ts check against noble and node:crypto).
// Scalars: random, and the edges 1..12 and n − 12..n − 1 (6 and n − 6 are the ones among them
// whose last window meets acc = table point: acc = (k − d0)·P = d0·P); batch sizes around the thresholds (64, MAX_BATCH).
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import * as F from '../src/sm2/_field.js';
import { N } from '../src/sm2/_point.js';
import { MAX_BATCH, mulManyX, normalize, scratch } from '../src/sm2/_mul-many.js';
import { Sm2Point } from '../src/sm2/curve.js';
import { getGroup } from '../src/psi/groups/index.js';
import type { BatchKeyOps } from '../src/psi/groups/types.js';
import { BukejianError } from '../src/errors.js';
import { useSm2Wasm } from '../src/sm2/_wasm.js';

const G = Sm2Point.BASE;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const xOf = (out: Uint8Array, i: number) => BigInt('0x' + hex(out.subarray(32 * i, 32 * i + 32)));

/** mulManyX over affine points vs noble's P.multiply(k).x, item by item. */
function check(k: bigint, pts: (typeof G)[]) {
  const v = scratch(pts.length);
  pts.forEach((P, i) => {
    const a = P.toAffine();
    F.fromBig(a.x, v.ax[i]);
    F.fromBig(a.y, v.ay[i]);
  });
  const out = new Uint8Array(32 * pts.length);
  expect(mulManyX(k, pts.length, out, 0)).toBe(true);
  pts.forEach((P, i) => expect(xOf(out, i)).toBe(P.multiply(k).toAffine().x));
}

describe('mulManyX: affine lockstep vs @noble/curves', () => {
  it('random scalars and points', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: N - 1n }),
        fc.array(fc.bigInt({ min: 1n, max: N - 1n }), { minLength: 1, maxLength: 24 }),
        (k, ss) =>
          check(
            k,
            ss.map((s) => G.multiply(s)),
          ),
      ),
      { numRuns: 12 },
    );
  });

  it('edge scalars 1..12 and n − 12..n − 1 (including last-window exceptional additions)', () => {
    const pts = [G.multiply(N - 1n), G.multiply(123456789n)];
    for (let j = 1n; j <= 12n; j++) {
      check(j, pts);
      check(N - j, pts);
    }
  });

  it('the same point many times, and P next to −P', () => {
    const P = G.multiply(987654321n);
    check(0xdeadbeefn, [P, P, P.negate(), P, G, G.negate()]);
  });

  it('normalize: Jacobian (X, Y, Z) → affine with one inversion; Z = 0 is reported', () => {
    const pts = [5n, 7n, 11n].map((s) => G.multiply(s).toAffine());
    const v = scratch(3);
    pts.forEach((a, i) => {
      const z = BigInt(i + 2);
      F.fromBig(a.x * z * z, v.sx[i]);
      F.fromBig(a.y * z * z * z, v.sy[i]);
      F.fromBig(z, v.den[i]);
    });
    expect(normalize(3)).toBe(true);
    pts.forEach((a, i) => expect([F.toBig(v.ax[i]!), F.toBig(v.ay[i]!)]).toEqual([a.x, a.y]));
    F.fromBig(0n, v.den[1]);
    expect(normalize(3)).toBe(false);
  });
});

// the batch operations run on the WebAssembly kernel (src/sm2/_wasm.ts) when it loads, as here,
// and on ./_mul-many.ts otherwise ('js' rows: the kernel turned off); item by item is JavaScript
describe('sm2 PSI group: batch operations = item by item', () => {
  const g = getGroup('sm2');
  const enc = new TextEncoder();
  const be32 = (k: bigint) => Uint8Array.from(Buffer.from(k.toString(16).padStart(64, '0'), 'hex'));
  for (const [count, path, key] of [
    [1, 'wasm'],
    [63, 'wasm'],
    [MAX_BATCH + 3, 'wasm'],
    [20, 'wasm', 6n], // k = 6 and n − 6: the kernel's last addition meets acc = ±table point,
    [20, 'wasm', N - 6n], // reports it, and the batch is recomputed on the JavaScript path
    [64, 'js'],
    [70, 'js', N - 6n],
  ] as const) {
    it(`${count} items (${path}${key ? `, k = ${key < 99n ? key : 'n − 6'}` : ''}): hashMultiplyMany, multiplyMany, unblindMany`, () => {
      useSm2Wasm(path === 'wasm');
      const ops = g.withKey(key ? be32(key) : g.randomKey()) as BatchKeyOps;
      // an empty message and a 300-byte one among the IDs (the kernel path expands messages itself)
      const msgs = Array.from({ length: count }, (_, i) =>
        enc.encode(i === 2 ? '' : i === 3 ? '人'.repeat(100) : `11010119900307${i}`),
      );
      const many = ops.hashMultiplyMany!(msgs);
      // item by item on a sample (all of them for the small counts)
      const idx = count > 70 ? [0, 1, 15, 16, MAX_BATCH - 1, MAX_BATCH, count - 1] : msgs.keys();
      for (const i of idx)
        expect(hex(many.subarray(32 * i, 32 * i + 32))).toBe(hex(ops.hashMultiply(msgs[i]!)));
      const mul = ops.multiplyMany!(many, count);
      for (const i of count > 70 ? [0, 17, MAX_BATCH + 1] : msgs.keys())
        expect(hex(mul.subarray(32 * i, 32 * i + 32))).toBe(
          hex(ops.multiply(many.subarray(32 * i, 32 * i + 32))),
        );
      expect(hex(ops.unblindMany!(mul, count))).toBe(hex(many));
      useSm2Wasm(true);
    });
  }

  it.each(['wasm', 'js'])(
    'an invalid element anywhere in a batch throws INVALID_POINT (%s)',
    (path) => {
      useSm2Wasm(path === 'wasm');
      const ops = g.withKey(g.randomKey()) as BatchKeyOps;
      const msgs = Array.from({ length: 70 }, (_, i) => enc.encode(`x${i}`));
      const flat = ops.hashMultiplyMany!(msgs);
      // an x with no point on the curve (x³ − 3x + b a non-square), and x ≥ p
      let bad = 1n;
      while (Sm2Point.Fp.sqrt !== undefined) {
        const r = Sm2Point.Fp.create(bad ** 3n - 3n * bad + Sm2Point.CURVE().b);
        if (Sm2Point.Fp.pow(r, (Sm2Point.Fp.ORDER - 1n) / 2n) !== 1n) break;
        bad++;
      }
      const notOnCurve = Buffer.from(bad.toString(16).padStart(64, '0'), 'hex');
      for (const e of [notOnCurve, new Uint8Array(32).fill(0xff)]) {
        const f = flat.slice();
        f.set(e, 32 * 13);
        expect(() => ops.multiplyMany!(f, 70)).toThrow(BukejianError);
        try {
          ops.multiplyMany!(f, 70);
        } catch (err) {
          expect((err as BukejianError).code).toBe('INVALID_POINT');
        }
      }
      useSm2Wasm(true);
    },
  );

  it('without WebAssembly (e.g. a CSP without wasm-unsafe-eval) the group loads and gives the same bytes', async () => {
    const ops = g.withKey(g.randomKey()) as BatchKeyOps;
    const msgs = Array.from({ length: 40 }, (_, i) => enc.encode(`csp${i}`));
    const want = ops.hashMultiplyMany!(msgs);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const fresh = await import('../src/psi/groups/sm2.js');
      const w = await import('../src/sm2/_wasm.js');
      expect(w.sm2Wasm()).toBe(null);
      // k1·k2·H(m) both ways: one party on the kernel (this module), the other on JavaScript
      const other = fresh.sm2Group().withKey(fresh.sm2Group().randomKey()) as BatchKeyOps;
      expect(hex(ops.multiplyMany!(other.hashMultiplyMany!(msgs), msgs.length))).toBe(
        hex(other.multiplyMany!(want, msgs.length)),
      );
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
