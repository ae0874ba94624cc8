// Crash recovery for real: a child process appends to a file-backed log in a loop and is killed
// with SIGKILL at random moments; after each kill the log is reopened and checked: every
// acknowledged entry is present and intact, at most the one in-flight batch beyond them, the
// recomputed root matches the last checkpoint, and the full verification passes. The log keeps
// growing across kills. Torn writes (which SIGKILL alone rarely produces) are simulated byte by
// byte in a second test. A longer soak is in test/slow/audit-soak.test.ts.
import { describe, expect, it } from 'vitest';
import {
  appendFileSync,
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
import { openAuditLog, openFileStore } from '../src/audit/index.js';
import { expectedEntry, ORIGIN } from './fixtures/audit-crash-entries.js';
import { crashSoak } from './fixtures/audit-crash-soak.js';

describe('file store crash recovery', () => {
  it('survives repeated SIGKILL at random moments (real child processes)', async () => {
    // ~12 kills or ~25 s, whichever comes first.
    const { kills, size } = await crashSoak(12, 25_000);
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(size).toBeGreaterThan(0);
  }, 60_000);

  it('discards a torn final record at every cut point and never touches earlier data', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-torn-'));
    try {
      const store = await openFileStore(dir, { create: true });
      const log = await openAuditLog({ store, origin: ORIGIN, maxBatch: 8 });
      for (let i = 0; i < 20; i++) await log.append(expectedEntry(i));
      const root20 = log.root();
      await log.close();
      const idx = path.join(dir, 'index.bkj');
      const pay = path.join(dir, 'payloads.bkj');
      const idxGood = readFileSync(idx);
      const payGood = readFileSync(pay);
      // Simulate an interrupted 21st append: its payload bytes and a prefix of its index frame.
      const s2 = await openFileStore(dir);
      const l2 = await openAuditLog({ store: s2, origin: ORIGIN });
      await l2.append(expectedEntry(20));
      await l2.close();
      const idxNext = readFileSync(idx);
      const payNext = readFileSync(pay);
      const frame = idxNext.subarray(idxGood.length);
      for (let cut = 0; cut < frame.length; cut += cut < 16 ? 1 : 7) {
        writeFileSync(idx, Buffer.concat([idxGood, frame.subarray(0, cut)]));
        writeFileSync(pay, payNext); // payload of the torn batch is fully there, or …
        if (cut % 2)
          writeFileSync(
            pay,
            payNext.subarray(0, payGood.length + (cut % (payNext.length - payGood.length))),
          ); // … partly
        const s = await openFileStore(dir);
        expect(s.size).toBe(20);
        if (cut > 0) expect(s.recovery.truncated['index.bkj']).toBe(cut);
        const l = await openAuditLog({ store: s, origin: ORIGIN });
        expect(Buffer.from(l.root()).equals(Buffer.from(root20))).toBe(true);
        expect((await l.verify()).ok).toBe(true);
        await l.close();
        expect(statSync(idx).size).toBe(idxGood.length);
        expect(statSync(pay).size).toBe(payGood.length);
        for (const f of readdirSync(dir).filter((x) => x.endsWith('.tail')))
          rmSync(path.join(dir, f));
      }
      // A zero-filled tail (what some filesystems leave after a crash) is torn data too.
      appendFileSync(idx, Buffer.alloc(300));
      const s = await openFileStore(dir);
      expect(s.size).toBe(20);
      expect(s.recovery.truncated['index.bkj']).toBe(300);
      const kept = readdirSync(dir).filter(
        (x) => x.startsWith('index.bkj.') && x.endsWith('.tail'),
      );
      expect(kept.length).toBe(1);
      expect(readFileSync(path.join(dir, kept[0]!))).toEqual(Buffer.alloc(300)); // the discarded bytes, kept aside
      await s.close();
      // An acknowledged payload that went missing is not a torn tail: it is refused.
      truncateSync(pay, payGood.length - 1);
      await expect(openFileStore(dir)).rejects.toMatchObject({ code: 'INTEGRITY' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a retention deletion interrupted after its tombstone is completed at the next open', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-prune-crash-'));
    try {
      const log = await openAuditLog({
        store: await openFileStore(dir, { create: true }),
        origin: ORIGIN,
      });
      const T = 1_767_225_600_000;
      for (let i = 0; i < 10; i++)
        await log.append({
          ...expectedEntry(i),
          retention: { rule: 'r-1', until: T + (i < 4 ? 10 : 1e9) },
        });
      await log.close();
      const pay = path.join(dir, 'payloads.bkj');
      const before = readFileSync(pay);
      const l2 = await openAuditLog({ store: await openFileStore(dir), origin: ORIGIN });
      expect((await l2.prune(T + 10)).pruned).toBe(4);
      await l2.close();
      // Crash simulation: the zeroing never reached the disk and the "done" frame was never written.
      const tomb = path.join(dir, 'tombstones.bkj');
      truncateSync(tomb, readFileSync(tomb).length - (12 + 5));
      const after = readFileSync(pay);
      before.copy(after, 0, 0, before.length); // the entries' original bytes are back (the prune entry stays)
      writeFileSync(pay, after);
      const s = await openFileStore(dir);
      expect(s.recovery.resumedPrunes).toBe(1);
      const l3 = await openAuditLog({ store: s, origin: ORIGIN });
      expect(await l3.read(2)).toMatchObject({ deleted: { rule: 'r-1' } });
      expect(await l3.read(5)).toMatchObject({ entry: { type: 'access' } });
      expect(await l3.verify()).toMatchObject({ ok: true, checked: 7 });
      await l3.close();
      const s4 = await openFileStore(dir); // nothing left to resume
      expect(s4.recovery.resumedPrunes).toBe(0);
      await s4.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
