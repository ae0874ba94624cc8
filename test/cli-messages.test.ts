// CLI messages in the user's terms (issue 20): key lengths in hex digits, missing files by name,
// no listener leak writing a large anonymized file, and progress lines that end with a newline
// when stderr is not a terminal. Built dist/cli.js as child processes; synthetic data only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-msg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: string[], input = '') =>
  spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });

describe('CLI messages', () => {
  it('sm4 --key 0011: the length in hex digits and bytes', () => {
    const r = run(
      ['sm4', 'encrypt', '--mode', 'cbc', '--key', '0011', '--iv', '00'.repeat(16)],
      'x',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'bukejian: INVALID_OPTION: "--key" must be 32 hex digits (16 bytes), got 4 digits\n',
    );
    const g = run(
      ['sm4', 'encrypt', '--mode', 'cbc', '--key', 'zz'.repeat(16), '--iv', '00'.repeat(16)],
      'x',
    );
    expect(g.stderr).toMatch(/"--key" must be 32 hex digits \(16 bytes\), got other characters/);
  });

  it('sm2 sign --key 0011: the hex has the wrong length (not "file not found")', () => {
    const r = run(['sm2', 'sign', '--key', '0011'], 'message');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'bukejian: INVALID_KEY: "--key" hex has the wrong length: 4 digits; an SM2 private key is 64 hex digits (32 bytes)\n',
    );
  });

  it('a missing input file is named', () => {
    const missing = path.join(dir, 'people.csv');
    for (const args of [
      [
        'sm4',
        'encrypt',
        '--mode',
        'cbc',
        '--key',
        '00'.repeat(16),
        '--iv',
        '00'.repeat(16),
        missing,
      ],
      ['mask', 'redact', missing],
    ]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(`bukejian: IO: ${JSON.stringify(missing)} does not exist (ENOENT)\n`);
    }
    expect(run(['sm3', missing]).stderr).toBe(
      `bukejian sm3: ${JSON.stringify(missing)} does not exist (ENOENT)\n`,
    );
    const c = run(['anonymize', '--config', path.join(dir, 'cfg.json')]);
    expect(c.stderr).toBe(
      `bukejian: IO: "--config" ${JSON.stringify(path.join(dir, 'cfg.json'))} does not exist (ENOENT)\n`,
    );
  });

  it('anonymize writing 60,000 rows: no listener leak warning; progress lines end with a newline', () => {
    const rows = ['age,county,sex,visits'];
    for (let i = 0; i < 60_000; i++)
      rows.push(
        `${18 + (i % 70)},${[110101, 110105, 110108, 310104][i % 4]},${i % 2 ? '男' : '女'},${i % 9}`,
      );
    writeFileSync(path.join(dir, 'big.csv'), rows.join('\n') + '\n');
    writeFileSync(
      path.join(dir, 'cfg.json'),
      JSON.stringify({
        quasiIdentifiers: {
          age: { type: 'intervals', widths: [2, 10, 20, 40] },
          county: { type: 'adminCode' },
          sex: {
            type: 'table',
            rows: [
              ['男', '*'],
              ['女', '*'],
            ],
          },
        },
        insensitive: ['visits'],
        models: [{ type: 'k-anonymity', k: 5 }],
      }),
    );
    const r = run(['anonymize', '--config', path.join(dir, 'cfg.json'), path.join(dir, 'big.csv')]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\r\n').length).toBe(60_002); // header, rows, final empty
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toMatch(/records 60000, released 60000/);
  });
});
