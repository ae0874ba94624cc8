// examples/programmes.mjs runs against the built package (as a user would) and prints what it
// claims: three programmes with three rules accepted on one verification key, then a revoked
// credential rejected at a refreshed verifier and refused a new proof, and a stale verifier told so.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

describe('examples/programmes.mjs', () => {
  it('高龄津贴, 低保, 残疾人两项补贴 on one key; revocation; stale state', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'examples', 'programmes.mjs')], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const p of ['高龄津贴', '低保', '残疾人两项补贴'])
      expect(out).toMatch(new RegExp(`  ${p}: accepted, nullifier [0-9a-f]+…`));
    expect(out).toContain('the old proof at a refreshed verifier: rejected (invalid)');
    expect(out).toContain('a new proof: refused (NOT_ELIGIBLE)');
    expect(out).toContain('over 24 h old: stale-revocation-state');
  }, 120_000);
});
