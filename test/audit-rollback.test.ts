// Rollback of a file-store log (security review item 1): truncating index.bkj, payloads.bkj and
// checkpoints.bkj at frame boundaries leaves a shorter log that every stored checksum and
// checkpoint still accepts. Only an anchor kept outside the log (the last checkpoint seen, or a
// minimum size) catches it; the library (`anchor` of openAuditLog) and the CLI (`--anchor FILE`).
import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sm2 } from '../src/sm2/index.js';
import {
  createMemoryStore,
  openAuditLog,
  openFileStore,
  sm2CheckpointSigner,
  sm2CheckpointVerifier,
  type AuditLogOptions,
} from '../src/audit/index.js';
import { run as auditRun } from '../src/cli/audit.js';
import { BukejianError } from '../src/errors.js';
import { codeOf } from './helpers/errors.js';
import { ev, ORIGIN } from './fixtures/audit-tamper.js';

const { secretKey, publicKey } = sm2.keygen();
const signer = sm2CheckpointSigner(secretKey, { name: 'rollback-key' });
const verifier = sm2CheckpointVerifier(publicKey, { name: 'rollback-key' });
const T0 = Date.UTC(2026, 2, 1);
const FILES = ['index.bkj', 'payloads.bkj', 'checkpoints.bkj'] as const;

/**
 * 2 entries (one batch each), a signed checkpoint, 3 more entries, a second signed checkpoint.
 * Returns both notes and the three files' sizes at the frame boundary after the first checkpoint.
 */
async function buildFiveEntryLog(
  dir: string,
): Promise<{ first: string; second: string; cut: Record<string, number> }> {
  const log = await openAuditLog({
    store: await openFileStore(dir, { create: true }),
    origin: ORIGIN,
    signer,
  });
  await log.append(ev(0));
  await log.append(ev(1));
  const first = await log.checkpoint({ time: T0 + 10 });
  const cut = Object.fromEntries(FILES.map((f) => [f, statSync(path.join(dir, f)).size]));
  for (let i = 2; i < 5; i++) await log.append(ev(i));
  const second = await log.checkpoint({ time: T0 + 20 });
  expect(log.size).toBe(5);
  await log.close();
  return { first, second, cut };
}

/** The attack: cut all three files back to where the log had 2 entries and 1 checkpoint. */
function rollBack(dir: string, cut: Record<string, number>): void {
  for (const f of FILES) {
    expect(statSync(path.join(dir, f)).size).toBeGreaterThan(cut[f]!); // each file really loses data
    truncateSync(path.join(dir, f), cut[f]);
  }
}

/** Opens the file-store log in `dir` with `extra` options; the error code, or the open log's state. */
async function openWith(dir: string, extra: Partial<AuditLogOptions>) {
  const store = await openFileStore(dir);
  try {
    const log = await openAuditLog({ store, origin: ORIGIN, verifier, ...extra });
    const report = await log.verify();
    const out = {
      code: undefined as string | undefined,
      size: log.size,
      recovery: store.recovery,
      report,
    };
    await log.close();
    return out;
  } catch (e) {
    await store.close();
    if (!(e instanceof BukejianError)) throw e;
    return { code: e.code, message: e.message };
  }
}

describe('rollback of a file-store log (truncation at frame boundaries)', () => {
  it('5 entries, 2 checkpoints cut back to 2 entries: opens cleanly without an anchor, INTEGRITY with the last checkpoint or the size as anchor', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-rollback-'));
    try {
      const { first, second, cut } = await buildFiveEntryLog(dir);
      // before the attack the anchors are satisfied
      expect(await openWith(dir, { anchor: second })).toMatchObject({
        code: undefined,
        size: 5,
        report: { ok: true },
      });
      expect(await openWith(dir, { anchor: { size: 5 } })).toMatchObject({
        code: undefined,
        size: 5,
      });

      rollBack(dir, cut);
      // What the review found, and what stays true without an anchor: nothing inside the log
      // can tell, so it opens with no recovery and verifies.
      expect(await openWith(dir, {})).toMatchObject({
        code: undefined,
        size: 2,
        recovery: { truncated: {} },
        report: { ok: true, problems: [] },
      });
      // With what the operator saw last, kept outside the log: refused.
      const r = await openWith(dir, { anchor: second });
      expect(r).toMatchObject({ code: 'INTEGRITY' });
      expect((r as { message: string }).message).toMatch(/holds 2 entries but the anchor saw 5/);
      expect(await openWith(dir, { anchor: new TextEncoder().encode(second) })).toMatchObject({
        code: 'INTEGRITY',
      });
      expect(await openWith(dir, { anchor: { size: 5 } })).toMatchObject({ code: 'INTEGRITY' });
      expect(await openWith(dir, { anchor: { size: 3 } })).toMatchObject({ code: 'INTEGRITY' });
      // the same with the tree cache (opening from cached nodes)
      expect(await openWith(dir, { anchor: second, treeCache: true })).toMatchObject({
        code: 'INTEGRITY',
      });
      // an anchor the rolled-back log still covers is satisfied
      expect(await openWith(dir, { anchor: first })).toMatchObject({
        code: undefined,
        size: 2,
        report: { ok: true },
      });
      expect(await openWith(dir, { anchor: { size: 2 } })).toMatchObject({
        code: undefined,
        size: 2,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolled back and re-grown past the anchor with other entries: the checkpoint anchor catches it, a size anchor cannot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-regrow-'));
    try {
      const { second, cut } = await buildFiveEntryLog(dir);
      rollBack(dir, cut);
      // the unwitting operator (who holds the key) appends other entries and signs again
      const log = await openAuditLog({ store: await openFileStore(dir), origin: ORIGIN, signer });
      for (let i = 100; i < 104; i++) await log.append(ev(i));
      await log.checkpoint({ time: T0 + 30 });
      expect(log.size).toBe(6);
      await log.close();
      const r = await openWith(dir, { anchor: second });
      expect(r).toMatchObject({ code: 'INTEGRITY' });
      expect((r as { message: string }).message).toMatch(
        /first 5 entries differ from the anchor checkpoint/,
      );
      expect(await openWith(dir, { anchor: second, treeCache: true })).toMatchObject({
        code: 'INTEGRITY',
      });
      // documented limit: a plain size only catches shrinking
      expect(await openWith(dir, { anchor: { size: 5 } })).toMatchObject({
        code: undefined,
        size: 6,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the anchor option: a note needs the verifier; a note of another key or origin is INTEGRITY; wrong shapes are INVALID_OPTION', async () => {
    const store = createMemoryStore();
    const log = await openAuditLog({ store, origin: ORIGIN, signer });
    await log.append(ev(0));
    const note = await log.checkpoint({ time: T0 });
    const open = (extra: Partial<AuditLogOptions>) =>
      codeOf(() => openAuditLog({ store, origin: ORIGIN, ...extra }));
    expect(await open({ anchor: note })).toBe('INVALID_OPTION'); // no verifier to check it with
    expect(await open({ anchor: note, verifier })).toBe(undefined);
    const other = sm2CheckpointVerifier(sm2.keygen().publicKey, { name: 'rollback-key' });
    expect(await open({ anchor: note, verifier: other })).toBe('INTEGRITY');
    expect(
      await codeOf(() =>
        openAuditLog({ store, origin: 'other.example/audit', verifier, anchor: note }),
      ),
    ).toBe('INTEGRITY');
    expect(await open({ anchor: note.replace('\n1\n', '\n0\n'), verifier })).toBe('INTEGRITY'); // edited size
    expect(await open({ anchor: 'not a note', verifier })).toBe('INTEGRITY');
    for (const bad of [null, 5, [], { size: 1, root: 'x' }] as unknown[]) {
      expect(await open({ anchor: bad as AuditLogOptions['anchor'], verifier })).toBe(
        'INVALID_OPTION',
      );
    }
    expect(await open({ anchor: {} as AuditLogOptions['anchor'] })).toBe('INVALID_TYPE'); // size missing
    expect(await open({ anchor: { size: -1 } })).toBe('INVALID_RANGE');
    expect(await open({ anchor: { size: 2 } })).toBe('INTEGRITY');
    expect(await open({ anchor: { size: 1 } })).toBe(undefined);
  });
});

// ---- CLI ----

async function cli(args: string[]) {
  let out = '';
  const w = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  let code: number | string;
  try {
    code = await auditRun(args);
  } catch (x) {
    if (!(x instanceof BukejianError)) throw x;
    code = x.code;
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
  return { code, out, json: () => JSON.parse(out) };
}

describe('bukejian audit --anchor', () => {
  it('the CLI keeps the last checkpoint outside the log and refuses the rolled-back log', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'bkj-audit-anchor-cli-'));
    const dir = path.join(root, 'log');
    const keep = path.join(root, 'witness');
    mkdirSync(keep);
    const anchor = path.join(keep, 'anchor.txt');
    const jsonl = (from: number, to: number) => {
      const f = path.join(root, `e${from}.jsonl`);
      writeFileSync(
        f,
        Array.from({ length: to - from }, (_, k) =>
          JSON.stringify({ ...ev(from + k), time: new Date(T0 + from + k).toISOString() }),
        ).join('\n') + '\n',
      );
      return f;
    };
    try {
      // an anchor inside the log directory is refused, also through a not-yet-existing path
      expect(
        (
          await cli([
            'init',
            '--dir',
            dir,
            '--origin',
            ORIGIN,
            '--anchor',
            path.join(dir, 'anchor.txt'),
          ])
        ).code,
      ).toBe('INVALID_OPTION');
      expect(
        (
          await cli([
            'init',
            '--dir',
            dir,
            '--origin',
            ORIGIN,
            '--anchor',
            path.join(root, 'log', '..', 'log', 'a'),
          ])
        ).code,
      ).toBe('INVALID_OPTION');
      expect((await cli(['init', '--dir', dir, '--origin', ORIGIN, '--anchor', anchor])).code).toBe(
        0,
      );
      expect(readFileSync(anchor, 'utf8')).toMatch(
        new RegExp(`^${ORIGIN.replace(/[./]/g, '\\$&')}\n0\n`),
      ); // the signed empty log
      expect(
        (await cli(['verify', '--dir', dir, '--anchor', path.join(dir, 'log.json')])).code,
      ).toBe('INVALID_OPTION');
      // a new log never starts from another log's anchor
      expect(
        (
          await cli([
            'init',
            '--dir',
            path.join(root, 'log2'),
            '--origin',
            ORIGIN,
            '--anchor',
            anchor,
          ])
        ).code,
      ).toBe('BAD_STATE');

      expect(
        (await cli(['append', '--dir', dir, '--anchor', anchor, jsonl(0, 2)])).json(),
      ).toMatchObject({ appended: 2, size: 2 });
      const cp1 = await cli(['checkpoint', '--dir', dir, '--anchor', anchor]);
      expect(cp1.code).toBe(0);
      expect(readFileSync(anchor, 'utf8')).toBe(cp1.out);
      const cut = Object.fromEntries(FILES.map((f) => [f, statSync(path.join(dir, f)).size]));
      expect(
        (await cli(['append', '--dir', dir, '--anchor', anchor, jsonl(2, 5)])).json(),
      ).toMatchObject({ appended: 3, size: 5 });
      const cp2 = await cli(['checkpoint', '--dir', dir, '--anchor', anchor]);
      expect(cp2.out).toMatch(new RegExp(`^${ORIGIN.replace(/[./]/g, '\\$&')}\n5\n`));
      expect(readFileSync(anchor, 'utf8')).toBe(cp2.out); // replaced after the checkpoint
      expect(readdirSync(keep)).toEqual(['anchor.txt']); // no temporary file left behind

      rollBack(dir, cut);
      // The CLI's node cache (tree.bkj, optional) still covers 5 entries and would give the
      // rollback away; the attacker deletes it, which only costs the next open a rebuild.
      expect((await cli(['verify', '--dir', dir])).json().problems).toEqual([
        'the tree cache covers more entries than are stored',
      ]);
      rmSync(path.join(dir, 'tree.bkj'));
      // without --anchor the rolled-back log then verifies (nothing inside it can tell)
      const plain = await cli(['verify', '--dir', dir]);
      expect(plain.code).toBe(0);
      expect(plain.json()).toMatchObject({ ok: true, size: 2 });
      // with it: verify fails (exit 1), every other command is refused with INTEGRITY
      const v = await cli(['verify', '--dir', dir, '--anchor', anchor]);
      expect(v.code).toBe(1);
      expect(v.json()).toMatchObject({
        ok: false,
        problems: [expect.stringMatching(/rolled back/)],
      });
      expect((await cli(['append', '--dir', dir, '--anchor', anchor, jsonl(5, 6)])).code).toBe(
        'INTEGRITY',
      );
      expect((await cli(['checkpoint', '--dir', dir, '--anchor', anchor])).code).toBe('INTEGRITY');
      expect(
        (await cli(['query', '--dir', dir, '--anchor', anchor, '--subject', 'p:000000000000']))
          .code,
      ).toBe('INTEGRITY');
      expect(readFileSync(anchor, 'utf8')).toBe(cp2.out); // the refused checkpoint did not move the anchor
      // the refused opens released the write lock
      expect(existsSync(path.join(dir, 'LOCK'))).toBe(false);
      // a missing anchor file is refused where it cannot be written
      expect(
        (await cli(['verify', '--dir', dir, '--anchor', path.join(keep, 'gone.txt')])).code,
      ).toBe('NOT_FOUND');
      // a forged anchor file (not signed by the log's key) fails verification
      writeFileSync(path.join(keep, 'forged.txt'), cp2.out.replace('\n5\n', '\n2\n'));
      expect(
        (await cli(['verify', '--dir', dir, '--anchor', path.join(keep, 'forged.txt')])).json(),
      ).toMatchObject({ ok: false });

      // the same through the real entry point: exit 1 and the problem on stdout
      const cliPath = path.join(__dirname, '..', 'src', 'cli', 'index.ts');
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', cliPath, 'audit', 'verify', '--dir', dir, '--anchor', anchor],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false });
      expect(existsSync(path.join(dir, 'LOCK'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
