// The `bukejian mask` command, spawned from the built dist/cli.js (run `npm run build` first).
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redact } from '../src/mask/detect.js';

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, 'mask', ...args], { input, encoding: 'utf8' });
let dir = '';

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
      purposes: { benefits: 'mask', research: 'pseudonymize' },
    },
    city: { type: 'text', level: 'general', sharing: 'unconditional', default: 'keep' },
  },
};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js missing: run npm run build first');
  dir = mkdtempSync(path.join(tmpdir(), 'bukejian-mask-'));
  writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(POLICY));
  writeFileSync(path.join(dir, 'key.hex'), '00'.repeat(16) + 'ff'.repeat(16));
});

describe('bukejian mask (policy)', () => {
  it('CSV in, CSV out; bad rows on stderr by number, never echoed; exit 1', () => {
    const csv =
      'name,idCard,city,secret\n张三,11010519491231002X,北京,x\n李四,110105194912310021,上海,y\n';
    writeFileSync(path.join(dir, 'in.csv'), csv);
    const out = path.join(dir, 'out.csv');
    const r = run([
      '--policy',
      path.join(dir, 'policy.json'),
      '--purpose',
      'benefits',
      path.join(dir, 'in.csv'),
      out,
    ]);
    expect(r.status).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('name,idCard,city\n张*,110105********002X,北京\n');
    expect(r.stderr).toMatch(/row 2 rejected: INVALID_DATA/);
    expect(r.stderr).not.toContain('110105194912310021');
    expect(r.stderr).not.toContain('李四');
  });

  it('JSON Lines on stdin, pseudonyms with a key file, access log; exit 0', () => {
    const log = path.join(dir, 'access.jsonl');
    const r = run(
      [
        '--policy',
        path.join(dir, 'policy.json'),
        '--purpose',
        'research',
        '--pseudonym-key-file',
        path.join(dir, 'key.hex'),
        '--actor',
        'analyst-3',
        '--access-log',
        log,
      ],
      JSON.stringify({ name: '张三', idCard: '11010519491231002X', city: '北京' }) + '\n',
    );
    expect(r.status).toBe(0);
    const rec = JSON.parse(r.stdout);
    expect(Object.keys(rec)).toEqual(['idCard', 'city']);
    expect(rec.idCard).toMatch(/^[0-9a-f]{32}$/);
    const entry = JSON.parse(readFileSync(log, 'utf8'));
    expect(entry).toMatchObject({
      row: 1,
      actor: 'analyst-3',
      purpose: 'research',
      policy: 'hukou',
      withheld: ['name'],
    });
  });

  it('usage errors exit 2; an invalid policy exits 1 with INVALID_CONFIG', () => {
    expect(run(['--purpose', 'x']).status).toBe(2);
    expect(run(['--bogus']).status).toBe(2);
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...POLICY, version: 9 }));
    const r = run(['--policy', path.join(dir, 'bad.json'), '--purpose', 'x'], '');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/INVALID_CONFIG/);
  });
});

describe('bukejian mask detect / redact', () => {
  const text = '联系人：欧阳娜娜，电话13812345678，身份证11010519491231002X。';
  it('detect prints masked spans (values only with --values)', () => {
    const r = run(['detect'], text);
    expect(r.status).toBe(0);
    const spans = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(spans.map((s) => [s.type, s.masked])).toEqual([
      ['name', '欧阳**'],
      ['phone', '138****5678'],
      ['idCard', '110105********002X'],
    ]);
    expect(r.stdout).not.toContain('13812345678');
    const v = run(['detect', '--values', '--types', 'phone'], text);
    expect(JSON.parse(v.stdout)).toMatchObject({ type: 'phone', value: '13812345678' });
  });
  it('redact over a multi-chunk file (UTF-8 split across 64 KiB reads) equals whole-text redact', () => {
    const para =
      '联系人：欧阳娜娜，身份证号11010519491231002X，电话138-1234-5678。根据有关规定，应当核对材料。';
    let big = '';
    for (let i = 0; big.length < 150_000; i++) big += para.slice(0, 5 + (i % 50)) + para;
    const file = path.join(dir, 'big.txt');
    writeFileSync(file, big);
    const out = path.join(dir, 'big.red.txt');
    expect(run(['redact', file, out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(redact(big));
  });

  it('redact copies the text with identifiers masked or labelled', () => {
    expect(run(['redact'], text).stdout).toBe(
      '联系人：欧阳**，电话138****5678，身份证110105********002X。',
    );
    expect(run(['redact', '--mode', 'label'], text).stdout).toBe(
      '联系人：[姓名]，电话[手机号]，身份证[身份证号]。',
    );
  });
});
