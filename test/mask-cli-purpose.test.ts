// `bukejian mask` with a mistyped purpose or a missing key (issue 20): refused before any row is
// read, with the policy's purposes or the option that provides the key; built dist/cli.js.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-purpose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  path.join(dir, 'policy.json'),
  JSON.stringify({
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
        sharing: 'conditional',
        purposes: { benefits: 'mask', research: 'pseudonymize' },
      },
      city: { type: 'text', level: 'general', sharing: 'unconditional', default: 'keep' },
    },
  }),
);
const csv = 'name,idCard,city\n测试甲,11010519491231002X,北京\n';
const mask = (purpose: string, ...extra: string[]) =>
  spawnSync(
    process.execPath,
    [
      cli,
      'mask',
      '--policy',
      path.join(dir, 'policy.json'),
      '--purpose',
      purpose,
      '--format',
      'csv',
      ...extra,
    ],
    { input: csv, encoding: 'utf8' },
  );

describe('bukejian mask: purposes and keys', () => {
  it('an unknown purpose is a usage error listing the policy purposes, nothing released', () => {
    const r = mask('marketing');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'bukejian: INVALID_OPTION: "--purpose" expected one of the purposes of policy "hukou": benefits, research; got "marketing"\n',
    );
  });

  it('a pseudonymized field without its key names --pseudonym-key-file; with it every row passes', () => {
    const r = mask('research');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^bukejian: INVALID_OPTION: field "idCard" gets treatment "pseudonymize" for purpose "research", which needs a key: pass --pseudonym-key-file FILE/,
    );
    writeFileSync(path.join(dir, 'k.hex'), 'a5'.repeat(32));
    const ok = mask('research', '--pseudonym-key-file', path.join(dir, 'k.hex'));
    expect(ok.status).toBe(0);
    const [header, row] = ok.stdout.trim().split('\n');
    expect(header).toBe('idCard,city');
    expect(row).not.toContain('11010519491231002X');
    expect(row!.endsWith(',北京')).toBe(true);
  });
});
