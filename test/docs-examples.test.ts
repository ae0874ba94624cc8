/**
 * Every ```ts block of README.md is a whole program: it is written into the package directory
 * (so `bukejian/...` resolves through the exports map to dist/, as for a user), run with tsx, and
 * each `console.log(...) // → expected` line must print exactly `expected`, in order.
 * The module guides in docs/ are type-checked by test/docs-typecheck.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, '.docs-examples');

/** The ```ts blocks of a markdown file with the line each starts on. */
export function tsBlocks(file: string): { line: number; code: string }[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const out: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j]!.trim() !== '```') j++;
    out.push({ line: start + 1, code: lines.slice(start, j).join('\n') });
    i = j;
  }
  return out;
}

/** The expected outputs: the text after `// →` on each console.log line. */
function expected(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => /^\s*console\.log\(/.test(l) && l.includes('// →'))
    .map((l) => l.slice(l.indexOf('// →') + 4).trim());
}

describe('README examples run and print what they say', () => {
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const blocks = tsBlocks('README.md');

  it('README has an example for every module', () => {
    const all = blocks.map((b) => b.code).join('\n');
    for (const m of ['sm3', 'sm4', 'sm2', 'mask', 'anon', 'psi', 'audit']) {
      expect(all).toContain(`from 'bukejian/${m}'`);
    }
  });

  it.each(blocks.map((b) => [b.line, b.code] as const))('block at README.md:%i', (line, code) => {
    const file = path.join(dir, `readme-${line}.mts`);
    writeFileSync(file, code + '\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const want = expected(code);
    expect(want.length).toBeGreaterThan(0);
    expect(out.trimEnd().split('\n')).toEqual(want);
  });
});
