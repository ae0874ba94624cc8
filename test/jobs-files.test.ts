// The jobs' atomic result writer: what a worker SIGKILLed between write and rename leaves behind.
import fs, {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

  it('a writer whose temporary another writer swept while committing the same file is done', () => {
    const d = path.join(dir, 'race');
    const target = path.join(d, '5.json');
    const realRename = fs.renameSync;
    // the other writer commits 5.json and sweeps our temporary just before our rename
    const spy = vi.spyOn(fs, 'renameSync').mockImplementationOnce((from, to) => {
      writeFileSync(`${String(to)}.other`, '{"c":3}');
      realRename(`${String(to)}.other`, to);
      rmSync(from);
      realRename(from, to); // throws ENOENT, as the real race would
    });
    try {
      expect(() => writeAtomic(target, '{"c":3}')).not.toThrow();
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(d)).toEqual(['5.json']);
    expect(readFileSync(target, 'utf8')).toBe('{"c":3}');
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
