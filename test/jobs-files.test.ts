// The jobs' atomic result writer: what a worker SIGKILLed between write and rename leaves behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAtomic } from '../src/jobs/_files';

const dir = mkdtempSync(path.join(tmpdir(), 'bkj-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jobs writeAtomic', () => {
  it('a committed file sweeps the temporaries killed writers left for it, and only those', () => {
    const d = path.join(dir, 'result');
    writeAtomic(path.join(d, '7.json'), '{"a":1}');
    // a writer killed after open, before rename: its temporary stays behind
    writeFileSync(path.join(d, '.13.json.9a10dfc511ed.tmp'), '{"partial');
    writeFileSync(path.join(d, '.7.json.000000000000.tmp'), '{"partial');
    writeFileSync(path.join(d, 'notes.tmp'), 'not ours');
    writeAtomic(path.join(d, '13.json'), '{"b":2}');
    expect(readdirSync(d).sort()).toEqual([
      '.7.json.000000000000.tmp',
      '13.json',
      '7.json',
      'notes.tmp',
    ]);
    expect(readFileSync(path.join(d, '13.json'), 'utf8')).toBe('{"b":2}');
  });

  it('a failed write leaves no temporary and throws IO without the data', () => {
    const d = path.join(dir, 'blocked');
    writeFileSync(d, 'a file where a directory is expected');
    let err: unknown;
    try {
      writeAtomic(path.join(d, '1.json'), 'secret-looking 110101199001011234');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'BukejianError', code: 'IO' });
    expect(String((err as Error).message)).not.toContain('110101199001011234');
    expect(existsSync(path.join(d, '1.json'))).toBe(false);
  });
});
