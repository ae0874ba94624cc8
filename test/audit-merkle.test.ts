// RFC 9162 Merkle tree: CT reference vectors (SHA-256), and a naive recursive reference (hashes
// from node:crypto, the RFC's recursive definitions written out) for SM3 at every size 1..300.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createMerkleTree,
  merkleRoot,
  restoreMerkleTree,
  treeHasher,
  type TreeHashName,
} from '../src/audit/merkle.js';
import { rootFromInclusion, verifyConsistency, verifyInclusion } from '../src/audit/client.js';
import {
  decodeAuditProof,
  encodeAuditProof,
  auditProofFromJSON,
  auditProofToJSON,
} from '../src/audit/proof-encoding.js';
import { hex, toHex } from './helpers/vectors.js';

type Inc = { leaf: number; size: number; proof: string[] };
type Cons = { size1: number; size2: number; proof: string[] };
const V: {
  emptyTreeHash: string;
  leaves: string[];
  roots: string[];
  inclusion: Inc[];
  consistency: Cons[];
} = JSON.parse(readFileSync(path.join(__dirname, 'vectors', 'merkle-sha256.json'), 'utf8'));

// ---- naive reference (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 verbatim, node:crypto hashes) ----
const H = (alg: TreeHashName, ...parts: Uint8Array[]) => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const k_ = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
// MTH(D[lo:hi]) memoized per data array (the definition itself, evaluated once per range).
const memo = new WeakMap<Uint8Array[], Map<string, Uint8Array>>();
function MTH(alg: TreeHashName, D: Uint8Array[], lo = 0, hi = D.length): Uint8Array {
  let m = memo.get(D);
  if (!m) memo.set(D, (m = new Map()));
  const key = `${alg}:${lo}:${hi}`;
  const hit = m.get(key);
  if (hit) return hit;
  let r: Uint8Array;
  if (hi - lo === 0) r = H(alg);
  else if (hi - lo === 1) r = H(alg, Uint8Array.of(0), D[lo]!);
  else {
    const k = k_(hi - lo);
    r = H(alg, Uint8Array.of(1), MTH(alg, D, lo, lo + k), MTH(alg, D, lo + k, hi));
  }
  m.set(key, r);
  return r;
}
function PATH(alg: TreeHashName, m: number, D: Uint8Array[], lo = 0, hi = D.length): Uint8Array[] {
  if (hi - lo === 1) return [];
  const k = k_(hi - lo);
  return m < k
    ? [...PATH(alg, m, D, lo, lo + k), MTH(alg, D, lo + k, hi)]
    : [...PATH(alg, m - k, D, lo + k, hi), MTH(alg, D, lo, lo + k)];
}
function SUBPROOF(
  alg: TreeHashName,
  m: number,
  D: Uint8Array[],
  b: boolean,
  lo = 0,
  hi = D.length,
): Uint8Array[] {
  if (m === hi - lo) return b ? [] : [MTH(alg, D, lo, hi)];
  const k = k_(hi - lo);
  return m <= k
    ? [...SUBPROOF(alg, m, D, b, lo, lo + k), MTH(alg, D, lo + k, hi)]
    : [...SUBPROOF(alg, m - k, D, false, lo + k, hi), MTH(alg, D, lo, lo + k)];
}
const hexes = (a: Uint8Array[]) => a.map(toHex);
const data = (i: number) => new TextEncoder().encode(`entry #${i}`);

describe('RFC 6962/9162 SHA-256 vectors (transparency-dev/merkle, CT reference)', () => {
  const leaves: Uint8Array[] = V.leaves.map(hex);
  const t = createMerkleTree({ hash: 'sha256' });
  for (const l of leaves) t.appendData(l);

  it('empty tree hash', () => {
    expect(toHex(createMerkleTree({ hash: 'sha256' }).root())).toBe(V.emptyTreeHash);
    expect(toHex(merkleRoot([], 'sha256'))).toBe(V.emptyTreeHash);
  });
  it.each(V.roots.map((r, i) => [i + 1, r] as [number, string]))('root of size %i', (n, r) => {
    expect(toHex(t.root(n))).toBe(r);
    const h = treeHasher('sha256');
    expect(
      toHex(
        merkleRoot(
          leaves.slice(0, n as number).map((l) => h.leaf(l)),
          'sha256',
        ),
      ),
    ).toBe(r);
  });
  it.each(V.inclusion.map((c) => [c.leaf, c.size, c] as [number, number, Inc]))(
    'inclusion proof leaf %i size %i',
    (_l, _s, c) => {
      const p = t.inclusionProof(c.leaf - 1, c.size);
      expect(hexes(p.path)).toEqual(c.proof);
      const lh = treeHasher('sha256').leaf(leaves[c.leaf - 1]!);
      const root = hex(V.roots[c.size - 1]);
      expect(
        verifyInclusion(
          { index: c.leaf - 1, size: c.size, path: c.proof.map(hex) },
          lh,
          root,
          'sha256',
        ),
      ).toBe(true);
      // wrong index / size / leaf / root / truncated / extended proofs fail
      expect(verifyInclusion({ ...p, index: p.index ^ 1 }, lh, root, 'sha256')).toBe(false);
      expect(verifyInclusion({ ...p, size: p.size * 2 }, lh, root, 'sha256')).toBe(false);
      expect(verifyInclusion(p, treeHasher('sha256').leaf(Uint8Array.of(9)), root, 'sha256')).toBe(
        false,
      );
      expect(verifyInclusion(p, lh, hex(V.emptyTreeHash), 'sha256')).toBe(false);
      expect(verifyInclusion({ ...p, path: p.path.slice(0, -1) }, lh, root, 'sha256')).toBe(false);
      expect(verifyInclusion({ ...p, path: [...p.path, root] }, lh, root, 'sha256')).toBe(false);
    },
  );
  it.each(V.consistency.map((c) => [c.size1, c.size2, c] as [number, number, Cons]))(
    'consistency proof %i → %i',
    (_a, _b, c) => {
      const p = t.consistencyProof(c.size1, c.size2);
      expect(hexes(p.path)).toEqual(c.proof);
      const r1 = hex(V.roots[c.size1 - 1]);
      const r2 = hex(V.roots[c.size2 - 1]);
      expect(
        verifyConsistency(
          { oldSize: c.size1, newSize: c.size2, path: c.proof.map(hex) },
          r1,
          r2,
          'sha256',
        ),
      ).toBe(true);
      if (c.proof.length) {
        expect(verifyConsistency(p, r2, r1, 'sha256')).toBe(false);
        expect(verifyConsistency({ ...p, path: [] }, r1, r2, 'sha256')).toBe(false);
        expect(verifyConsistency({ ...p, oldSize: c.size1 + 1 }, r1, r2, 'sha256')).toBe(false);
        expect(verifyConsistency({ ...p, path: [...p.path, r1] }, r1, r2, 'sha256')).toBe(false);
      }
    },
  );
  it('special cases of the reference suite', () => {
    const r1 = hex(V.roots[0]);
    const some = hex('abacaba000000000000000000000000000000000000000000060061e00123456');
    expect(verifyConsistency({ oldSize: 0, newSize: 0, path: [] }, r1, r1, 'sha256')).toBe(true);
    expect(verifyConsistency({ oldSize: 0, newSize: 1, path: [] }, r1, some, 'sha256')).toBe(true);
    expect(verifyConsistency({ oldSize: 1, newSize: 1, path: [] }, r1, some, 'sha256')).toBe(false);
    expect(verifyConsistency({ oldSize: 2, newSize: 1, path: [] }, r1, some, 'sha256')).toBe(false);
    expect(verifyConsistency({ oldSize: 1, newSize: 1, path: [r1] }, r1, r1, 'sha256')).toBe(false);
    expect(verifyInclusion({ index: 0, size: 0, path: [] }, some, some, 'sha256')).toBe(false);
    expect(verifyInclusion({ index: 2, size: 1, path: [] }, some, some, 'sha256')).toBe(false);
    expect(verifyInclusion({ index: 0, size: 1, path: [] }, some, some, 'sha256')).toBe(true);
  });
});

describe.each(['sm3', 'sha256'] as const)(
  '%s tree against the naive recursive reference',
  (alg) => {
    const N = 300;
    const D = Array.from({ length: N }, (_, i) => data(i));
    const t = createMerkleTree({ hash: alg });
    for (const d of D) t.appendData(d);

    it('roots for every size 0..300', () => {
      for (let n = 0; n <= N; n++) expect(toHex(t.root(n))).toBe(toHex(MTH(alg, D, 0, n)));
    });
    it('at every size 1..300: every inclusion proof, and consistency proofs from the edges, the middle and a spread point, equal the reference', () => {
      for (let n = 1; n <= N; n++) {
        const root = MTH(alg, D, 0, n);
        // a spread-out point, different for each size ((n · 7919) % n, used before, is always 0)
        const spread = 1 + (104729 % n);
        for (let m = 0; m < n; m++) {
          const p = t.inclusionProof(m, n);
          expect(hexes(p.path)).toEqual(hexes(PATH(alg, m, D, 0, n)));
          if (m % 16 === 0 || m === n - 1)
            expect(verifyInclusion(p, H(alg, Uint8Array.of(0), D[m]!), root, alg)).toBe(true);
        }
        for (const m of new Set([1, n - 1, Math.max(1, n >> 1), spread])) {
          if (m < 1 || m > n) continue;
          const p = t.consistencyProof(m, n);
          expect(hexes(p.path)).toEqual(m === n ? [] : hexes(SUBPROOF(alg, m, D, true, 0, n)));
          expect(verifyConsistency(p, MTH(alg, D, 0, m), root, alg)).toBe(true);
        }
      }
    });
    it('every consistency proof for all 0 < m < n ≤ 64 equals the reference and verifies', () => {
      for (let n = 1; n <= 64; n++) {
        const rn = t.root(n);
        for (let m = 1; m <= n; m++) {
          const p = t.consistencyProof(m, n);
          expect(hexes(p.path)).toEqual(m === n ? [] : hexes(SUBPROOF(alg, m, D, true, 0, n)));
          expect(verifyConsistency(p, t.root(m), rn, alg)).toBe(true);
        }
      }
    });
    it('interior nodes computed on first use: appends in random chunks (one by one or all at once) interleaved with roots and proofs equal the reference', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.boolean()), { maxLength: 12 }),
          (chunks) => {
            const u = createMerkleTree({ hash: alg });
            for (const [len, bulk] of chunks) {
              const from = u.size;
              const to = Math.min(N, from + len);
              if (bulk) {
                const all = new Uint8Array((to - from) * 32);
                for (let i = from; i < to; i++)
                  all.set(H(alg, Uint8Array.of(0), D[i]!), (i - from) * 32);
                u.appendLeafHashes(all);
              } else for (let i = from; i < to; i++) u.appendData(D[i]!);
              const n = u.size;
              if (n === 0) continue;
              expect(toHex(u.root())).toBe(toHex(MTH(alg, D, 0, n)));
              const m = (len * 7) % n;
              expect(hexes(u.inclusionProof(m).path)).toEqual(hexes(PATH(alg, m, D, 0, n)));
            }
          },
        ),
        { numRuns: 60 },
      );
    });
    it('random pairs of sizes up to 300', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: N }), fc.integer({ min: 1, max: N }), (a, b) => {
          const [m, n] = a <= b ? [a, b] : [b, a];
          const p = t.consistencyProof(m, n);
          expect(hexes(p.path)).toEqual(m === n ? [] : hexes(SUBPROOF(alg, m, D, true, 0, n)));
          expect(verifyConsistency(p, MTH(alg, D, 0, m), MTH(alg, D, 0, n), alg)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  },
);

describe('proof properties (fast-check, SM3)', () => {
  const N = 200;
  const t = createMerkleTree();
  for (let i = 0; i < N; i++) t.appendData(data(i));
  const h = treeHasher();

  it('an inclusion proof verifies only for its own leaf, index and size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: N }), fc.nat(), fc.nat(), fc.nat(), (n, a, b, c) => {
        const m = a % n;
        const p = t.inclusionProof(m, n);
        const root = t.root(n);
        expect(verifyInclusion(p, t.leafHash(m), root)).toBe(true);
        const other = b % n;
        if (other !== m) {
          expect(verifyInclusion(p, t.leafHash(other), root)).toBe(false);
          expect(verifyInclusion({ ...p, index: other }, t.leafHash(m), root)).toBe(false);
        }
        const n2 = 1 + (c % N);
        // (the size itself is bound by the signed checkpoint: a proof checked against the root of
        // another size fails)
        if (n2 !== n) expect(verifyInclusion(p, t.leafHash(m), t.root(n2))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
  it('flipping any bit of a proof element rejects', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: N }), fc.nat(), fc.nat(), fc.nat(), (n, a, e, bit) => {
        const p = t.inclusionProof(a % n, n);
        const path = p.path.map((x) => x.slice());
        path[e % path.length]![(bit >> 3) % 32]! ^= 1 << (bit & 7);
        expect(verifyInclusion({ ...p, path }, t.leafHash(a % n), t.root(n))).toBe(false);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: N - 1 }),
        fc.integer({ min: 2, max: N }),
        fc.nat(),
        fc.nat(),
        (m, n, e, bit) => {
          fc.pre(m < n);
          const p = t.consistencyProof(m, n);
          const path = p.path.map((x) => x.slice());
          path[e % path.length]![(bit >> 3) % 32]! ^= 1 << (bit & 7);
          expect(verifyConsistency({ ...p, path }, t.root(m), t.root(n))).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('a fork (a different tree sharing no prefix) has no valid consistency proof', () => {
    const fork = createMerkleTree();
    for (let i = 0; i < N; i++) fork.appendData(i === 17 ? data(-1) : data(i));
    for (const [m, n] of [
      [18, 40],
      [20, 200],
      [64, 65],
      [100, 199],
    ] as const) {
      expect(verifyConsistency(fork.consistencyProof(m, n), t.root(m), fork.root(n))).toBe(false);
      expect(verifyConsistency(t.consistencyProof(m, n), t.root(m), fork.root(n))).toBe(false);
      expect(verifyConsistency(fork.consistencyProof(m, n), fork.root(m), fork.root(n))).toBe(true);
    }
    // before the forked entry the trees agree
    expect(verifyConsistency(fork.consistencyProof(17, 100), t.root(17), fork.root(100))).toBe(
      true,
    );
  });
  it('exportNodes → restoreMerkleTree gives the same tree at every size, and keeps growing correctly', () => {
    for (let n = 0; n <= 70; n++) {
      const leaves = new Uint8Array(32 * n);
      for (let i = 0; i < n; i++) leaves.set(t.leafHash(i), 32 * i);
      const part = createMerkleTree();
      part.appendLeafHashes(leaves);
      const r = restoreMerkleTree('sm3', leaves, part.exportNodes());
      for (let i = n; i < 80; i++) r.appendLeafHash(t.leafHash(i));
      expect(toHex(r.root())).toBe(toHex(t.root(80)));
      expect(hexes(r.inclusionProof(n % 80, 80).path)).toEqual(
        hexes(t.inclusionProof(n % 80, 80).path),
      );
    }
    expect(() => restoreMerkleTree('sm3', new Uint8Array(64), new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'INVALID_LENGTH' }),
    );
  });
  it('malformed proofs are rejected with false, never a throw', () => {
    const lh = t.leafHash(0);
    const r = t.root(10);
    const bad: unknown[] = [
      null,
      1,
      {},
      { index: -1, size: 10, path: [] },
      { index: 0.5, size: 10, path: [] },
      { index: 0, size: 10, path: 'x' },
      { index: 0, size: 10, path: [new Uint8Array(31)] },
      { index: 0, size: 10, path: Array(65).fill(new Uint8Array(32)) },
    ];
    for (const p of bad) {
      expect(verifyInclusion(p as never, lh, r)).toBe(false);
      expect(rootFromInclusion(p as never, lh)).toBe(null);
      expect(verifyConsistency(p as never, lh, r)).toBe(false);
    }
    expect(verifyInclusion(t.inclusionProof(0, 10), new Uint8Array(3), r)).toBe(false);
    expect(h.name).toBe('sm3');
  });
  it("rejects the caller's own bad arguments with BukejianError", () => {
    expect(() => t.inclusionProof(5, 5)).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => t.inclusionProof(0, N + 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => t.consistencyProof(5, 4)).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => t.appendLeafHash(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'INVALID_LENGTH' }),
    );
    expect(() => treeHasher('md5' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('proof wire and JSON forms', () => {
  const t = createMerkleTree();
  for (let i = 0; i < 100; i++) t.appendData(data(i));
  it('round trip (binary and JSON) for every kind, and the decoded proofs verify', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.nat(), (n, a) => {
        const inc = {
          type: 'inclusion' as const,
          hash: 'sm3' as const,
          proof: t.inclusionProof(a % n, n),
        };
        const d = decodeAuditProof(encodeAuditProof(inc));
        expect(d).toEqual(inc);
        expect(auditProofFromJSON(JSON.stringify(auditProofToJSON(inc)))).toEqual(inc);
        if (d.type === 'inclusion')
          expect(verifyInclusion(d.proof, t.leafHash(a % n), t.root(n))).toBe(true);
        const m = 1 + (a % n);
        const cons = {
          type: 'consistency' as const,
          hash: 'sha256' as const,
          proof: t.consistencyProof(m, n),
        };
        expect(decodeAuditProof(encodeAuditProof(cons))).toEqual(cons);
        expect(auditProofFromJSON(auditProofToJSON(cons))).toEqual(cons);
      }),
      { numRuns: 100 },
    );
  });
  it('rejects wrong magic, version, type, ranges, lengths, trailing bytes and unknown JSON keys', () => {
    const good = encodeAuditProof({
      type: 'inclusion',
      hash: 'sm3',
      proof: t.inclusionProof(5, 50),
    });
    const mut = (i: number, v: number) => {
      const b = good.slice();
      b[i] = v;
      return b;
    };
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(code(() => decodeAuditProof(mut(0, 0x41)))).toBe('INVALID_ENCODING');
    expect(code(() => decodeAuditProof(mut(4, 2)))).toBe('VERSION');
    expect(code(() => decodeAuditProof(mut(5, 3)))).toBe('INVALID_ENCODING');
    expect(code(() => decodeAuditProof(mut(6, 2)))).toBe('INVALID_ENCODING');
    expect(code(() => decodeAuditProof(mut(14, 200)))).toBe('INVALID_ENCODING'); // index ≥ size
    expect(code(() => decodeAuditProof(mut(7, 0xff)))).toBe('INVALID_ENCODING'); // beyond 2^53
    expect(code(() => decodeAuditProof(mut(23, 65)))).toBe('INVALID_ENCODING');
    expect(code(() => decodeAuditProof(new Uint8Array([...good, 0])))).toBe('INVALID_ENCODING');
    expect(code(() => decodeAuditProof(good.subarray(0, good.length - 1)))).toBe(
      'INVALID_ENCODING',
    );
    const j = auditProofToJSON({ type: 'inclusion', hash: 'sm3', proof: t.inclusionProof(5, 50) });
    expect(code(() => auditProofFromJSON({ ...j, extra: 1 }))).toBe('INVALID_ENCODING');
    expect(code(() => auditProofFromJSON({ ...j, v: 2 }))).toBe('VERSION');
    expect(code(() => auditProofFromJSON({ ...j, index: 50 }))).toBe('INVALID_ENCODING');
    expect(code(() => auditProofFromJSON({ ...j, index: '5' }))).toBe('INVALID_ENCODING');
    expect(code(() => auditProofFromJSON({ ...j, path: ['zz'] }))).toBe('INVALID_ENCODING');
    expect(code(() => auditProofFromJSON('{'))).toBe('INVALID_ENCODING');
  });
});
