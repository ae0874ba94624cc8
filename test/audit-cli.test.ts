// `bukejian audit` end to end on a temporary log directory: in-process through the command
// module (fast), plus one real process through the `bukejian` entry point (stdin, exit codes).
import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { auditProofFromJSON, verifyInclusion, verifyConsistency } from '../src/audit/index.js';
import { hexToBytes } from '../src/utils.js';

import { run as auditRun } from '../src/cli/audit.js';

const cli = path.join(__dirname, '..', 'src', 'cli', 'index.ts');
function spawnCli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'audit', ...args], {
    encoding: 'utf8',
    input,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}
async function run(args: string[]) {
  let out = '';
  let err = '';
  const w = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n'));
  let code: number;
  try {
    code = await auditRun(args);
  } catch (x) {
    code = (x as { code?: string }).code === 'INVALID_OPTION' ? 2 : 1; // what the bukejian entry point does
    err += String(x);
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
  return { code, out, err, json: () => JSON.parse(out) };
}

const S = 'p:5e1f0c2a9b7d';
const lines = [
  {
    type: 'consent',
    id: 'c-1',
    subject: S,
    purpose: 'benefits',
    fields: ['income', 'name'],
    granted: '2026-01-01T00:00:00.000Z',
    expires: '2026-07-01T00:00:00.000Z',
  },
  {
    type: 'access',
    actor: { agency: 'civil-affairs', staff: 's:clerk-17' },
    subject: S,
    purpose: 'benefits',
    fields: ['income'],
    basis: { consent: 'c-1' },
    time: '2026-02-01T09:30:00.000Z',
    retention: { rule: 'access-180d', until: '2026-08-01T00:00:00.000Z' },
  },
  {
    type: 'access',
    actor: { agency: 'tax-bureau', staff: 's:officer-3' },
    subject: 'p:other',
    purpose: 'tax',
    fields: ['income'],
    basis: { legal: 'lb-tax' },
    time: '2026-02-02T10:00:00.000Z',
  },
];

describe('bukejian audit CLI', () => {
  it('init → append → checkpoint → prove → query → verify → check → prune; tampering makes verify fail', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'bkj-audit-cli-'));
    const dir = path.join(root, 'log');
    try {
      expect((await run(['init', '--dir', dir])).code).toBe(2); // no --origin: usage error
      const init = await run([
        'init',
        '--dir',
        dir,
        '--origin',
        'civil-affairs.example/audit',
        '--user-id',
        'audit@civil-affairs',
      ]);
      expect(init.code).toBe(0);
      expect(init.json()).toMatchObject({ origin: 'civil-affairs.example/audit', hash: 'sm3' });
      expect(statSync(path.join(dir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
      expect((await run(['init', '--dir', dir, '--origin', 'x'])).code).not.toBe(0); // exists

      // through the real entry point, entries on stdin
      const app = spawnCli(
        ['append', '--dir', dir, '-'],
        lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n',
      );
      expect(app.code).toBe(1); // one bad line reported, the others appended
      expect(app.json()).toEqual({ appended: 3, rejected: 1, size: 3 });
      expect(app.err).toMatch(/line 4/);

      const cp = await run(['checkpoint', '--dir', dir]);
      expect(cp.code).toBe(0);
      expect(cp.out).toMatch(/^civil-affairs\.example\/audit\n3\n/);
      writeFileSync(path.join(root, 'note.txt'), cp.out);
      expect(
        (await run(['verify', '--dir', dir, '--note', path.join(root, 'note.txt')])).json(),
      ).toMatchObject({ valid: true, size: 3 });
      writeFileSync(path.join(root, 'bad-note.txt'), cp.out.replace('\n3\n', '\n4\n'));
      expect(
        (await run(['verify', '--dir', dir, '--note', path.join(root, 'bad-note.txt')])).code,
      ).toBe(1);

      const inc = (await run(['prove', '--dir', dir, '--index', '1'])).json();
      const cpRoot = (
        await run(['verify', '--dir', dir, '--note', path.join(root, 'note.txt')])
      ).json().root;
      const incProof = auditProofFromJSON(inc.proof);
      expect(
        incProof.type === 'inclusion' &&
          verifyInclusion(incProof.proof, hexToBytes(inc.leafHash), hexToBytes(cpRoot)),
      ).toBe(true);
      const cons = (await run(['prove', '--dir', dir, '--from', '1'])).json();
      const consProof = auditProofFromJSON(cons.proof);
      expect(
        consProof.type === 'consistency' &&
          consProof.proof.oldSize === 1 &&
          consProof.proof.newSize === 3,
      ).toBe(true);
      expect(
        consProof.type === 'consistency' &&
          verifyConsistency(consProof.proof, hexToBytes(cons.oldRoot), hexToBytes(cpRoot)),
      ).toBe(true);

      writeFileSync(
        path.join(root, 'more.jsonl'),
        JSON.stringify({ ...lines[2], time: '2026-02-03T10:00:00.000Z' }) + '\n',
      );
      const q = await run(['query', '--dir', dir, '--subject', S]);
      expect(q.json().events.map((e: { index: number }) => e.index)).toEqual([0, 1]);
      writeFileSync(path.join(root, 'answer.json'), q.out);
      expect(
        (
          await run([
            'verify',
            '--dir',
            dir,
            '--answer',
            path.join(root, 'answer.json'),
            '--subject',
            S,
          ])
        ).json(),
      ).toMatchObject({ ok: true, proven: [0, 1] });
      writeFileSync(path.join(root, 'edited.json'), q.out.replace('"s:clerk-17"', '"s:clerk-18"'));
      expect(
        (
          await run([
            'verify',
            '--dir',
            dir,
            '--answer',
            path.join(root, 'edited.json'),
            '--subject',
            S,
          ])
        ).code,
      ).toBe(1);
      // a later answer proven to extend the checkpoint of the first one
      expect((await run(['append', '--dir', dir, path.join(root, 'more.jsonl')])).code).toBe(0);
      await run(['checkpoint', '--dir', dir]);
      const q2 = await run(['query', '--dir', dir, '--subject', S, '--since', '3']);
      writeFileSync(path.join(root, 'answer2.json'), q2.out);
      expect(
        (
          await run([
            'verify',
            '--dir',
            dir,
            '--answer',
            path.join(root, 'answer2.json'),
            '--subject',
            S,
            '--previous',
            path.join(root, 'note.txt'),
          ])
        ).json(),
      ).toMatchObject({ ok: true, consistent: true, fork: false, size: 4 });

      const allowed = await run([
        'check',
        '--dir',
        dir,
        '--subject',
        S,
        '--purpose',
        'benefits',
        '--fields',
        'income,name',
        '--at',
        '2026-06-30T23:59:59.999Z',
      ]);
      expect(allowed.code).toBe(0);
      const expired = await run([
        'check',
        '--dir',
        dir,
        '--subject',
        S,
        '--purpose',
        'benefits',
        '--fields',
        'income',
        '--at',
        '2026-07-01T00:00:00.000Z',
      ]);
      expect(expired.code).toBe(1);
      expect(expired.json()).toMatchObject({ allowed: false, reason: 'expired' });

      expect(
        (await run(['prune', '--dir', dir, '--now', '2026-09-01T00:00:00.000Z'])).json(),
      ).toMatchObject({ pruned: 1 });
      expect((await run(['verify', '--dir', dir])).json()).toMatchObject({ ok: true, size: 5 });

      // flip one byte of a stored payload: the full verification fails
      const pay = path.join(dir, 'payloads.bkj');
      const b = readFileSync(pay);
      b[b.length - 10]! ^= 1;
      writeFileSync(pay, b);
      const v = await run(['verify', '--dir', dir]);
      expect(v.code).toBe(1);
      expect(v.json().ok).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it('`audit append --help` (built dist/cli.js) describes exactly what append prints', () => {
    const dist = path.join(__dirname, '..', 'dist', 'cli.js');
    const bkj = (args: string[], input?: string) =>
      spawnSync(process.execPath, [dist, 'audit', ...args], { encoding: 'utf8', input });
    const help = bkj(['append', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: bukejian audit append --dir DIR/);
    for (const key of ['"appended"', '"rejected"', '"size"']) expect(help.stdout).toContain(key);
    expect(help.stdout).toContain("this run's entries have indexes S-N .. S-1");
    expect(help.stdout).toMatch(/Exit status: 0 every line appended, 1 some line rejected/);
    expect(help.stdout).not.toMatch(/prints indexes/);
    // the group's usage no longer claims that append prints indexes
    expect(bkj(['--help']).stdout).toMatch(
      /append .*prints\n\s+\{"appended", "rejected", "size"\}/,
    );

    const root = mkdtempSync(path.join(tmpdir(), 'bkj-audit-help-'));
    try {
      const dir = path.join(root, 'log');
      expect(bkj(['init', '--dir', dir, '--origin', 'help.example/audit']).status).toBe(0);
      const first = bkj(['append', '--dir', dir], JSON.stringify(lines[0]) + '\n');
      expect(JSON.parse(first.stdout)).toEqual({ appended: 1, rejected: 0, size: 1 });
      // two more entries and a bad line: N = 2, R = 1, S = 3, so the new entries are 1 and 2
      const r = bkj(
        ['append', '--dir', dir, '-'],
        `${JSON.stringify(lines[1])}\n\n{"type":\n${JSON.stringify(lines[2])}\n`,
      );
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual({ appended: 2, rejected: 1, size: 3 });
      expect(r.stderr).toMatch(/^bukejian audit append: line 3: /m);
      // index S-1 = 2 exists, index S = 3 does not (prove against the tree of size 3)
      expect(bkj(['prove', '--dir', dir, '--index', '2', '--size', '3']).status).toBe(0);
      expect(bkj(['prove', '--dir', dir, '--index', '3', '--size', '3']).status).not.toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
