// Several processes on one PostgreSQL 15 (started by the test), for real: child writer processes
// appending to one audit log at once, a SIGKILL of a writer and an immediate server stop in the
// middle of their batches, and two processes racing to claim the same nullifiers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import {
  createMemoryStore,
  decodeEntry,
  encodeEntry,
  openAuditLog,
  type AuditLog,
} from '../src/audit/index.js';
import { normalizeEntry } from '../src/audit/entries.js';
import { bytesToHex } from '../src/utils.js';
import { migrate, openPostgresStore } from '../src/postgres/index.js';
import { PG_ORIGIN, writerEntry } from './fixtures/postgres-entries.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const CHILD = path.join(__dirname, 'fixtures', 'postgres-child.ts');
let server: TestPostgres;
let config: pg.PoolConfig;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startPostgres();
  config = await server.createDatabase();
  pool = new pg.Pool({ ...config, max: 4 });
  pool.on('error', () => undefined); // idle connections die with the crash test's server stop
  await migrate(pool);
});
afterAll(async () => {
  await pool?.end();
  server?.stop();
});

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  ready: Promise<void>;
  exit: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

function child(args: (string | number)[]): Child {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CHILD,
      args[0] as string,
      JSON.stringify(config),
      ...args.slice(1).map(String),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  let onReady: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  proc.stdout.on('data', (d) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const l of parts) {
      if (l === 'ready') onReady();
      else lines.push(l);
    }
  });
  proc.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((r) =>
    proc.on('exit', (code, signal) => r({ code, signal, stderr })),
  );
  return { proc, lines, ready, exit };
}

const go = async (cs: Child[]) => {
  await Promise.all(cs.map((c) => c.ready));
  for (const c of cs) c.proc.stdin.write('go\n');
};

/** index → [writer, k] from the children's `ack` lines. */
function acked(cs: Child[]): Map<number, [number, number]> {
  const m = new Map<number, [number, number]>();
  cs.forEach((c, w) => {
    for (const l of c.lines) {
      if (!l.startsWith('ack ')) continue;
      const [, k0, idx] = l.split(' ');
      idx!.split(',').forEach((s, j) => {
        const i = Number(s);
        expect(m.has(i)).toBe(false); // no index acknowledged twice
        m.set(i, [w, Number(k0) + j]);
      });
    }
  });
  return m;
}

/** Checks every acknowledged entry is stored at its index, byte for byte. */
async function checkAcked(db: pg.Pool, log: string, m: Map<number, [number, number]>) {
  const rows = (
    await db.query('SELECT idx, payload FROM bukejian_audit_entries WHERE log = $1 ORDER BY idx', [
      log,
    ])
  ).rows;
  const dense = rows.filter((r, j) => Number(r.idx) === j).length;
  expect(dense).toBe(rows.length); // dense from 0
  // byte for byte: the canonical encoding of what the writer was asked to append
  const text = new TextDecoder();
  const wrong: number[] = [];
  for (const [i, [w, k]] of m)
    if (
      i >= rows.length ||
      text.decode(rows[i].payload) !== text.decode(encodeEntry(normalizeEntry(writerEntry(w, k))))
    )
      wrong.push(i);
  expect(wrong).toEqual([]);
  return rows.map((r) => decodeEntry(r.payload));
}

/** The root a single process computes from the same entries in the same order. */
async function singleProcessRoot(entries: ReturnType<typeof decodeEntry>[]): Promise<string> {
  const m: AuditLog = await openAuditLog({ store: createMemoryStore(), origin: PG_ORIGIN });
  await m.appendMany(entries);
  return bytesToHex(m.root());
}

describe('PostgreSQL audit log, several writer processes', () => {
  it('4 processes × 5,000 entries at once: 20,000 dense indexes, root = single-process recomputation', async () => {
    const log = 'four-writers';
    await (await openPostgresStore(pool, { log, origin: PG_ORIGIN, create: true })).close();
    const cs = [0, 1, 2, 3].map((w) => child(['append', log, w, 5000, 500, 250]));
    await go(cs);
    const exits = await Promise.all(cs.map((c) => c.exit));
    for (const e of exits) expect(e).toMatchObject({ code: 0, stderr: '' });
    const m = acked(cs);
    expect(m.size).toBe(20_000);
    expect([...m.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20_000 }, (_, i) => i),
    );
    // the writers interleaved (group commits of different processes alternate)
    const owners = Array.from({ length: 20_000 }, (_, i) => m.get(i)![0]);
    expect(owners.filter((w, i) => i > 0 && w !== owners[i - 1]).length).toBeGreaterThan(10);
    const entries = await checkAcked(pool, log, m);
    const fresh = await openAuditLog({
      store: await openPostgresStore(pool, { log, origin: PG_ORIGIN }),
      origin: PG_ORIGIN,
    });
    expect(fresh.size).toBe(20_000);
    expect(bytesToHex(await fresh.rootAt())).toBe(await singleProcessRoot(entries));
    await fresh.close();
  }, 90_000);

  it('SIGKILL of a writer mid-batch, then pg_ctl stop -m immediate and restart: every acknowledged entry is there, verify() ok', async () => {
    const log = 'crash';
    await (await openPostgresStore(pool, { log, origin: PG_ORIGIN, create: true })).close();
    const cs = [0, 1].map((w) => child(['append', log, w, 1_000_000, 200, 100]));
    await go(cs);
    // let both acknowledge some batches, then kill writer 0 mid-batch and crash the server
    const t0 = Date.now();
    while (cs.some((c) => c.lines.length < 3) && Date.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 20));
    cs[0]!.proc.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 150));
    server.crash();
    const [e0, e1] = await Promise.all(cs.map((c) => c.exit));
    expect(e0!.signal).toBe('SIGKILL');
    expect(e1!.code).not.toBe(0); // writer 1 lost its server: its append rejected
    const m = acked(cs);
    expect(m.size).toBeGreaterThanOrEqual(1200);
    server.restart();
    const db = new pg.Pool({ ...config, max: 2 });
    try {
      const entries = await checkAcked(db, log, m);
      // at most each writer's one unacknowledged batch in flight beyond the acknowledged ones
      expect(entries.length - m.size).toBeLessThanOrEqual(2 * 200);
      const reopened = await openAuditLog({
        store: await openPostgresStore(db, { log, origin: PG_ORIGIN }),
        origin: PG_ORIGIN,
      });
      expect(reopened.size).toBe(entries.length);
      expect(await reopened.verify()).toMatchObject({ ok: true, checked: entries.length });
      expect(bytesToHex(await reopened.rootAt())).toBe(await singleProcessRoot(entries));
      expect(await reopened.append(writerEntry(9, 0))).toBe(entries.length);
      await reopened.close();
    } finally {
      await db.end();
    }
  }, 90_000);
});

describe('PostgreSQL nullifier registry, two processes', () => {
  it('two processes racing 1,000 claims of the same nullifiers: exactly 1,000 successes in all', async () => {
    const cs = [1, 2].map((seed) => child(['claim', 'race', 1000, seed]));
    await go(cs);
    const exits = await Promise.all(cs.map((c) => c.exit));
    for (const e of exits) expect(e).toMatchObject({ code: 0, stderr: '' });
    const won = cs.map((c) =>
      c.lines
        .find((l) => l.startsWith('won '))!
        .slice(4)
        .split(',')
        .filter(Boolean)
        .map(Number),
    );
    expect(won[0]!.length + won[1]!.length).toBe(1000);
    expect([...won[0]!, ...won[1]!].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    // both really raced: each won some
    expect(won[0]!.length).toBeGreaterThan(0);
    expect(won[1]!.length).toBeGreaterThan(0);
    const rows = (
      await pool.query("SELECT count(*)::int AS n FROM bukejian_nullifiers WHERE registry = 'race'")
    ).rows;
    expect(rows[0].n).toBe(1000);
  }, 60_000);
});
