/**
 * Sparse binary Poseidon Merkle tree of a programme's allowed region codes, matching
 * circuits/lib/merkle.circom: leaf = 6-digit region code, empty leaf = 0,
 * node = Poseidon(left, right), depth 16 (65,536 leaves). Only non-empty subtrees are hashed
 * (≈ n·depth hashes), empty subtrees use precomputed zero hashes.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber } from '../utils.js';
import { poseidon } from './babyjub.js';

/** Depth of the region tree (the circuit's `Eligibility(16)`). @example path.siblings.length === REGION_TREE_DEPTH */
export const REGION_TREE_DEPTH = 16;

/** An inclusion path: leaf index and the sibling at each level, bottom up. */
export interface RegionPath {
  readonly index: number;
  readonly siblings: readonly bigint[];
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
  if (!Array.isArray(codes)) throw new BukejianError('INVALID_TYPE', '"regions" expected array of region codes');
  const sorted = [...new Set(codes.map((c, i) => anumber(c, `regions[${i}]`, 100000, 999999)))].sort((a, b) => a - b);
  if (sorted.length > 2 ** REGION_TREE_DEPTH) {
    throw new BukejianError('INVALID_LENGTH', `"regions" expected at most ${2 ** REGION_TREE_DEPTH} codes, got length=${sorted.length}`);
  }
  const h = await poseidon();
  const H = (a: bigint, b: bigint) => h.F.toObject(h([a, b]));
  const zeros: bigint[] = [0n];
  for (let i = 0; i < REGION_TREE_DEPTH; i++) zeros.push(H(zeros[i]!, zeros[i]!));
  const levels: bigint[][] = [sorted.map(BigInt)];
  for (let i = 0; i < REGION_TREE_DEPTH; i++) {
    const cur = levels[i]!;
    const next: bigint[] = [];
    for (let j = 0; j < cur.length; j += 2) next.push(H(cur[j]!, cur[j + 1] ?? zeros[i]!));
    levels.push(next);
  }
  const root = levels[REGION_TREE_DEPTH]![0] ?? zeros[REGION_TREE_DEPTH]!;
  const index = new Map(sorted.map((c, i) => [c, i]));
  return Object.freeze({
    root,
    codes: Object.freeze(sorted),
    path(code: number): RegionPath | undefined {
      const at = index.get(code);
      if (at === undefined) return undefined;
      const siblings: bigint[] = [];
      for (let i = 0, k = at; i < REGION_TREE_DEPTH; i++, k >>= 1) siblings.push(levels[i]![k ^ 1] ?? zeros[i]!);
      return Object.freeze({ index: at, siblings: Object.freeze(siblings) });
    },
  });
}
