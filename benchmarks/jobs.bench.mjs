// PSI as a job vs in process: the same N × N x25519 PSI as benchmarks/psi-large.mjs (client items
// 4401‖i·3, server items 4401‖i·2, |∩| = ⌈N/3⌉), first in process (psi-large.mjs: two processes,
// one per agency, `workers: k` threads each, chunked protocol over IPC pipes), then as a
// `bukejian jobs psi` job with k worker processes per agency (one thread each), 64 buckets, each
// agency on its own redis-server (started here, temporary directory, AOF on), the sessions over
// HTTP on 127.0.0.1, mode 'intersection' as in psi-large.mjs (no --out: the job reports |∩|). Job time = submit of the client job → result (split + buckets + collect);
// the input files are written before the clock starts. Equal cores: k threads per party vs k
// processes per agency. Prints seconds and the job / in-process ratio for each k.
// Run: npm run bench -- jobs     (env JOBS_BENCH_N, default 1,000,000; JOBS_BENCH_K, default
//      1,2,3; JOBS_BENCH_BUCKETS, default 64). Needs redis-server (Debian package redis-server).
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const N = Number(process.env.JOBS_BENCH_N ?? 1_000_000);
const KS = (process.env.JOBS_BENCH_K ?? '1,2,3').split(',').map(Number);
const BUCKETS = Number(process.env.JOBS_BENCH_BUCKETS ?? 64);
const item = (i) => `4401${String(i).padStart(14, '0')}`;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const ping = (port) =>
  new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.write('PING\r\n');
      c.once('data', (b) => (c.destroy(), resolve(b.toString().startsWith('+PONG'))));
    });
    c.once('error', () => resolve(false));
  });

async function redisServer(dir) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const p = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  while (!(await ping(port))) {
    if (p.exitCode !== null) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise((r) => (p.once('exit', r), p.kill('SIGTERM'))),
  };
}

function worker(args) {
  const p = spawn(process.execPath, [cli, 'jobs', 'worker', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (b) => (err += b));
  const ready = new Promise((resolve, reject) => {
    p.stderr.on('data', () => {
      const m = /ready(?:, listening on (\S+))?/.exec(err);
      if (m) resolve(m[1]);
    });
    p.once('exit', () => reject(new Error(err)));
  });
  /** CPU seconds used so far (Linux /proc; 0 elsewhere). */
  const cpu = () => {
    try {
      const f = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks of 10 ms
    } catch {
      return 0;
    }
  };
  return { ready, cpu, stop: () => new Promise((r) => (p.once('exit', r), p.kill('SIGTERM'))) };
}

function run(args) {
  const r = spawnSync(process.execPath, [cli, 'jobs', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

function writeItems(file, step) {
  return new Promise((resolve) => {
    const w = createWriteStream(file);
    let i = 0;
    const more = () => {
      let ok = true;
      while (i < N && ok) {
        let s = '';
        for (let j = 0; j < 10_000 && i < N; j++, i++) s += item(i * step) + '\n';
        ok = w.write(s);
      }
      if (i < N) w.once('drain', more);
      else w.end(resolve);
    };
    more();
  });
}

function inProcess(k) {
  const r = spawnSync(process.execPath, [path.join(here, 'psi-large.mjs'), String(N)], {
    encoding: 'utf8',
    env: { ...process.env, PSI_LARGE_WORKERS: String(k), PSI_LARGE_GROUP: 'x25519' },
  });
  const m = /end to end: ([\d.]+) s/.exec(r.stdout);
  const c = /\|∩\| = (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`psi-large failed: ${r.stderr.slice(-500)}`);
  return { seconds: Number(m[1]), cardinality: Number(c?.[1]) };
}

async function asJob(k, dir, files) {
  const [ra, rb] = [
    await redisServer(path.join(dir, `ra${k}`)),
    await redisServer(path.join(dir, `rb${k}`)),
  ];
  const wa = Array.from({ length: k }, () =>
    worker(['--redis', ra.url, '--work', path.join(dir, `a${k}`)]),
  );
  const wb = Array.from({ length: k }, () =>
    worker(['--redis', rb.url, '--work', path.join(dir, `b${k}`), '--listen', '127.0.0.1:0']),
  );
  const peers = await Promise.all(wb.map((w) => w.ready));
  await Promise.all(wa.map((w) => w.ready));
  const common = [
    '--id',
    `bench${k}`,
    '--buckets',
    String(BUCKETS),
    '--key-file',
    files.key,
    '--group',
    'x25519',
    '--part-lines',
    String(Math.ceil(N / (4 * k))),
  ];
  const t0 = performance.now();
  run([
    'psi',
    '--redis',
    rb.url,
    ...common,
    '--role',
    'server',
    '--in',
    files.b,
    '--max-evaluations',
    'inf',
  ]);
  const out = run([
    'psi',
    '--redis',
    ra.url,
    ...common,
    '--role',
    'client',
    '--in',
    files.a,
    '--peer',
    peers.join(','),
    '--chunk',
    '4096',
    '--wait',
    '--quiet',
  ]);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = { a: wa.reduce((x, w) => x + w.cpu(), 0), b: wb.reduce((x, w) => x + w.cpu(), 0) };
  await Promise.all([...wa, ...wb].map((w) => w.stop()));
  await Promise.all([ra.stop(), rb.stop()]);
  return { seconds, cpu, cardinality: JSON.parse(out).cardinality };
}

export default async function () {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    console.log('\njobs: redis-server not found (Debian package redis-server); skipped');
    return [];
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-jobs-bench-'));
  const files = {
    a: path.join(dir, 'a.txt'),
    b: path.join(dir, 'b.txt'),
    key: path.join(dir, 'key'),
  };
  writeFileSync(files.key, '00112233445566778899aabbccddeeff');
  await writeItems(files.a, 3);
  await writeItems(files.b, 2);
  console.log(
    `\nPSI ${N} × ${N} x25519: in process (2 processes, k threads each) vs job (k worker processes per agency, ${BUCKETS} buckets, Redis, HTTP)`,
  );
  const out = [];
  try {
    for (const k of KS) {
      const a = inProcess(k);
      const j = await asJob(k, dir, files);
      const row = {
        k,
        clientCpuSeconds: j.cpu.a,
        serverCpuSeconds: j.cpu.b,
        inProcessSeconds: a.seconds,
        jobSeconds: j.seconds,
        ratio: j.seconds / a.seconds,
        cardinality: j.cardinality,
        expected: Math.ceil(N / 3),
      };
      out.push(row);
      console.log(
        `  k=${k}: in process ${a.seconds.toFixed(1)} s, job ${j.seconds.toFixed(1)} s, job/in-process ${row.ratio.toFixed(2)}×, |∩| ${j.cardinality} / ${a.cardinality} (expected ${row.expected}), CPU client side ${j.cpu.a.toFixed(1)} s (${(N / j.cpu.a).toFixed(0)} client items per CPU-second), server side ${j.cpu.b.toFixed(1)} s`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
