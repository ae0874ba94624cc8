/**
 * Every ```ts block of README.md is a whole program: it is written into the package directory
 * (so `bukejian/...` resolves through the exports map to dist/, as for a user), run with tsx, and
 * each `console.log(...) // → expected` line must print exactly `expected`, in order.
 * The module guides in docs/ are type-checked by test/docs-typecheck.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, tsBlocks } from './helpers/docs.js';

const dir = path.join(root, '.docs-examples');

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
