/**
 * Sparse quaternary Poseidon Merkle tree of a programme's allowed region codes, matching
 * circuits/lib/merkle.circom: leaf = 6-digit region code, empty leaf = 0,
 * node = Poseidon(c0, c1, c2, c3), 8 levels → 4^8 = 65,536 = 2^16 leaf slots (the capacity of a
 * binary depth-16 tree at about 63 % of its constraints in the circuit). Only non-empty subtrees
 * are hashed (≈ n·levels/3 hashes); empty subtrees use precomputed zero hashes.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aint } from './_int.js';
import { poseidonHash as H } from './babyjub.js';

/** Levels of the region tree (the circuit's `Eligibility(8)`). @example path.siblings.length === REGION_TREE_LEVELS */
export const REGION_TREE_LEVELS = 8;
/** Children per node. @example REGION_TREE_ARITY ** REGION_TREE_LEVELS // 65536 leaf slots */
export const REGION_TREE_ARITY = 4;
/** Leaf slots: 4^8 = 2^16. @example REGION_TREE_CAPACITY // 65536 */
export const REGION_TREE_CAPACITY = REGION_TREE_ARITY ** REGION_TREE_LEVELS;

/**
 * An inclusion path: the leaf index and, bottom up, the three siblings at each level in
 * ascending position (the leaf's own position at level i is `(index >> 2i) & 3`).
 */
export interface RegionPath {
  readonly index: number;
  readonly siblings: readonly (readonly [bigint, bigint, bigint])[];
}

/** A built region tree. */
export interface RegionTree {
  readonly root: bigint;
  readonly codes: readonly number[];
  /** The inclusion path of `code`, or undefined when it is not in the set. */
  path(code: number): RegionPath | undefined;
}

/**
 * Builds the tree of a set of 6-digit region codes (duplicates removed, sorted ascending).
 * @example const t = await buildRegionTree([110101, 110105]); t.root; t.path(110105)
 */
export async function buildRegionTree(codes: readonly number[]): Promise<RegionTree> {
  if (!Array.isArray(codes))
    throw new BukejianError('INVALID_TYPE', '"regions" expected array of region codes');
  const sorted = [...new Set(codes.map((c, i) => aint(c, `regions[${i}]`, 100000, 999999)))].sort(
    (a, b) => a - b,
  );
  if (sorted.length > REGION_TREE_CAPACITY) {
    throw new BukejianError(
      'INVALID_LENGTH',
      `"regions" expected at most ${REGION_TREE_CAPACITY} codes, got length=${sorted.length}`,
    );
  }
  const zeros: bigint[] = [0n];
  for (let i = 0; i < REGION_TREE_LEVELS; i++)
    zeros.push(H([zeros[i]!, zeros[i]!, zeros[i]!, zeros[i]!]));
  const levels: bigint[][] = [sorted.map(BigInt)];
  for (let i = 0; i < REGION_TREE_LEVELS; i++) {
    const cur = levels[i]!;
    const next: bigint[] = [];
    for (let j = 0; j < cur.length; j += 4)
      next.push(H([0, 1, 2, 3].map((k) => cur[j + k] ?? zeros[i]!)));
    levels.push(next);
  }
  const root = levels[REGION_TREE_LEVELS]![0] ?? zeros[REGION_TREE_LEVELS]!;
  const index = new Map(sorted.map((c, i) => [c, i]));
  return Object.freeze({
    root,
    codes: Object.freeze(sorted),
    path(code: number): RegionPath | undefined {
      const at = index.get(code);
      if (at === undefined) return undefined;
      const siblings: (readonly [bigint, bigint, bigint])[] = [];
      for (let i = 0, k = at; i < REGION_TREE_LEVELS; i++, k >>= 2) {
        const first = k & ~3;
        const s = [0, 1, 2, 3]
          .filter((p) => first + p !== k)
          .map((p) => levels[i]![first + p] ?? zeros[i]!);
        siblings.push(Object.freeze([s[0]!, s[1]!, s[2]!] as const));
      }
      return Object.freeze({ index: at, siblings: Object.freeze(siblings) });
    },
  });
}
