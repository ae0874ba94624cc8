/**
 * fast-check arbitraries for synthetic citizens, for users' own property-based suites: valid and
 * deliberately invalid ID numbers (chosen region, birth-date range, sex), phone numbers, bank
 * cards, USCCs, names, addresses, and whole records shaped by a policy. Everything is generated
 * (random sequence numbers, invented names): checksum-valid, never taken from real people.
 * Seeded and reproducible through fast-check's own `seed`.
 *
 * Imports `fast-check` (an optional peer dependency): this file is deliberately not re-exported
 * from `bukejian/mask`, so the library never loads fast-check unless this module is imported.
 * @module
 */
import fc from 'fast-check';
import { idCardCheckChar, daysInMonth } from './idcard.js';
import { areaCodes, regionName } from './regions.js';
import { PHONE_PREFIXES } from './phone.js';
import { luhnCheckDigit } from './bankcard.js';
import { USCC_CHARSET, orgCodeCheckChar, usccCheckChar } from './uscc.js';
import { COMPOUND_SURNAMES, SINGLE_SURNAMES, GIVEN_NAME_CHARS } from './name.js';
import { PLATE_PROVINCES } from './plate.js';
import type { Policy, FieldType } from './policy.js';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** Options of {@link idCardArb}. */
export interface IdCardArbOptions {
  /** 6-digit area codes to draw from (default: every county in the table). */
  areas?: readonly string[];
  /** Birth dates between these (inclusive, default 1930-01-01 … 2010-12-31). */
  minBirth?: Date;
  maxBirth?: Date;
  sex?: 'male' | 'female';
}

/**
 * Valid 18-character ID numbers.
 * @example fc.assert(fc.property(idCardArb({ areas: ['110105'], sex: 'female' }), (id) => validateIdCard(id).valid))
 */
export function idCardArb(opts: IdCardArbOptions = {}): fc.Arbitrary<string> {
  const areas = opts.areas ?? areaCodes();
  const min = opts.minBirth ?? new Date(Date.UTC(1930, 0, 1));
  const max = opts.maxBirth ?? new Date(Date.UTC(2010, 11, 31));
  return fc
    .tuple(
      fc.constantFrom(...areas),
      fc.date({ min, max, noInvalidDate: true }),
      fc.integer({ min: 0, max: 499 }),
      opts.sex ? fc.constant(opts.sex) : fc.constantFrom('male' as const, 'female' as const),
    )
    .map(([area, d, half, sex]) => {
      const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
      const body = area + ymd + String(half * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0');
      return body + idCardCheckChar(body);
    });
}

/** How an invalid ID number was broken. */
export type IdCardDefect = 'checksum' | 'birthDate' | 'area' | 'length' | 'charset';

/**
 * Deliberately invalid ID numbers, each with its defect (`[id, defect]`), made by breaking one
 * part of a valid number drawn with the same options as {@link idCardArb} (region, birth range,
 * sex); the broken part itself (area for `area`, date for `birthDate`) then no longer follows them.
 * @example fc.assert(fc.property(invalidIdCardArb({ areas: ['110105'] }), ([id, defect]) => validateIdCard(id).valid === false))
 */
export function invalidIdCardArb(
  opts: IdCardArbOptions = {},
): fc.Arbitrary<[string, IdCardDefect]> {
  const valid = idCardArb(opts);
  return fc.oneof(
    fc.tuple(valid, fc.integer({ min: 1, max: 10 })).map(([id, k]): [string, IdCardDefect] => {
      const c = '0123456789X';
      const i = (c.indexOf(id[17]!) + k) % 11;
      return [id.slice(0, 17) + c[i], 'checksum'];
    }),
    fc
      .tuple(valid, fc.integer({ min: 1900, max: 2010 }), fc.integer({ min: 1, max: 12 }))
      .map(([id, y, m]): [string, IdCardDefect] => {
        const body =
          id.slice(0, 6) +
          y +
          String(m).padStart(2, '0') +
          String(daysInMonth(y, m) + 1) +
          id.slice(14, 17);
        return [body + idCardCheckChar(body), 'birthDate'];
      }),
    fc
      .tuple(valid, fc.constantFrom('00', '10', '20', '39', '49', '66', '70', '99'))
      .map(([id, p]): [string, IdCardDefect] => {
        const body = p + id.slice(2, 17);
        return [body + idCardCheckChar(body), 'area'];
      }),
    // Never 15 characters: a 15-digit prefix can be a valid legacy number (born 2001-05-12 →
    // 110105 200105 … reads as 1920-01-05).
    fc
      .tuple(valid, fc.integer({ min: 1, max: 16 }))
      .map(([id, n]): [string, IdCardDefect] => [id.slice(0, n < 15 ? n : n + 1), 'length']),
    fc
      .tuple(valid, fc.integer({ min: 0, max: 16 }), fc.constantFrom('A', 'x', '-', '中'))
      .map(([id, i, c]): [string, IdCardDefect] => [
        id.slice(0, i) + c + id.slice(i + 1),
        'charset',
      ]),
  );
}

/** Valid mainland mobile numbers. @example phoneArb() */
export function phoneArb(): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...PHONE_PREFIXES), digits(8)).map(([p, d]) => p + d);
}

/** Luhn-valid UnionPay-style card numbers of 16–19 digits. @example bankCardArb() */
export function bankCardArb(): fc.Arbitrary<string> {
  return fc
    .integer({ min: 16, max: 19 })
    .chain((n) => digits(n - 3).map((d) => '62' + d))
    .map((b) => b + luhnCheckDigit(b));
}

/** Valid unified social credit codes (with valid embedded organization codes). @example usccArb() */
export function usccArb(): fc.Arbitrary<string> {
  const ch = fc.constantFrom(...USCC_CHARSET.replace(/[^0-9A-HJ-NP-RTUW-Y]/g, ''));
  return fc
    .tuple(
      fc.constantFrom('1', '5', '9', 'Y'),
      fc.constantFrom('1', '2', '3'),
      fc.constantFrom(...areaCodes()),
      fc.array(ch, { minLength: 8, maxLength: 8 }),
    )
    .map(([a, c, area, org]) => {
      const o = org.join('');
      const body = a + c + area + o + orgCodeCheckChar(o);
      return body + usccCheckChar(body);
    });
}

const GIVEN = GIVEN_NAME_CHARS;

/** Invented Chinese names (single or compound surname + 1–2 given characters). @example nameArb() */
export function nameArb(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(fc.constantFrom(...SINGLE_SURNAMES), fc.constantFrom(...COMPOUND_SURNAMES)),
      fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 }),
    )
    .map(([s, g]) => s + g.join(''));
}

/** Addresses: province, city (when the province has cities), district, an invented street and number. @example addressArb() */
export function addressArb(): fc.Arbitrary<string> {
  const counties = areaCodes().filter((c) => !c.startsWith('7') && !c.startsWith('8'));
  return fc
    .tuple(
      fc.constantFrom(...counties),
      fc.constantFrom('人民路', '解放路', '建设大街', '中山路', '和平街'),
      fc.integer({ min: 1, max: 999 }),
    )
    .map(([code, street, no]) => {
      const p = regionName(code.slice(0, 2))!;
      const c = regionName(code.slice(0, 4))!;
      const city = c === '市辖区' || c === '县' || c.endsWith('行政区划') ? '' : c;
      const county = regionName(code)!;
      return p + city + (county === city ? '' : county) + street + no + '号'; // 东莞市 441900 has no county level
    });
}

/** Synthetic e-mail addresses at RFC 2606 example domains. @example emailArb() */
export function emailArb(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/),
      fc.constantFrom('example.cn', 'example.com', 'mail.example.org'),
    )
    .map(([l, d]) => `${l}@${d}`);
}

/** Ordinary and new-energy licence plates. @example plateArb() */
export function plateArb(): fc.Arbitrary<string> {
  const letter = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ');
  return fc.oneof(
    fc.tuple(fc.constantFrom(...PLATE_PROVINCES), letter, digits(5)).map(([p, l, d]) => p + l + d),
    fc
      .tuple(fc.constantFrom(...PLATE_PROVINCES), letter, fc.constantFrom('D', 'F'), digits(5))
      .map(([p, l, e, d]) => p + l + e + d),
  );
}

/** Ordinary passport numbers (`E` + 8 digits, or `E` + letter + 7 digits). @example passportArb() */
export function passportArb(): fc.Arbitrary<string> {
  return fc.oneof(
    digits(8).map((d) => 'E' + d),
    fc
      .tuple(fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'), digits(7))
      .map(([l, d]) => 'E' + l + d),
  );
}

const BY_TYPE: Partial<Record<FieldType, () => fc.Arbitrary<string>>> = {
  idCard: () => idCardArb(),
  phone: phoneArb,
  bankCard: bankCardArb,
  uscc: usccArb,
  name: nameArb,
  address: addressArb,
  email: emailArb,
  plate: plateArb,
  passport: passportArb,
  date: () =>
    fc
      .date({
        min: new Date(Date.UTC(1930, 0, 1)),
        max: new Date(Date.UTC(2020, 11, 31)),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10)),
  number: () => fc.integer({ min: 0, max: 120 }).map(String),
  text: () => fc.string({ maxLength: 20 }),
};

/**
 * Whole records shaped by a policy: one valid value of the declared type per field.
 * @example fc.assert(fc.property(recordArb(policy), (r) => Object.keys(applyPolicy(r, policy, { purpose: 'x' }).record).length <= Object.keys(r).length))
 */
export function recordArb(policy: Policy): fc.Arbitrary<Record<string, string>> {
  const shape: Record<string, fc.Arbitrary<string>> = {};
  for (const [name, f] of Object.entries(policy.fields)) {
    // A text field that some purpose encrypts with FF1 over an alphabet: strings over that alphabet,
    // at least as long as FF1 allows (radix^n ≥ 10^6), so every purpose can process the record.
    const alphabets = [...Object.values(f.purposes ?? {}), f.default]
      .map((t) => (typeof t === 'object' && t.treatment === 'fpe' ? t.alphabet : undefined))
      .filter((a): a is string => typeof a === 'string');
    if (f.type === 'text' && alphabets.length) {
      const chars = [...alphabets[0]!].filter((c) => alphabets.every((a) => a.includes(c)));
      let min = 1;
      while (chars.length ** min < 1_000_000) min++;
      shape[name] = fc
        .array(fc.constantFrom(...chars), { minLength: min, maxLength: min + 12 })
        .map((a) => a.join(''));
    } else shape[name] = BY_TYPE[f.type]!();
  }
  return fc.record(shape);
}
