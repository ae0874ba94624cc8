/**
 * Display masking (GB/T 35273-2020 §3.14 / §6.2 去标识化展示, "展示限制"): what staff see on screen.
 * Every function validates first: invalid input throws INVALID_DATA (or, with
 * `onInvalid: 'redact'`, becomes all mask characters) and is never masked into something that
 * looks like a valid value. The output reveals at most `keepStart` leading and `keepEnd` trailing
 * characters of the normalized value; everything else is the mask character.
 *
 * Defaults: ID `110101********1234` (6/4), phone `138****5678` (3/4), bank card first 6 and last 4,
 * USCC 6/4, passport 1/3, plate 2/1, name `张*` / `欧阳**` (surname kept), e-mail `z***@example.cn`,
 * address kept to district level then `****`.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoneOf, aoptions, astring } from '../utils.js';
import { validateIdCard } from './idcard.js';
import { normalizeId } from './normalize.js';
import { validatePhone } from './phone.js';
import { validateBankCard } from './bankcard.js';
import { validateUscc } from './uscc.js';
import { validatePassport } from './passport.js';
import { validatePlate } from './plate.js';
import { validateName } from './name.js';
import { validateEmail } from './email.js';
import { splitAddress } from './address.js';

/** Options common to the fixed-format masks. */
export interface MaskOptions {
  /** Leading characters shown (default per type). */
  keepStart?: number;
  /** Trailing characters shown (default per type). */
  keepEnd?: number;
  /** Mask character (default `*`), one UTF-16 code unit. */
  char?: string;
  /** `throw` (default): INVALID_DATA; `redact`: every character becomes the mask character. */
  onInvalid?: 'throw' | 'redact';
}

const KEYS = ['keepStart', 'keepEnd', 'char', 'onInvalid'] as const;

const DEFAULTS = /* @__PURE__ */ Object.freeze({ o: Object.freeze({}) as Partial<MaskOptions>, char: '*', onInvalid: 'throw' as const });

function common(opts: MaskOptions | undefined, extra: readonly string[] = []) {
  if (opts === undefined) return DEFAULTS;
  const o = aoptions(opts, 'opts', [...KEYS, ...extra]);
  const char = o.char === undefined ? '*' : astring(o.char, 'char');
  if (char.length !== 1) throw new BukejianError('INVALID_OPTION', `"char" expected one character, got length=${char.length}`);
  const onInvalid = o.onInvalid === undefined ? 'throw' : aoneOf(o.onInvalid, 'onInvalid', ['throw', 'redact']);
  return { o, char, onInvalid };
}

/**
 * Keeps `keepStart` leading and `keepEnd` trailing characters of `value` and replaces the rest
 * (never reveals more than keepStart + keepEnd characters; overlapping keeps are clipped).
 * @example maskMiddle('13812345678', 3, 4) // '138****5678'
 */
export function maskMiddle(value: string, keepStart: number, keepEnd: number, char = '*'): string {
  astring(value, 'value');
  anumber(keepStart, 'keepStart', 0, 1 << 20);
  anumber(keepEnd, 'keepEnd', 0, 1 << 20);
  if (char !== '*' && (astring(char, 'char').length !== 1)) throw new BukejianError('INVALID_OPTION', `"char" expected one character, got length=${char.length}`);
  const n = value.length;
  const a = Math.min(keepStart, n);
  const b = Math.min(keepEnd, n - a);
  return value.slice(0, a) + char.repeat(n - a - b) + value.slice(n - b);
}

function invalid(kind: string, reason: string, input: string, how: 'throw' | 'redact', char: string): string {
  if (how === 'redact') return char.repeat(input.length);
  throw new BukejianError('INVALID_DATA', `"${kind}" expected a valid value, got ${reason} error`);
}

function fixed(kind: string, value: string | null, reason: string, input: string, opts: MaskOptions | undefined, ds: number, de: number): string {
  const { o, char, onInvalid } = common(opts);
  if (value === null) return invalid(kind, reason, input, onInvalid, char);
  return maskMiddle(value, o.keepStart === undefined ? ds : o.keepStart, o.keepEnd === undefined ? de : o.keepEnd, char);
}

/**
 * Masks an ID number (18-character, 15-digit legacy, or residence permit). Default 6/4. Validated
 * with the defaults of `validateIdCard`: a birth date in the future is invalid.
 * @example mask.idCard('11010519491231002X') // '110105********002X'
 */
function idCard(input: string, opts?: MaskOptions): string {
  const r = validateIdCard(input);
  return fixed('idCard', r.valid ? (r.legacy ? normalizeId(input) : r.id) : null, r.valid ? '' : r.reason, input, opts, 6, 4);
}

/** Masks a mobile number (normalized to 11 digits). Default 3/4. @example mask.phone('13812345678') // '138****5678' */
function phone(input: string, opts?: MaskOptions): string {
  const r = validatePhone(input);
  return fixed('phone', r.valid ? r.number : null, r.valid ? '' : r.reason, input, opts, 3, 4);
}

/** Masks a bank card (separators removed). Default first 6, last 4. @example mask.bankCard('6222021234567890127') // '622202*********0127' */
function bankCard(input: string, opts?: MaskOptions): string {
  const r = validateBankCard(input);
  return fixed('bankCard', r.valid ? r.number : null, r.valid ? '' : r.reason, input, opts, 6, 4);
}

/** Masks a unified social credit code. Default 6/4. @example mask.uscc('91350100M000100Y43') // '913501********0Y43' */
function uscc(input: string, opts?: MaskOptions): string {
  const r = validateUscc(input);
  return fixed('uscc', r.valid ? r.code : null, r.valid ? '' : r.reason, input, opts, 6, 4);
}

/** Masks a passport or travel permit number. Default 1/3. @example mask.passport('E12345678') // 'E*****678' */
function passport(input: string, opts?: MaskOptions): string {
  const r = validatePassport(input);
  return fixed('passport', r.valid ? r.number : null, r.valid ? '' : r.reason, input, opts, 1, 3);
}

/** Masks a licence plate. Default 2/1. @example mask.plate('京A12345') // '京A****5' */
function plate(input: string, opts?: MaskOptions): string {
  const r = validatePlate(input);
  return fixed('plate', r.valid ? r.plate : null, r.valid ? '' : r.reason, input, opts, 2, 1);
}

/**
 * Masks a personal name: by default the surname (single or compound) is kept and every other
 * character masked: `张*`, `张**`, `欧阳**`. `keepStart`/`keepEnd` count characters instead.
 * @example mask.name('欧阳娜娜') // '欧阳**'
 */
function name(input: string, opts?: MaskOptions): string {
  const { o, char, onInvalid } = common(opts);
  const r = validateName(input);
  if (!r.valid) return invalid('name', r.reason, input, onInvalid, char);
  return maskMiddle(r.name, o.keepStart === undefined ? r.surname.length : o.keepStart, o.keepEnd === undefined ? 0 : o.keepEnd, char);
}

/**
 * Masks an e-mail address: `keepStart` (default 1) characters of the local part, then `***`
 * (fixed, hiding the length), then `@` and the domain unless `keepDomain: false` (then `***`).
 * `keepEnd` does not apply.
 * @example mask.email('zhang.san@example.cn') // 'z***@example.cn'
 */
function email(input: string, opts?: MaskOptions & { keepDomain?: boolean }): string {
  const { o, char, onInvalid } = common(opts, ['keepDomain']);
  const r = validateEmail(input);
  if (!r.valid) return invalid('email', r.reason, input, onInvalid, char);
  const keep = Math.min(anumber(o.keepStart === undefined ? 1 : o.keepStart, 'keepStart', 0, 64), r.local.length);
  const keepDomain = (o as { keepDomain?: boolean }).keepDomain !== false;
  return r.local.slice(0, keep) + char.repeat(3) + '@' + (keepDomain ? r.domain : char.repeat(3));
}

/** Address masking options. */
export interface AddressMaskOptions {
  /** Deepest level kept (default `district`). */
  level?: 'province' | 'city' | 'district';
  char?: string;
  onInvalid?: 'throw' | 'redact';
}

/**
 * Masks an address below the chosen level: the kept levels, then four mask characters (fixed,
 * so the length of the rest is not revealed). Invalid = no province recognised.
 * @example mask.address('广东省深圳市南山区科技园路1号') // '广东省深圳市南山区****'
 */
function address(input: string, opts?: AddressMaskOptions): string {
  const o = aoptions(opts, 'opts', ['level', 'char', 'onInvalid']);
  const { char, onInvalid } = common({ char: o.char, onInvalid: o.onInvalid });
  const level = o.level === undefined ? 'district' : aoneOf(o.level, 'level', ['province', 'city', 'district']);
  const p = splitAddress(input);
  if (!p.province) return invalid('address', 'region', input, onInvalid, char);
  let kept = p.province;
  if (level !== 'province') kept += p.city ?? '';
  if (level === 'district') kept += p.district ?? '';
  return kept + char.repeat(4);
}

/**
 * Display masks per identifier type, as one frozen object.
 * @example mask.idCard('110101199003071234') // '110101********1234'
 */
export const mask = /* @__PURE__ */ Object.freeze({ idCard, phone, bankCard, uscc, passport, plate, name, email, address, middle: maskMiddle });
