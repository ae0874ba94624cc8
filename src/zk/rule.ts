/**
 * Programme rules: which predicates a programme requires (minimum age, maximum income, region in
 * a set, required status flags) and their public circuit inputs. One circuit serves every
 * programme: each predicate has an on/off switch, and a switched-off predicate's value is 0.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions } from '../_assert.js';
import { aint } from './_int.js';
import { MAX_INCOME } from './record.js';
import { buildRegionTree, type RegionPath, type RegionTree } from './region-tree.js';
import {
  createProgrammeRule,
  type ProgrammeRule,
  type ProgrammeRuleSpec,
} from './programme-rule.js';

/** What a programme requires; omitted predicates are not checked. */
export interface RuleSpec {
  /** Minimum age in whole years (0..255), e.g. 60. */
  readonly minAge?: number;
  /** Maximum annual income in yuan (inclusive). */
  readonly maxIncome?: number;
  /** Allowed 6-digit region codes (at most 65,536). */
  readonly regions?: readonly number[];
  /** Status flags that must all be set (32-bit mask, non-zero). */
  readonly requiredFlags?: number;
}

/** A compiled rule: the public inputs the verifier and the prover both derive from the spec. */
export interface Rule {
  readonly minAge: number;
  readonly maxIncome: number;
  readonly regionRoot: bigint;
  readonly requiredFlags: number;
  readonly checkAge: boolean;
  readonly checkIncome: boolean;
  readonly checkRegion: boolean;
  readonly checkFlags: boolean;
  /** The region tree (only when `regions` was given). */
  readonly regionTree?: RegionTree;
  /** Inclusion path of a region code in the allowed set (undefined if absent or no region check). */
  regionPath(code: number): RegionPath | undefined;
}

/**
 * Compiles a rule spec (validating every value and building the region tree). A spec with `all`
 * / `any` is a programme rule for the rules circuit (`ruleProof`, see programme-rule.ts).
 * @example const r = await rule.create({ minAge: 60, maxIncome: 30000, regions: [110101, 110105], requiredFlags: 0b1 })
 */
function create(spec: RuleSpec): Promise<Rule>;
function create(spec: ProgrammeRuleSpec): Promise<ProgrammeRule>;
async function create(spec: RuleSpec | ProgrammeRuleSpec): Promise<Rule | ProgrammeRule> {
  if (spec && typeof spec === 'object' && ('all' in spec || 'any' in spec))
    return createProgrammeRule(spec as ProgrammeRuleSpec);
  const s = aoptions(spec as RuleSpec, 'rule', ['minAge', 'maxIncome', 'regions', 'requiredFlags']);
  if (spec === undefined)
    throw new BukejianError('INVALID_TYPE', '"rule" expected options object, got undefined');
  const checkAge = s.minAge !== undefined;
  const checkIncome = s.maxIncome !== undefined;
  const checkRegion = s.regions !== undefined;
  const checkFlags = s.requiredFlags !== undefined;
  const minAge = checkAge ? aint(s.minAge, 'rule.minAge', 0, 255) : 0;
  const maxIncome = checkIncome ? aint(s.maxIncome, 'rule.maxIncome', 0, MAX_INCOME) : 0;
  const requiredFlags = checkFlags ? aint(s.requiredFlags, 'rule.requiredFlags', 1, 0xffffffff) : 0;
  const regionTree = checkRegion ? await buildRegionTree(s.regions!) : undefined;
  if (regionTree && regionTree.codes.length === 0) {
    throw new BukejianError(
      'INVALID_LENGTH',
      '"rule.regions" expected at least 1 region code, got length=0',
    );
  }
  return Object.freeze({
    minAge,
    maxIncome,
    requiredFlags,
    regionRoot: regionTree ? regionTree.root : 0n,
    checkAge,
    checkIncome,
    checkRegion,
    checkFlags,
    ...(regionTree ? { regionTree } : {}),
    regionPath: (code: number) => regionTree?.path(code),
  });
}

/** Rule construction. @example const elderly = await rule.create({ minAge: 60 }) */
export const rule = Object.freeze({
  /**
   * Compiles a rule spec into the public circuit inputs (values validated, region tree built); a
   * `{ all, any }` spec compiles a programme rule for `ruleProof`.
   */
  create,
});
