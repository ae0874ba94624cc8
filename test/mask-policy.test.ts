// Field policies: validation with clear errors, deny by default, treatments, access description
// (plain JSON for the audit log), properties over policy-shaped records; CSV / JSON Lines streams.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { loadPolicy, applyPolicy } from '../src/mask/policy.js';
import { csvPolicyStream, jsonLinesPolicyStream, redactStream } from '../src/mask/stream.js';
import { createCsvParser, csvRecord } from '../src/_csv.js';

const csvLine = (fields: readonly unknown[]) => csvRecord(fields) + '\n';
import { validateIdCard } from '../src/mask/idcard.js';
import { recordArb } from '../src/mask/testing.js';
import { BukejianError } from '../src/errors.js';

const RAW = {
  version: 1,
  name: 'hukou',
  fields: {
    name: {
      type: 'name',
      level: 'general',
      sharing: 'conditional',
      purposes: { benefits: 'mask', police: 'keep' },
    },
    idCard: {
      type: 'idCard',
      level: 'important',
      sensitive: 'specificIdentity',
      sharing: 'conditional',
      purposes: {
        benefits: 'mask',
        research: 'pseudonymize',
        statistics: { treatment: 'generalize', to: 'decade' },
        legacy: 'fpe',
        police: 'keep',
      },
    },
    phone: {
      type: 'phone',
      level: 'general',
      sharing: 'conditional',
      purposes: { benefits: { treatment: 'mask', keepStart: 0, keepEnd: 4 } },
    },
    address: {
      type: 'address',
      level: 'general',
      sensitive: 'whereabouts',
      sharing: 'conditional',
      purposes: { statistics: { treatment: 'generalize', to: 'city' }, benefits: 'mask' },
    },
    age: {
      type: 'number',
      level: 'general',
      sharing: 'unconditional',
      default: { treatment: 'generalize', to: 'range', width: 10 },
    },
    district: {
      type: 'text',
      level: 'general',
      sharing: 'unconditional',
      default: 'keep',
      purposes: { research: 'drop' },
    },
    religion: { type: 'text', level: 'important', sensitive: 'religion', sharing: 'none' },
  },
};
const policy = loadPolicy(RAW);
const record = {
  name: '欧阳娜娜',
  idCard: '11010519491231002X',
  phone: '13812345678',
  address: '广东省深圳市南山区科技园路1号',
  age: 76,
  district: '朝阳',
  religion: '—',
  notInPolicy: 'secret',
};
const pkey = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const fkey = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('policy validation', () => {
  it('accepts a JSON string and returns a frozen copy', () => {
    const p = loadPolicy(JSON.stringify(RAW));
    expect(Object.isFrozen(p) && Object.isFrozen(p.fields)).toBe(true);
    expect(p.fields.idCard!.sensitive).toBe('specificIdentity');
  });
  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{', /expected JSON/],
    ['wrong version', { ...RAW, version: 2 }, /version/],
    ['unknown root key', { ...RAW, extra: 1 }, /unknown key "extra"/],
    [
      'unknown type',
      { ...RAW, fields: { a: { type: 'ssn', level: 'general', sharing: 'conditional' } } },
      /fields\.a\.type/,
    ],
    [
      'bad level',
      { ...RAW, fields: { a: { type: 'text', level: 'secret', sharing: 'conditional' } } },
      /fields\.a\.level/,
    ],
    [
      'none with purposes',
      {
        ...RAW,
        fields: { a: { type: 'text', level: 'general', sharing: 'none', purposes: { x: 'keep' } } },
      },
      /sharing "none"/,
    ],
    [
      'sensitive unconditional',
      {
        ...RAW,
        fields: {
          a: {
            type: 'text',
            level: 'general',
            sensitive: 'medical',
            sharing: 'unconditional',
            default: 'drop',
          },
        },
      },
      /PIPL art\. 28/,
    ],
    [
      'core kept in clear',
      {
        ...RAW,
        fields: {
          a: { type: 'text', level: 'core', sharing: 'conditional', purposes: { x: 'keep' } },
        },
      },
      /core-level/,
    ],
    [
      'default on conditional',
      {
        ...RAW,
        fields: { a: { type: 'text', level: 'general', sharing: 'conditional', default: 'keep' } },
      },
      /only unconditional/,
    ],
    [
      'unknown treatment',
      {
        ...RAW,
        fields: {
          a: { type: 'text', level: 'general', sharing: 'conditional', purposes: { x: 'encrypt' } },
        },
      },
      /fields\.a\.purposes\.x/,
    ],
    [
      'mask a number',
      {
        ...RAW,
        fields: {
          a: { type: 'number', level: 'general', sharing: 'conditional', purposes: { x: 'mask' } },
        },
      },
      /cannot be masked/,
    ],
    [
      'generalize to bad level',
      {
        ...RAW,
        fields: {
          a: {
            type: 'date',
            level: 'general',
            sharing: 'conditional',
            purposes: { x: { treatment: 'generalize', to: 'city' } },
          },
        },
      },
      /\.to/,
    ],
    [
      'range without width',
      {
        ...RAW,
        fields: {
          a: {
            type: 'number',
            level: 'general',
            sharing: 'conditional',
            purposes: { x: { treatment: 'generalize', to: 'range' } },
          },
        },
      },
      /width/,
    ],
    [
      'fpe on text without alphabet',
      {
        ...RAW,
        fields: {
          a: { type: 'text', level: 'general', sharing: 'conditional', purposes: { x: 'fpe' } },
        },
      },
      /alphabet/,
    ],
    [
      'pseudonym length the format refuses',
      {
        ...RAW,
        fields: {
          a: {
            type: 'text',
            level: 'general',
            sharing: 'conditional',
            purposes: { x: { treatment: 'pseudonymize', length: 13 } },
          },
        },
      },
      /purposes\.x\.length/,
    ],
    [
      'fpe alphabet with repeats',
      {
        ...RAW,
        fields: {
          a: {
            type: 'text',
            level: 'general',
            sharing: 'conditional',
            purposes: { x: { treatment: 'fpe', alphabet: '00123' } },
          },
        },
      },
      /alphabet/,
    ],
    [
      '__proto__ as a field',
      JSON.parse(
        '{"version":1,"name":"p","fields":{"__proto__":{"type":"text","level":"general","sharing":"unconditional","default":"keep"}}}',
      ),
      /reserved/,
    ],
    [
      'extra treatment key',
      {
        ...RAW,
        fields: {
          a: {
            type: 'phone',
            level: 'general',
            sharing: 'conditional',
            purposes: { x: { treatment: 'mask', keepMiddle: 1 } },
          },
        },
      },
      /unknown key "keepMiddle"/,
    ],
  ];
  for (const [what, p, msg] of bad) {
    it(`rejects: ${what}`, () => {
      let err: unknown;
      try {
        loadPolicy(p as object);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BukejianError);
      expect((err as BukejianError).code).toBe('INVALID_CONFIG');
      expect((err as Error).message).toMatch(msg);
    });
  }
});

describe('a loaded policy cannot be changed behind the validator', () => {
  it('purposes, defaults and treatment objects are frozen', () => {
    const p = loadPolicy({
      version: 1,
      name: 'p',
      fields: {
        a: {
          type: 'text',
          level: 'core',
          sharing: 'conditional',
          purposes: { x: 'mask', y: { treatment: 'mask', keepStart: 1 } },
        },
        b: {
          type: 'number',
          level: 'general',
          sharing: 'unconditional',
          default: { treatment: 'generalize', to: 'range', width: 10 },
        },
      },
    });
    expect(() => {
      (p.fields.a!.purposes as Record<string, unknown>).x = 'keep';
    }).toThrow(TypeError);
    expect(() => {
      (p.fields.a!.purposes!.y as { keepStart: number }).keepStart = 64;
    }).toThrow(TypeError);
    expect(() => {
      (p.fields.b!.default as { width: number }).width = 1;
    }).toThrow(TypeError);
    expect(applyPolicy({ a: 'secret' }, p, { purpose: 'x' }).record).toEqual({ a: '******' });
  });
  it('purposes are own entries only: constructor, toString, __proto__ get nothing', () => {
    for (const purpose of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(applyPolicy(record, policy, { purpose }).record).toEqual({
        age: '70-79',
        district: '朝阳',
      });
    }
  });
});

describe('applyPolicy', () => {
  it('releases only what the purpose may see, treated (benefits)', () => {
    const { record: out, access } = applyPolicy(record, policy, {
      purpose: 'benefits',
      actor: 'clerk-17',
    });
    expect(out).toEqual({
      name: '欧阳**',
      idCard: '110105********002X',
      phone: '*******5678',
      address: '广东省深圳市南山区****',
      age: '70-79',
      district: '朝阳',
    });
    expect(access).toEqual({
      actor: 'clerk-17',
      purpose: 'benefits',
      policy: 'hukou',
      released: [
        { field: 'name', treatment: 'mask', level: 'general', sensitive: null },
        { field: 'idCard', treatment: 'mask', level: 'important', sensitive: 'specificIdentity' },
        { field: 'phone', treatment: 'mask', level: 'general', sensitive: null },
        { field: 'address', treatment: 'mask', level: 'general', sensitive: 'whereabouts' },
        { field: 'age', treatment: 'generalize', level: 'general', sensitive: null },
        { field: 'district', treatment: 'keep', level: 'general', sensitive: null },
      ],
      withheld: ['religion', 'notInPolicy'],
    });
    expect(JSON.parse(JSON.stringify(access))).toEqual(access); // plain JSON for the audit log
  });

  it('deny by default: an unknown purpose gets only unconditional fields; unnamed fields never', () => {
    const { record: out } = applyPolicy(record, policy, { purpose: 'marketing' });
    expect(out).toEqual({ age: '70-79', district: '朝阳' });
    const none = loadPolicy({ version: 1, name: 'empty', fields: {} });
    expect(applyPolicy(record, none, { purpose: 'benefits' }).record).toEqual({});
  });

  it('pseudonymize uses the policy/purpose/field domain (checked against node:crypto HMAC-SM3)', () => {
    const { record: out } = applyPolicy(record, policy, {
      purpose: 'research',
      keys: { pseudonym: pkey },
    });
    const dk = createHmac('sm3', pkey)
      .update('bukejian/pseudonym/v1\0hukou/research/idCard')
      .digest();
    expect(out).toEqual({
      idCard: createHmac('sm3', dk).update('11010519491231002X').digest('hex').slice(0, 32),
      age: '70-79',
    });
    expect(() => applyPolicy(record, policy, { purpose: 'research' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('default pseudonym domains of different (policy, purpose, field) never coincide, even with / in names', () => {
    const mk = (name: string, purpose: string) =>
      loadPolicy({
        version: 1,
        name,
        fields: {
          f: {
            type: 'text',
            level: 'general',
            sharing: 'conditional',
            purposes: { [purpose]: 'pseudonymize' },
          },
        },
      });
    const a = applyPolicy({ f: 'x' }, mk('a/b', 'c'), { purpose: 'c', keys: { pseudonym: pkey } })
      .record.f;
    const b = applyPolicy({ f: 'x' }, mk('a', 'b/c'), { purpose: 'b/c', keys: { pseudonym: pkey } })
      .record.f;
    expect(a).not.toBe(b);
    const dk = createHmac('sm3', pkey).update('bukejian/pseudonym/v1\0a\\/b/c/f').digest();
    expect(a).toBe(createHmac('sm3', dk).update('x').digest('hex').slice(0, 32));
  });

  it('pseudonymize: one person, one pseudonym whatever the formatting; invalid identifiers rejected', () => {
    const p = loadPolicy({
      version: 1,
      name: 'j',
      fields: {
        id: {
          type: 'idCard',
          level: 'important',
          sharing: 'conditional',
          purposes: { join: 'pseudonymize' },
        },
        phone: {
          type: 'phone',
          level: 'general',
          sharing: 'conditional',
          purposes: { join: 'pseudonymize' },
        },
        card: {
          type: 'bankCard',
          level: 'important',
          sharing: 'conditional',
          purposes: { join: 'pseudonymize' },
        },
      },
    });
    const o = { purpose: 'join', keys: { pseudonym: pkey } };
    const a = applyPolicy(
      { id: '11010519491231002X', phone: '13812345678', card: '6222021234567890128' },
      p,
      o,
    ).record;
    const b = applyPolicy(
      { id: '110105491231002', phone: '+86 138-1234-5678', card: '6222 0212 3456 7890 128' },
      p,
      o,
    ).record;
    const c = applyPolicy(
      {
        id: '１１０１０５１９４９１２３１００２ｘ',
        phone: '００８６１３８１２３４５６７８',
        card: '6222-0212-3456-7890-128',
      },
      p,
      o,
    ).record;
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    for (const bad of [
      { id: '11010519491231002Y' },
      { phone: '15412345678' },
      { card: '6222021234567890129' },
    ]) {
      expect(() => applyPolicy(bad, p, o)).toThrow(
        expect.objectContaining({ code: 'INVALID_DATA' }),
      );
    }
  });

  it('generalize and fpe', () => {
    const s = applyPolicy(record, policy, { purpose: 'statistics' }).record;
    expect(s).toEqual({ idCard: '1940s', address: '广东省深圳市', age: '70-79', district: '朝阳' });
    const sexPolicy = loadPolicy({
      version: 1,
      name: 'p',
      fields: {
        id: {
          type: 'idCard',
          level: 'important',
          sharing: 'conditional',
          purposes: { x: { treatment: 'fpe', keepSex: true, years: [1900, 2020] } },
        },
      },
    });
    const tok = applyPolicy({ id: record.idCard }, sexPolicy, { purpose: 'x', keys: { fpe: fkey } })
      .record.id as string;
    const tv = validateIdCard(tok);
    expect(tv.valid && tv.sex).toBe('female');
    expect(() =>
      loadPolicy({
        version: 1,
        name: 'p',
        fields: {
          a: {
            type: 'text',
            level: 'general',
            sharing: 'conditional',
            purposes: { x: { treatment: 'fpe', alphabet: '0123456789', keepSex: true } },
          },
        },
      }),
    ).toThrow(/only apply to ID tokens/);
    const l = applyPolicy(record, policy, { purpose: 'legacy', keys: { fpe: fkey } }).record;
    const token = l.idCard as string;
    expect(validateIdCard(token, { now: null }).valid).toBe(true);
    expect(token).not.toBe(record.idCard);
  });

  it('generalize never turns an invalid value into a valid-looking one', () => {
    const p = loadPolicy({
      version: 1,
      name: 'p',
      fields: {
        n: {
          type: 'number',
          level: 'general',
          sharing: 'conditional',
          purposes: { x: { treatment: 'generalize', to: 'range', width: 10 } },
        },
        d: {
          type: 'date',
          level: 'general',
          sharing: 'conditional',
          purposes: { x: { treatment: 'generalize', to: 'month' } },
        },
      },
    });
    expect(applyPolicy({ n: '42', d: '2000-02-29' }, p, { purpose: 'x' }).record).toEqual({
      n: '40-49',
      d: '2000-02',
    });
    expect(applyPolicy({ n: ' 7.5 ' }, p, { purpose: 'x' }).record).toEqual({ n: '0-9' });
    for (const n of ['', ' ', '0x10', 'abc', '1,000'])
      expect(() => applyPolicy({ n }, p, { purpose: 'x' }), n).toThrow(
        expect.objectContaining({ code: 'INVALID_DATA' }),
      );
    for (const d of ['2020-13-01', '2019-02-29', '2020-04-31', '2020-00-10', '20201301'])
      expect(() => applyPolicy({ d }, p, { purpose: 'x' }), d).toThrow(
        expect.objectContaining({ code: 'INVALID_DATA' }),
      );
  });

  it('a value that does not fit its type throws INVALID_DATA naming the field, not the value', () => {
    let err: unknown;
    try {
      applyPolicy({ ...record, idCard: '110105194912310021' }, policy, { purpose: 'benefits' });
    } catch (e) {
      err = e;
    }
    expect((err as BukejianError).code).toBe('INVALID_DATA');
    expect((err as Error).message).toMatch(/field "idCard"/);
    expect((err as Error).message).not.toContain('110105194912310021');
  });

  it('property: released keys ⊆ fields the purpose is granted; nothing else leaks', () => {
    const granted = (purpose: string) =>
      Object.entries(policy.fields)
        .filter(([, f]) => {
          const t =
            f.purposes?.[purpose] ?? (f.sharing === 'unconditional' ? f.default : undefined);
          return t !== undefined && (typeof t === 'string' ? t : t.treatment) !== 'drop';
        })
        .map(([n]) => n);
    const arb = recordArb(
      loadPolicy({
        ...RAW,
        fields: {
          ...RAW.fields,
          religion: { type: 'text', level: 'important', sensitive: 'religion', sharing: 'none' },
        },
      }),
    );
    fc.assert(
      fc.property(
        arb,
        fc.constantFrom('benefits', 'research', 'statistics', 'police', 'legacy', 'other'),
        fc.string(),
        (rec, purpose, extra) => {
          const r = applyPolicy({ ...rec, extra }, policy, {
            purpose,
            keys: { pseudonym: pkey, fpe: fkey },
          });
          const keys = Object.keys(r.record);
          const allowed = granted(purpose);
          return (
            keys.every((k) => allowed.includes(k)) &&
            !keys.includes('religion') &&
            !keys.includes('extra') &&
            r.access.released.map((x) => x.field).join() === keys.join()
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('recordArb', () => {
  it('text fields encrypted with an FF1 alphabet get strings every purpose can process', () => {
    const p = loadPolicy({
      version: 1,
      name: 'r',
      fields: {
        code: {
          type: 'text',
          level: 'general',
          sharing: 'conditional',
          purposes: {
            x: { treatment: 'fpe', alphabet: 'ABCDEF' },
            y: { treatment: 'fpe', alphabet: 'ABCDEFGH' },
          },
        },
        note: { type: 'text', level: 'general', sharing: 'conditional', purposes: { x: 'mask' } },
      },
    });
    fc.assert(
      fc.property(recordArb(p), fc.constantFrom('x', 'y'), (rec, purpose) => {
        const out = applyPolicy(rec, p, { purpose, keys: { fpe: fkey } }).record.code as string;
        return /^[A-F]{8,}$/.test(rec.code!) && out.length === rec.code!.length;
      }),
      { numRuns: 100 },
    );
  });
});

async function runStream(t: TransformStream<string, string>, chunks: string[]): Promise<string> {
  const src = new ReadableStream<string>({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });
  let out = '';
  const reader = src.pipeThrough(t).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out += value;
  }
}

describe('record streams', () => {
  it('CSV parser handles quotes, CRLF and any chunking', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""",\n1,"multi\nline",3';
    const whole = (() => {
      const p = createCsvParser(undefined, false);
      return [...p.push(text), ...p.end()];
    })();
    expect(whole).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', ''],
      ['1', 'multi\nline', '3'],
    ]);
    for (let i = 0; i <= text.length; i++) {
      const p = createCsvParser(undefined, false);
      expect([...p.push(text.slice(0, i)), ...p.push(text.slice(i)), ...p.end()]).toEqual(whole);
    }
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (rows) => {
          const p = createCsvParser(undefined, false);
          const got = [...p.push(rows.map((r) => csvLine(r)).join('')), ...p.end()];
          return JSON.stringify(got) === JSON.stringify(rows);
        },
      ),
    );
  });

  it('CSV: header of released columns, bad rows reported by number and skipped', async () => {
    const rejected: [number, string, string][] = [];
    const stats = { rows: 0, rejected: 0 };
    const csv =
      'name,idCard,phone,religion\n张三,11010519491231002X,13812345678,x\n李四,110105194912310021,13812345678,y\n王五,11010519491231002X\n';
    const out = await runStream(
      csvPolicyStream(
        policy,
        { purpose: 'benefits', onReject: (r, c, m) => rejected.push([r, c, m]) },
        stats,
      ),
      [csv.slice(0, 17), csv.slice(17)],
    );
    expect(out).toBe('name,idCard,phone\n张*,110105********002X,*******5678\n');
    expect(stats).toEqual({ rows: 3, rejected: 2 });
    expect(rejected.map(([r, c]) => [r, c])).toEqual([
      [2, 'INVALID_DATA'],
      [3, 'INVALID_DATA'],
    ]);
    for (const [, , m] of rejected) expect(m).not.toContain('110105194912310021');
  });

  it('a leading byte-order mark is not part of the first column or line', async () => {
    const csv = await runStream(csvPolicyStream(policy, { purpose: 'benefits' }), [
      '\uFEFF',
      'name,phone\n张三,13812345678\n',
    ]);
    expect(csv).toBe('name,phone\n张*,*******5678\n');
    const stats = { rows: 0, rejected: 0 };
    const jl = await runStream(jsonLinesPolicyStream(policy, { purpose: 'benefits' }, stats), [
      '\uFEFF{"phone":"13812345678"}\n',
    ]);
    expect(jl).toBe('{"phone":"*******5678"}\n');
    expect(stats).toEqual({ rows: 1, rejected: 0 });
  });

  it('JSON Lines: records in, treated records out, bad lines skipped', async () => {
    const stats = { rows: 0, rejected: 0 };
    const access: unknown[] = [];
    const lines = [
      JSON.stringify(record),
      '{not json',
      '[1]',
      JSON.stringify({ phone: '13812345678' }),
      '',
    ].join('\n');
    const out = await runStream(
      jsonLinesPolicyStream(
        policy,
        { purpose: 'benefits', onAccess: (a) => access.push(a) },
        stats,
      ),
      [...lines],
    );
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        name: '欧阳**',
        idCard: '110105********002X',
        phone: '*******5678',
        address: '广东省深圳市南山区****',
        age: '70-79',
        district: '朝阳',
      },
      { phone: '*******5678' },
    ]);
    expect(stats).toEqual({ rows: 4, rejected: 2 });
    expect(access.length).toBe(2);
  });

  it('redactStream over chunks', async () => {
    const out = await runStream(redactStream({ mode: 'label' }), [
      '电话1381',
      '2345678，身份证11010519491231',
      '002X。',
    ]);
    expect(out).toBe('电话[手机号]，身份证[身份证号]。');
  });
});
