/**
 * The verification context shared by prover and verifier (issuer key, rule, today, programme,
 * period, challenge), its validation, and the circuit's public signals derived from it, in the
 * order snarkjs lays them out: [nullifier (output), today, minAge, maxIncome, regionRoot,
 * requiredFlags, checkAge, checkIncome, checkRegion, checkFlags, programId, period, challenge,
 * issuerAx, issuerAy]. The verifier always derives these itself; it never takes them from a proof.
 * @module
 */
import { BukejianError } from '../errors.js';
import { sm3 } from '../sm3.js';
import { utf8ToBytes } from '../utils.js';
import { aoptions } from '../_assert.js';
import { bytesToNumberBE } from '../_number.js';
import { aint } from './_int.js';
import type { IssuerPublicKey } from './credential.js';
import { adate } from './dates.js';
import { afield, FIELD_ORDER } from './field.js';
import type { Rule } from './rule.js';

/** Everything both sides must agree on for one eligibility request. */
export interface ProofContext {
  /** The issuer whose signature the verifier accepts. */
  readonly issuerPublicKey: IssuerPublicKey;
  /** The programme rule (from `rule.create`). */
  readonly rule: Rule;
  /** The verifier's date, YYYYMMDD. */
  readonly today: number;
  /** Programme identifier: a field element, or a name mapped by {@link programId}. */
  readonly programId: bigint | string;
  /** Claim period, e.g. 202611 (a safe integer or a field element). */
  readonly period: number | bigint;
  /** The verifier's fresh challenge for this request (a field element, see `eligibility.challenge()`). */
  readonly challenge: bigint;
}

/** Number of public signals, nullifier included. @example publicSignals(n, ctx).length === PUBLIC_SIGNALS */
export const PUBLIC_SIGNALS = 15;

const CONTEXT_KEYS = [
  'issuerPublicKey',
  'rule',
  'today',
  'programId',
  'period',
  'challenge',
] as const;

/**
 * Maps a programme name to a field element: SM3("bukejian/zk/program\0" ‖ name) mod r.
 * @example programId('2026 高龄津贴')
 */
export function programId(name: string): bigint {
  if (typeof name !== 'string' || name.length === 0) {
    throw new BukejianError('INVALID_TYPE', '"programId" expected non-empty string');
  }
  return bytesToNumberBE(sm3(utf8ToBytes(`bukejian/zk/program\0${name}`))) % FIELD_ORDER;
}

/** A validated context with every value as a field element. */
export interface ResolvedContext {
  readonly issuer: readonly [bigint, bigint];
  readonly rule: Rule;
  readonly today: number;
  readonly programId: bigint;
  readonly period: bigint;
  readonly challenge: bigint;
}

export function isRule(r: unknown): r is Rule {
  const o = r as Rule;
  return (
    !!o &&
    typeof o === 'object' &&
    typeof o.checkAge === 'boolean' &&
    typeof o.checkIncome === 'boolean' &&
    typeof o.checkRegion === 'boolean' &&
    typeof o.checkFlags === 'boolean' &&
    typeof o.regionRoot === 'bigint' &&
    typeof o.regionPath === 'function'
  );
}

/**
 * Validates a context (the caller's own input: malformed values throw).
 * @example const ctx = resolveContext({ issuerPublicKey, rule, today: 20261125, programId: 'elderly', period: 202611, challenge })
 */
export function resolveContext(context: ProofContext): ResolvedContext {
  const c = aoptions(context, 'context', CONTEXT_KEYS) as ProofContext;
  if (context === undefined)
    throw new BukejianError('INVALID_TYPE', '"context" expected options object, got undefined');
  if (!Array.isArray(c.issuerPublicKey) || c.issuerPublicKey.length !== 2) {
    throw new BukejianError('INVALID_KEY', '"issuerPublicKey" expected [x, y] bigints');
  }
  if (!isRule(c.rule))
    throw new BukejianError('INVALID_TYPE', '"rule" expected a rule from rule.create');
  const pid =
    typeof c.programId === 'string' ? programId(c.programId) : afield(c.programId, 'programId');
  const period =
    typeof c.period === 'number'
      ? BigInt(aint(c.period, 'period', 0, Number.MAX_SAFE_INTEGER))
      : afield(c.period, 'period');
  return Object.freeze({
    issuer: Object.freeze([
      afield(c.issuerPublicKey[0], 'issuerPublicKey[0]'),
      afield(c.issuerPublicKey[1], 'issuerPublicKey[1]'),
    ] as const),
    rule: c.rule,
    today: adate(c.today, 'today'),
    programId: pid,
    period,
    challenge: afield(c.challenge, 'challenge'),
  });
}

const b = (v: boolean) => (v ? 1n : 0n);

/**
 * The 15 public signals for a given nullifier, derived only from the context.
 * @example const signals = publicSignals(nullifier, resolveContext(ctx))
 */
export function publicSignals(nullifier: bigint, c: ResolvedContext): bigint[] {
  const r = c.rule;
  return [
    nullifier,
    BigInt(c.today),
    BigInt(r.minAge),
    BigInt(r.maxIncome),
    r.regionRoot,
    BigInt(r.requiredFlags),
    b(r.checkAge),
    b(r.checkIncome),
    b(r.checkRegion),
    b(r.checkFlags),
    c.programId,
    c.period,
    c.challenge,
    c.issuer[0],
    c.issuer[1],
  ];
}
