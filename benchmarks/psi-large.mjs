// The 1,000,000 × 1,000,000 ECDH-PSI run on the fastest group (x25519, node:crypto X25519):
// two processes (the two agencies) on this machine exchange their messages as files, each
// reporting its own time and peak memory (max RSS). Not part of `npm test`.
// Run: node benchmarks/psi-large.mjs [N]       (or: npm run bench -- psi --large)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, renameSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const [, , role, dir, nArg] = process.argv;
const N = Number((role === 'client' || role === 'server' ? nArg : role) ?? process.env.PSI_LARGE_N ?? 1_000_000);
const GROUP = process.env.PSI_LARGE_GROUP ?? 'x25519';
const WORKERS = Number(process.env.PSI_LARGE_WORKERS ?? 2);

const wait = async (f) => {
  while (!existsSync(f)) await new Promise((r) => setTimeout(r, 50));
  return readFileSync(f);
};
const put = (f, b) => {
  writeFileSync(f + '.tmp', b);
  renameSync(f + '.tmp', f);
};
// Synthetic ID-like strings: client i*3, server i*2 → |∩| = ⌈N/3⌉ when both have N items.
const item = (i) => `4401${String(i).padStart(14, '0')}`;
function* items(step) {
  for (let i = 0; i < N; i++) yield item(i * step);
}

async function party() {
  // PSI_MODULE: a snapshot of dist/psi.js (another build replacing dist/ mid-run breaks the
  // worker chunks); default the package itself.
  const { psi } = await import(process.env.PSI_MODULE ? pathToFileURL(process.env.PSI_MODULE).href : 'bukejian/psi');
  const t0 = performance.now();
  let last = 0;
  const onProgress = (d, t) => {
    const now = performance.now();
    if (now - last > 10_000) {
      last = now;
      console.error(`  [${role}] ${d}/${t} ${((now - t0) / 1000).toFixed(0)} s`);
    }
  };
  const opts = { group: GROUP, workers: WORKERS, chunkSize: 8192, onProgress };
  let result;
  if (role === 'client') {
    const c = psi.client(items(3), opts);
    put(path.join(dir, 'm1'), await c.request());
    const r = await c.finish(await wait(path.join(dir, 'm2')));
    result = { cardinality: r.cardinality };
  } else {
    const s = psi.server(items(2), { ...opts, format: 'gcs', fpr: 1e-9 });
    await s.prepare();
    const m2 = await s.respond(await wait(path.join(dir, 'm1')));
    put(path.join(dir, 'm2'), m2);
    result = { responseBytes: m2.length };
  }
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ role, N, group: GROUP, seconds, maxRssMiB, ...result }));
}

async function main() {
  const d = mkdtempSync(path.join(tmpdir(), 'bukejian-psi-'));
  const self = fileURLToPath(import.meta.url);
  console.log(`\nPSI ${N} × ${N} on ${GROUP}, two processes (workers: ${WORKERS} each), messages as files in ${d}`);
  const t0 = performance.now();
  const run = (r) =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, ['--max-old-space-size=4096', self, r, d, String(N)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (b) => (out += b));
      p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${r} exited ${code}`))));
    });
  const [c, s] = await Promise.all([run('client'), run('server')]);
  const total = (performance.now() - t0) / 1000;
  console.log(`  client: ${c.seconds.toFixed(1)} s, peak RSS ${c.maxRssMiB.toFixed(0)} MiB, |∩| = ${c.cardinality} (expected ${Math.ceil(N / 3)})`);
  console.log(`  server: ${s.seconds.toFixed(1)} s, peak RSS ${s.maxRssMiB.toFixed(0)} MiB, response ${(s.responseBytes / 2 ** 20).toFixed(1)} MiB`);
  console.log(`  end to end: ${total.toFixed(1)} s`);
  rmSync(d, { recursive: true, force: true });
}

if (role === 'client' || role === 'server') await party();
else await main();
