/**
 * Sorted-list ("indexed") quaternary Poseidon Merkle tree, matching the set slots and the
 * revocation check of circuits/rules.circom: the distinct sorted values v_1 < … < v_n between
 * the sentinels 0 and `top` give the leaves Poseidon(L_i, L_{i+1}) of the list
 * L = [0, v_1, …, v_n, top] (n + 1 leaves, empty slots 0, node = Poseidon(c0, c1, c2, c3)).
 * For any v in [0, top) exactly one leaf has L_i <= v < L_{i+1} (its "low leaf"): v is a member
 * iff L_i = v, and the low leaf with L_i < v proves non-membership. Only non-empty subtrees are
 * hashed; empty subtrees use precomputed zero hashes.
 * @module
 */
import { BukejianError } from '../errors.js';
import { poseidonHash as H } from './babyjub.js';

/** The low leaf of a value and its Merkle path (siblings bottom up, ascending positions). */
export interface LowLeafPath {
  readonly lo: bigint;
  readonly next: bigint;
  readonly index: number;
  readonly siblings: readonly (readonly [bigint, bigint, bigint])[];
}

/** A built sorted tree. */
export interface SortedTree {
  readonly root: bigint;
  /** The distinct values, ascending (sentinels excluded). */
  readonly values: readonly bigint[];
  /** The low leaf of `v` (0 <= v < top) and its path. */
  lowLeaf(v: bigint): LowLeafPath;
}

const zeroCache = new Map<number, bigint[]>();
function zeros(levels: number): bigint[] {
  let z = zeroCache.get(levels);
  if (!z) {
    z = [0n];
    for (let i = 0; i < levels; i++) z.push(H([z[i]!, z[i]!, z[i]!, z[i]!]));
    zeroCache.set(levels, z);
  }
  return z;
}

/**
 * Builds the tree of `values` (each 0 < v < top; duplicates removed) with 4^levels leaf slots.
 * @example const t = buildSortedTree([5n, 9n], 1n << 49n, 6); t.lowLeaf(7n).lo // 5n
 */
export function buildSortedTree(
  values: readonly bigint[],
  top: bigint,
  levels: number,
): SortedTree {
  const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const v of sorted) {
    if (typeof v !== 'bigint' || v <= 0n || v >= top)
      throw new BukejianError('INVALID_RANGE', '"values" expected integers in (0, top)');
  }
  const capacity = 4 ** levels;
  if (sorted.length + 1 > capacity) {
    throw new BukejianError(
      'INVALID_LENGTH',
      `"values" expected at most ${capacity - 1} values, got length=${sorted.length}`,
    );
  }
  const list = [0n, ...sorted, top];
  const z = zeros(levels);
  const layers: bigint[][] = [list.slice(0, -1).map((lo, i) => H([lo, list[i + 1]!]))];
  for (let i = 0; i < levels; i++) {
    const cur = layers[i]!;
    const next: bigint[] = [];
    for (let j = 0; j < cur.length; j += 4)
      next.push(H([0, 1, 2, 3].map((k) => cur[j + k] ?? z[i]!)));
    layers.push(next);
  }
  const root = layers[levels]![0]!;
  return Object.freeze({
    root,
    values: Object.freeze(sorted),
    lowLeaf(v: bigint): LowLeafPath {
      if (typeof v !== 'bigint' || v < 0n || v >= top)
        throw new BukejianError('INVALID_RANGE', '"value" expected an integer in [0, top)');
      // largest i with list[i] <= v (binary search; list[0] = 0 <= v)
      let a = 0;
      let b = list.length - 1;
      while (b - a > 1) {
        const m = (a + b) >> 1;
        if (list[m]! <= v) a = m;
        else b = m;
      }
      const siblings: (readonly [bigint, bigint, bigint])[] = [];
      for (let i = 0, k = a; i < levels; i++, k >>= 2) {
        const first = k & ~3;
        const s = [0, 1, 2, 3]
          .filter((p) => first + p !== k)
          .map((p) => layers[i]![first + p] ?? z[i]!);
        siblings.push(Object.freeze([s[0]!, s[1]!, s[2]!] as const));
      }
      return Object.freeze({
        lo: list[a]!,
        next: list[a + 1]!,
        index: a,
        siblings: Object.freeze(siblings),
      });
    },
  });
}
