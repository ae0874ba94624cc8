// The 1,000,000 × 1,000,000 ECDH-PSI run on the fastest group (x25519, node:crypto X25519):
// two processes (the two agencies) on this machine run the chunked protocol (psi.chunkedClient ↔
// server.handle), the parent relaying each message over IPC pipes; each party reports its own
// time and peak memory (max RSS). The client reads its items lazily from a generator, so its
// peak RSS should not grow with N. Not part of `npm test`.
// Run: node benchmarks/psi-large.mjs [N]       (or: npm run bench -- psi --large)
// Env: PSI_LARGE_N, PSI_LARGE_GROUP (x25519), PSI_LARGE_WORKERS (2), PSI_LARGE_CHUNK (8192),
//      PSI_MODULE (a snapshot of dist/psi.js: another build replacing dist/ mid-run breaks workers).
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const [, , role, nArg] = process.argv;
const N = Number(
  (role === 'client' || role === 'server' ? nArg : role) ?? process.env.PSI_LARGE_N ?? 1_000_000,
);
const GROUP = process.env.PSI_LARGE_GROUP ?? 'x25519';
const WORKERS = Number(process.env.PSI_LARGE_WORKERS ?? 2);
const CHUNK = Number(process.env.PSI_LARGE_CHUNK ?? 8192);

// Synthetic ID-like strings: client i*3, server i*2 → |∩| = ⌈N/3⌉ when both have N items.
const item = (i) => `4401${String(i).padStart(14, '0')}`;
function* items(step) {
  for (let i = 0; i < N; i++) yield item(i * step);
}

/** Messages from the parent, in order. */
function inbox() {
  const queue = [];
  let wake;
  process.on('message', (m) => {
    queue.push(new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
    wake?.();
  });
  return async () => {
    while (queue.length === 0) await new Promise((r) => (wake = r));
    return queue.shift();
  };
}

async function party() {
  const { psi } = await import(
    process.env.PSI_MODULE ? pathToFileURL(process.env.PSI_MODULE).href : 'bukejian/psi'
  );
  const receive = inbox();
  const t0 = performance.now();
  let last = 0;
  const onProgress = (d) => {
    const now = performance.now();
    if (now - last > 10_000) {
      last = now;
      console.error(
        `  [${role}] ${d} items, ${((now - t0) / 1000).toFixed(0)} s, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`,
      );
    }
  };
  const opts = { group: GROUP, workers: WORKERS, chunkSize: CHUNK, onProgress };
  let result;
  if (role === 'client') {
    const c = psi.chunkedClient(items(3), opts); // a generator: N not known up front
    let out = await c.next();
    let bytes = 0;
    while (out) {
      process.send(out);
      const reply = await receive();
      bytes += reply.length;
      out = await c.next(reply);
    }
    result = {
      cardinality: c.result().cardinality,
      messages: c.stats.messages,
      receivedBytes: bytes,
    };
    process.send(new Uint8Array(0)); // end of run
  } else {
    const s = psi.server(items(2), { ...opts, format: 'gcs', fpr: 1e-9, maxEvaluations: Infinity }); // a benchmark, not a service
    await s.prepare();
    process.send(new Uint8Array(0)); // ready
    for (;;) {
      const m = await receive();
      if (m.length === 0) break;
      process.send(await s.handle(m));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  const u = process.cpuUsage(); // the whole process, worker threads included
  const cpuSeconds = (u.user + u.system) / 1e6;
  console.log(JSON.stringify({ role, N, group: GROUP, seconds, cpuSeconds, maxRssMiB, ...result }));
  process.disconnect();
}

async function main() {
  const self = fileURLToPath(import.meta.url);
  console.log(
    `\nPSI ${N} × ${N} on ${GROUP}, two processes (workers: ${WORKERS} each), chunked protocol (${CHUNK} items per message) over IPC pipes`,
  );
  const t0 = performance.now();
  const start = (r) => {
    const p = fork(self, [r, String(N)], {
      execArgv: ['--max-old-space-size=4096'],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.done = new Promise((resolve, reject) =>
      p.on('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out.trim().split('\n').pop()))
          : reject(new Error(`${r} exited ${code}`)),
      ),
    );
    return p;
  };
  const server = start('server');
  const client = start('client');
  // relay: client → server and back; the client's first message waits until the server is ready
  let ready;
  const serverReady = new Promise((r) => (ready = r));
  server.once('message', () => {
    ready();
    server.on('message', (m) => client.send(m));
  });
  client.on('message', async (m) => {
    await serverReady;
    server.send(m);
  });
  const [c, s] = await Promise.all([client.done, server.done]);
  const total = (performance.now() - t0) / 1000;
  console.log(
    `  client: ${c.seconds.toFixed(1)} s (CPU ${c.cpuSeconds.toFixed(0)} s), peak RSS ${c.maxRssMiB.toFixed(0)} MiB, |∩| = ${c.cardinality} (expected ${Math.ceil(N / 3)}), ${c.messages} messages, ${(c.receivedBytes / 2 ** 20).toFixed(1)} MiB received`,
  );
  console.log(
    `  server: ${s.seconds.toFixed(1)} s (including its preparation; CPU ${s.cpuSeconds.toFixed(0)} s), peak RSS ${s.maxRssMiB.toFixed(0)} MiB`,
  );
  console.log(`  end to end: ${total.toFixed(1)} s`);
}

if (role === 'client' || role === 'server') await party();
else await main();
