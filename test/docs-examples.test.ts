/**
 * Every ```ts block of README.md is a whole program: it is written into the package directory
 * (so `bukejian/...` resolves through the exports map to dist/, as for a user), run with tsx, and
 * each `console.log(...) // → expected` line must print exactly `expected`, in order.
 * Every program must also exit on its own (no worker thread or handle may keep it alive): it is
 * killed at a deadline and that fails the test. The module guides in docs/ are type-checked by
 * test/docs-typecheck.test.ts; the zk guide's example is also run here, because proving starts
 * worker threads.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, tsBlocks } from './helpers/docs.js';
import { runToExit } from './helpers/run-to-exit.js';

const dir = path.join(root, '.docs-examples');

/** The expected outputs: the text after `// →` on each console.log line. */
function expected(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => /^\s*console\.log\(/.test(l) && l.includes('// →'))
    .map((l) => l.slice(l.indexOf('// →') + 4).trim());
}

mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples run and print what they say', () => {
  const blocks = tsBlocks('README.md');

  it('README has an example for every module', () => {
    const all = blocks.map((b) => b.code).join('\n');
    for (const m of ['sm3', 'sm4', 'sm2', 'mask', 'anon', 'psi', 'audit']) {
      expect(all).toContain(`from 'bukejian/${m}'`);
    }
  });

  it.each(blocks.map((b) => [b.line, b.code] as const))(
    'block at README.md:%i (and exits on its own)',
    async (line, code) => {
      const file = path.join(dir, `readme-${line}.mts`);
      writeFileSync(file, code + '\n');
      const run = await runToExit([process.execPath, '--import', 'tsx', file], {
        cwd: root,
        timeoutMs: 50_000,
      });
      expect(run.timedOut, 'the program did not exit on its own').toBe(false);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const want = expected(code);
      expect(want.length).toBeGreaterThan(0);
      expect(run.stdout.trimEnd().split('\n')).toEqual(want);
    },
  );
});

describe('docs/zk.md example runs and exits on its own', () => {
  it('proves, verifies, refuses the replay and exits without eligibility.terminate()', async () => {
    const [block] = tsBlocks('docs/zk.md');
    expect(block!.code).not.toContain('terminate()');
    const file = path.join(dir, `zk-${block!.line}.mts`);
    writeFileSync(file, block!.code + '\n');
    const run = await runToExit([process.execPath, '--import', 'tsx', file], {
      cwd: root,
      timeoutMs: 80_000,
    });
    expect(run.timedOut, 'the program did not exit on its own').toBe(false);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      'true',
      '{ eligible: true }',
      "{ eligible: false, failed: [ 'age', 'income' ] }",
      'true',
      'already-claimed',
      'true',
    ]);
  }, 90_000);
});
