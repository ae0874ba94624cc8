// The file store's write lock (security review item 8): taking over the LOCK of a dead process
// must be atomic. Two real processes race to take over a stale LOCK, many times; exactly one may
// win each time, and every append a winner saw acknowledged must be in the log afterwards.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openAuditLog, openFileStore } from '../src/audit/index.js';
import { sm3 } from '../src/sm3.js';
import { bytesToHex } from '../src/utils.js';
import { codeOf } from './helpers/errors.js';

const child = path.join(__dirname, 'fixtures', 'audit-lock-child.ts');
const ORIGIN = 'lock-race.example/audit';

/** A child process with a line reader: `next()` resolves with its next stdout line. */
function start(args: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  let buf = '';
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  p.stdout.on('data', (d) => {
    buf += d;
    for (let i; (i = buf.indexOf('\n')) >= 0;) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(l);
      else lines.push(l);
    }
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const l = lines.shift();
      if (l !== undefined) return resolve(l);
      const t = setTimeout(
        () => reject(new Error(`child ${args.join(' ')} silent: ${err.slice(0, 2000)}`)),
        30_000,
      );
      waiting.push((x) => (clearTimeout(t), resolve(x)));
    });
  const exited = new Promise<void>((resolve) => p.on('exit', () => resolve()));
  return { p, next, send: (s: string) => p.stdin.write(s + '\n'), exited };
}

describe('file store write lock', () => {
  it('two processes racing to take over a stale LOCK: exactly one wins every round, no acknowledged append is lost', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-lock-race-'));
    const racers = [start([dir, 'a', 'race']), start([dir, 'b', 'race'])];
    try {
      await (await openFileStore(dir, { create: true })).close();
      // A genuinely stale LOCK: a process opens the log for writing and is SIGKILLed.
      const holder = start([dir, 'h', 'hold']);
      expect(await holder.next()).toBe('holding 0');
      holder.p.kill('SIGKILL');
      await holder.exited;
      const stale = readFileSync(path.join(dir, 'LOCK'));
      expect(stale.toString()).toContain(String(holder.p.pid)); // the dead holder's pid

      const acked: { index: number; staff: string }[] = [];
      const t0 = Date.now();
      let rounds = 0;
      while (rounds < 100 && Date.now() - t0 < 15_000) {
        rounds++;
        writeFileSync(path.join(dir, 'LOCK'), stale); // the dead process's lock, again
        const at = Date.now() + 40;
        for (const r of racers) r.send(`go ${at}`);
        const replies = await Promise.all(racers.map((r) => r.next()));
        const won = replies.filter((l) => l.startsWith('won '));
        const lost = replies.filter((l) => l.startsWith('lost '));
        // exactly one winner; the other is refused because the log is open for writing
        expect({ round: rounds, won: won.length, lost: lost.map((l) => l.split(' ')[2]) }).toEqual({
          round: rounds,
          won: 1,
          lost: ['BAD_STATE'],
        });
        const w = replies.findIndex((l) => l.startsWith('won '));
        acked.push({ index: Number(won[0]!.split(' ')[2]), staff: `s:${'ab'[w]}-${rounds}` });
        for (const r of racers) r.send('release');
        expect(await Promise.all(racers.map((r) => r.next()))).toEqual([
          `released ${rounds}`,
          `released ${rounds}`,
        ]);
      }
      expect(rounds).toBeGreaterThanOrEqual(20);
      // every acknowledged append is in the log, at its acknowledged index, with its content
      const log = await openAuditLog({
        store: await openFileStore(dir, { readOnly: true }),
        origin: ORIGIN,
      });
      try {
        expect(log.size).toBe(acked.length);
        for (const a of acked) {
          const r = await log.read(a.index);
          expect('entry' in r && r.entry.type === 'access' ? r.entry.actor.staff : null).toBe(
            a.staff,
          );
        }
        expect((await log.verify()).ok).toBe(true);
      } finally {
        await log.close();
      }
    } finally {
      for (const r of racers) {
        r.p.stdin.end();
        r.p.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("edge cases: a claim left by a dead process, a claim held by a live one, a garbage LOCK, and close() never removes another process's lock", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-lock-edge-'));
    const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!; // exited: its pid names no process
    // the claim file a taker of `stale` creates (the documented name: LOCK.claim-<SM3(content)[0..16)>)
    const claimOf = (stale: string) =>
      path.join(dir, `LOCK.claim-${bytesToHex(sm3(new TextEncoder().encode(stale))).slice(0, 32)}`);
    const LOCK = path.join(dir, 'LOCK');
    const mine = (c: string) => c.split(' ')[0] === String(process.pid);
    try {
      await (await openFileStore(dir, { create: true })).close();
      expect(existsSync(LOCK)).toBe(false);

      // a dead process's lock, and the claim on it left by another process that died mid-takeover
      const stale = `${deadPid()} 0011223344556677`;
      writeFileSync(LOCK, stale);
      writeFileSync(claimOf(stale), `${deadPid()} 8899aabbccddeeff`);
      let s = await openFileStore(dir);
      expect(mine(readFileSync(LOCK, 'latin1'))).toBe(true);
      expect(readdirSync(dir).filter((f) => f.startsWith('LOCK'))).toEqual(['LOCK']); // claims cleaned up
      await s.close();
      expect(existsSync(LOCK)).toBe(false);

      // a claim held by a live process (this one stands in for it): refused, nothing replaced
      writeFileSync(LOCK, stale);
      writeFileSync(claimOf(stale), `${process.pid} 0123456789abcdef`);
      expect(await codeOf(() => openFileStore(dir))).toBe('BAD_STATE');
      expect(readFileSync(LOCK, 'latin1')).toBe(stale);
      rmSync(claimOf(stale));

      // an empty or garbage LOCK names no process: taken over
      for (const junk of ['', 'not a pid', '-5 x']) {
        writeFileSync(LOCK, junk);
        s = await openFileStore(dir);
        expect(mine(readFileSync(LOCK, 'latin1'))).toBe(true);
        // a live holder refuses everyone else
        expect(await codeOf(() => openFileStore(dir))).toBe('BAD_STATE');
        // close() removes only its own lock: replaced meanwhile by someone else's, it stays
        writeFileSync(LOCK, `${deadPid()} fedcba9876543210`);
        await s.close();
        expect(existsSync(LOCK)).toBe(true);
        rmSync(LOCK);
      }
      expect(readdirSync(dir).filter((f) => f.startsWith('LOCK'))).toEqual([]); // no temporary files left
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
