/**
 * The citizen record an issuer signs, its validation, its Poseidon hash (field order fixed by
 * circuits/eligibility.circom) and its canonical byte encoding (for the SM2 "disclosed" form).
 * @module
 */
import { BukejianError } from '../errors.js';
import { concatBytes } from '../utils.js';
import { aoptions } from '../_assert.js';
import { aint } from './_int.js';
import { poseidonHash } from './babyjub.js';
import { adate } from './dates.js';
import { afield, fieldToBytes } from './field.js';

/** Sex codes of GB/T 2261.1: 0 unknown, 1 male, 2 female, 9 unspecified. @example SEX_CODES.includes(2) // true */
export const SEX_CODES = Object.freeze([0, 1, 2, 9] as const);
/** Largest income (yuan) the circuit accepts: incomes are range-checked to 48 bits. @example rule.create({ maxIncome: MAX_INCOME }) */
export const MAX_INCOME = 2 ** 48 - 1;

/** A citizen record as signed by the issuer. Dates are YYYYMMDD integers. */
export interface CredentialRecord {
  readonly holderCommitment: bigint;
  readonly birthDate: number;
  readonly sex: number;
  readonly regionCode: number;
  readonly income: number;
  readonly householdSize: number;
  readonly flags: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const KEYS = [
  'holderCommitment',
  'birthDate',
  'sex',
  'regionCode',
  'income',
  'householdSize',
  'flags',
  'issuedAt',
  'expiresAt',
] as const;

/**
 * Validates and freezes a record (throws BukejianError on any out-of-range field).
 * @example const r = validateRecord({ holderCommitment, birthDate: 19600301, sex: 2, regionCode: 110105,
 *   income: 24000, householdSize: 2, flags: 0b1, issuedAt: 20260101, expiresAt: 20270101 })
 */
export function validateRecord(record: CredentialRecord): CredentialRecord {
  const r = aoptions(record, 'record', KEYS) as CredentialRecord;
  for (const k of KEYS) {
    if (r[k] === undefined)
      throw new BukejianError('INVALID_DATA', `"record.${k}" expected a value, got undefined`);
  }
  const sex = aint(r.sex, 'record.sex', 0, 9);
  if (!(SEX_CODES as readonly number[]).includes(sex)) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"record.sex" expected one of ${SEX_CODES.join('|')}, got another code`,
    );
  }
  const out: CredentialRecord = {
    holderCommitment: afield(r.holderCommitment, 'record.holderCommitment'),
    birthDate: adate(r.birthDate, 'record.birthDate'),
    sex,
    regionCode: aint(r.regionCode, 'record.regionCode', 100000, 999999),
    income: aint(r.income, 'record.income', 0, MAX_INCOME),
    householdSize: aint(r.householdSize, 'record.householdSize', 1, 255),
    flags: aint(r.flags, 'record.flags', 0, 0xffffffff),
    issuedAt: adate(r.issuedAt, 'record.issuedAt'),
    expiresAt: adate(r.expiresAt, 'record.expiresAt'),
  };
  if (out.expiresAt < out.issuedAt) {
    throw new BukejianError(
      'INVALID_RANGE',
      `"record.expiresAt" expected >= issuedAt, got earlier date`,
    );
  }
  return Object.freeze(out);
}

/** The record as the 9 field elements the circuit hashes, in circuit order. @example recordFields(r) */
export function recordFields(r: CredentialRecord): bigint[] {
  return [
    r.holderCommitment,
    BigInt(r.birthDate),
    BigInt(r.sex),
    BigInt(r.regionCode),
    BigInt(r.income),
    BigInt(r.householdSize),
    BigInt(r.flags),
    BigInt(r.issuedAt),
    BigInt(r.expiresAt),
  ];
}

/**
 * Poseidon(commitment, birthDate, sex, regionCode, income, householdSize, flags, issuedAt, expiresAt):
 * the message the issuer signs with EdDSA-Poseidon.
 * @example const m = await recordHash(record)
 */
export async function recordHash(r: CredentialRecord): Promise<bigint> {
  return poseidonHash(recordFields(r));
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v);
  return b;
}

/**
 * Canonical, fixed-length (62-byte) big-endian encoding of a record:
 * commitment(32) ‖ birthDate u32 ‖ sex u8 ‖ regionCode u32 ‖ income u64 ‖ householdSize u8 ‖
 * flags u32 ‖ issuedAt u32 ‖ expiresAt u32. Used in the binary credential and as the
 * message of the SM2 disclosed-form signature.
 * @example recordBytes(record).length // 62
 */
export function recordBytes(r: CredentialRecord): Uint8Array {
  const income = new Uint8Array(8);
  new DataView(income.buffer).setBigUint64(0, BigInt(r.income));
  return concatBytes(
    fieldToBytes(r.holderCommitment),
    u32(r.birthDate),
    Uint8Array.of(r.sex),
    u32(r.regionCode),
    income,
    Uint8Array.of(r.householdSize),
    u32(r.flags),
    u32(r.issuedAt),
    u32(r.expiresAt),
  );
}

/** Length of {@link recordBytes}. @example recordBytes(r).length === RECORD_BYTES // 62 */
export const RECORD_BYTES = 32 + 4 + 1 + 4 + 8 + 1 + 4 + 4 + 4;
