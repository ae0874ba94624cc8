/**
 * The Merkle tree of a PostgreSQL audit log, kept in the database as complete subtree hashes
 * (RFC 9162 §2.1), so that opening a log reads its head row and a root or proof at any size reads
 * O(log n) node hashes in one query:
 *
 * - node `(level, idx)` is the hash of the complete subtree over leaves `[idx·2^level,
 *   (idx+1)·2^level)`; level 0 is the leaf hash (stored with the entry);
 * - the head row keeps the **compact range** of its size (the complete subtrees of the binary
 *   decomposition of `size`, lowest level first) and the root;
 * - an append extends the compact range by the batch's leaf hashes ({@link extendRange}): the
 *   nodes this completes are, per level, one contiguous run stored as one row
 *   `(level, first, hashes)`;
 * - every range a proof needs (RFC 9162 `MTH(D[lo:hi])`) is a complete subtree or a run of complete
 *   subtrees on the right edge ({@link decompose}); {@link planInclusion} / {@link planConsistency}
 *   list them, the store fetches them at once and {@link finishPath} hashes the right-edge runs.
 * @module
 */
import { BukejianError } from '../errors.js';
import { treeHasher, type TreeHashName } from '../audit/merkle.js';

/** A complete subtree: level (log2 of its leaf count) and index at that level. */
export type Node = { level: number; idx: number };

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees covering `[lo, hi)`, left to right (largest first). For the ranges the RFC
 * recursions visit (lo a multiple of the largest power of two ≤ hi − lo) these are the binary
 * decomposition of `hi − lo`.
 */
export function decompose(lo: number, hi: number): Node[] {
  const out: Node[] = [];
  while (lo < hi) {
    let level = 0;
    while (lo % 2 ** (level + 1) === 0 && lo + 2 ** (level + 1) <= hi) level++;
    out.push({ level, idx: lo / 2 ** level });
    lo += 2 ** level;
  }
  return out;
}

/** The complete subtrees of the compact range of `size` leaves, lowest level first. */
export function rangeNodes(size: number): Node[] {
  return decompose(0, size).reverse();
}

/** Folds complete subtree hashes (left to right) into MTH of their range. */
export function fold(hash: TreeHashName, parts: Uint8Array[]): Uint8Array {
  const h = treeHasher(hash);
  if (!parts.length) return h.empty();
  let acc = parts[parts.length - 1]!;
  for (let j = parts.length - 2; j >= 0; j--) acc = h.node(parts[j]!, acc);
  return acc;
}

/** One path element: the complete subtrees whose fold is `MTH(D[lo:hi])`. */
export type PathPlan = Node[][];

/** The ranges of the inclusion proof of `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function planInclusion(index: number, size: number): PathPlan {
  const out: PathPlan = [];
  const path = (m: number, lo: number, hi: number): void => {
    const n = hi - lo;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, lo, lo + k);
      out.push(decompose(lo + k, hi));
    } else {
      path(m - k, lo + k, hi);
      out.push(decompose(lo, lo + k));
    }
  };
  path(index, 0, size);
  return out;
}

/** The ranges of the consistency proof from `oldSize` to `newSize` (RFC 9162 §2.1.4.1). */
export function planConsistency(oldSize: number, newSize: number): PathPlan {
  const out: PathPlan = [];
  const sub = (m: number, lo: number, hi: number, b: boolean): void => {
    const n = hi - lo;
    if (m === n) {
      if (!b) out.push(decompose(lo, hi));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, lo, lo + k, b);
      out.push(decompose(lo + k, hi));
    } else {
      sub(m - k, lo + k, hi, false);
      out.push(decompose(lo, lo + k));
    }
  };
  if (oldSize > 0 && oldSize < newSize) sub(oldSize, 0, newSize, true);
  return out;
}

/** The distinct nodes of a plan. */
export function planNodes(plan: PathPlan): Node[] {
  const seen = new Map<string, Node>();
  for (const parts of plan) for (const n of parts) seen.set(`${n.level}:${n.idx}`, n);
  return [...seen.values()];
}

/** The path of a plan, given the fetched node hashes (keyed `level:idx`). */
export function finishPath(
  hash: TreeHashName,
  plan: PathPlan,
  nodes: { get(key: string): Uint8Array | undefined },
): Uint8Array[] {
  return plan.map((parts) =>
    fold(
      hash,
      parts.map((n) => {
        const v = nodes.get(`${n.level}:${n.idx}`);
        if (!v) throw new BukejianError('INTEGRITY', 'a tree node of the audit log is missing');
        return v;
      }),
    ).slice(),
  );
}

/** What appending leaves to a compact range completes. */
export interface RangeUpdate {
  /** The compact range of the new size (lowest level first), concatenated. */
  range: Uint8Array;
  /** The root of the new size. */
  root: Uint8Array;
  /** Per level ≥ 1 with new complete nodes: the first new index and the hashes, concatenated. */
  runs: { level: number; first: number; hashes: Uint8Array }[];
}

/**
 * Appends `leaves` (n × 32 bytes, leaves `size … size + n − 1`) to the compact range `range` of
 * `size` leaves (as {@link rangeNodes} orders it). Hashes each new interior node once.
 */
export function extendRange(
  hash: TreeHashName,
  size: number,
  range: Uint8Array,
  leaves: Uint8Array,
): RangeUpdate {
  const h = treeHasher(hash);
  const n = leaves.length / 32;
  const end = size + n;
  // the old compact range by level
  const old = new Map<number, Uint8Array>();
  rangeNodes(size).forEach((node, j) => old.set(node.level, range.subarray(j * 32, j * 32 + 32)));
  const runs: RangeUpdate['runs'] = [];
  const top = new Map<number, Uint8Array>(); // new compact range by level
  // level-0 "run": the new leaves, starting at index `size`
  let cur: Uint8Array = leaves;
  let first = size;
  for (let level = 0; ; level++) {
    const count = cur.length / 32;
    // a node at an odd index pairs with the old range's node at this level (its left sibling)
    let all = cur;
    let start = first;
    if (start % 2 === 1) {
      const left = old.get(level);
      if (!left) throw new BukejianError('INTEGRITY', 'the audit log head has a damaged range');
      all = new Uint8Array(cur.length + 32);
      all.set(left);
      all.set(cur, 32);
      start--;
    }
    const total = all.length / 32;
    if (Math.floor(end / 2 ** level) % 2 === 1) {
      // this level is in the new compact range: its last node
      top.set(level, total ? all.subarray((total - 1) * 32, total * 32) : old.get(level)!);
    }
    if (level > 0 && count > 0) runs.push({ level, first, hashes: cur });
    const pairs = Math.floor(total / 2);
    if (pairs === 0) {
      // nothing completes above; higher levels of the new range are those of the old one
      for (let l = level + 1; 2 ** l <= end; l++)
        if (Math.floor(end / 2 ** l) % 2 === 1) top.set(l, old.get(l)!);
      break;
    }
    const next = new Uint8Array(pairs * 32);
    for (let p = 0; p < pairs; p++)
      next.set(
        h.node(all.subarray(p * 64, p * 64 + 32), all.subarray(p * 64 + 32, p * 64 + 64)),
        p * 32,
      );
    cur = next;
    first = start / 2;
  }
  const nodes = rangeNodes(end);
  const out = new Uint8Array(nodes.length * 32);
  nodes.forEach((node, j) => {
    const v = top.get(node.level);
    if (!v) throw new BukejianError('INTEGRITY', 'the audit log head has a damaged range');
    out.set(v, j * 32);
  });
  const parts = nodes.map((_, j) => out.subarray(j * 32, j * 32 + 32)).reverse();
  return { range: out, root: fold(hash, parts).slice(), runs };
}
