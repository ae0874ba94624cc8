// Regression tests for the adversarial review of bukejian/mask: mask options that released
// everything (item 3), identifiers written with separators or invisible characters that redact
// missed (item 4), error messages that echoed record values (item 9), ID tokens that failed
// validation after the fixed 2025 cutoff and a too-small FF1 domain that was accepted (item 10).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { mask, maskMiddle } from '../src/mask/display.js';
import { loadPolicy, applyPolicy } from '../src/mask/policy.js';
import { detect, redact, createDetector, createRedactor } from '../src/mask/detect.js';
import { COMPOUND_SURNAMES } from '../src/mask/name.js';
import { ff1Sm4, idCardFpe, ID_TOKEN_CUTOFF } from '../src/mask/fpe.js';
import {
  validateIdCard,
  idCardCheckChar,
  idCard15to18,
  generateIdCard,
} from '../src/mask/idcard.js';
import { luhnCheckDigit } from '../src/mask/bankcard.js';
import { usccCheckChar, orgCodeCheckChar } from '../src/mask/uscc.js';
import { ff1 } from '../src/mask/ff1.js';
import { createPseudonymizer, pseudonymize } from '../src/mask/pseudonym.js';
import {
  csvPolicyStream,
  jsonLinesPolicyStream,
  type RecordStreamOptions,
} from '../src/mask/stream.js';
import { createCsvParser } from '../src/_csv.js';
import { block } from '../src/sm4/block.js';
import {
  idCardArb,
  phoneArb,
  bankCardArb,
  usccArb,
  nameArb,
  plateArb,
  passportArb,
} from '../src/mask/testing.js';
import { BukejianError } from '../src/errors.js';

/** The error `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): BukejianError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BukejianError);
    return e as BukejianError;
  }
  throw new Error('expected a throw');
}

const stars = (s: string) => [...s].filter((c) => c === '*').length;

describe('item 3: a mask never shows more than its type default', () => {
  const ID = '11010519491231002X';
  it('the review policy (core idCard keepStart 17 + keepEnd 1, core medical text keepStart 64) no longer releases the values', () => {
    const reviewed = {
      version: 1,
      name: 'clinic',
      fields: {
        idCard: {
          type: 'idCard',
          level: 'core',
          sensitive: 'specificIdentity',
          sharing: 'conditional',
          purposes: { care: { treatment: 'mask', keepStart: 17, keepEnd: 1 } },
        },
        diagnosis: {
          type: 'text',
          level: 'core',
          sensitive: 'medical',
          sharing: 'conditional',
          purposes: { care: { treatment: 'mask', keepStart: 64 } },
        },
      },
    };
    const e = thrown(() => loadPolicy(reviewed));
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.message).toContain('fields.idCard.purposes.care');
    // The text field alone loads (its option depends on the length) but shows at most half.
    const textOnly = loadPolicy({ ...reviewed, fields: { diagnosis: reviewed.fields.diagnosis } });
    const diagnosis = '二型糖尿病伴周围神经病变，胰岛素治疗中';
    const { record, access } = applyPolicy({ idCard: ID, diagnosis }, textOnly, {
      purpose: 'care',
    });
    const out = record.diagnosis as string;
    expect(out).not.toBe(diagnosis);
    expect(out.length).toBe(diagnosis.length);
    expect(stars(out)).toBeGreaterThanOrEqual(Math.ceil(diagnosis.length / 2));
    expect(out).toBe(diagnosis.slice(0, 9) + '*'.repeat(10));
    expect(access.released).toEqual([
      { field: 'diagnosis', treatment: 'mask', level: 'core', sensitive: 'medical' },
    ]);
    // Short texts too: one character is never shown, two show one.
    expect(applyPolicy({ diagnosis: '癌' }, textOnly, { purpose: 'care' }).record.diagnosis).toBe(
      '*',
    );
    expect(applyPolicy({ diagnosis: '肝癌' }, textOnly, { purpose: 'care' }).record.diagnosis).toBe(
      '肝*',
    );
  });

  it('mask.idCard(id, { keepStart: 17, keepEnd: 1 }) throws INVALID_OPTION (before looking at the value)', () => {
    expect(thrown(() => mask.idCard(ID, { keepStart: 17, keepEnd: 1 })).code).toBe(
      'INVALID_OPTION',
    );
    expect(thrown(() => mask.idCard('not an id', { keepStart: 17, keepEnd: 1 })).code).toBe(
      'INVALID_OPTION',
    );
    expect(thrown(() => mask.idCard(ID, { keepStart: 7 })).code).toBe('INVALID_OPTION'); // 7 + default 4
    expect(mask.idCard(ID, { keepStart: 10, keepEnd: 0 })).toBe('1101051949********');
    expect(mask.idCard(ID, { keepStart: 0, keepEnd: 10 })).toBe('********491231002X');
  });

  it('every display mask refuses options beyond its floor, with INVALID_OPTION', () => {
    const over: [string, () => unknown][] = [
      ['phone', () => mask.phone('13812345678', { keepStart: 4 })],
      ['phone', () => mask.phone('13812345678', { keepStart: 0, keepEnd: 8 })],
      ['bankCard', () => mask.bankCard('6222021234567890127', { keepStart: 15, keepEnd: 4 })],
      ['uscc', () => mask.uscc('91350100M000100Y43', { keepEnd: 5 })],
      ['passport', () => mask.passport('E12345678', { keepStart: 2 })],
      ['plate', () => mask.plate('京A12345', { keepStart: 3 })],
      ['name', () => mask.name('张三', { keepStart: 2 })],
      ['name', () => mask.name('张三', { keepEnd: 1 })], // the default keepStart is the surname
      ['name', () => mask.name('欧阳娜娜', { keepStart: 1, keepEnd: 1 })],
      ['email', () => mask.email('zhang.san@example.cn', { keepStart: 9 })],
    ];
    for (const [kind, fn] of over) expect(thrown(fn).code, kind).toBe('INVALID_OPTION');
    // E-mail never shows a whole local part, even by default.
    expect(mask.email('a@example.cn')).toBe('***@example.cn');
    // Free text: at most half shown whatever the options.
    expect(maskMiddle('abc', 2, 2)).toBe('a**');
    expect(maskMiddle('13812345678', 64, 64)).toBe('13812******');
    expect(maskMiddle('x', 1, 1)).toBe('*');
  });

  // Floors written out from the type definitions (not from the code): characters hidden by the
  // default mask of each type.
  type Opt = { keepStart?: number; keepEnd?: number };
  const optArb = fc.record(
    { keepStart: fc.integer({ min: 0, max: 24 }), keepEnd: fc.integer({ min: 0, max: 24 }) },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Opt>;
  const fixedCases: [
    string,
    fc.Arbitrary<string>,
    (v: string, o: Opt) => string,
    (v: string) => number,
    [number, number],
    number,
  ][] = [
    ['idCard', idCardArb(), mask.idCard, () => 8, [6, 4], 10],
    ['phone', phoneArb(), mask.phone, () => 4, [3, 4], 7],
    ['bankCard', bankCardArb(), mask.bankCard, (v) => v.replace(/\D/g, '').length - 10, [6, 4], 10],
    ['uscc', usccArb(), mask.uscc, () => 8, [6, 4], 10],
    ['passport', passportArb(), mask.passport, (v) => v.length - 4, [1, 3], 4],
    ['plate', plateArb(), mask.plate, (v) => v.replace(/[·• ]/, '').length - 3, [2, 1], 3],
  ];
  for (const [kind, arb, fn, floor, [ds, de], max] of fixedCases) {
    it(`${kind}: any accepted options hide at least the default mask's characters; options within the budget are accepted`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(arb, optArb, (v, o) => {
          const within = (o.keepStart ?? ds) + (o.keepEnd ?? de) <= max;
          let out: string;
          try {
            out = fn(v, o);
          } catch (e) {
            return !within && e instanceof BukejianError && e.code === 'INVALID_OPTION';
          }
          accepted++;
          return within && stars(out) >= floor(v) && stars(out) >= 1;
        }),
        { numRuns: 300 },
      );
      expect(accepted).toBeGreaterThan(0);
    });
  }
  it('name: accepted options hide at least the given name', () => {
    fc.assert(
      fc.property(nameArb(), optArb, (n, o) => {
        const surname = n.length >= 3 && COMPOUND_SURNAMES.includes(n.slice(0, 2)) ? 2 : 1;
        let out: string;
        try {
          out = mask.name(n, o);
        } catch (e) {
          return (
            e instanceof BukejianError &&
            e.code === 'INVALID_OPTION' &&
            (o.keepStart === undefined ? (o.keepEnd ?? 0) > 0 : o.keepStart + (o.keepEnd ?? 0) > 1)
          );
        }
        return stars(out) >= n.length - surname && stars(out) >= 1;
      }),
      { numRuns: 300 },
    );
  });
  it('email: accepted options show at most one character of the local part, never all of it', () => {
    const local = fc.stringMatching(/^[a-z0-9]{1,12}$/);
    fc.assert(
      fc.property(local, optArb, (l, o) => {
        let out: string;
        try {
          out = mask.email(`${l}@example.cn`, o);
        } catch (e) {
          return (
            e instanceof BukejianError && e.code === 'INVALID_OPTION' && (o.keepStart ?? 1) > 1
          );
        }
        const shown = out.slice(0, out.indexOf('***'));
        return (
          shown.length <= 1 &&
          shown.length < l.length &&
          l.startsWith(shown) &&
          out.endsWith('***@example.cn')
        );
      }),
      { numRuns: 300 },
    );
  });
  it('free text: any options hide at least half (rounded up), at least one character', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((s) => !s.includes('*')),
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 0, max: 64 }),
        (s, a, b) => {
          const out = maskMiddle(s, a, b);
          return (
            out.length === s.length &&
            stars(out) >= Math.ceil(s.length / 2) &&
            (s.length === 0 || stars(out) >= 1)
          );
        },
      ),
    );
  });
  it('loadPolicy: mask options either fail with INVALID_CONFIG and the path, or the released value hides at least the floor', () => {
    const types: [string, fc.Arbitrary<string>, (v: string) => number][] = [
      ['idCard', idCardArb(), () => 8],
      ['phone', phoneArb(), () => 4],
      ['uscc', usccArb(), () => 8],
      [
        'text',
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('*')),
        (v) => Math.ceil(v.length / 2),
      ],
    ];
    for (const [type, arb, floor] of types) {
      fc.assert(
        fc.property(
          arb,
          fc.integer({ min: 0, max: 64 }),
          fc.integer({ min: 0, max: 64 }),
          (v, a, b) => {
            const raw = {
              version: 1,
              name: 'p',
              fields: {
                f: {
                  type,
                  level: 'core',
                  sharing: 'conditional',
                  purposes: { x: { treatment: 'mask', keepStart: a, keepEnd: b } },
                },
              },
            };
            let p;
            try {
              p = loadPolicy(raw);
            } catch (e) {
              return (
                e instanceof BukejianError &&
                e.code === 'INVALID_CONFIG' &&
                e.message.includes('fields.f.purposes.x') &&
                type !== 'text'
              );
            }
            const out = applyPolicy({ f: v }, p, { purpose: 'x' }).record.f as string;
            return stars(out) >= floor(v) && stars(out) >= 1;
          },
        ),
        { numRuns: 100 },
      );
    }
  });
});

describe('item 10: ID tokens after the old 2025 cutoff; FF1 domains under 10^6', () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
  const TODAY = new Date(2026, 11, 5, 12); // the review's date, 2026-12-05 (local time, as validateIdCard reads it)
  /** Twenty IDs born in 2026 up to TODAY (area 110105, one every 17 days, sequence 001…). */
  const born2026 = Array.from({ length: 20 }, (_, i) => {
    const d = new Date(2026, 0, 1 + i * 17);
    const ymd = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
    const body = '110105' + ymd + String(2 * i + 1).padStart(3, '0');
    return body + idCardCheckChar(body);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('with the clock at 2026-12-05, tokens of people born in 2026 are valid ID numbers (default options)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(TODAY);
    const t = idCardFpe(key, { tweak: 'civil-affairs' });
    for (const id of born2026) {
      expect(validateIdCard(id, { now: TODAY }).valid).toBe(true);
      const token = t.encrypt(id);
      expect(validateIdCard(token, { now: TODAY }).valid, id).toBe(true);
      expect(t.decrypt(token)).toBe(id);
    }
    // The same through the injectable `now`, with the real clock.
    vi.useRealTimers();
    const u = idCardFpe(key, { tweak: 'civil-affairs', now: TODAY });
    for (const id of born2026)
      expect(validateIdCard(u.encrypt(id), { now: TODAY }).valid).toBe(true);
  });

  it('default tokens are never dated after the current year, and are the same all year', () => {
    const jan = idCardFpe(key, { tweak: 't', now: new Date(2026, 0, 1) });
    const dec = idCardFpe(key, { tweak: 't', now: TODAY });
    const next = idCardFpe(key, { tweak: 't', now: new Date(2027, 0, 1) });
    fc.assert(
      fc.property(
        idCardArb({
          minBirth: new Date(Date.UTC(1900, 0, 1)),
          maxBirth: new Date(Date.UTC(2026, 11, 5)),
        }),
        (id) => {
          const token = dec.encrypt(id);
          return (
            token.slice(6, 10) <= '2026' && jan.encrypt(id) === token && dec.decrypt(token) === id
          );
        },
      ),
      { numRuns: 200 },
    );
    // A new year is a new domain (documented): last year's tokens decrypt with last year's years.
    const id = '11010519491231002X';
    expect(next.encrypt(id)).not.toBe(dec.encrypt(id));
    expect(
      idCardFpe(key, { tweak: 't', years: [1900, 2026], now: new Date(2027, 0, 1) }).decrypt(
        dec.encrypt(id),
      ),
    ).toBe(id);
  });

  it('explicit years and cutoff 2025 give exactly the tokens of the earlier versions (known answers)', () => {
    const t = idCardFpe(key, {
      tweak: 'civil-affairs/2026',
      years: [1900, 2099],
      cutoff: ID_TOKEN_CUTOFF,
    });
    const ks = idCardFpe(key, {
      tweak: 'civil-affairs/2026',
      years: [1900, 2099],
      cutoff: 2025,
      keepSex: true,
    });
    // Produced by the code before this change with its defaults (years [1900, 2099], cutoff 2025).
    expect(t.encrypt('11010519491231002X')).toBe('110105192401115506');
    expect(ks.encrypt('11010519491231002X')).toBe('110105191001010663');
    const b = '11010520260301001'; // born 2026: dated 2083 by the old default, in the future
    expect(t.encrypt(b + idCardCheckChar(b))).toBe('110105208310155346');
  });

  it('idCardFpe(key, { years: [2000, 2000], keepSex: true, cutoff: null }) (183,000 values) is refused with INVALID_OPTION', () => {
    const e = thrown(() => idCardFpe(key, { years: [2000, 2000], keepSex: true, cutoff: null }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toContain('10^6');
    // Without keepSex: 366,000 values, still too few; six years with keepSex: 1,096,000, enough.
    expect(thrown(() => idCardFpe(key, { years: [2000, 2000], cutoff: null })).code).toBe(
      'INVALID_OPTION',
    );
    expect(() =>
      idCardFpe(key, { years: [2000, 2005], keepSex: true, cutoff: null }),
    ).not.toThrow();
    // A split leaving a small part is refused too (2099 alone after cutoff 2098), also by default cutoff.
    expect(thrown(() => idCardFpe(key, { years: [1900, 2099], cutoff: 2098 })).code).toBe(
      'INVALID_OPTION',
    );
    expect(
      thrown(() => idCardFpe(key, { years: [1930, 2028], keepSex: true, now: TODAY })).code,
    ).toBe('INVALID_OPTION'); // 2027–2028 × 500
    expect(thrown(() => idCardFpe(key, { now: new Date(NaN) })).code).toBe('INVALID_OPTION');
    // And in a policy, at load time with the path.
    const p = {
      version: 1,
      name: 'p',
      fields: {
        id: {
          type: 'idCard',
          level: 'important',
          sharing: 'conditional',
          purposes: { x: { treatment: 'fpe', years: [2000, 2000], keepSex: true, cutoff: null } },
        },
      },
    };
    const pe = thrown(() => loadPolicy(p));
    expect(pe.code).toBe('INVALID_CONFIG');
    expect(pe.message).toContain('fields.id.purposes.x');
  });
});

describe('item 4: IDs and phones written with separators or invisible characters are found and redacted', () => {
  // The review's examples, verbatim; each with the identifier as written and its masked form.
  const ID_MASK = '110105********002X',
    PHONE_MASK = '138****5678';
  const EXAMPLES: [string, 'idCard' | 'phone', string, string][] = [
    ['身份证号：110105 19491231 002X', 'idCard', '110105 19491231 002X', ID_MASK],
    ['110105-19491231-002X', 'idCard', '110105-19491231-002X', ID_MASK],
    [
      '身份证号：110105\u00A019491231\u00A0002X',
      'idCard',
      '110105\u00A019491231\u00A0002X',
      ID_MASK,
    ],
    ['110105\u00A019491231\u00A0002X', 'idCard', '110105\u00A019491231\u00A0002X', ID_MASK],
    [
      '身份证号：110105\u300019491231\u3000002X',
      'idCard',
      '110105\u300019491231\u3000002X',
      ID_MASK,
    ],
    ['110105\u300019491231\u3000002X', 'idCard', '110105\u300019491231\u3000002X', ID_MASK],
    [
      '身份证号：110105\u200B19491231\u200B002X',
      'idCard',
      '110105\u200B19491231\u200B002X',
      ID_MASK,
    ],
    ['身份证号：1101051949\u200B1231002X', 'idCard', '1101051949\u200B1231002X', ID_MASK],
    [
      '身份证号：110105\u00AD19491231\u00AD002X',
      'idCard',
      '110105\u00AD19491231\u00AD002X',
      ID_MASK,
    ],
    ['身份证号：11010519\u00AD491231002X', 'idCard', '11010519\u00AD491231002X', ID_MASK],
    ['110105-\u200B19491231-\u00AD002X', 'idCard', '110105-\u200B19491231-\u00AD002X', ID_MASK],
    ['手机 1381234 5678', 'phone', '1381234 5678', PHONE_MASK],
    ['138 12345678', 'phone', '138 12345678', PHONE_MASK],
    ['8613812345678', 'phone', '8613812345678', PHONE_MASK],
    ['138.1234.5678', 'phone', '138.1234.5678', PHONE_MASK],
    // the other format characters named in the fix, and an astral one (U+E0001, two code units)
    ['电话138\u200C1234\u200D5678', 'phone', '138\u200C1234\u200D5678', PHONE_MASK],
    ['电话1381\u2060234\uFEFF5678', 'phone', '1381\u2060234\uFEFF5678', PHONE_MASK],
    ['电话 138\u{E0001}1234\u00AD5678。', 'phone', '138\u{E0001}1234\u00AD5678', PHONE_MASK],
    ['电话：+86 138.1234.5678', 'phone', '+86 138.1234.5678', PHONE_MASK],
  ];
  it('detect finds each one, with offsets into the original text, and redact masks it', () => {
    for (const [text, type, written, masked] of EXAMPLES) {
      const spans = detect(text);
      expect(
        spans.map((s) => [s.type, s.text]),
        JSON.stringify(text),
      ).toEqual([[type, written]]);
      const s = spans[0]!;
      expect(text.slice(s.start, s.end)).toBe(written);
      expect(s.value).toBe(type === 'idCard' ? '11010519491231002X' : '13812345678');
      const out = redact(text);
      expect(out).toBe(text.slice(0, s.start) + masked + text.slice(s.end));
      expect(out.replace(/\D/g, '')).not.toContain(type === 'idCard' ? '19491231' : '1234');
      expect(redact(text, { mode: 'label' })).toBe(
        text.slice(0, s.start) +
          (type === 'idCard' ? '[身份证号]' : '[手机号]') +
          text.slice(s.end),
      );
    }
  });
  it('streaming agrees with one-shot detection and redaction at every split point (and one character at a time)', () => {
    for (const [text] of EXAMPLES) {
      const whole = detect(text);
      const red = redact(text);
      expect(whole.length).toBe(1);
      for (let i = 0; i <= text.length; i++) {
        const d = createDetector();
        expect(
          [...d.push(text.slice(0, i)), ...d.push(text.slice(i)), ...d.end()],
          `${JSON.stringify(text)} @${i}`,
        ).toEqual(whole);
        const r = createRedactor();
        expect(
          r.push(text.slice(0, i)) + r.push(text.slice(i)) + r.end(),
          `${JSON.stringify(text)} @${i}`,
        ).toBe(red);
      }
      const d = createDetector();
      const r = createRedactor();
      const spans = [];
      let out = '';
      for (const ch of text.split('')) {
        // code units: splits surrogate pairs too
        spans.push(...d.push(ch));
        out += r.push(ch);
      }
      expect([...spans, ...d.end()]).toEqual(whole);
      expect(out + r.end()).toBe(red);
    }
  });
  it('property: IDs in 6-8-4 and phones in 3-4-4 / 3-8 / 7-4 groups, any allowed separator, format characters anywhere: found, and streaming agrees', () => {
    const sep = fc.constantFrom(' ', '-', '.', '\u00A0', '\u3000', ' - ');
    const cf = fc.constantFrom('\u200B', '\u00AD', '\u200C', '\u200D', '\u2060', '\uFEFF');
    /** Inserts format characters at random places inside `s` (not before its first character). */
    const sprinkle = (s: string) =>
      fc
        .array(fc.tuple(fc.integer({ min: 1, max: s.length - 1 }), cf), { maxLength: 3 })
        .map((ins) =>
          ins
            .sort((a, b) => b[0] - a[0])
            .reduce((acc, [i, c]) => acc.slice(0, i) + c + acc.slice(i), s),
        );
    const id = fc
      .tuple(idCardArb(), sep, sep)
      .chain(([v, a, b]) =>
        sprinkle(v.slice(0, 6) + a + v.slice(6, 14) + b + v.slice(14)).map(
          (w) => ['idCard', v, w] as const,
        ),
      );
    const phone = fc
      .tuple(phoneArb(), sep, sep, fc.constantFrom(0, 1, 2))
      .chain(([v, a, b, g]) =>
        sprinkle(
          g === 0
            ? v.slice(0, 3) + a + v.slice(3, 7) + b + v.slice(7)
            : g === 1
              ? v.slice(0, 3) + a + v.slice(3)
              : v.slice(0, 7) + a + v.slice(7),
        ).map((w) => ['phone', v, w] as const),
      );
    fc.assert(
      fc.property(
        fc.oneof(id, phone),
        fc.constantFrom('：', '，电话', ' 号码 ', '（'),
        fc.nat(),
        fc.nat(),
        ([type, value, written], before, i, j) => {
          const text = '登记' + before + written + '。';
          const spans = detect(text);
          if (
            spans.length !== 1 ||
            spans[0]!.type !== type ||
            spans[0]!.value !== value.toUpperCase() ||
            text.slice(spans[0]!.start, spans[0]!.end) !== written
          )
            return false;
          const [a, b] = [i % (text.length + 1), j % (text.length + 1)].sort((x, y) => x - y) as [
            number,
            number,
          ];
          const d = createDetector();
          const r = createRedactor();
          const ds = [
            ...d.push(text.slice(0, a)),
            ...d.push(text.slice(a, b)),
            ...d.push(text.slice(b)),
            ...d.end(),
          ];
          const rs =
            r.push(text.slice(0, a)) + r.push(text.slice(a, b)) + r.push(text.slice(b)) + r.end();
          return (
            JSON.stringify(ds) === JSON.stringify(spans) &&
            rs === redact(text) &&
            !rs.includes(value.slice(6, 14))
          );
        },
      ),
      { numRuns: 300 },
    );
  });
  it('a stream of format characters passes through the redactor as it arrives (nothing held back)', () => {
    const r = createRedactor();
    const d = createDetector();
    for (let i = 0; i < 200; i++) {
      expect(r.push('\u200B\u00AD'.repeat(50))).toBe('\u200B\u00AD'.repeat(50));
      expect(d.push('\u200B'.repeat(100))).toEqual([]);
    }
    expect(r.push('手机1381234\u200B5678') + r.end()).toBe('手机138****5678');
    expect(
      d
        .push('手机1381234\u200B5678')
        .concat(d.end())
        .map((s) => [s.start, s.text]),
    ).toEqual([[20002, '1381234\u200B5678']]);
  });
  it('false positives stay in check: the ID checksum still holds, digit groups are not IDs or phones by shape alone', () => {
    // A wrong check character with a real area and date is a mistyped ID (as for a plain run): masked fully.
    const typo = detect('身份证号：110105 19491231 0021');
    expect(typo.map((s) => [s.type, s.invalid])).toEqual([['idCard', 'checksum']]);
    expect(redact('身份证号：110105 19491231 0021')).toBe('身份证号：' + '*'.repeat(18));
    for (const fake of [
      '编号 123456 12345678 1234', // no such area or date
      '110105 20991231 0012', // born in 2099
      '2026-12-05 13:38:00', // a date and time
      '电话 154 1234 5678', // 154 is not allocated
      '8615412345678', // the same after 86
      '订单号8613812345678', // an order number
      '时间戳 1700000000 123', // groups that are neither
      '价格 138.12 元，数量 1234.5678',
      '共 86 人，138 组', // 86 and 138 alone
    ])
      expect(detect(fake), fake).toEqual([]);
  });
});

describe('item 9: no mask error message (or bad-row report) echoes a record value', () => {
  // Distinctive values planted in every input below: a 1963-02-29 birth date (no such day), the
  // review's 16-digit number, a name, an e-mail local part.
  const MARKERS = ['19630229', '630229', '1125899906854969', '欧阳娜娜', 'zhang.san.marker'];
  const BAD_ID = '110105196302290011'; // area ok, 1963-02-29 does not exist
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const clean = (what: string, msg: string) => {
    for (const m of MARKERS) expect(msg.includes(m), `${what}: ${msg}`).toBe(false);
  };
  const paths: [string, () => unknown][] = [
    // validators and helpers that throw on data
    ['idCard.to18', () => idCard15to18('110105630229001')],
    ['idCardCheckChar', () => idCardCheckChar('1125899906854969x')],
    ['luhnCheckDigit', () => luhnCheckDigit('1125899906854969x')],
    ['usccCheckChar', () => usccCheckChar('1125899906854969I')],
    ['orgCodeCheckChar', () => orgCodeCheckChar('19630229-')],
    ['generateIdCard birth', () => generateIdCard({ birth: '19630229' })],
    ['validateIdCard non-string', () => validateIdCard(19630229 as never)],
    // display masks (invalid values), also with options
    ['mask.idCard', () => mask.idCard(BAD_ID)],
    ['mask.idCard options', () => mask.idCard(BAD_ID, { keepStart: 0, keepEnd: 4 })],
    ['mask.phone', () => mask.phone('1125899906854969')],
    ['mask.bankCard', () => mask.bankCard('1125899906854969')],
    ['mask.uscc', () => mask.uscc('1125899906854969AB')],
    ['mask.passport', () => mask.passport('E1125899906854969')],
    ['mask.plate', () => mask.plate('京A1125899906854969')],
    ['mask.name', () => mask.name('欧阳娜娜1125899906854969')],
    ['mask.email', () => mask.email('zhang.san.marker@@example.cn')],
    ['mask.address', () => mask.address('欧阳娜娜家1125899906854969号')],
    ['maskMiddle non-string', () => maskMiddle(1125899906854969 as never, 1, 1)],
    // FPE
    ['ff1Sm4 alphabet', () => ff1Sm4(key).encrypt('1125899906854969x')],
    [
      'fpe.ff1 length',
      () => ff1Sm4(key, { alphabet: '0123456789x' }).encrypt('630229'.slice(0, 5)),
    ],
    ['fpe.idCard encrypt', () => idCardFpe(key).encrypt(BAD_ID)],
    ['fpe.idCard decrypt', () => idCardFpe(key).decrypt(BAD_ID)],
    [
      'idCardFpe year',
      () =>
        idCardFpe(key, { years: [1970, 2000] }).encrypt(
          '11010519630228' + '001' + idCardCheckChar('11010519630228001'),
        ),
    ],
    [
      'ff1 numerals',
      () =>
        ff1(block(key), { radix: 10 }).encrypt([
          1, 1, 2, 5, 8, 9, 9, 9, 0, 6, 8, 5, 4, 9, 6, 19630229,
        ]),
    ],
    // pseudonyms
    [
      'pseudonym value type',
      () => createPseudonymizer(new Uint8Array(16), { domain: 'd' })(19630229 as never),
    ],
    ['pseudonym short key', () => pseudonymize('欧阳娜娜', new Uint8Array(8), { domain: 'd' })],
    // detection
    ['detect non-string', () => detect(1125899906854969 as never)],
    [
      'detector push after end',
      () => {
        const d = createDetector();
        d.end();
        d.push('欧阳娜娜 1125899906854969');
      },
    ],
    [
      'redactor push after end',
      () => {
        const r = createRedactor();
        r.end();
        r.push('欧阳娜娜 1125899906854969');
      },
    ],
    // CSV
    [
      'csv unterminated quote',
      () => {
        const c = createCsvParser(undefined, false);
        c.push('"欧阳娜娜,1125899906854969');
        c.end();
      },
    ],
  ];
  // Policy application, one field per treatment and type, each fed a bad value with a marker.
  const policy = loadPolicy({
    version: 1,
    name: 'p',
    fields: {
      idCard: {
        type: 'idCard',
        level: 'important',
        sharing: 'conditional',
        purposes: {
          mask: 'mask',
          pseudo: 'pseudonymize',
          fpe: 'fpe',
          year: { treatment: 'generalize', to: 'year' },
        },
      },
      phone: {
        type: 'phone',
        level: 'general',
        sharing: 'conditional',
        purposes: { mask: 'mask', pseudo: 'pseudonymize' },
      },
      birth: {
        type: 'date',
        level: 'general',
        sharing: 'conditional',
        purposes: { year: { treatment: 'generalize', to: 'month' } },
      },
      income: {
        type: 'number',
        level: 'general',
        sharing: 'conditional',
        purposes: { year: { treatment: 'generalize', to: 'range', width: 1000 } },
      },
      home: {
        type: 'address',
        level: 'general',
        sharing: 'conditional',
        purposes: { mask: 'mask', year: { treatment: 'generalize', to: 'city' } },
      },
      acct: {
        type: 'text',
        level: 'general',
        sharing: 'conditional',
        purposes: { fpe: { treatment: 'fpe', alphabet: '0123456789' } },
      },
    },
  });
  const keys = { pseudonym: new Uint8Array(32), fpe: key };
  const bad: [string, string, unknown][] = [
    ['mask', 'idCard', BAD_ID],
    ['pseudo', 'idCard', BAD_ID],
    ['fpe', 'idCard', BAD_ID],
    ['year', 'idCard', BAD_ID],
    ['mask', 'phone', '1125899906854969'],
    ['pseudo', 'phone', '1125899906854969'],
    ['year', 'birth', '1963-02-29'],
    ['year', 'birth', '19630229'],
    ['year', 'income', '1125899906854969x'],
    ['year', 'income', { v: 1125899906854969 }],
    ['mask', 'home', '欧阳娜娜家'],
    ['year', 'home', '欧阳娜娜家'],
    ['fpe', 'acct', '1125899906854969x'],
    ['fpe', 'acct', '63022'],
  ];
  for (const [purpose, field, value] of bad)
    paths.push([
      `applyPolicy ${purpose}/${field}`,
      () => applyPolicy({ [field]: value, note: '欧阳娜娜' }, policy, { purpose, keys }),
    ]);

  it('every error path throws a BukejianError whose message has none of the markers', () => {
    for (const [what, fn] of paths) {
      const e = thrown(fn);
      expect(e.code, what).toMatch(/^[A-Z_]+$/);
      clean(what, e.message);
    }
  });

  it('bad-row reports of the CSV and JSON Lines transforms carry no marker', async () => {
    const reports: string[] = [];
    const opts: RecordStreamOptions = {
      purpose: 'year',
      keys,
      onReject: (row, code, message) => reports.push(`${row} ${code} ${message}`),
    };
    const drain = async (t: TransformStream<string, string>, input: string) => {
      const w = t.writable.getWriter();
      void w.write(input).then(() => w.close());
      const r = t.readable.getReader();
      let out = '';
      for (;;) {
        const { value, done } = await r.read();
        if (done) return out;
        out += value;
      }
    };
    const jsonl = [
      '{"idCard":"110105196302290011","birth":"1963-02-29"}',
      '{"income":"1125899906854969x"}',
      '{"idCard": 欧阳娜娜 1125899906854969}', // not JSON
      '["欧阳娜娜", "1125899906854969"]', // not an object
      '{"home":"欧阳娜娜家"}',
    ].join('\n');
    await drain(jsonLinesPolicyStream(policy, opts), jsonl);
    await drain(
      csvPolicyStream(policy, opts),
      'idCard,birth,income\n110105196302290011,1963-02-29,1\n1,2\n欧阳娜娜,19630229,1125899906854969,x\n',
    );
    expect(reports.length).toBe(8); // JSON Lines rows 1–5, CSV rows 1–3
    for (const r of reports) clean('report', r);
  });

  it('the CLI reports bad rows on stderr without the markers', () => {
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js missing: run npm run build first');
    const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-review-'));
    writeFileSync(
      path.join(dir, 'p.json'),
      JSON.stringify({
        version: 1,
        name: 'p',
        fields: {
          idCard: {
            type: 'idCard',
            level: 'important',
            sharing: 'conditional',
            purposes: { x: 'mask' },
          },
          birth: {
            type: 'date',
            level: 'general',
            sharing: 'conditional',
            purposes: { x: { treatment: 'generalize', to: 'year' } },
          },
        },
      }),
    );
    const input =
      'idCard,birth\n110105196302290011,1990-01-01\n11010519491231002X,1963-02-29\n欧阳娜娜,1125899906854969\n';
    const r = spawnSync(
      process.execPath,
      [cli, 'mask', '--policy', path.join(dir, 'p.json'), '--purpose', 'x', '--format', 'csv'],
      { input, encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/row 3 rejected: INVALID_DATA/);
    clean('cli stderr', r.stderr);
  });
});
