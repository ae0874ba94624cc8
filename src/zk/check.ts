/**
 * The eligibility rule evaluated in plain JavaScript, before any proving: which of the rule's
 * predicates (age, income, region, flags, and the credential's validity window, always checked)
 * the credential's record fails. It mirrors the circuit (circuits/eligibility.circom) exactly:
 *   validity: issuedAt <= today <= expiresAt
 *   age:      birthDate + 10000 * minAge <= today   (YYYYMMDD integers)
 *   income:   income <= maxIncome
 *   region:   regionCode in the rule's region set
 *   flags:    (flags & requiredFlags) == requiredFlags
 * `prove` runs it first, so its NOT_ELIGIBLE error and `check` always agree. The result and the
 * error name predicates and the rule's bounds only, never the holder's values. It does not check
 * the issuer's signature nor the holder secret (the circuit does).
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions } from '../_assert.js';
import { adate } from './dates.js';
import { isRule } from './context.js';
import type { Credential } from './credential.js';
import { validateRecord } from './record.js';
import type { Rule } from './rule.js';

/** A predicate of the eligibility statement (`validity`: the credential's validity window). */
export type EligibilityPredicate = 'age' | 'income' | 'region' | 'flags' | 'validity';

/** The result of `eligibility.check`: eligible, or the failed predicates (names only, no values). */
export type EligibilityCheck =
  | { readonly eligible: true }
  | { readonly eligible: false; readonly failed: readonly EligibilityPredicate[] };

/** What `check` needs of a proof request (extra request fields are accepted and ignored). */
export interface EligibilityRequest {
  /** The programme rule (from `rule.create`). */
  readonly rule: Rule;
  /** The verifier's date, YYYYMMDD. */
  readonly today: number;
  readonly programId?: bigint | string;
  readonly period?: bigint | number;
  readonly challenge?: bigint;
}

/**
 * Evaluates the rule on the credential's record in plain JS (no proving).
 * @example
 * const r = eligibility.check(credential, { rule, today: 20261125 })
 * if (!r.eligible) console.log(r.failed) // e.g. ['age']
 */
export function check(credential: Credential, request: EligibilityRequest): EligibilityCheck {
  if (!credential || typeof credential !== 'object')
    throw new BukejianError('INVALID_TYPE', '"credential" expected a credential');
  const q = aoptions(request, 'request', ['rule', 'today', 'programId', 'period', 'challenge']);
  if (request === undefined)
    throw new BukejianError('INVALID_TYPE', '"request" expected options object, got undefined');
  if (!isRule(q.rule))
    throw new BukejianError('INVALID_TYPE', '"rule" expected a rule from rule.create');
  const rule = q.rule;
  const today = adate(q.today, 'today');
  const r = validateRecord(credential.record);
  const failed: EligibilityPredicate[] = [];
  if (rule.checkAge && r.birthDate + 10000 * rule.minAge > today) failed.push('age');
  if (rule.checkIncome && r.income > rule.maxIncome) failed.push('income');
  if (rule.checkRegion && rule.regionPath(r.regionCode) === undefined) failed.push('region');
  if (rule.checkFlags && (r.flags & rule.requiredFlags) >>> 0 !== rule.requiredFlags >>> 0)
    failed.push('flags');
  if (!(r.issuedAt <= today && today <= r.expiresAt)) failed.push('validity');
  return failed.length
    ? Object.freeze({ eligible: false, failed: Object.freeze(failed) })
    : { eligible: true };
}

/** The NOT_ELIGIBLE message for failed predicates: each predicate with the rule's bound, never the holder's value. */
export function notEligibleMessage(
  rule: Rule,
  today: number,
  failed: readonly EligibilityPredicate[],
): string {
  const what = failed.map((p) => {
    switch (p) {
      case 'age':
        return `age (the rule requires at least ${rule.minAge} years on ${today})`;
      case 'income':
        return `income (the rule allows at most ${rule.maxIncome} yuan)`;
      case 'region':
        return `region (not one of the rule's ${rule.regionTree?.codes.length ?? 0} regions)`;
      case 'flags':
        return `flags (the rule requires flags 0b${(rule.requiredFlags >>> 0).toString(2)})`;
      case 'validity':
        return `validity (the credential is not valid on ${today})`;
    }
  });
  return `the credential does not satisfy the rule: ${what.join(', ')} failed`;
}
