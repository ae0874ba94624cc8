/**
 * The generalization lattice of full-domain generalization (Samarati 2001; LeFevre et al.
 * "Incognito" 2005; Kohlmayer et al. "Flash" 2012): one node per vector of levels
 * (l_1, …, l_m) with 0 ≤ l_j < height_j, ordered componentwise. Nodes are numbered in mixed radix
 * (`index = Σ l_j · mult_j`), so successors and predecessors are ± `mult_j`.
 * @module
 */
import { BukejianError } from '../errors.js';

/** A lattice of transformations. */
export interface Lattice {
  readonly heights: readonly number[];
  readonly size: number;
  readonly mult: readonly number[];
  /** Node number of a level vector. */
  index(levels: readonly number[]): number;
  /** Level vector of a node number. */
  levels(index: number): number[];
  /** Level of attribute `j` in node `index`. */
  level(index: number, j: number): number;
}

/** The largest lattice the optimal search accepts (beyond that, use Mondrian). @example lattice([5, 4, 2]).size <= MAX_LATTICE_SIZE */
export const MAX_LATTICE_SIZE = 1 << 23;

/**
 * Builds the lattice for the given hierarchy heights.
 * @example
 * const lat = lattice([2, 5]); // sex (2 levels) × age (5 levels)
 * lat.size; // 10
 * lat.levels(lat.index([1, 3])); // [1, 3]
 */
export function lattice(heights: readonly number[]): Lattice {
  const mult: number[] = [];
  let size = 1;
  for (const h of heights) {
    if (!Number.isInteger(h) || h < 1)
      throw new BukejianError('INVALID_CONFIG', `"heights" expected positive integers, got ${h}`);
    mult.push(size);
    size *= h;
  }
  if (size > MAX_LATTICE_SIZE) {
    throw new BukejianError(
      'INVALID_CONFIG',
      `"lattice" expected at most ${MAX_LATTICE_SIZE} transformations for the optimal search, got ${size} (use Mondrian)`,
    );
  }
  const hs = Object.freeze([...heights]);
  return Object.freeze({
    heights: hs,
    size,
    mult: Object.freeze(mult),
    index: (levels: readonly number[]) => levels.reduce((s, l, j) => s + l * mult[j]!, 0),
    levels: (index: number) => hs.map((h, j) => Math.floor(index / mult[j]!) % h),
    level: (index: number, j: number) => Math.floor(index / mult[j]!) % hs[j]!,
  });
}
