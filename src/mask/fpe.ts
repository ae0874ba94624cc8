/**
 * Format-preserving encryption with FF1 (NIST SP 800-38G) over SM4 (GB/T 32907): strings over an
 * alphabet encrypt to strings of the same length over the same alphabet, and an ID-number token
 * mode whose output is itself a syntactically valid GB 11643 number.
 *
 * ID tokens: the area code stays in clear (and is bound into the tweak); the birth date (as a day
 * in the token years, default 1900-01-01…2099-12-31) and the 3-digit sequence form one number
 * X < N that is encrypted with FF1 over two numerals of radix ⌈√N⌉, cycle-walking until the
 * result is below N (under 1.001 FF1 calls on average); the check character is recomputed. The
 * default token years run from 1900 to the current year (read from the clock when the instance is
 * made), so tokens are stable within a calendar year and change on 1 January; explicit `years`
 * make them stable for good. With `years` that reach past a cutoff year (default: the current
 * year) the domain is split at its end and each side permuted on its own, so an ID born up to the
 * cutoff gets a token dated up to it. Every permuted part must hold at least 10^6 values (SP
 * 800-38G's minimum domain, applied to the cycle-walked domain itself). Tokens carry a real date,
 * a valid check character, and decrypt back exactly. With `keepSex` the sequence parity (the sex)
 * is kept and only seq/2 is encrypted.
 * @module
 */
import { BukejianError } from '../errors.js';
import { block } from '../sm4/block.js';
import { utf8ToBytes, concatBytes } from '../utils.js';
import { abytes, anumber, aoptions, astring } from '../_assert.js';
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
  /** The domain's characters in value order (the radix is its length). */
  readonly alphabet: string;
  /** Shortest accepted text: radix^minLength ≥ 10^6 (SP 800-38G); shorter throws INVALID_LENGTH. */
  readonly minLength: number;
  /**
   * Encrypts `text` (characters of the alphabet, `minLength` to 65,536 of them) into a string of
   * the same length over the same alphabet. `tweak` overrides the default tweak (a string is taken
   * as UTF-8). Throws INVALID_DATA for a character outside the alphabet, INVALID_LENGTH for a bad
   * length, BAD_STATE after `destroy`.
   */
  encrypt(text: string, tweak?: Uint8Array | string): string;
  /** Inverts {@link StringFpe.encrypt} given the same key and tweak; same checks and errors. */
  decrypt(text: string, tweak?: Uint8Array | string): string;
  /** Wipes the SM4 round keys; later calls throw BAD_STATE. */
  destroy(): void;
}

const tweakBytes = (t: Uint8Array | string | undefined, name: string): Uint8Array | undefined =>
  t === undefined ? undefined : typeof t === 'string' ? utf8ToBytes(t) : abytes(t, name);

/**
 * FF1-SM4 over an alphabet (radix = alphabet length, 2…65536 distinct UTF-16 code units).
 * Characters outside the alphabet throw INVALID_DATA.
 * @example
 * const f = ff1Sm4(key, { alphabet: '0123456789', tweak: 'bank/2026' })
 * f.decrypt(f.encrypt('6222021234567890')) // '6222021234567890'
 */
export function ff1Sm4(key: Uint8Array, opts?: FpeOptions): StringFpe {
  const o = aoptions(opts, 'opts', ['alphabet', 'tweak']);
  const alphabet = o.alphabet === undefined ? '0123456789' : astring(o.alphabet, 'alphabet');
  const index = new Map<string, number>();
  for (let i = 0; i < alphabet.length; i++) index.set(alphabet[i]!, i);
  if (index.size !== alphabet.length || alphabet.length < 2) {
    throw new BukejianError(
      'INVALID_OPTION',
      '"alphabet" expected at least 2 distinct characters, got repeats or too few',
    );
  }
  const cipher = block(key);
  const f: Ff1 = ff1(cipher, { radix: alphabet.length, tweak: tweakBytes(o.tweak, 'tweak') });
  const toNum = (s: string): number[] => {
    astring(s, 'text');
    const out = new Array<number>(s.length);
    for (let i = 0; i < s.length; i++) {
      const v = index.get(s[i]!);
      if (v === undefined)
        throw new BukejianError(
          'INVALID_DATA',
          `"text" expected characters of the alphabet, got other at index ${i}`,
        );
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
    encrypt: (s: string, t?: Uint8Array | string) =>
      toStr(f.encrypt(toNum(s), tweakBytes(t, 'tweak'))),
    decrypt: (s: string, t?: Uint8Array | string) =>
      toStr(f.decrypt(toNum(s), tweakBytes(t, 'tweak'))),
    destroy: () => cipher.destroy(),
  });
}

// Day index ↔ date over the token years (default 1900-01-01 … 2099-12-31, 73,049 days).
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function calendar(first: number, last: number) {
  const yearStart: number[] = [];
  for (let y = first, acc = 0; y <= last + 1; y++) {
    yearStart.push(acc);
    acc += isLeap(y) ? 366 : 365;
  }
  const days = yearStart[last - first + 1]!;
  const index = (y: number, m: number, d: number): number => {
    let i = yearStart[y - first]!;
    for (let k = 1; k < m; k++) i += daysInMonth(y, k);
    return i + d - 1;
  };
  const date = (i: number): string => {
    let y = 0;
    while (yearStart[y + 1]! <= i) y++;
    let r = i - yearStart[y]!;
    const yy = first + y;
    let m = 1;
    while (r >= daysInMonth(yy, m)) r -= daysInMonth(yy, m++);
    return `${yy}${String(m).padStart(2, '0')}${String(r + 1).padStart(2, '0')}`;
  };
  return { days, index, date };
}

/**
 * @deprecated The fixed cutoff of earlier versions; the default cutoff is now the current year
 * (see {@link IdCardFpeOptions.cutoff}). Pass `cutoff: ID_TOKEN_CUTOFF, years: [1900, 2099]` to
 * keep the tokens of those versions.
 * @example idCardFpe(key, { years: [1900, 2099], cutoff: ID_TOKEN_CUTOFF }) // the tokens of the 2025-cutoff versions
 */
export const ID_TOKEN_CUTOFF = 2025;

/**
 * Size of the full token domain `years: [1900, 2099]`: 73,049 days × 1000 sequences (with a
 * cutoff, split between its two parts). The default domain is 1900 to the current year.
 * @example ID_TOKEN_DOMAIN // 73049000
 */
export const ID_TOKEN_DOMAIN = /* @__PURE__ */ calendar(1900, 2099).days * 1000;

/** SP 800-38G Rev. 1's minimum domain size, enforced on every cycle-walked part of an ID-token domain. */
const MIN_DOMAIN = 1_000_000;

/** Year of `now` (default: the clock), checked. */
function yearOf(now: unknown): number {
  if (now === undefined) return new Date().getFullYear();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new BukejianError('INVALID_OPTION', '"now" expected a valid Date, got other');
  return now.getFullYear();
}

/**
 * The parts of an ID-token domain for the given options, checked (INVALID_OPTION): years in
 * [1800, 9999], first ≤ last, and every part at least 10^6 values. Internal, shared with `loadPolicy`.
 * @example idTokenParts({ years: [2000, 2000], keepSex: true }) // throws INVALID_OPTION (183,000 values)
 */
export function idTokenParts(o: Pick<IdCardFpeOptions, 'years' | 'cutoff' | 'keepSex' | 'now'>): {
  first: number;
  last: number;
  cut: number | null;
  seqs: number;
  parts: [number, number][];
} {
  const year = yearOf(o.now);
  const years = o.years ?? [1900, year];
  if (!Array.isArray(years) || years.length !== 2)
    throw new BukejianError('INVALID_OPTION', '"years" expected [first, last], got other');
  const first = anumber(years[0], 'years[0]', 1800, 9999);
  const last = anumber(years[1], 'years[1]', first, 9999);
  const cut =
    o.cutoff === undefined
      ? year
      : o.cutoff === null
        ? null
        : anumber(o.cutoff, 'cutoff', 1800, 9999);
  if (o.keepSex !== undefined && typeof o.keepSex !== 'boolean')
    throw new BukejianError('INVALID_OPTION', '"keepSex" expected boolean, got other');
  const seqs = o.keepSex === true ? 500 : 1000;
  const split = cut !== null && cut >= first && cut < last;
  const parts: [number, number][] = split
    ? [
        [first, cut],
        [cut + 1, last],
      ]
    : [[first, last]];
  for (const [a, b] of parts) {
    const n = calendar(a, b).days * seqs;
    if (n < MIN_DOMAIN) {
      throw new BukejianError(
        'INVALID_OPTION',
        `"years" expected token domains of at least 10^6 values (SP 800-38G), got ${a}-${b} with ${n}${split ? ' (split at "cutoff"' + (o.cutoff === undefined ? ', the current year by default: pass cutoff explicitly, e.g. null)' : ')') : ''}`,
      );
    }
  }
  return { first, last, cut: split ? cut : null, seqs, parts };
}

/** ID-number tokenization. */
export interface IdCardFpe {
  /** A valid ID number (18, or 15 converted) → a token that is itself a valid 18-character number. */
  encrypt(id: string): string;
  /**
   * A token (a valid 18-character number, as returned by `encrypt` with the same key and options)
   * → the original number in its 18-character form. Throws INVALID_DATA when `token` is not a
   * valid ID number or its birth year is outside `years`, BAD_STATE after `destroy`.
   */
  decrypt(token: string): string;
  /** Wipes the SM4 round keys; later calls throw BAD_STATE. */
  destroy(): void;
}

/**
 * Options of {@link idCardFpe}. Encryption and decryption must use the same options, and, when
 * `years` or `cutoff` is left to its default, the same calendar year (see `years`).
 */
export interface IdCardFpeOptions {
  tweak?: Uint8Array | string;
  /**
   * Birth years of the token domain, inclusive; IDs outside cannot be tokenized. Default
   * `[1900, Y]` with Y the current year (of `now`): tokens are never dated after this year, and
   * they are stable for the whole calendar year, but on 1 January the domain grows by a year and
   * every default token changes (decrypt last year's tokens with `years: [1900, Y - 1]`). Pass
   * explicit years (e.g. `[1900, 2099]` with a `cutoff`) for tokens that never change.
   */
  years?: [number, number];
  /**
   * Last birth year of the "past" part (default: the current year, of `now`). When `years` reach
   * past it the domain is split there and each part is permuted on its own: an ID born up to the
   * end of `cutoff` gets a token dated up to it, an ID born later one dated after it (the token
   * reveals the side). `null` (or a cutoff outside `[years[0], years[1])`) keeps one domain.
   * With the default `years` there is nothing after the cutoff: one domain. A token can still be
   * dated later in the cutoff year than today (at most the rest of the year out of the part's
   * days: under 0.8% of tokens on 1 January, 0 on 31 December), and then fails `validateIdCard`'s
   * default future-date check until that day.
   */
  cutoff?: number | null;
  /** Keep the sex digit's parity (the sequence is encrypted as seq/2), default false. */
  keepSex?: boolean;
  /** The date the default `years` and `cutoff` are read from (default: the clock, when the instance is made). */
  now?: Date;
}

/**
 * ID-number tokens (see the module comment): the area code stays, the birth date (within
 * `years`) and sequence are encrypted together, the check character is recomputed.
 * @example
 * const t = idCardFpe(key, { tweak: 'civil-affairs', keepSex: true })
 * const token = t.encrypt('11010519491231002X') // '110105' + another date (1900–2025) and sequence + its check char
 * t.decrypt(token) // '11010519491231002X'
 */
export function idCardFpe(key: Uint8Array, opts?: IdCardFpeOptions): IdCardFpe {
  const o = aoptions(opts, 'opts', ['tweak', 'years', 'cutoff', 'keepSex', 'now']);
  const base = (tweakBytes(o.tweak, 'tweak') ?? new Uint8Array(0)).slice(); // a copy, like the FF1 default tweak
  const { first, last, cut, seqs, parts: spans } = idTokenParts(o);
  const keepSex = seqs === 500;
  const split = cut !== null;
  const cipher = block(key);
  // One part per side of the cutoff. Each part is a domain of N = days × seqs ≥ 10^6 values (SP
  // 800-38G's minimum, on the domain actually permuted), encrypted as two numerals of radix
  // r = ⌈√N⌉ (at least 1000) with cycle-walking until the result is below N: r²/N < 1.001 FF1 calls
  // on average for the default parts (at most 2^32 values: 8,200 years × 366 days × 1000 < 2^32,
  // so r ≤ 65,536).
  const parts = spans.map(([a, b], i) => {
    const cal = calendar(a!, b!);
    const N = cal.days * seqs;
    let r = Math.max(1000, Math.ceil(Math.sqrt(N)));
    while (r * r < N) r++;
    return {
      first: a!,
      last: b!,
      cal,
      N,
      r,
      f: ff1(cipher, { radix: r }),
      tag: utf8ToBytes(`|${first}-${last}|${split ? cut : '-'}|${i}|${keepSex ? 's' : 'a'}|`),
    };
  });
  const walk = (id: string, dec: boolean): string => {
    const area = id.slice(0, 6);
    const y = +id.slice(6, 10),
      m = +id.slice(10, 12),
      d = +id.slice(12, 14);
    if (y < first || y > last)
      throw new BukejianError(
        'INVALID_DATA',
        `"id" expected a birth year in ${first}-${last}, got other`,
      );
    const part = parts[parts.length > 1 && y > parts[0]!.last ? 1 : 0]!;
    const seq = +id.slice(14, 17);
    const tweak = concatBytes(base, part.tag, utf8ToBytes(area));
    const { r, f, N, cal } = part;
    // Cycle-walking: FF1 permutes [0, r²); repeat until the result is inside [0, N).
    let x = cal.index(y, m, d) * seqs + (keepSex ? seq >> 1 : seq);
    const pair = [0, 0];
    do {
      pair[0] = Math.floor(x / r);
      pair[1] = x % r;
      const out = dec ? f.decrypt(pair, tweak) : f.encrypt(pair, tweak);
      x = out[0]! * r + out[1]!;
    } while (x >= N);
    const s = x % seqs;
    const outSeq = keepSex ? s * 2 + (seq & 1) : s;
    const body = area + cal.date(Math.floor(x / seqs)) + String(outSeq).padStart(3, '0');
    return body + idCardCheckChar(body);
  };
  const parse = (s: string, name: string): string => {
    const r = validateIdCard(astring(s, name), { now: null });
    if (!r.valid)
      throw new BukejianError(
        'INVALID_DATA',
        `"${name}" expected a valid ID number, got ${r.reason} error`,
      );
    return r.id;
  };
  return Object.freeze({
    encrypt: (id: string) => walk(parse(id, 'id'), false),
    decrypt: (token: string) => walk(parse(token, 'token'), true),
    destroy: () => cipher.destroy(),
  });
}
