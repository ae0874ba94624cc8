/**
 * The Merkle tree of a transparency log (RFC 9162 §2.1): tree hash MTH with domain-separated
 * leaves (`HASH(0x00 ‖ d)`) and nodes (`HASH(0x01 ‖ left ‖ right)`), inclusion proofs
 * (§2.1.3) and consistency proofs (§2.1.4), and their standalone verifiers (§2.1.3.2, §2.1.4.2)
 * that a third party runs with nothing but the proof, the leaf and a checkpoint.
 *
 * The hash is SM3 (GB/T 32905) by default; `'sha256'` gives byte-for-byte RFC 6962/9162 trees
 * for interoperability with Certificate Transparency tooling.
 *
 * {@link createMerkleTree} keeps every complete subtree hash (about 2 × 32 bytes per leaf, computed
 * when a root, proof or export first needs them, not at append), so a
 * proof at any tree size needs O(log n) lookups plus at most O(log n) hashes on the right edge.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { BukejianError } from '../errors.js';
import { sm3 } from '../sm3.js';
import { abytes, anumber, aoneOf } from '../_assert.js';

/** Hash functions a tree can use. */
export type TreeHashName = 'sm3' | 'sha256';

/** The two RFC 9162 hash constructions for one hash function. */
export interface TreeHasher {
  readonly name: TreeHashName;
  /** Digest length in bytes (32 for both). */
  readonly size: number;
  /** `HASH(0x00 ‖ data)`: the hash of a leaf entry. */
  leaf(data: Uint8Array): Uint8Array;
  /** `HASH(0x01 ‖ left ‖ right)`: an interior node. */
  node(left: Uint8Array, right: Uint8Array): Uint8Array;
  /** `HASH()`: the root of the empty tree. */
  empty(): Uint8Array;
}

/** An inclusion proof (RFC 9162 §2.1.3): the audit path of leaf `index` in the tree of `size` leaves. */
export interface InclusionProof {
  index: number;
  size: number;
  path: Uint8Array[];
}

/** A consistency proof (RFC 9162 §2.1.4) that the tree of `oldSize` is a prefix of the tree of `newSize`. */
export interface ConsistencyProof {
  oldSize: number;
  newSize: number;
  path: Uint8Array[];
}

// SM3 inputs here are at most 65 bytes (nodes) or one entry (leaves), below the native threshold,
// so the default options already select the pure-TypeScript SM3.
const HASHES = { sm3: (m: Uint8Array) => sm3(m), sha256 } as const;
const hashers = new Map<TreeHashName, TreeHasher>();
// Node hashing without argument checks, for the tree's own 32-byte buffers.
const fastNode = new Map<TreeHashName, (l: Uint8Array, r: Uint8Array) => Uint8Array>();

/**
 * The tree hasher for `name` (default `'sm3'`).
 * @example
 * const h = treeHasher('sha256'); h.leaf(new Uint8Array(0)) // 6e340b9c…
 */
export function treeHasher(name: TreeHashName = 'sm3'): TreeHasher {
  aoneOf(name, 'hash', ['sm3', 'sha256'] as const);
  let h = hashers.get(name);
  if (h) return h;
  const H = HASHES[name];
  const scratch = new Uint8Array(65);
  scratch[0] = 1;
  const nodeUnchecked = (left: Uint8Array, right: Uint8Array): Uint8Array => {
    for (let i = 0; i < 32; i++) {
      scratch[1 + i] = left[i]!;
      scratch[33 + i] = right[i]!;
    }
    return H(scratch);
  };
  fastNode.set(name, nodeUnchecked);
  h = Object.freeze({
    name,
    size: 32,
    leaf(data: Uint8Array): Uint8Array {
      abytes(data, 'data');
      const m = new Uint8Array(data.length + 1);
      m.set(data, 1);
      return H(m);
    },
    node(left: Uint8Array, right: Uint8Array): Uint8Array {
      abytes(left, 'left', 32);
      abytes(right, 'right', 32);
      return nodeUnchecked(left, right);
    },
    empty: () => H(new Uint8Array(0)),
  });
  hashers.set(name, h);
  return h;
}

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * MTH over a list of leaf hashes (RFC 9162 §2.1.1), computed from scratch.
 * @example
 * const h = treeHasher(); merkleRoot([h.leaf(a), h.leaf(b)]) // h.node(h.leaf(a), h.leaf(b))
 */
export function merkleRoot(
  leafHashes: readonly Uint8Array[],
  hash: TreeHashName = 'sm3',
): Uint8Array {
  const h = treeHasher(hash);
  if (!Array.isArray(leafHashes))
    throw new BukejianError('INVALID_TYPE', '"leafHashes" expected Array, got other');
  if (leafHashes.length === 0) return h.empty();
  // Iterative form of the recursive definition: pair left to right, carry an odd last node up.
  let level = leafHashes.map((x, i) => abytes(x, `leafHashes[${i}]`, 32));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(h.node(level[i]!, level[i + 1]!));
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** A growable array of 32-byte hashes stored contiguously. */
class HashArray {
  buf: Uint8Array;
  length = 0;
  constructor(capacity = 32 * 16) {
    this.buf = new Uint8Array(capacity);
  }
  push(h: Uint8Array): void {
    if ((this.length + 1) * 32 > this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf.set(h, this.length * 32);
    this.length++;
  }
  /** Appends `n` hashes given back to back. */
  pushAll(hs: Uint8Array): void {
    const need = this.length * 32 + hs.length;
    if (need > this.buf.length) {
      const b = new Uint8Array(Math.max(need, this.buf.length * 2));
      b.set(this.buf.subarray(0, this.length * 32));
      this.buf = b;
    }
    this.buf.set(hs, this.length * 32);
    this.length += hs.length / 32;
  }
  get(i: number): Uint8Array {
    return this.buf.subarray(i * 32, i * 32 + 32);
  }
}

/** An append-only Merkle tree over leaf hashes, with proofs for any past size. */
export interface MerkleTree {
  readonly hash: TreeHashName;
  /** Number of leaves. */
  readonly size: number;
  /** Appends one leaf hash (32 bytes, already `HASH(0x00 ‖ entry)`). */
  appendLeafHash(leafHash: Uint8Array): void;
  /**
   * The interior nodes (every complete subtree of 2 or more leaves), level by level, back to back:
   * what the log saves so that it can rebuild the tree from the leaf hashes without rehashing
   * (internal `restoreMerkleTree`).
   */
  exportNodes(): Uint8Array;
  /** Appends many leaf hashes given back to back (`32 × n` bytes). */
  appendLeafHashes(leafHashes: Uint8Array): void;
  /** Appends the leaf hash of `data`; returns it. */
  appendData(data: Uint8Array): Uint8Array;
  /** The leaf hash at `index` (a copy). */
  leafHash(index: number): Uint8Array;
  /** MTH of the first `size` leaves (default: all). */
  root(size?: number): Uint8Array;
  /** Inclusion proof of leaf `index` in the tree of `size` leaves (default: all). */
  inclusionProof(index: number, size?: number): InclusionProof;
  /** Consistency proof between the trees of `oldSize` and `newSize` (default: all) leaves. */
  consistencyProof(oldSize: number, newSize?: number): ConsistencyProof;
}

/**
 * A new, empty Merkle tree.
 * @example
 * const t = createMerkleTree({ hash: 'sm3' });
 * t.appendData(utf8ToBytes('event 1')); t.appendData(utf8ToBytes('event 2'));
 * verifyInclusion(t.inclusionProof(0), t.leafHash(0), t.root()) // true
 */
export function createMerkleTree(opts: { hash?: TreeHashName } = {}): MerkleTree {
  return buildTree(opts.hash ?? 'sm3');
}

/** Number of complete subtrees at each level ≥ 1 for `n` leaves. */
function nodeCounts(n: number): number[] {
  const out: number[] = [];
  for (let c = Math.floor(n / 2); c >= 1; c = Math.floor(c / 2)) out.push(c);
  return out;
}

/**
 * Rebuilds a tree from its leaf hashes and the interior nodes saved by `exportNodes()` (no
 * hashing). The nodes are trusted as given: check the result against a signed root, and run a
 * full recomputation (`createMerkleTree` + `appendLeafHashes`) when the nodes' origin is not trusted.
 * @example const t = restoreMerkleTree('sm3', leafHashes, savedNodes); equalBytes(t.root(), checkpoint.root)
 */
export function restoreMerkleTree(
  hash: TreeHashName,
  leafHashes: Uint8Array,
  nodes: Uint8Array,
): MerkleTree {
  abytes(leafHashes, 'leafHashes');
  abytes(nodes, 'nodes');
  if (leafHashes.length % 32)
    throw new BukejianError(
      'INVALID_LENGTH',
      `"leafHashes" expected a multiple of 32 bytes, got length=${leafHashes.length}`,
    );
  const n = leafHashes.length / 32;
  const counts = nodeCounts(n);
  const want = counts.reduce((a, c) => a + c, 0) * 32;
  if (nodes.length !== want)
    throw new BukejianError(
      'INVALID_LENGTH',
      `"nodes" expected Uint8Array of length ${want}, got length=${nodes.length}`,
    );
  const parts = [leafHashes];
  let p = 0;
  for (const c of counts) {
    parts.push(nodes.subarray(p, p + c * 32));
    p += c * 32;
  }
  return buildTree(hash, parts);
}

function buildTree(hash: TreeHashName, restore?: Uint8Array[]): MerkleTree {
  const h = treeHasher(hash);
  const node = fastNode.get(h.name)!;
  // levels[j][i] = hash of the complete subtree over leaves [i·2^j, (i+1)·2^j).
  const levels: HashArray[] = [new HashArray()];
  if (restore) {
    restore.forEach((part, j) => {
      const a = new HashArray(part.length + 32 * 16);
      a.buf.set(part);
      a.length = part.length / 32;
      levels[j] = a;
    });
  }

  const size = () => levels[0]!.length;
  // Leaves whose complete subtrees above them are computed. Appends only store the leaf hash;
  // the interior nodes are computed when first needed (a root, a proof, an export), so that a
  // writer that only appends, or that catches up with other writers' entries, hashes no node
  // until someone asks (the nodes are the same whenever they are computed).
  let built = size();

  function sync(): void {
    const n = size();
    for (; built < n; built++) {
      let j = 0;
      let idx = built;
      while (idx % 2 === 1) {
        const lv = levels[j]!;
        const parent = node(lv.get(idx - 1), lv.get(idx));
        j++;
        if (!levels[j]) levels.push(new HashArray());
        levels[j]!.push(parent);
        idx = Math.floor(idx / 2);
      }
    }
  }

  function appendLeafHash(leafHash: Uint8Array): void {
    abytes(leafHash, 'leafHash', 32);
    levels[0]!.push(leafHash);
  }

  // MTH(D[lo:hi]) for 0 ≤ lo < hi ≤ size, where lo is a multiple of the largest power of two ≤ hi − lo
  // (true of every range the RFC recursions visit).
  function mth(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    const k = n === 1 ? 1 : splitPoint(n);
    if (k * 2 === n || n === 1) {
      // a complete subtree: stored (lo is a multiple of n here)
      let j = 0;
      for (let s = 1; s < n; s *= 2) j++;
      return levels[j]!.get(lo / n);
    }
    return node(mth(lo, lo + k), mth(lo + k, hi));
  }

  function root(s: number = size()): Uint8Array {
    anumber(s, 'size', 0, size());
    sync();
    return s === 0 ? h.empty() : mth(0, s).slice();
  }

  function path(m: number, lo: number, hi: number, out: Uint8Array[]): void {
    const n = hi - lo;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, lo, lo + k, out);
      out.push(mth(lo + k, hi).slice());
    } else {
      path(m - k, lo + k, hi, out);
      out.push(mth(lo, lo + k).slice());
    }
  }

  function subproof(m: number, lo: number, hi: number, b: boolean, out: Uint8Array[]): void {
    const n = hi - lo;
    if (m === n) {
      if (!b) out.push(mth(lo, hi).slice());
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, lo, lo + k, b, out);
      out.push(mth(lo + k, hi).slice());
    } else {
      subproof(m - k, lo + k, hi, false, out);
      out.push(mth(lo, lo + k).slice());
    }
  }

  function appendLeafHashes(all: Uint8Array): void {
    abytes(all, 'leafHashes');
    if (all.length % 32)
      throw new BukejianError(
        'INVALID_LENGTH',
        `"leafHashes" expected a multiple of 32 bytes, got length=${all.length}`,
      );
    levels[0]!.pushAll(all);
  }

  const tree: MerkleTree = {
    hash: h.name,
    get size() {
      return size();
    },
    appendLeafHash,
    appendLeafHashes,
    exportNodes() {
      sync();
      const counts = nodeCounts(size());
      const out = new Uint8Array(counts.reduce((a, c) => a + c, 0) * 32);
      let p = 0;
      counts.forEach((c, i) => {
        out.set(levels[i + 1]!.buf.subarray(0, c * 32), p);
        p += c * 32;
      });
      return out;
    },
    appendData(data) {
      const lh = h.leaf(data);
      appendLeafHash(lh);
      return lh;
    },
    leafHash(index) {
      anumber(index, 'index', 0, size() - 1);
      return levels[0]!.get(index).slice();
    },
    root,
    inclusionProof(index, s = size()) {
      anumber(s, 'size', 1, size());
      anumber(index, 'index', 0, s - 1);
      sync();
      const out: Uint8Array[] = [];
      path(index, 0, s, out);
      return { index, size: s, path: out };
    },
    consistencyProof(oldSize, newSize = size()) {
      anumber(newSize, 'newSize', 0, size());
      anumber(oldSize, 'oldSize', 0, newSize);
      sync();
      const out: Uint8Array[] = [];
      if (oldSize > 0 && oldSize < newSize) subproof(oldSize, 0, newSize, true, out);
      return { oldSize, newSize, path: out };
    },
  };
  return Object.freeze(tree);
}
