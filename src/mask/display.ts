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
 *
 * Floors: options can move what is shown but never show more than the type's default does
 * ({@link MASK_MAX_SHOWN}: `keepStart + keepEnd` at most 10 for ID numbers, bank cards and USCCs, 7 for
 * phones, 4 for passports, 3 for plates, 1 for names (the default shows the surname), 1 character of
 * an e-mail's local part and never all of it); options beyond that throw INVALID_OPTION before the
 * value is looked at. Free text (`mask.middle`) always hides at least half, rounded up.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoneOf, aoptions, astring } from '../_assert.js';
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

/**
 * The most characters each display mask may show, `keepStart + keepEnd` (its default's): every
 * value of the type is longer, so at least as many characters stay hidden as with the default
 * (an 18-character ID number hides at least 8, a phone 4, a bank card 6 to 9, a USCC 8, a passport
 * 4, a plate 4). `name`: with options at most 1 character (without, the surname); `email`: at most
 * 1 character of the local part (`keepStart`), never the whole local part.
 * @example MASK_MAX_SHOWN.idCard // 10
 */
export const MASK_MAX_SHOWN = /* @__PURE__ */ Object.freeze({
  idCard: 10,
  phone: 7,
  bankCard: 10,
  uscc: 10,
  passport: 4,
  plate: 3,
  name: 1,
  email: 1,
});
/** Default keepStart / keepEnd of the fixed-format masks. */
const DEFAULT_KEEP = {
  idCard: [6, 4],
  phone: [3, 4],
  bankCard: [6, 4],
  uscc: [6, 4],
  passport: [1, 3],
  plate: [2, 1],
} as const;
type FloorType = keyof typeof MASK_MAX_SHOWN;

/**
 * Why `keepStart`/`keepEnd` would show more of a `type` value than its default mask does, or null
 * when they may be used. Shared with `loadPolicy` (internal; options must be integers ≥ 0).
 * @example maskOptionProblem('idCard', 17, 1) // '"keepStart" + "keepEnd" expected at most 10 for idCard ...'
 */
export function maskOptionProblem(
  type: FloorType,
  keepStart: number | undefined,
  keepEnd: number | undefined,
): string | null {
  const max = MASK_MAX_SHOWN[type];
  if (type === 'email')
    return keepStart !== undefined && keepStart > max
      ? `"keepStart" expected at most ${max} for email, got ${keepStart}`
      : null;
  if (type === 'name') {
    // An omitted keepStart is the surname, which already uses the whole budget.
    if (keepStart === undefined)
      return keepEnd ? '"keepEnd" expected 0 for name unless "keepStart" is given, got more' : null;
    const shown = keepStart + (keepEnd ?? 0);
    return shown > max
      ? `"keepStart" + "keepEnd" expected at most ${max} for name, got ${shown}`
      : null;
  }
  const [ds, de] = DEFAULT_KEEP[type];
  const shown = (keepStart ?? ds) + (keepEnd ?? de);
  return shown > max
    ? `"keepStart" + "keepEnd" expected at most ${max} for ${type} (its default mask's), got ${shown}`
    : null;
}

/** Checks the keep options of a display mask: types and ranges first, then the floor. */
function keeps(type: FloorType, o: Partial<MaskOptions>): void {
  if (o.keepStart !== undefined) anumber(o.keepStart, 'keepStart', 0, 1 << 20);
  if (o.keepEnd !== undefined) anumber(o.keepEnd, 'keepEnd', 0, 1 << 20);
  const why = maskOptionProblem(type, o.keepStart, o.keepEnd);
  if (why) throw new BukejianError('INVALID_OPTION', why);
}

const DEFAULTS = /* @__PURE__ */ Object.freeze({
  o: Object.freeze({}) as Partial<MaskOptions>,
  char: '*',
  onInvalid: 'throw' as const,
});

function common(opts: MaskOptions | undefined, extra: readonly string[] = []) {
  if (opts === undefined) return DEFAULTS;
  const o = aoptions(opts, 'opts', [...KEYS, ...extra]);
  const char = o.char === undefined ? '*' : astring(o.char, 'char');
  if (char.length !== 1)
    throw new BukejianError(
      'INVALID_OPTION',
      `"char" expected one character, got length=${char.length}`,
    );
  const onInvalid =
    o.onInvalid === undefined ? 'throw' : aoneOf(o.onInvalid, 'onInvalid', ['throw', 'redact']);
  return { o, char, onInvalid };
}

/** Shows `a` leading and `b` trailing characters (clipped to the value), the rest masked. */
function reveal(value: string, a: number, b: number, char: string): string {
  const n = value.length;
  a = Math.min(a, n);
  b = Math.min(b, n - a);
  return value.slice(0, a) + char.repeat(n - a - b) + value.slice(n - b);
}

/**
 * Free-text mask: keeps up to `keepStart` leading and `keepEnd` trailing characters of `value` and
 * replaces the rest, but never shows more than half of it (⌊length/2⌋ characters: `keepStart`
 * first, then `keepEnd` within what is left), so at least half, and at least one character of
 * any non-empty value, is always hidden. Length preserved.
 * @example maskMiddle('13812345678', 3, 2) // '138******78'
 */
export function maskMiddle(value: string, keepStart: number, keepEnd: number, char = '*'): string {
  astring(value, 'value');
  anumber(keepStart, 'keepStart', 0, 1 << 20);
  anumber(keepEnd, 'keepEnd', 0, 1 << 20);
  if (char !== '*' && astring(char, 'char').length !== 1)
    throw new BukejianError(
      'INVALID_OPTION',
      `"char" expected one character, got length=${char.length}`,
    );
  const half = value.length >> 1;
  const a = Math.min(keepStart, half);
  return reveal(value, a, Math.min(keepEnd, half - a), char);
}

function invalid(
  kind: string,
  reason: string,
  input: string,
  how: 'throw' | 'redact',
  char: string,
): string {
  if (how === 'redact') return char.repeat(input.length);
  throw new BukejianError('INVALID_DATA', `"${kind}" expected a valid value, got ${reason} error`);
}

/** `check` returns the normalized value, or the reason it is invalid. */
function fixed(
  kind: keyof typeof DEFAULT_KEEP,
  input: string,
  opts: MaskOptions | undefined,
  check: (s: string) => { value: string } | { reason: string },
): string {
  const { o, char, onInvalid } = common(opts);
  keeps(kind, o); // the options first: a bad one fails whatever the value
  const r = check(input);
  if (!('value' in r)) return invalid(kind, r.reason, input, onInvalid, char);
  const [ds, de] = DEFAULT_KEEP[kind];
  return reveal(r.value, o.keepStart ?? ds, o.keepEnd ?? de, char);
}

/**
 * Masks an ID number (18-character, 15-digit legacy, or residence permit). Default 6/4; options may
 * show at most 10 characters in all (INVALID_OPTION beyond). Validated with the defaults of
 * `validateIdCard`: a birth date in the future is invalid.
 * @example mask.idCard('11010519491231002X') // '110105********002X'
 */
function idCard(input: string, opts?: MaskOptions): string {
  return fixed('idCard', input, opts, (s) => {
    const r = validateIdCard(s);
    return r.valid ? { value: r.legacy ? normalizeId(s) : r.id } : r;
  });
}

/** Masks a mobile number (normalized to 11 digits). Default 3/4, at most 7 shown. @example mask.phone('13812345678') // '138****5678' */
function phone(input: string, opts?: MaskOptions): string {
  return fixed('phone', input, opts, (s) => {
    const r = validatePhone(s);
    return r.valid ? { value: r.number } : r;
  });
}

/** Masks a bank card (separators removed). Default first 6, last 4, at most 10 shown. @example mask.bankCard('6222021234567890127') // '622202*********0127' */
function bankCard(input: string, opts?: MaskOptions): string {
  return fixed('bankCard', input, opts, (s) => {
    const r = validateBankCard(s);
    return r.valid ? { value: r.number } : r;
  });
}

/** Masks a unified social credit code. Default 6/4, at most 10 shown. @example mask.uscc('91350100M000100Y43') // '913501********0Y43' */
function uscc(input: string, opts?: MaskOptions): string {
  return fixed('uscc', input, opts, (s) => {
    const r = validateUscc(s);
    return r.valid ? { value: r.code } : r;
  });
}

/** Masks a passport or travel permit number. Default 1/3, at most 4 shown. @example mask.passport('E12345678') // 'E*****678' */
function passport(input: string, opts?: MaskOptions): string {
  return fixed('passport', input, opts, (s) => {
    const r = validatePassport(s);
    return r.valid ? { value: r.number } : r;
  });
}

/** Masks a licence plate. Default 2/1, at most 3 shown. @example mask.plate('京A12345') // '京A****5' */
function plate(input: string, opts?: MaskOptions): string {
  return fixed('plate', input, opts, (s) => {
    const r = validatePlate(s);
    return r.valid ? { value: r.plate } : r;
  });
}

/**
 * Masks a personal name: by default the surname (single or compound) is kept and every other
 * character masked: `张*`, `张**`, `欧阳**`. `keepStart`/`keepEnd` count characters instead, at most
 * one in all (`keepEnd` alone must be 0: the default `keepStart` is the surname); more throws INVALID_OPTION.
 * @example mask.name('欧阳娜娜') // '欧阳**'
 */
function name(input: string, opts?: MaskOptions): string {
  const { o, char, onInvalid } = common(opts);
  keeps('name', o);
  const r = validateName(input);
  if (!r.valid) return invalid('name', r.reason, input, onInvalid, char);
  return reveal(
    r.name,
    o.keepStart === undefined ? r.surname.length : o.keepStart,
    o.keepEnd ?? 0,
    char,
  );
}

/**
 * Masks an e-mail address: `keepStart` (0 or 1, default 1) characters of the local part, never all
 * of it (a one-character local part shows none), then `***` (fixed, hiding the length), then `@`
 * and the domain unless `keepDomain: false` (then `***`). `keepEnd` does not apply.
 * @example mask.email('zhang.san@example.cn') // 'z***@example.cn'
 */
function email(input: string, opts?: MaskOptions & { keepDomain?: boolean }): string {
  const { o, char, onInvalid } = common(opts, ['keepDomain']);
  keeps('email', o);
  const r = validateEmail(input);
  if (!r.valid) return invalid('email', r.reason, input, onInvalid, char);
  // Never the whole local part: a one-character local part shows nothing.
  const keep = Math.min(o.keepStart ?? 1, r.local.length - 1);
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
  const level =
    o.level === undefined ? 'district' : aoneOf(o.level, 'level', ['province', 'city', 'district']);
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
export const mask = /* @__PURE__ */ Object.freeze({
  /** Masks an ID number: default `110105********002X` (6/4), at most 10 characters shown. */
  idCard,
  /** Masks a mobile number: default `138****5678` (3/4), at most 7 shown. */
  phone,
  /** Masks a bank card number: default first 6 and last 4, at most 10 shown. */
  bankCard,
  /** Masks a unified social credit code: default 6/4, at most 10 shown. */
  uscc,
  /** Masks a passport or travel permit number: default 1/3, at most 4 shown. */
  passport,
  /** Masks a licence plate: default `京A****5` (2/1), at most 3 shown. */
  plate,
  /** Masks a personal name: the surname by default (`欧阳**`), else at most 1 character. */
  name,
  /** Masks an e-mail address: `z***@example.cn` (at most 1 character of the local part). */
  email,
  /** Masks an address below province, city or district level (default district). */
  address,
  /**
   * Free-text mask: keeps up to `keepStart` leading and `keepEnd` trailing characters, always
   * hiding at least half.
   */
  middle: maskMiddle,
});
