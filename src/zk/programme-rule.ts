/**
 * Programme rules for circuits/rules.circom: a JSON rule of up to {@link RULE_PREDICATES}
 * predicates over the credential's fields, compiled to the circuit's public inputs. The verifier
 * derives every public input itself from (rule, today); nothing comes from the proof.
 *
 * Each predicate becomes (op, lo, hi, mul), op = field | mulField << 3 | kind << 6 | neg << 8 |
 * group << 9 (kind 0 range, 1 flags, 2/3 set slot 0/1; group 0 = always required, 1 / 2 = the two
 * branches of the `any` OR):
 *   =, ≠ v        range [v, v] (≠ negated)        <, ≤, >, ≥ v   range [0, v−1] … [v, 2^48−1]
 *   between [a,b] range [a, b] (inclusive)        per-head v     field ≤ v × per (lo = hi = 0)
 *   all-set m     popcount(flags & m) = popcount(m)               all-clear m   popcount(flags & m) = 0
 *   in / not-in   set slot membership (at most two set predicates; sets of at most 255 values)
 * `age` is a virtual field: an age interval [A1, A2] in whole years is the birth-date interval
 * [today − (A2+1)·10000 + 1, today − A1·10000] (YYYYMMDD integers order like dates).
 * Unused predicate slots are "birthDate in [0, 2^48−1]" (always true); an unused set slot is the
 * empty set.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions } from '../_assert.js';
import { aint } from './_int.js';
import { adate } from './dates.js';
import { buildSortedTree, type SortedTree } from './sorted-tree.js';

/** Number of predicate slots of the rules circuit. @example RULE_PREDICATES // 8 */
export const RULE_PREDICATES = 8;
/** Levels of a set slot's quaternary tree (4^4 = 256 leaves, so at most 255 values). */
export const SET_LEVELS = 4;
/** Largest field value and comparison bound (2^48 − 1). */
export const MAX_VALUE = 2 ** 48 - 1;
/** Set leaves store v + 1 (0 is the lower sentinel); the upper sentinel. */
export const SET_TOP = 1n << 49n;

/** The credential fields a predicate can test, in circuit order, plus the virtual `age`. */
export const RULE_FIELDS = Object.freeze([
  'birthDate',
  'sex',
  'regionCode',
  'income',
  'householdSize',
  'flags',
  'issuedAt',
  'expiresAt',
] as const);

/** A credential field name, or `age` (whole years at the verifier's date). */
export type RuleField = (typeof RULE_FIELDS)[number] | 'age';

/** Predicate operators. */
export type RuleOperator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'between'
  | 'per-head'
  | 'all-set'
  | 'all-clear'
  | 'in'
  | 'not-in';

/** One predicate of a programme rule (JSON). */
export interface PredicateSpec {
  readonly field: RuleField;
  readonly op: RuleOperator;
  /** The comparison value; the line of `per-head`; the mask of `all-set` / `all-clear`. */
  readonly value?: number;
  /** `between`: [low, high] inclusive; `in` / `not-in`: the set. */
  readonly values?: readonly number[];
  /** `per-head`: the field the line is multiplied by (default `householdSize`). */
  readonly per?: RuleField;
}

/**
 * A programme rule (JSON): every predicate of `all` must hold, and, when `any` is given, every
 * predicate of at least one of its two groups. At most 8 predicates in total.
 */
export interface ProgrammeRuleSpec {
  readonly all?: readonly PredicateSpec[];
  readonly any?: readonly [readonly PredicateSpec[], readonly PredicateSpec[]];
}

/** The public inputs of a rule at one date. */
export interface RulePublicInputs {
  readonly op: readonly bigint[];
  readonly lo: readonly bigint[];
  readonly hi: readonly bigint[];
  readonly mul: readonly bigint[];
  readonly setField: readonly bigint[];
  readonly setRoot: readonly bigint[];
}

/** A compiled programme rule (from `rule.create({ all, any })`). */
export interface ProgrammeRule {
  readonly type: 'programme-rule';
  /** The validated spec. */
  readonly spec: ProgrammeRuleSpec;
  /** The set slots: the field index each tests and its sorted tree (values + 1). */
  readonly sets: readonly { readonly field: number; readonly tree: SortedTree }[];
  /** The circuit's public rule inputs at the verifier's date `today` (YYYYMMDD). */
  publicInputs(today: number): RulePublicInputs;
}

interface Compiled {
  field: number;
  mulField: number;
  kind: number;
  neg: boolean;
  group: number;
  /** [lo, hi] at a date, and the multiplier / mask */
  bounds(today: number): [number, number];
  mul: number;
}

const OPS: readonly RuleOperator[] = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'between',
  'per-head',
  'all-set',
  'all-clear',
  'in',
  'not-in',
];
const MAX_AGE = 200;

function fieldIndex(f: unknown, name: string, allowAge: boolean): number | 'age' {
  if (f === 'age' && allowAge) return 'age';
  const i = (RULE_FIELDS as readonly unknown[]).indexOf(f);
  if (i < 0) {
    throw new BukejianError(
      'INVALID_OPTION',
      `"${name}" expected one of ${[...RULE_FIELDS, ...(allowAge ? ['age'] : [])].join('|')}`,
    );
  }
  return i;
}

function popcount(m: number): number {
  let c = 0;
  for (let x = m; x; x = Math.floor(x / 2)) c += x % 2;
  return c;
}

/** Birth-date interval of the ages [a1, a2] (a2 = Infinity: no upper age) at `today`. */
function ageToBirth(a1: number, a2: number, today: number): [number, number] {
  const hi = today - a1 * 10000;
  const lo = a2 === Infinity ? 0 : Math.max(0, today - (a2 + 1) * 10000 + 1);
  return hi < 0 || lo > hi ? [1, 0] : [lo, hi];
}

/** The value interval [lo, hi] of a comparison operator (empty as [1, 0]), or undefined. */
function interval(op: RuleOperator, v: number, max: number): [number, number] | undefined {
  switch (op) {
    case '=':
    case '!=':
      return [v, v];
    case '<':
      return v === 0 ? [1, 0] : [0, v - 1];
    case '<=':
      return [0, v];
    case '>':
      return v >= max ? [1, 0] : [v + 1, max];
    case '>=':
      return [v, max];
    default:
      return undefined;
  }
}

function compilePredicate(
  p: PredicateSpec,
  name: string,
  group: number,
  setSlots: { field: number; values: number[] }[],
): Compiled {
  const s = aoptions(p, name, ['field', 'op', 'value', 'values', 'per']) as PredicateSpec;
  if (p === undefined) throw new BukejianError('INVALID_TYPE', `"${name}" expected predicate`);
  if (!OPS.includes(s.op))
    throw new BukejianError('INVALID_OPTION', `"${name}.op" expected one of ${OPS.join('|')}`);
  const op = s.op;
  const isAge = s.field === 'age';
  const f = fieldIndex(s.field, `${name}.field`, true);
  const base = { field: isAge ? 0 : (f as number), mulField: 0, kind: 0, neg: op === '!=', group };
  const maxV = isAge ? MAX_AGE : MAX_VALUE;
  const need = (k: 'value' | 'values', want: boolean) => {
    if ((s[k] !== undefined) !== want)
      throw new BukejianError(
        'INVALID_OPTION',
        `"${name}.${k}" ${want ? 'is required' : 'is not allowed'} with op ${op}`,
      );
  };
  if (op === 'per-head') {
    need('value', true);
    need('values', false);
    if (isAge)
      throw new BukejianError('INVALID_OPTION', `"${name}.field" cannot be age for per-head`);
    const per = fieldIndex(s.per ?? 'householdSize', `${name}.per`, false) as number;
    const mul = aint(s.value, `${name}.value`, 0, 2 ** 32 - 1);
    return { ...base, mulField: per, mul, bounds: () => [0, 0] };
  }
  if (s.per !== undefined)
    throw new BukejianError('INVALID_OPTION', `"${name}.per" is only allowed with op per-head`);
  if (op === 'all-set' || op === 'all-clear') {
    need('value', true);
    need('values', false);
    if (s.field !== 'flags')
      throw new BukejianError('INVALID_OPTION', `"${name}.field" expected flags for ${op}`);
    const mask = aint(s.value, `${name}.value`, 1, 0xffffffff);
    const target = op === 'all-set' ? popcount(mask) : 0;
    return { ...base, kind: 1, mul: mask, bounds: () => [target, target] };
  }
  if (op === 'in' || op === 'not-in') {
    need('value', false);
    need('values', true);
    if (isAge) throw new BukejianError('INVALID_OPTION', `"${name}.field" cannot be age for ${op}`);
    if (!Array.isArray(s.values) || s.values.length === 0)
      throw new BukejianError('INVALID_LENGTH', `"${name}.values" expected a non-empty array`);
    const values = s.values.map((v, i) => aint(v, `${name}.values[${i}]`, 0, MAX_VALUE));
    if (setSlots.length >= 2)
      throw new BukejianError('INVALID_LENGTH', '"rule" expected at most 2 in / not-in predicates');
    setSlots.push({ field: f as number, values });
    return {
      ...base,
      kind: 2 + setSlots.length - 1,
      neg: op === 'not-in',
      mul: 0,
      bounds: () => [0, 0],
    };
  }
  let iv: [number, number];
  if (op === 'between') {
    need('value', false);
    need('values', true);
    if (!Array.isArray(s.values) || s.values.length !== 2)
      throw new BukejianError('INVALID_LENGTH', `"${name}.values" expected [low, high]`);
    iv = [
      aint(s.values[0], `${name}.values[0]`, 0, maxV),
      aint(s.values[1], `${name}.values[1]`, 0, maxV),
    ];
    if (iv[0] > iv[1])
      throw new BukejianError('INVALID_RANGE', `"${name}.values" expected low <= high`);
  } else {
    need('value', true);
    need('values', false);
    iv = interval(op, aint(s.value, `${name}.value`, 0, maxV), maxV)!;
  }
  if (!isAge) return { ...base, mul: 0, bounds: () => iv };
  const [a1, a2] = iv;
  return {
    ...base,
    mul: 0,
    bounds: (today) => (a1 > a2 ? [1, 0] : ageToBirth(a1, a2 === MAX_AGE ? Infinity : a2, today)),
  };
}

let emptySet: SortedTree | undefined;

/** Is `r` a compiled programme rule? @example isProgrammeRule(r) */
export function isProgrammeRule(r: unknown): r is ProgrammeRule {
  return !!r && typeof r === 'object' && (r as ProgrammeRule).type === 'programme-rule';
}

/**
 * Compiles a programme rule (validating every value and building the set trees).
 * @example const r = await createProgrammeRule({ all: [{ field: 'age', op: '>=', value: 80 }] })
 */
export async function createProgrammeRule(spec: ProgrammeRuleSpec): Promise<ProgrammeRule> {
  const s = aoptions(spec, 'rule', ['all', 'any']) as ProgrammeRuleSpec;
  const all = s.all ?? [];
  if (!Array.isArray(all)) throw new BukejianError('INVALID_TYPE', '"rule.all" expected array');
  const slots: { field: number; values: number[] }[] = [];
  const preds: Compiled[] = all.map((p, i) => compilePredicate(p, `rule.all[${i}]`, 0, slots));
  if (s.any !== undefined) {
    if (
      !Array.isArray(s.any) ||
      s.any.length !== 2 ||
      !s.any.every((g) => Array.isArray(g) && g.length > 0)
    )
      throw new BukejianError(
        'INVALID_OPTION',
        '"rule.any" expected two non-empty predicate arrays',
      );
    s.any.forEach((g, j) =>
      g.forEach((p, i) => preds.push(compilePredicate(p, `rule.any[${j}][${i}]`, j + 1, slots))),
    );
  }
  if (preds.length === 0)
    throw new BukejianError('INVALID_LENGTH', '"rule" expected at least 1 predicate, got 0');
  if (preds.length > RULE_PREDICATES) {
    throw new BukejianError(
      'INVALID_LENGTH',
      `"rule" expected at most ${RULE_PREDICATES} predicates, got length=${preds.length}`,
    );
  }
  emptySet ??= buildSortedTree([], SET_TOP, SET_LEVELS);
  const sets = slots.map((sl) =>
    Object.freeze({
      field: sl.field,
      tree: buildSortedTree(
        sl.values.map((v) => BigInt(v) + 1n),
        SET_TOP,
        SET_LEVELS,
      ),
    }),
  );
  const slotFields = [0, 1].map((i) => sets[i]?.field ?? 0);
  const slotTrees = [0, 1].map((i) => sets[i]?.tree ?? emptySet!);
  const frozenSpec = JSON.parse(JSON.stringify(s)) as ProgrammeRuleSpec;
  return Object.freeze({
    type: 'programme-rule' as const,
    spec: frozenSpec,
    sets: Object.freeze(sets),
    publicInputs(today: number): RulePublicInputs {
      const t = adate(today, 'today');
      const op: bigint[] = [];
      const lo: bigint[] = [];
      const hi: bigint[] = [];
      const mul: bigint[] = [];
      for (let k = 0; k < RULE_PREDICATES; k++) {
        const p = preds[k];
        if (!p) {
          op.push(0n);
          lo.push(0n);
          hi.push(BigInt(MAX_VALUE));
          mul.push(0n);
          continue;
        }
        const [l, h] = p.bounds(t);
        op.push(
          BigInt(
            p.field | (p.mulField << 3) | (p.kind << 6) | ((p.neg ? 1 : 0) << 8) | (p.group << 9),
          ),
        );
        lo.push(BigInt(l));
        hi.push(BigInt(h));
        mul.push(BigInt(p.mul));
      }
      return Object.freeze({
        op,
        lo,
        hi,
        mul,
        setField: slotFields.map(BigInt),
        setRoot: slotTrees.map((x) => x.root),
      });
    },
    /** internal: the set trees per slot (empty set for unused slots) */
    slotTrees: Object.freeze(slotTrees),
  } as ProgrammeRule);
}

/** The tree of set slot `i` (the empty set when unused). @example slotTree(rule, 0) */
export function slotTree(rule: ProgrammeRule, i: number): SortedTree {
  return (rule as unknown as { slotTrees: readonly SortedTree[] }).slotTrees[i]!;
}
