// Detection and redaction: a realistic fixture with planted identifiers and planted look-alikes
// (precision and recall), generated mixed text, full-width input, and streaming equal to
// whole-text detection for every split point.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  detect,
  redact,
  createDetector,
  createRedactor,
  type Span,
  type PiiType,
} from '../src/mask/detect.js';
import {
  idCardArb,
  phoneArb,
  bankCardArb,
  usccArb,
  nameArb,
  addressArb,
} from '../src/mask/testing.js';

const FIXTURE = [
  '【来访登记】2026年3月5日上午9时30分，申请人：欧阳娜娜，女，身份证号11010519491231002X，',
  '联系电话 +86 138-1234-5678，现住址：广东省深圳市南山区科技园路1号。邮箱 zhang.san@example.cn。',
  '备注：订单号6222021234567890123已退款（不是卡号）；快递单号 SF1234567890123 已签收；',
  '流水号 20260305093000123456 与批次 13800000000 仅作对账。工号12345678，房间号1201。',
  '退款至本人银行卡 6222 0212 3456 7890 128，车辆京A·12345停放于地下二层。',
  '企业统一社会信用代码：91350100M000100Y43。随行人员护照号码：E12345678。',
  '另：无效证件号11010519491231002Y与手机号15412345678均为录入错误，金额12345678901234567890元。',
].join('');

const EXPECTED: [PiiType, string][] = [
  ['name', '欧阳娜娜'],
  ['idCard', '11010519491231002X'],
  ['phone', '+86 138-1234-5678'],
  ['address', '广东省深圳市南山区科技园路1号'],
  ['email', 'zhang.san@example.cn'],
  ['bankCard', '6222 0212 3456 7890 128'],
  ['plate', '京A·12345'],
  ['uscc', '91350100M000100Y43'],
  ['passport', 'E12345678'],
];

describe('detection on a realistic fixture', () => {
  it('finds every planted identifier and none of the look-alikes (precision = recall = 1)', () => {
    const spans = detect(FIXTURE);
    expect(spans.map((s) => [s.type, s.text])).toEqual(EXPECTED);
    for (const s of spans) expect(FIXTURE.slice(s.start, s.end)).toBe(s.text);
  });

  it('reports normalized values', () => {
    const byType = Object.fromEntries(detect(FIXTURE).map((s) => [s.type, s.value]));
    expect(byType.phone).toBe('13812345678');
    expect(byType.bankCard).toBe('6222021234567890128');
    expect(byType.plate).toBe('京A12345');
  });

  it('a 16-digit order number failing Luhn is not a bank card; a Luhn-valid one after 订单号 is not either', () => {
    expect(detect('卡号1234567890123456')).toEqual([]); // fails Luhn
    expect(detect('订单号6222021234567890128')).toEqual([]); // passes Luhn but is an order number
    expect(detect('卡号6222021234567890128').map((s) => s.type)).toEqual(['bankCard']);
    expect(detect('编号62220212345678901280')).toEqual([]); // 20 digits: never a card inside a longer run
    // UnionPay 81 and Mastercard 2-series cards: bare runs only after a card keyword
    expect(detect('银行卡号：8171999927660000').map((s) => s.type)).toEqual(['bankCard']);
    expect(detect('卡号2221000000000009').map((s) => s.type)).toEqual(['bankCard']);
    expect(detect('编码8171999927660000')).toEqual([]);
  });

  it('adversarial short texts: obvious identifiers found, look-alikes left alone', () => {
    const d = (t: string) => detect(t).map((s) => [s.type, s.text]);
    expect(d('id=11010519491231002x&phone=13812345678')).toEqual([
      ['idCard', '11010519491231002x'],
      ['phone', '13812345678'],
    ]);
    expect(d('手机号：13812345678，13912345678')).toEqual([
      ['phone', '13812345678'],
      ['phone', '13912345678'],
    ]);
    expect(d('电话：１３８　１２３４　５６７８')).toEqual([
      ['phone', '１３８　１２３４　５６７８'],
    ]);
    expect(d('银行卡号6222021234567890128，6222021234567890127')).toEqual([
      ['bankCard', '6222021234567890128'],
    ]); // second fails Luhn
    expect(d('法定代表人：欧阳修 统一社会信用代码：91350100M000100Y43')).toEqual([
      ['name', '欧阳修'],
      ['uscc', '91350100M000100Y43'],
    ]);
    expect(d('身份证：810000199001010019')).toEqual([['idCard', '810000199001010019']]); // HK residence permit
    for (const fake of [
      '订单号：202403051234567890，金额：199.00', // 18-digit order number
      '身份证11010519491231002X1', // 19 characters: not an ID inside a longer run
      '身份证：810101199001010010', // 81 + county: no such resident number
      '身份证：110105209901010012', // born in 2099
      'ISBN 9787111213826, 时间戳 1700000000123',
      '手机13812345678x', // glued to a letter
      '2026年11月25日13时38分',
      '护照号E1234567', // one digit short
    ])
      expect(d(fake), fake).toEqual([]);
  });

  it('handles full-width characters and keeps offsets into the original text', () => {
    const t = '电话：１３８１２３４５６７８，身份证：１１０１０５１９４９１２３１００２ｘ';
    const spans = detect(t);
    expect(spans.map((s) => [s.type, s.value])).toEqual([
      ['phone', '13812345678'],
      ['idCard', '11010519491231002X'],
    ]);
    for (const s of spans) expect(t.slice(s.start, s.end)).toBe(s.text);
  });

  it('an address without punctuation stops at the next field keyword', () => {
    expect(
      detect('住址北京市朝阳区建国路88号电话13812345678').map((s) => [s.type, s.text]),
    ).toEqual([
      ['address', '北京市朝阳区建国路88号'],
      ['phone', '13812345678'],
    ]);
  });

  it('words after a name keyword that are not names', () => {
    expect(
      detect('与户主关系：父子；联系人单位：市民政局；申请人应当如实填写；监护人和被监护人'),
    ).toEqual([]);
    expect(detect('户主：关羽').map((s) => s.text)).toEqual(['关羽']);
  });

  it('15-digit legacy IDs only with an ID keyword before them', () => {
    expect(detect('身份证号码：110105491231002').map((s) => s.value)).toEqual([
      '11010519491231002X',
    ]);
    expect(detect('批次110105491231002')).toEqual([]);
  });

  it('types filter and redaction', () => {
    expect(detect(FIXTURE, { types: ['phone', 'email'] }).map((s) => s.type)).toEqual([
      'phone',
      'email',
    ]);
    const r = redact(FIXTURE);
    for (const [, text] of EXPECTED) expect(r).not.toContain(text);
    expect(r).toContain('欧阳**');
    expect(r).toContain('110105********002X');
    expect(r).toContain('订单号6222021234567890123'); // look-alikes untouched
    expect(redact('电话13812345678', { mode: 'label' })).toBe('电话[手机号]');
    expect(redact('电话13812345678', { mode: (s) => `<${s.type}>` })).toBe('电话<phone>');
    expect(() => detect(FIXTURE, { types: ['ssn' as PiiType] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

// Generated mixed text: filler that contains no identifiers, planted identifiers with their
// context, and planted look-alikes. Detection must return exactly the planted spans.
const FILLER = [
  '今天天气晴朗，',
  '请于工作日办理。',
  'The quick brown fox. ',
  '金额共计3,200元；',
  '第3号窗口。',
  '会议室A-12，',
  '参见附件2。',
];
const planted = fc.oneof(
  idCardArb().map((v) => ({ pre: '身份证：', v, type: 'idCard' as PiiType })),
  phoneArb().map((v) => ({ pre: '手机', v, type: 'phone' as PiiType })),
  bankCardArb().map((v) => ({ pre: '卡号', v, type: 'bankCard' as PiiType })),
  usccArb()
    .filter((v) => /[A-Z]/.test(v))
    .map((v) => ({ pre: '信用代码', v, type: 'uscc' as PiiType })),
  nameArb().map((v) => ({ pre: '联系人：', v, type: 'name' as PiiType })),
  addressArb().map((v) => ({ pre: '地址：', v, type: 'address' as PiiType })),
  // A mistyped ID (wrong check character) still identifies a person: detected, flagged invalid.
  idCardArb().map((v) => ({
    pre: '证件',
    v: v.slice(0, 17) + ((Number(v[17] === 'X' ? 10 : v[17]) + 1) % 10),
    type: 'idCard' as PiiType,
  })),
);
const lookalike = fc.oneof(
  fc
    .stringMatching(/^[1-9]\d{15}$/)
    .filter((s) => !luhn(s))
    .map((v) => '订单' + v),
  fc.stringMatching(/^\d{20,24}$/).map((v) => '流水号' + v),
  fc.stringMatching(/^1(?:54|94|20|40)\d{8}$/).map((v) => '号码' + v),
  fc.stringMatching(/^\d{5,10}$/).map((v) => '编号' + v),
);
function luhn(s: string): boolean {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = Number(s[s.length - 1 - i]);
    if (i % 2) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
type Piece =
  | { kind: 'fill'; s: string }
  | { kind: 'plant'; pre: string; v: string; type: PiiType }
  | { kind: 'fake'; s: string };
const doc = fc.array(
  fc.oneof(
    fc.constantFrom(...FILLER).map((s): Piece => ({ kind: 'fill', s })),
    planted.map((p): Piece => ({ kind: 'plant', ...p })),
    lookalike.map((s): Piece => ({ kind: 'fake', s })),
  ),
  { maxLength: 12 },
);
function render(pieces: Piece[]): { text: string; spans: [PiiType, number, number][] } {
  let text = '';
  const spans: [PiiType, number, number][] = [];
  for (const p of pieces) {
    if (p.kind === 'plant') {
      text += p.pre;
      spans.push([p.type, text.length, text.length + p.v.length]);
      text += p.v + '。';
    } else text += p.s + (p.kind === 'fake' ? '。' : '');
  }
  return { text, spans };
}

describe('detection on generated mixed text', () => {
  it('returns exactly the planted identifiers', () => {
    fc.assert(
      fc.property(doc, (pieces) => {
        const { text, spans } = render(pieces);
        expect(detect(text).map((s) => [s.type, s.start, s.end])).toEqual(spans);
      }),
      { numRuns: Number(process.env.MASK_RUNS ?? 300) },
    );
  });
});

function streamed(text: string, cuts: number[]): Span[] {
  const d = createDetector();
  const out: Span[] = [];
  let at = 0;
  for (const c of cuts) {
    out.push(...d.push(text.slice(at, c)));
    at = c;
  }
  out.push(...d.push(text.slice(at)), ...d.end());
  return out;
}
function streamedRedact(text: string, cuts: number[]): string {
  const r = createRedactor();
  let out = '';
  let at = 0;
  for (const c of cuts) {
    out += r.push(text.slice(at, c));
    at = c;
  }
  return out + r.push(text.slice(at)) + r.end();
}

describe('streaming detection equals whole-text detection', () => {
  const whole = detect(FIXTURE);
  const wholeRedacted = redact(FIXTURE);
  it('for every single split point of the fixture', () => {
    for (let i = 0; i <= FIXTURE.length; i++) {
      expect(streamed(FIXTURE, [i])).toEqual(whole);
      expect(streamedRedact(FIXTURE, [i])).toBe(wholeRedacted);
    }
  });
  it('one character at a time', () => {
    const cuts = Array.from({ length: FIXTURE.length }, (_, i) => i);
    expect(streamed(FIXTURE, cuts)).toEqual(whole);
    expect(streamedRedact(FIXTURE, cuts)).toBe(wholeRedacted);
  });
  it('for random multi-chunk splits of generated text (longer than the decision window)', () => {
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (docs, rawCuts) => {
          const text = docs.map((d) => render(d).text).join('');
          const cuts = [...new Set(rawCuts.map((c) => c % (text.length + 1)))].sort(
            (a, b) => a - b,
          );
          expect(streamed(text, cuts)).toEqual(detect(text));
          expect(streamedRedact(text, cuts)).toBe(redact(text));
        },
      ),
      { numRuns: 150 },
    );
  });
  it('a long text with identifiers far apart, pushed in 7-character chunks', () => {
    const text = (FIXTURE + '无关内容'.repeat(300)).repeat(4);
    const cuts = Array.from({ length: Math.floor(text.length / 7) }, (_, i) => (i + 1) * 7);
    const s = streamed(text, cuts);
    expect(s).toEqual(detect(text));
    expect(s.length).toBe(EXPECTED.length * 4);
  });
  it('refuses use after end', () => {
    const d = createDetector();
    d.end();
    expect(() => d.push('x')).toThrow(expect.objectContaining({ code: 'BAD_STATE' }));
  });
});

describe('mistyped ID numbers', () => {
  // A synthetic ID (GB 11643 example) with its check character changed: area and birth date are
  // real, so it still identifies a person and must not pass through redaction in clear.
  const good = '11010519491231002X';
  const typo = '110105194912310021';
  it('are reported as idCard with invalid: checksum, and redacted completely', () => {
    const spans = detect(`身份证号${typo}，请核对`);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ type: 'idCard', text: typo, invalid: 'checksum' });
    const r = redact(`身份证号${typo}，请核对`);
    expect(r).not.toContain(typo.slice(0, 6));
    expect(r).not.toContain(typo.slice(-4));
    expect(r).toContain('请核对');
  });
  it('a valid ID carries no invalid flag', () => {
    const spans = detect(`身份证号${good}`);
    expect(spans[0]!.invalid).toBeUndefined();
  });
});
