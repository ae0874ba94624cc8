// A real PostgreSQL 15 for the tests: initdb into a fresh temporary directory owned by the user
// `postgres` (when we run as root; the server refuses to run as root), `pg_ctl` with a Unix socket
// in that directory only (no TCP listener), stopped and removed by `stop()`. Binaries come from
// Debian's `postgresql` package (installed as root when missing, else the test fails naming it).
// Durability settings stay at their defaults (fsync on, synchronous_commit on): the crash tests
// rely on them.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDebianBinary } from './debian';

const DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin'];

export interface TestPostgres {
  /** Socket directory (pg's `host`). */
  readonly host: string;
  readonly port: number;
  /** A `pg.Pool` configuration for this server (database `postgres`, user `postgres`). */
  readonly config: pg.PoolConfig;
  /** A new database on this server (a fresh name each call); returns its pool config. */
  createDatabase(): Promise<pg.PoolConfig>;
  /** `pg_ctl stop -m immediate` (a crash: no checkpoint, no clean shutdown). */
  crash(): void;
  /** `pg_ctl start` again on the same data directory (crash recovery runs). */
  restart(): void;
  /** Stops the server and removes its directory. */
  stop(): void;
}

function asPostgres(cmd: string, args: string[]): string {
  const root = process.getuid?.() === 0;
  return execFileSync(
    root ? 'runuser' : cmd,
    root ? ['-u', 'postgres', '--', cmd, ...args] : args,
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

let dbCounter = 0;

/** Starts a private PostgreSQL server. */
export async function startPostgres(): Promise<TestPostgres> {
  const initdb = ensureDebianBinary('initdb', 'postgresql', DIRS);
  const pgCtl = ensureDebianBinary('pg_ctl', 'postgresql', DIRS);
  const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = 5432;
  asPostgres(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const opts = [
    `-c listen_addresses=''`,
    `-c unix_socket_directories='${dir}'`,
    `-c port=${port}`,
    `-c max_connections=60`,
    `-c shared_buffers=64MB`,
  ].join(' ');
  const start = () =>
    asPostgres(pgCtl, [
      'start',
      '-w',
      '-t',
      '60',
      '-D',
      data,
      '-l',
      path.join(dir, 'log'),
      '-o',
      opts,
    ]);
  start();
  let running = true;
  const config: pg.PoolConfig = { host: dir, port, user: 'postgres', database: 'postgres' };
  return {
    host: dir,
    port,
    config,
    async createDatabase() {
      const name = `t${process.pid}_${++dbCounter}`;
      const c = new pg.Client(config);
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return { ...config, database: name };
    },
    crash() {
      asPostgres(pgCtl, ['stop', '-m', 'immediate', '-w', '-D', data]);
      running = false;
    },
    restart() {
      start();
      running = true;
    },
    stop() {
      try {
        if (running) asPostgres(pgCtl, ['stop', '-m', 'fast', '-w', '-D', data]);
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
