/**
 * Re-identification risk of microdata under the three attacker models of El Emam & Dankar
 * ("Protecting privacy using k-anonymity", JAMIA 2008), as used by ARX:
 * - prosecutor: the attacker knows the target is in the released data; a record in a class of f
 *   records is re-identified with probability 1/f;
 * - journalist: the attacker only knows the target is in a population table (default: the data
 *   itself); a record whose class has F records in the population has risk 1/F;
 * - marketer: the attacker re-identifies as many records as possible; expected fraction
 *   (1/n) Σ_classes f/F (with no population, classes / n). The journalist average risk is the same
 *   number; the journalist model differs from the marketer one by its maximum.
 * Also reported: the records whose risk exceeds a threshold (`recordsAtRisk`, a count, and
 * `recordsAtRiskShare`, the fraction of records), and the fraction of sample uniques (records alone
 * in their class).
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions } from '../_assert.js';
import { cell, type Row } from './table.js';

/**
 * Risk figures: probabilities and fractions of records in [0, 1], except the counts `records`,
 * `classes` and `recordsAtRisk`.
 */
export interface RiskReport {
  records: number;
  classes: number;
  threshold: number;
  /** `recordsAtRisk`: how many records have a risk above the threshold; `recordsAtRiskShare`: their fraction. */
  prosecutor: {
    average: number;
    maximum: number;
    recordsAtRisk: number;
    recordsAtRiskShare: number;
  };
  /** As `prosecutor`, with the population's class sizes. */
  journalist: {
    average: number;
    maximum: number;
    recordsAtRisk: number;
    recordsAtRiskShare: number;
  };
  marketer: { average: number };
  sampleUniques: number;
}

/** Options of the risk functions. */
export interface RiskOptions {
  /** A record is "at risk" when its risk exceeds this (default 0.2, i.e. classes below 5). */
  threshold?: number;
}

/**
 * Risk from class sizes: `sizes[c]` records of the released data in class c, and `population[c]`
 * (≥ sizes[c]) records of the population in the same class (default: the sizes themselves).
 * @example riskFromClassSizes([1, 4, 5]).prosecutor.maximum // 1
 */
export function riskFromClassSizes(
  sizes: ArrayLike<number>,
  population?: ArrayLike<number>,
  opts?: RiskOptions,
): RiskReport {
  const o = aoptions(opts, 'risk', ['threshold']);
  const threshold = o.threshold ?? 0.2;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new BukejianError(
      'INVALID_OPTION',
      '"threshold" expected a number in [0, 1], got another value',
    );
  }
  const pop = population ?? sizes;
  if (pop.length !== sizes.length)
    throw new BukejianError(
      'INVALID_LENGTH',
      `"population" expected length ${sizes.length}, got length=${pop.length}`,
    );
  let n = 0;
  let classes = 0;
  let pMax = 0;
  let jMax = 0;
  let pAtRisk = 0;
  let jAtRisk = 0;
  let jSum = 0;
  let uniques = 0;
  for (let c = 0; c < sizes.length; c++) {
    const f = sizes[c]!;
    const F = pop[c]!;
    if (!(f > 0)) continue;
    if (!(F >= f))
      throw new BukejianError(
        'INVALID_RANGE',
        `"population[${c}]" expected at least the sample class size, got less`,
      );
    n += f;
    classes++;
    pMax = Math.max(pMax, 1 / f);
    jMax = Math.max(jMax, 1 / F);
    if (1 / f > threshold) pAtRisk += f;
    if (1 / F > threshold) jAtRisk += f;
    jSum += f / F;
    if (f === 1) uniques++;
  }
  const div = (a: number) => (n ? a / n : 0);
  return {
    records: n,
    classes,
    threshold,
    prosecutor: {
      average: div(classes),
      maximum: pMax,
      recordsAtRisk: pAtRisk,
      recordsAtRiskShare: div(pAtRisk),
    },
    journalist: {
      average: div(jSum),
      maximum: jMax,
      recordsAtRisk: jAtRisk,
      recordsAtRiskShare: div(jAtRisk),
    },
    marketer: { average: div(jSum) },
    sampleUniques: div(uniques),
  };
}

/**
 * Risk of `rows` whose quasi-identifiers are `qis`, compared as exact values (so pass the
 * generalized rows to measure a release). `population` rows (optional) must contain every released
 * combination: when the release is a sample of a known register.
 * @example reidentificationRisk(rows, ['age', 'sex', 'county']).prosecutor.average
 */
export function reidentificationRisk(
  rows: readonly Row[],
  qis: readonly string[],
  opts?: RiskOptions & { population?: readonly Row[] },
): RiskReport {
  const { population, ...rest } = aoptions(opts, 'risk', ['threshold', 'population']);
  const key = (r: Row, i: number) => JSON.stringify(qis.map((q) => cell(r, q, i)));
  const index = new Map<string, number>();
  const sizes: number[] = [];
  rows.forEach((r, i) => {
    const k = key(r, i);
    const c = index.get(k);
    if (c === undefined) {
      index.set(k, sizes.length);
      sizes.push(1);
    } else sizes[c]!++;
  });
  if (!population) return riskFromClassSizes(sizes, undefined, rest);
  const pop = new Array<number>(sizes.length).fill(0);
  population.forEach((r, i) => {
    const c = index.get(key(r, i));
    if (c !== undefined) pop[c]!++;
  });
  return riskFromClassSizes(sizes, pop, rest);
}
