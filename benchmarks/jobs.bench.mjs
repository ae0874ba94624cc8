// PSI as a job vs in process: the same N × N x25519 PSI as benchmarks/psi-large.mjs (client items
// 4401‖i·3, server items 4401‖i·2, |∩| = ⌈N/3⌉), first in process (psi-large.mjs: two processes,
// one per agency, `workers: k` threads each, chunked protocol over IPC pipes), then as a
// `bukejian jobs psi` job with k worker processes per agency (one thread each), 64 buckets, each
// agency on its own redis-server (started here, temporary directory, AOF on), the sessions over
// HTTP on 127.0.0.1, mode 'intersection' as in psi-large.mjs (no --out: the job reports |∩|).
// Job time = submit of the server job → the client job's result (split + buckets + collect); the
// input files are written before the clock starts.
//
// Equal cores: both runs get the same machine (all its cores, nothing pinned, nothing else of
// ours running) and the same number of computing threads per agency, k: in process, each agency's
// process computes on k worker threads; as a job, each agency runs k worker processes of one
// thread each, each running JOBS_BENCH_CONCURRENCY bucket sessions at once (async, same thread),
// plus two small CLI processes for the submits and two redis-servers, whose CPU counts in the
// job's. Neither run can use more than k threads per agency; the in-process run is one session in
// lock step (an agency's threads idle while the other computes), the job's sessions are not. CPU
// seconds are reported for both (every process of each run), so a difference in wall time splits
// into work done (CPU) and cores left idle.
//
// Every process this benchmark starts runs in its own process group and is killed (SIGKILL to
// the group) when a run ends, fails or is interrupted (SIGINT, SIGTERM): nothing is left behind.
// Run: npm run bench -- jobs     (env JOBS_BENCH_N, default 1,000,000; JOBS_BENCH_K, default
//      1,2,3; JOBS_BENCH_BUCKETS, default 64; JOBS_BENCH_CONCURRENCY, parts at once per worker
//      process, default 2, a list such as 1,2 runs one job per value against the same anchor; JOBS_BENCH_TRACE=1 prints the job's phases).
//      Needs redis-server (Debian package redis-server).
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
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const N = Number(process.env.JOBS_BENCH_N ?? 1_000_000);
const KS = (process.env.JOBS_BENCH_K ?? '1,2,3').split(',').map(Number);
const BUCKETS = Number(process.env.JOBS_BENCH_BUCKETS ?? 64);
const TRACE = process.env.JOBS_BENCH_TRACE === '1';
// parts each worker process runs at once: a PSI bucket session waits for its peer about half of
// the time, so with two at once a worker computes for one while the other waits (one thread)
const CONCURRENCY = (process.env.JOBS_BENCH_CONCURRENCY ?? '2').split(',').map(Number);
const item = (i) => `4401${String(i).padStart(14, '0')}`;

/** Processes started here and still running: each leads its own process group. */
const live = new Set();
function start(cmd, args, opts = {}) {
  const p = spawn(cmd, args, { ...opts, detached: true });
  live.add(p);
  p.once('exit', () => live.delete(p));
  p.done = new Promise((resolve) => p.once('exit', (code, signal) => resolve({ code, signal })));
  return p;
}
/** Sends `signal` to the process group of every process still running. */
function signalAll(signal) {
  for (const p of live) {
    try {
      process.kill(-p.pid, signal);
    } catch {
      /* already gone */
    }
  }
}
/**
 * Ends every process still running (SIGTERM, and SIGKILL to the group after `grace` ms) and waits
 * until each is reaped (its CPU then counts in this process's children's).
 */
async function endAll(grace = 0) {
  const waits = [...live].map((p) => p.done);
  if (grace > 0) {
    signalAll('SIGTERM');
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, grace).unref())]);
  }
  signalAll('SIGKILL');
  await Promise.all(waits);
}
let workDir; // removed at the end, also on a signal
const onSignal = (signal) =>
  void endAll().finally(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });

/** CPU seconds used so far by process `pid`, user + system (Linux /proc; 0 once it has exited). */
function cpuOf(pid, which = 'both') {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const user = Number(f[11]) / 100; // clock ticks of 10 ms
    const sys = Number(f[12]) / 100;
    return which === 'user' ? user : which === 'sys' ? sys : user + sys;
  } catch {
    return 0;
  }
}

/** CPU seconds of this process's children that have ended and been reaped (and theirs). */
function childrenCpu() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime
}

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
  const p = start(
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
  return { url: `redis://127.0.0.1:${port}`, pid: p.pid };
}

function worker(args) {
  const p = start(process.execPath, [cli, 'jobs', 'worker', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (b) => (err += b));
  const ready = new Promise((resolve, reject) => {
    p.stderr.on('data', () => {
      const m = /ready(?:, listening on (\S+))?/.exec(err);
      if (m) resolve(m[1]);
    });
    p.once('exit', () => reject(new Error(`worker exited: ${err.slice(-1000)}`)));
  });
  ready.catch(() => undefined);
  return { ready, pid: p.pid, log: () => err };
}

/** Runs `bukejian jobs ...` to its end; its stdout, and its CPU seconds. */
async function run(args) {
  const p = start(process.execPath, [cli, 'jobs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (b) => (out += b));
  p.stderr.on('data', (b) => (err += b));
  const { code } = await p.done;
  if (code !== 0) throw new Error(`bukejian jobs ${args[0]} failed: ${err.slice(-1000)}`);
  return out;
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

async function inProcess(k) {
  const p = start(process.execPath, [path.join(here, 'psi-large.mjs'), String(N)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PSI_LARGE_WORKERS: String(k), PSI_LARGE_GROUP: 'x25519' },
  });
  const c0 = childrenCpu();
  let out = '';
  let err = '';
  p.stdout.on('data', (b) => (out += b));
  p.stderr.on('data', (b) => (err += b));
  await p.done;
  const total = childrenCpu() - c0; // both agencies' processes and the relay between them
  const m = /end to end: ([\d.]+) s/.exec(out);
  const c = /\|∩\| = (\d+)/.exec(out);
  const cc = /client: [\d.]+ s \(CPU ([\d.]+) s\)/.exec(out);
  const cs = /server: [\d.]+ s \(including its preparation; CPU ([\d.]+) s\)/.exec(out);
  if (!m) throw new Error(`psi-large failed: ${err.slice(-500)}`);
  return {
    seconds: Number(m[1]),
    cardinality: Number(c?.[1]),
    cpu: { a: Number(cc?.[1]), b: Number(cs?.[1]), total },
  };
}

/**
 * Samples, once a second, the CPU of the job's processes and the stage of both agencies' jobs;
 * `phases()` splits the run into the server's split, the client's split, the bucket stage and the
 * collect, each with its wall time and the cores both sides used on average.
 */
async function tracer(id, ra, rb, pidsA, pidsB) {
  const { bullmqBackend } = await import(
    pathToFileURL(path.join(here, '..', 'dist', 'jobs.js')).href
  );
  const a = bullmqBackend({ redis: ra.url });
  const b = bullmqBackend({ redis: rb.url });
  const t0 = performance.now();
  const samples = [];
  let stopped = false;
  const sum = (pids) => pids.reduce((x, pid) => x + cpuOf(pid), 0);
  const loop = (async () => {
    while (!stopped) {
      const [sa, sb] = await Promise.all([
        a.status(id).catch(() => undefined),
        b.status(id).catch(() => undefined),
      ]);
      samples.push({
        t: (performance.now() - t0) / 1000,
        a: sum(pidsA),
        b: sum(pidsB),
        stageA: sa ? `${sa.stage}:${sa.state}:${sa.parts.done}/${sa.parts.total}` : '',
        stateB: sb?.state ?? '',
      });
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all([a.close(), b.close()]);
      return samples;
    },
  };
}

function phases(samples) {
  const first = (f) => samples.find(f) ?? samples.at(-1);
  const serverReady = first((s) => s.stateB === 'completed');
  const bucketsStart = first((s) => s.stageA.startsWith('buckets'));
  const bucketsDone = first((s) => /^buckets:\w+:(\d+)\/\1$/.test(s.stageA));
  const end = samples.at(-1);
  const span = (x, y) => {
    const dt = y.t - x.t;
    return `${dt.toFixed(1)} s (cores ${dt > 0 ? ((y.a - x.a + y.b - x.b) / dt).toFixed(2) : '-'}: client ${(y.a - x.a).toFixed(1)} + server ${(y.b - x.b).toFixed(1)} CPU-s)`;
  };
  return [
    `server split done at ${serverReady.t.toFixed(1)} s`,
    `client split ${span(samples[0], bucketsStart)}`,
    `buckets ${span(bucketsStart, bucketsDone)}`,
    `collect ${span(bucketsDone, end)}`,
  ].join('; ');
}

async function asJob(k, c, dir, files) {
  const c0 = childrenCpu();
  const tag = `${k}c${c}`; // a fresh Redis, work directory and job id for every run
  const ra = await redisServer(path.join(dir, `ra${tag}`));
  const rb = await redisServer(path.join(dir, `rb${tag}`));
  const wa = Array.from({ length: k }, () =>
    worker(['--redis', ra.url, '--work', path.join(dir, `a${tag}`), '--concurrency', `${c}`]),
  );
  const wb = Array.from({ length: k }, () =>
    worker([
      ...['--redis', rb.url, '--work', path.join(dir, `b${tag}`), '--listen', '127.0.0.1:0'],
      ...['--concurrency', `${c}`],
    ]),
  );
  const peers = await Promise.all(wb.map((w) => w.ready));
  await Promise.all(wa.map((w) => w.ready));
  const id = `bench${tag}`;
  const common = [
    '--id',
    id,
    '--buckets',
    String(BUCKETS),
    '--key-file',
    files.key,
    '--group',
    'x25519',
    '--part-lines',
    String(Math.ceil(N / (4 * k))),
  ];
  const pidsA = [...wa.map((w) => w.pid), ra.pid];
  const pidsB = [...wb.map((w) => w.pid), rb.pid];
  const trace = TRACE ? await tracer(id, ra, rb, pidsA, pidsB) : undefined;
  const cpu0 = {
    a: pidsA.reduce((x, p) => x + cpuOf(p), 0),
    b: pidsB.reduce((x, p) => x + cpuOf(p), 0),
  };
  const t0 = performance.now();
  await run([
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
  const out = await run([
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
  const cpu = {
    a: pidsA.reduce((x, p) => x + cpuOf(p), 0) - cpu0.a,
    b: pidsB.reduce((x, p) => x + cpuOf(p), 0) - cpu0.b,
  };
  let timeline = trace ? phases(await trace.stop()) : undefined;
  if (TRACE) {
    const of = (pids, which) => pids.reduce((x, p) => x + cpuOf(p, which), 0).toFixed(1);
    const group = (name, pids) => `${name} ${of(pids, 'user')} user + ${of(pids, 'sys')} sys`;
    timeline += `\n    CPU-s since start by process: ${[
      group(
        'client workers',
        wa.map((w) => w.pid),
      ),
      group(
        'server workers',
        wb.map((w) => w.pid),
      ),
      group('redis-servers', [ra.pid, rb.pid]),
    ].join('; ')}`;
  }
  await endAll(10_000); // workers and redis-servers of this k (SIGTERM: they stop cleanly)
  // every process of the job (workers, redis-servers, the two submits) from t0 on
  cpu.total = childrenCpu() - c0 - cpu0.a - cpu0.b;
  return { seconds, cpu, cardinality: JSON.parse(out).cardinality, timeline };
}

export default async function () {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    console.log('\njobs: redis-server not found (Debian package redis-server); skipped');
    return [];
  }
  const dir = (workDir = mkdtempSync(path.join(tmpdir(), 'bukejian-jobs-bench-')));
  const files = {
    a: path.join(dir, 'a.txt'),
    b: path.join(dir, 'b.txt'),
    key: path.join(dir, 'key'),
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const out = [];
  try {
    writeFileSync(files.key, '00112233445566778899aabbccddeeff');
    await writeItems(files.a, 3);
    await writeItems(files.b, 2);
    console.log(
      `\nPSI ${N} × ${N} x25519: in process (2 processes, k threads each) vs job (k worker processes per agency, ${CONCURRENCY.join(' or ')} parts at once each, ${BUCKETS} buckets, Redis, HTTP), same cores`,
    );
    for (const k of KS) {
      const a = await inProcess(k);
      for (const c of CONCURRENCY) {
        const j = await asJob(k, c, dir, files);
        const row = {
          k,
          concurrency: c,
          clientCpuSeconds: j.cpu.a,
          serverCpuSeconds: j.cpu.b,
          inProcessCpuSeconds: a.cpu.total,
          jobCpuSeconds: j.cpu.total,
          inProcessSeconds: a.seconds,
          jobSeconds: j.seconds,
          ratio: j.seconds / a.seconds,
          cpuRatio: j.cpu.total / a.cpu.total,
          cardinality: j.cardinality,
          expected: Math.ceil(N / 3),
        };
        out.push(row);
        console.log(
          `  k=${k}, ${c} at once: in process ${a.seconds.toFixed(1)} s, job ${j.seconds.toFixed(1)} s, job/in-process ${row.ratio.toFixed(2)}×; ` +
            `CPU in process ${a.cpu.total.toFixed(1)} s (client ${a.cpu.a.toFixed(1)}, server ${a.cpu.b.toFixed(1)}), job ${j.cpu.total.toFixed(1)} s (client side ${j.cpu.a.toFixed(1)}, server side ${j.cpu.b.toFixed(1)}), ${row.cpuRatio.toFixed(2)}×; ` +
            `cores busy in process ${(a.cpu.total / a.seconds).toFixed(2)}, job ${(j.cpu.total / j.seconds).toFixed(2)}; ` +
            `|∩| ${j.cardinality} / ${a.cardinality} (expected ${row.expected}); ${(N / j.cpu.a).toFixed(0)} client items per CPU-second`,
        );
        if (j.timeline) console.log(`    job phases: ${j.timeline}`);
      }
    }
  } finally {
    await endAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  return out;
}
