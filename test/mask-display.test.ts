// Display masks: documented defaults, options, "never reveals more than the options say"
// (property), invalid input reported rather than masked.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mask, maskMiddle } from '../src/mask/display.js';
import { idCardArb, phoneArb, bankCardArb, usccArb, nameArb } from '../src/mask/testing.js';
import { areaCodes, regionName } from '../src/mask/regions.js';
import { BukejianError } from '../src/errors.js';

/** Positions of `out` that are not the mask character. */
function revealed(out: string, char = '*'): number[] {
  const pos: number[] = [];
  for (let i = 0; i < out.length; i++) if (out[i] !== char) pos.push(i);
  return pos;
}

describe('display mask defaults', () => {
  it('matches the documented examples', () => {
    expect(mask.idCard('11010519491231002X')).toBe('110105********002X');
    expect(mask.idCard('１１０１０５１９４９１２３１００２ｘ')).toBe('110105********002X');
    expect(mask.idCard('110105491231002')).toBe('110105*****1002'); // legacy 15: 6/4 of the 15 digits
    expect(mask.phone('13812345678')).toBe('138****5678');
    expect(mask.phone('+86 138-1234-5678')).toBe('138****5678');
    expect(mask.bankCard('6222 0212 3456 7890 128')).toBe('622202*********0128');
    expect(mask.uscc('91350100M000100Y43')).toBe('913501********0Y43');
    expect(mask.passport('E12345678')).toBe('E*****678');
    expect(mask.plate('京A·12345')).toBe('京A****5');
    expect(mask.name('张三')).toBe('张*');
    expect(mask.name('张三丰')).toBe('张**');
    expect(mask.name('欧阳娜娜')).toBe('欧阳**');
    expect(mask.name('司马光')).toBe('司马*');
    expect(mask.email('zhang.san@example.cn')).toBe('z***@example.cn');
    expect(mask.email('zhang.san@example.cn', { keepDomain: false })).toBe('z***@***');
    expect(mask.address('广东省深圳市南山区科技园路1号')).toBe('广东省深圳市南山区****');
    expect(mask.address('广东省深圳市南山区科技园路1号', { level: 'city' })).toBe(
      '广东省深圳市****',
    );
    expect(mask.address('北京市朝阳区建国路88号', { level: 'province' })).toBe('北京市****');
  });

  it('options: keepStart, keepEnd, char', () => {
    expect(mask.idCard('11010519491231002X', { keepStart: 0, keepEnd: 0, char: '#' })).toBe(
      '#'.repeat(18),
    );
    expect(mask.phone('13812345678', { keepStart: 0, keepEnd: 4 })).toBe('*******5678');
    expect(mask.name('欧阳娜娜', { keepStart: 0, keepEnd: 1 })).toBe('***娜');
    expect(() => mask.phone('13812345678', { char: '**' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => mask.phone('13812345678', { keep: 3 } as never)).toThrow(/unknown key/);
  });

  it('invalid input throws INVALID_DATA (no value in the message) or, on request, is fully redacted', () => {
    const bad: [keyof typeof mask, string][] = [
      ['idCard', '11010519491231002Y'],
      ['idCard', '110105194912310021'],
      ['idCard', '110105209901010012'], // 2099: future birth date (check character valid)
      ['idCard', '810101199001010010'], // 81 is no resident area ['phone', '15412345678'], ['bankCard', '6222021234567890129'],
      ['uscc', '91350100M000100Y44'],
      ['passport', 'X1'],
      ['plate', '京I12345'],
      ['name', 'Zhang'],
      ['email', 'a@b'],
      ['address', '月球背面'],
    ];
    for (const [kind, value] of bad) {
      let err: unknown;
      try {
        (mask[kind] as (v: string) => string)(value);
      } catch (e) {
        err = e;
      }
      expect(err, kind).toBeInstanceOf(BukejianError);
      expect((err as BukejianError).code).toBe('INVALID_DATA');
      expect((err as Error).message).not.toContain(value);
      const red = (mask[kind] as (v: string, o: object) => string)(value, { onInvalid: 'redact' });
      expect(red).toBe('*'.repeat(value.length));
    }
  });
});

describe('masking never reveals more than its options say', () => {
  const keep = fc.integer({ min: 0, max: 24 });
  // Options within each type's budget (keepStart + keepEnd at most what the default shows; more is
  // refused: see mask-hardening.test.ts).
  const cases: [
    string,
    fc.Arbitrary<string>,
    (v: string, o: { keepStart: number; keepEnd: number }) => string,
    (v: string) => string,
    number,
  ][] = [
    ['idCard', idCardArb(), mask.idCard, (v) => v, 10],
    ['phone', phoneArb(), mask.phone, (v) => v, 7],
    ['bankCard', bankCardArb(), mask.bankCard, (v) => v, 10],
    ['uscc', usccArb(), mask.uscc, (v) => v, 10],
    ['name', nameArb(), mask.name, (v) => v, 1],
  ];
  for (const [kind, arb, fn, norm, max] of cases) {
    it(`${kind}: same length, only the first keepStart and last keepEnd characters shown, and they are the input's`, () => {
      const keeps = fc
        .integer({ min: 0, max })
        .chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: 0, max: max - a })));
      fc.assert(
        fc.property(arb, keeps, (v, [a, b]) => {
          const out = fn(v, { keepStart: a, keepEnd: b });
          const n = norm(v);
          if (out.length !== n.length) return false;
          for (const i of revealed(out)) {
            if (!(i < a || i >= n.length - b)) return false;
            if (out[i] !== n[i]) return false;
          }
          return revealed(out).length <= Math.min(n.length, a + b);
        }),
      );
    });
  }
  it('name default reveals exactly the surname', () => {
    fc.assert(
      fc.property(nameArb(), (n) => {
        const out = mask.name(n);
        const s = out.replace(/\*+$/, '');
        return n.startsWith(s) && s.length <= 2 && out.length === n.length;
      }),
    );
  });
  it('address reveals exactly the chosen levels and hides the length of the rest', () => {
    // Addresses assembled from table names, so the expected kept prefix is known independently.
    const counties = areaCodes().filter((c) => !/^(71|81|82)/.test(c));
    const arb = fc.tuple(
      fc.constantFrom(...counties),
      fc.constantFrom('人民路', '解放大街', '中山路'),
      fc.integer({ min: 1, max: 999 }),
    );
    fc.assert(
      fc.property(
        arb,
        fc.constantFrom('province', 'city', 'district') as fc.Arbitrary<
          'province' | 'city' | 'district'
        >,
        ([code, street, no], level) => {
          const p = regionName(code.slice(0, 2))!;
          const c0 = regionName(code.slice(0, 4))!;
          const c = c0 === '市辖区' || c0 === '县' || c0.endsWith('行政区划') ? '' : c0;
          const d = c === regionName(code) ? '' : regionName(code)!; // 东莞市 441900: the city is its own county
          const out = mask.address(p + c + d + street + no + '号', { level });
          return out === (level === 'province' ? p : level === 'city' ? p + c : p + c + d) + '****';
        },
      ),
      { numRuns: 300 },
    );
  });
  it('maskMiddle clips the keeps to at most half the value', () => {
    expect(maskMiddle('abc', 2, 2)).toBe('a**');
    expect(maskMiddle('abcdef', 2, 2)).toBe('ab***f');
    expect(maskMiddle('abcdef', 0, 0)).toBe('******');
    expect(maskMiddle('abcdef', 1, 1, '#')).toBe('a####f');
    expect(() => maskMiddle('abcdef', 1, 1, '')).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    ); // would shorten the output
    expect(() => maskMiddle('abcdef', 1, 1, 7 as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
    fc.assert(
      fc.property(fc.string(), keep, keep, (s, a, b) => maskMiddle(s, a, b).length === s.length),
    );
  });
});
