// A private PostgreSQL for `npm run bench -- postgres`: initdb into a temporary directory (owned
// by the user `postgres` when run as root), a Unix socket in that directory only, default
// durability settings (fsync on, synchronous_commit on). Stopped and removed by stop().
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'];
const bin = (name) => {
  const d = DIRS.find((x) => existsSync(path.join(x, name)));
  if (!d) throw new Error(`'${name}' not found: install the Debian package 'postgresql'`);
  return path.join(d, name);
};
const root = process.getuid?.() === 0;
const asPostgres = (cmd, args) =>
  execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });

export function startPostgres() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bkj-pg-bench-'));
  if (root) {
    const id = (f) => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = path.join(dir, 'data');
  asPostgres(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const opts = `-c listen_addresses='' -c unix_socket_directories='${dir}' -c port=5432 -c max_connections=40 -c shared_buffers=256MB -c max_wal_size=2GB`;
  asPostgres(bin('pg_ctl'), [
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
  return {
    config: { host: dir, port: 5432, user: 'postgres', database: 'postgres' },
    // the postmaster's process id (first line of postmaster.pid)
    pid: Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop() {
      try {
        asPostgres(bin('pg_ctl'), ['stop', '-m', 'fast', '-w', '-D', data]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
