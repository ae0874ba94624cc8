/**
 * Format-preserving encryption with FF1 (NIST SP 800-38G) over SM4 (GB/T 32907): strings over an
 * alphabet encrypt to strings of the same length over the same alphabet, and an ID-number token
 * mode whose output is itself a syntactically valid GB 11643 number.
 *
 * ID tokens: the area code stays in clear (and is bound into the tweak); the birth date (as a day
 * in 1900-01-01…2099-12-31) and the 3-digit sequence form one number X < 73,049,000 that is
 * encrypted with FF1 over 8 decimal digits, cycle-walking until the result is below the bound
 * (1.37 FF1 calls on average); the check character is recomputed. Tokens therefore carry a real
 * (possibly future) date and a valid check character, and decrypt back exactly. Sex (the
 * sequence parity) is not preserved.
 * @module
 */
import { BukejianError } from '../errors.js';
import { block } from '../sm4/block.js';
import { abytes, aoptions, astring, utf8ToBytes, concatBytes } from '../utils.js';
import { ff1, type Ff1 } from './ff1.js';
import { idCardCheckChar, validateIdCard, daysInMonth } from './idcard.js';

/** Options of {@link ff1Sm4}. */
export interface FpeOptions {
  /** The characters of the domain, in value order (default `0123456789`); no repeats. */
  alphabet?: string;
  /** Default tweak (bytes, or a string taken as UTF-8). */
  tweak?: Uint8Array | string;
}

/** String FPE over an alphabet. */
export interface StringFpe {
  readonly alphabet: string;
  readonly minLength: number;
  encrypt(text: string, tweak?: Uint8Array | string): string;
  decrypt(text: string, tweak?: Uint8Array | string): string;
}

const tweakBytes = (t: Uint8Array | string | undefined, name: string): Uint8Array | undefined =>
  t === undefined ? undefined : typeof t === 'string' ? utf8ToBytes(t) : abytes(t, name);

/**
 * FF1-SM4 over an alphabet (radix = alphabet length, 2…65536 distinct UTF-16 code units).
 * Characters outside the alphabet throw INVALID_DATA.
 * @example
 * const f = fpe.ff1(key, { alphabet: '0123456789', tweak: 'bank/2026' })
 * f.decrypt(f.encrypt('6222021234567890')) // '6222021234567890'
 */
export function ff1Sm4(key: Uint8Array, opts?: FpeOptions): StringFpe {
  const o = aoptions(opts, 'opts', ['alphabet', 'tweak']);
  const alphabet = o.alphabet === undefined ? '0123456789' : astring(o.alphabet, 'alphabet');
  const index = new Map<string, number>();
  for (let i = 0; i < alphabet.length; i++) index.set(alphabet[i]!, i);
  if (index.size !== alphabet.length || alphabet.length < 2) {
    throw new BukejianError('INVALID_OPTION', '"alphabet" expected at least 2 distinct characters, got repeats or too few');
  }
  const f: Ff1 = ff1(block(key), { radix: alphabet.length, tweak: tweakBytes(o.tweak, 'tweak') });
  const toNum = (s: string): number[] => {
    astring(s, 'text');
    const out = new Array<number>(s.length);
    for (let i = 0; i < s.length; i++) {
      const v = index.get(s[i]!);
      if (v === undefined) throw new BukejianError('INVALID_DATA', `"text" expected characters of the alphabet, got other at index ${i}`);
      out[i] = v;
    }
    return out;
  };
  const toStr = (x: number[]): string => {
    let s = '';
    for (const v of x) s += alphabet[v];
    return s;
  };
  return Object.freeze({
    alphabet,
    minLength: f.minLength,
    encrypt: (s: string, t?: Uint8Array | string) => toStr(f.encrypt(toNum(s), tweakBytes(t, 'tweak'))),
    decrypt: (s: string, t?: Uint8Array | string) => toStr(f.decrypt(toNum(s), tweakBytes(t, 'tweak'))),
  });
}

// Day index ↔ date over 1900-01-01 … 2099-12-31 (73,049 days).
const FIRST_YEAR = 1900, YEARS = 200;
const YEAR_START: number[] = [];
for (let y = 0, acc = 0; y <= YEARS; y++) {
  YEAR_START.push(acc);
  const yy = FIRST_YEAR + y;
  acc += (yy % 4 === 0 && yy % 100 !== 0) || yy % 400 === 0 ? 366 : 365;
}
const DAYS = YEAR_START[YEARS]!;
/** Size of the token domain: days × 1000 sequences. */
export const ID_TOKEN_DOMAIN = DAYS * 1000;

function dayIndex(y: number, m: number, d: number): number {
  let i = YEAR_START[y - FIRST_YEAR]!;
  for (let k = 1; k < m; k++) i += daysInMonth(y, k);
  return i + d - 1;
}

function dayDate(i: number): string {
  let y = 0;
  while (YEAR_START[y + 1]! <= i) y++;
  let r = i - YEAR_START[y]!;
  const yy = FIRST_YEAR + y;
  let m = 1;
  while (r >= daysInMonth(yy, m)) r -= daysInMonth(yy, m++);
  return `${yy}${String(m).padStart(2, '0')}${String(r + 1).padStart(2, '0')}`;
}

/** ID-number tokenization. */
export interface IdCardFpe {
  /** A valid ID number (18, or 15 converted) → a token that is itself a valid 18-character number. */
  encrypt(id: string): string;
  decrypt(token: string): string;
}

/**
 * ID-number tokens (see the module comment). The birth date must lie in 1900–2099.
 * @example
 * const t = fpe.idCard(key, { tweak: 'civil-affairs' })
 * const token = t.encrypt('11010519491231002X') // '110105' + another date/sequence + its check char
 * t.decrypt(token) // '11010519491231002X'
 */
export function idCardFpe(key: Uint8Array, opts?: { tweak?: Uint8Array | string }): IdCardFpe {
  const o = aoptions(opts, 'opts', ['tweak']);
  const base = tweakBytes(o.tweak, 'tweak') ?? new Uint8Array(0);
  const f = ff1(block(key), { radix: 10 });
  const digits = (x: number): number[] => {
    const out = new Array<number>(8);
    for (let i = 7; i >= 0; i--, x = Math.floor(x / 10)) out[i] = x % 10;
    return out;
  };
  const value = (a: number[]): number => a.reduce((acc, d) => acc * 10 + d, 0);
  const walk = (id: string, dec: boolean): string => {
    const area = id.slice(0, 6);
    const y = +id.slice(6, 10), m = +id.slice(10, 12), d = +id.slice(12, 14);
    if (y < FIRST_YEAR || y >= FIRST_YEAR + YEARS) throw new BukejianError('INVALID_DATA', '"id" expected a birth year in 1900-2099, got other');
    const tweak = concatBytes(base, utf8ToBytes('|' + area));
    let x = dayIndex(y, m, d) * 1000 + +id.slice(14, 17);
    do x = value(dec ? f.decrypt(digits(x), tweak) : f.encrypt(digits(x), tweak));
    while (x >= ID_TOKEN_DOMAIN);
    const body = area + dayDate(Math.floor(x / 1000)) + String(x % 1000).padStart(3, '0');
    return body + idCardCheckChar(body);
  };
  const parse = (s: string, name: string): string => {
    const r = validateIdCard(astring(s, name), { now: null });
    if (!r.valid) throw new BukejianError('INVALID_DATA', `"${name}" expected a valid ID number, got ${r.reason} error`);
    return r.id;
  };
  return Object.freeze({
    encrypt: (id: string) => walk(parse(id, 'id'), false),
    decrypt: (token: string) => walk(parse(token, 'token'), true),
  });
}

/**
 * Format-preserving encryption, as one frozen object: `fpe.ff1(key, { alphabet, tweak })`
 * (FF1-SM4 over an alphabet), `fpe.idCard(key)` (valid-ID tokens), `fpe.ff1Generic(cipher, { radix })`
 * (FF1 over any 128-bit block cipher).
 * @example fpe.ff1(key).encrypt('13812345678')
 */
export const fpe = Object.freeze({ ff1: ff1Sm4, idCard: idCardFpe, ff1Generic: ff1 });
