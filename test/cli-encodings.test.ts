// Chinese CSV encodings in the CLI (issue 20): the GBK / GB 18030 encoder of src/cli/_text.ts
// against TextDecoder (round trips) and the independent `iconv` CLI (differential), then
// `bukejian mask` / `anonymize` from the built dist/cli.js on files as Excel on Chinese Windows
// saves them: GBK without a BOM, UTF-8 with a BOM, CSV in a file named .txt. Synthetic people only.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeGb } from '../src/cli/_text.js';
import { ensureDebianBinary } from './helpers/debian.js';

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文施洪辛柯莊',
];
const GIVEN = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鑫淼堃昊晗琪瑶婷喆',
];
const nameArb = fc
  .tuple(
    fc.constantFrom(...SURNAMES),
    fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 }),
  )
  .map(([s, g]) => s + g.join(''));
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idOf = (seq: number): string => {
  const body = `440305${1950 + (seq % 50)}${String(1 + (seq % 12)).padStart(2, '0')}${String(1 + (seq % 28)).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`;
  const s = [...body].reduce((a, c, i) => a + Number(c) * W[i]!, 0);
  return body + '10X98765432'[s % 11]!;
};
const gbk = (b: Uint8Array) => new TextDecoder('gbk', { fatal: true }).decode(b);
const gb18030 = (b: Uint8Array) => new TextDecoder('gb18030', { fatal: true }).decode(b);

describe('GBK / GB 18030 encoder', () => {
  it('known codes: 张三 in GBK, € and U+10000 in GB 18030', () => {
    expect([...encodeGb('张三,北京', 'gbk')]).toEqual([
      0xd5, 0xc5, 0xc8, 0xfd, 0x2c, 0xb1, 0xb1, 0xbe, 0xa9,
    ]);
    expect([...encodeGb('\u{10000}', 'gb18030')]).toEqual([0x90, 0x30, 0x81, 0x30]);
    expect([...encodeGb('\u{10FFFF}', 'gb18030')]).toEqual([0xe3, 0x32, 0x9a, 0x35]);
    expect(() => encodeGb('\u{10000}', 'gbk')).toThrow(/--output-encoding gb18030/);
  });

  it('round trips through TextDecoder: synthetic names (gbk) and any Unicode text (gb18030)', () => {
    fc.assert(
      fc.property(fc.array(nameArb, { minLength: 1, maxLength: 20 }), (names) => {
        const line = names.join(',') + '\r\n';
        expect(gbk(encodeGb(line, 'gbk'))).toBe(line);
        expect(gb18030(encodeGb(line, 'gb18030'))).toBe(line);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(gb18030(encodeGb(s, 'gb18030'))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('bytes → text → bytes is the identity for every 2-byte code of GBK and GB 18030', () => {
    for (const [name, decode] of [
      ['gbk', gbk],
      ['gb18030', gb18030],
    ] as const) {
      // a character two codes decode to is written with the first (GB 18030: U+3000 at A1A1, not A3A0)
      const seen = new Set<string>();
      const bytes: number[] = [];
      for (let a = 0x81; a <= 0xfe; a++)
        for (let b = 0x40; b <= 0xfe; b++) {
          if (b === 0x7f) continue;
          const ch = decode(new Uint8Array([a, b]));
          if (seen.has(ch)) continue;
          seen.add(ch);
          bytes.push(a, b);
        }
      expect(bytes.length).toBeGreaterThan(2 * 23900);
      const all = new Uint8Array(bytes);
      expect(Buffer.from(encodeGb(decode(all), name)).equals(Buffer.from(all))).toBe(true);
    }
  });

  it('agrees with iconv on every GBK character and a sample of 4-byte GB 18030 ones', () => {
    const iconv = ensureDebianBinary('iconv', 'libc-bin');
    const all: string[] = [];
    for (let a = 0x81; a <= 0xfe; a++)
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = gbk(new Uint8Array([a, b]));
        if (ch.codePointAt(0)! < 0xe000 || ch.codePointAt(0)! > 0xf8ff) all.push(ch); // no private use
      }
    const text = all.join('') + '\u00e9\u0101\u3400\u4dbf\u{20000}\u{2a6d6}\u{1f600}';
    const ours = encodeGb(text, 'gb18030');
    const theirs = execFileSync(iconv, ['-f', 'UTF-8', '-t', 'GB18030'], { input: text });
    expect(Buffer.from(ours).equals(theirs)).toBe(true);
  });
});

const POLICY = {
  version: 1,
  name: 'hukou',
  fields: {
    name: {
      type: 'name',
      level: 'general',
      sharing: 'conditional',
      purposes: { benefits: 'mask' },
    },
    idCard: {
      type: 'idCard',
      level: 'important',
      sensitive: 'specificIdentity',
      sharing: 'conditional',
      purposes: { benefits: 'mask' },
    },
    city: { type: 'text', level: 'general', sharing: 'unconditional', default: 'keep' },
  },
};
writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(POLICY));
const people = fc
  .sample(nameArb, { numRuns: 30, seed: 20 })
  .map((n, i) => [n, idOf(i * 37 + 1), '深圳']);
const csv = 'name,idCard,city\r\n' + people.map((p) => p.join(',')).join('\r\n') + '\r\n';
const maskedName = (n: string) => n[0] + '*'.repeat(n.length - 1);
const maskedId = (id: string) => id.slice(0, 6) + '********' + id.slice(14);
const expectedRows = people.map((p) => `${maskedName(p[0]!)},${maskedId(p[1]!)},深圳`);
const mask = (...args: string[]) =>
  spawnSync(process.execPath, [
    cli,
    'mask',
    '--policy',
    path.join(dir, 'policy.json'),
    '--purpose',
    'benefits',
    ...args,
  ]);

describe('bukejian mask on Excel-style files', () => {
  it('GBK without --encoding: one message naming the option, no row rejected', () => {
    writeFileSync(path.join(dir, 'people.csv'), encodeGb(csv, 'gbk'));
    const r = mask(path.join(dir, 'people.csv'));
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toBe(
      `bukejian: INVALID_ENCODING: "${path.join(dir, 'people.csv')}" is not UTF-8 text; a file saved by Excel on Chinese Windows is GBK: pass --encoding gbk (or --encoding gb18030)\n`,
    );
    expect(r.stdout.length).toBe(0);
  });

  it('--encoding gbk: every row masked, the output in GBK like the input (or UTF-8 when asked)', () => {
    const r = mask('--encoding', 'gbk', path.join(dir, 'people.csv'));
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(gbk(r.stdout).split('\n').filter(Boolean)).toEqual([
      'name,idCard,city',
      ...expectedRows,
    ]);
    const u = mask('--encoding', 'gbk', '--output-encoding', 'utf-8', path.join(dir, 'people.csv'));
    expect(u.stdout.toString('utf8').split('\n').filter(Boolean)).toEqual([
      'name,idCard,city',
      ...expectedRows,
    ]);
    const g = mask('--encoding', 'gb18030', path.join(dir, 'people.csv'));
    expect(gb18030(g.stdout)).toBe(gbk(r.stdout));
  });

  it('UTF-8 with a BOM in a .txt file: read as CSV, the BOM kept on the output', () => {
    writeFileSync(path.join(dir, 'people.txt'), '\ufeff' + csv);
    const r = mask(path.join(dir, 'people.txt'));
    expect(r.status).toBe(0);
    const out = r.stdout.toString('utf8');
    expect(out.startsWith('\ufeffname,idCard,city\n')).toBe(true);
    expect(out.slice(1).split('\n').filter(Boolean).slice(1)).toEqual(expectedRows);
  });

  it('JSON Lines in a .csv file: read as JSON Lines', () => {
    const jsonl =
      people.map(([name, idCard, city]) => JSON.stringify({ name, idCard, city })).join('\n') +
      '\n';
    writeFileSync(path.join(dir, 'wrongname.csv'), jsonl);
    const r = mask(path.join(dir, 'wrongname.csv'));
    expect(r.status).toBe(0);
    const rows = r.stdout
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows.map((x) => `${x.name},${x.idCard},${x.city}`)).toEqual(expectedRows);
  });
});

describe('bukejian anonymize --encoding gbk', () => {
  it('reads GBK and writes GBK', () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${20 + (i % 20)},${['城关镇', '新华街道', '北关村'][i % 3]}`,
    );
    writeFileSync(
      path.join(dir, 'a.csv'),
      encodeGb('age,town\r\n' + rows.join('\r\n') + '\r\n', 'gbk'),
    );
    writeFileSync(
      path.join(dir, 'cfg.json'),
      JSON.stringify({
        quasiIdentifiers: { age: { type: 'intervals', widths: [10, 20] } },
        insensitive: ['town'],
        models: [{ type: 'k-anonymity', k: 5 }],
      }),
    );
    const bad = spawnSync(process.execPath, [
      cli,
      'anonymize',
      '--config',
      path.join(dir, 'cfg.json'),
      path.join(dir, 'a.csv'),
      '--quiet',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toMatch(/is not UTF-8 text; .* pass --encoding gbk/);
    const r = spawnSync(process.execPath, [
      cli,
      'anonymize',
      '--config',
      path.join(dir, 'cfg.json'),
      '--encoding',
      'gbk',
      path.join(dir, 'a.csv'),
      '--quiet',
    ]);
    expect(r.status).toBe(0);
    const out = gbk(r.stdout).split('\r\n').filter(Boolean);
    expect(out[0]).toBe('age,town');
    expect(
      out
        .slice(1)
        .map((l) => l.split(',')[1])
        .sort(),
    ).toEqual(rows.map((l) => l.split(',')[1]).sort());
  });
});
