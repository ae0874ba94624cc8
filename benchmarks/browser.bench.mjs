// The citizen's side in a browser (examples/citizen-web, headless Debian Chromium via
// playwright-core): the same eligibility circuit and the same circuit input proved in Chromium (a
// module Web Worker; snarkjs's engine starts its own nested Web Workers, one per core) and in
// Node (this process), interleaved, warm. Also the first proof of a fresh browser profile,
// including loading the page, the worker and the artifacts from localhost: cold (the page's
// prefetch turned off) and with the page's prefetch (asked for at once, and after the prefetch
// finished); and the compressed download size of everything a citizen fetches.
// Needs the repository (examples/, test/helpers, dev dependencies playwright-core, esbuild, tsx)
// and the Debian package `chromium`. Run: npm run bench -- browser  (BENCH_PROVES=n, default 5)
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { credentialFromJSON, eligibility, loadArtifacts, rule } from 'bukejian/zk';
import { report } from './_util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PROVES = Number(process.env.BENCH_PROVES ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * CPU time (ms, user + system) of this process's descendants (the Chromium this bench started:
 * browser, zygotes, renderer with the page's workers), from /proc (Linux); elsewhere NaN.
 */
function childrenCpuMs() {
  if (!existsSync('/proc/self/stat')) return NaN;
  const procs = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      procs.set(+pid, { ppid: +f[1], ms: ((+f[11] + +f[12]) * 1000) / 100 }); // 1/100 s ticks
    } catch {
      // the process ended meanwhile
    }
  }
  const mine = new Set([process.pid]);
  let ms = 0;
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of procs)
      if (!mine.has(pid) && mine.has(p.ppid)) {
        mine.add(pid);
        ms += p.ms;
        grew = true;
      }
  }
  return ms;
}

export default async function () {
  const server = path.join(here, '../examples/citizen-web/server.mjs');
  if (!existsSync(server)) {
    console.log('\nbrowser: needs the repository (examples/citizen-web): n/a');
    return [];
  }
  const { tsImport } = await import('tsx/esm/api');
  const { launchChromium } = await tsImport('../test/helpers/chromium.ts', import.meta.url);
  const { startCitizenWeb } = await import(pathToFileURL(server).href);
  const app = await startCitizenWeb({ port: 0 });
  const { browser, close } = await launchChromium();
  try {
    const request = await (await fetch(`${app.origin}/api/request`)).json();
    const wallet = app.wallets.eligible;
    // Node: the same input, the package's own artifacts (same files, same pinned hashes)
    const input = {
      credential: credentialFromJSON(wallet.credential),
      holderSecret: BigInt(wallet.holderSecret),
      rule: await rule.create(request.rule),
      today: request.today,
      programId: request.program,
      period: request.period,
      challenge: BigInt(request.challenge),
    };
    const artifacts = await loadArtifacts();
    const nodeCpu = [];
    const nodeProve = async () => {
      const c = process.cpuUsage();
      const t = performance.now();
      await eligibility.prove(input, { artifacts });
      const ms = performance.now() - t;
      const u = process.cpuUsage(c);
      nodeCpu.push((u.user + u.system) / 1000);
      return ms;
    };

    // The page prefetches (downloads, checks, starts the engine) when it loads; ?prefetch=0 turns
    // that off, for the cold first proof measured here.
    const page = await (await browser.newContext()).newPage();
    const tNav = performance.now();
    await page.goto(`${app.origin}/?prefetch=0`);
    await page.waitForSelector('body[data-ready=true]');
    // First proof in a fresh profile: worker script, artifacts (download, SHA-256, Cache API),
    // WASM compilation, engine start and the proof itself.
    const firstCpu0 = childrenCpuMs();
    const first = await page.evaluate(
      async ({ wallet, request }) => {
        const t0 = performance.now();
        const w = new Worker('/prover-worker.js', { type: 'module' });
        globalThis.__w = w;
        const m = await new Promise((resolve) => {
          w.onmessage = (e) => e.data.type !== 'progress' && resolve(e.data);
          w.postMessage({
            type: 'prove',
            wallet,
            request,
            artifactsBase: `${location.origin}/artifacts/`,
          });
        });
        if (m.type !== 'done') throw new Error(m.message);
        return { total: performance.now() - t0, ms: m.ms, threads: navigator.hardwareConcurrency };
      },
      { wallet, request },
    );
    const pageLoad = performance.now() - tNav - first.total;
    const firstCpu = childrenCpuMs() - firstCpu0;

    // First proof with the page's prefetch, in a fresh profile each: (1) the citizen asks for the
    // proof as soon as the page is ready, timed from navigation; (2) after the prefetch finished
    // (the citizen took longer than it to unlock the credential and read the request), timed from
    // the click. Both use the worker the page started (globalThis.citizenProver).
    const prefetched = async (waitPrepared) => {
      const ctx = await browser.newContext();
      try {
        const p = await ctx.newPage();
        const t0 = performance.now();
        await p.goto(`${app.origin}/`);
        await p.waitForSelector('body[data-ready=true]');
        const ready = performance.now() - t0;
        let cpu0 = childrenCpuMs();
        await p.exposeFunction('benchCpuMark', () => void (cpu0 = childrenCpuMs()));
        const r = await p.evaluate(
          async ({ wallet, request, waitPrepared }) => {
            const w = globalThis.citizenProver;
            let prepared;
            const m = await new Promise((resolve) => {
              const go = async () => {
                if (waitPrepared) await globalThis.benchCpuMark();
                prepared ??= performance.now();
                w.postMessage({
                  type: 'prove',
                  wallet,
                  request,
                  artifactsBase: `${location.origin}/artifacts/`,
                });
              };
              w.onmessage = (e) => {
                if (e.data.type === 'prepared') {
                  if (waitPrepared) void go();
                  return;
                }
                if (e.data.type !== 'progress') resolve(e.data);
              };
              if (!waitPrepared) void go();
            });
            if (m.type !== 'done') throw new Error(m.message);
            return { click: performance.now() - prepared, ms: m.ms };
          },
          { wallet, request, waitPrepared },
        );
        const total = performance.now() - t0;
        // CPU time of Chromium from the click (waitPrepared) or from ready, to the proof
        return { ready, click: r.click, total, ms: r.ms, cpu: childrenCpuMs() - cpu0 };
      } finally {
        await ctx.close();
      }
    };
    const soon = await prefetched(false);
    const later = await prefetched(true);
    const browserCpu = [];
    const browserProve = async () => {
      const c = childrenCpuMs();
      const ms = await page.evaluate(
        async ({ wallet, request }) => {
          const w = globalThis.__w;
          const m = await new Promise((resolve) => {
            w.onmessage = (e) => e.data.type !== 'progress' && resolve(e.data);
            w.postMessage({
              type: 'prove',
              wallet,
              request,
              artifactsBase: `${location.origin}/artifacts/`,
            });
          });
          if (m.type !== 'done') throw new Error(m.message);
          return m.ms.prove - m.ms.prepare; // the eligibility.prove call, as in Node
        },
        { wallet, request },
      );
      browserCpu.push(childrenCpuMs() - c);
      return ms;
    };
    await nodeProve(); // Node's first proof (engine start, key parsing) is not part of "warm"
    await browserProve();
    nodeCpu.length = browserCpu.length = 0;
    const b = [];
    const n = [];
    for (let i = 0; i < PROVES; i++) {
      b.push(await browserProve());
      n.push(await nodeProve());
    }
    const files = [...app.stats.keys()];
    const raw = files.reduce((s, p) => s + app.files.get(p).body.length, 0);
    const gz = files.reduce((s, p) => s + app.files.get(p).gz.length, 0);
    const artifactsGz = files
      .filter((p) => p.startsWith('/artifacts/'))
      .reduce((s, p) => s + app.files.get(p).gz.length, 0);
    const mb = (x) => x / 1e6;
    const load = loadavg()[0].toFixed(1);
    return [
      report(
        `prove in Chromium (module Web Worker, ${first.threads} engine threads) vs Node, same circuit and input, warm, median of ${PROVES} interleaved (${cpus().length} cores, load ${load})`,
        'ms',
        [
          { name: 'Node (bukejian/zk)', value: median(n) },
          { name: 'Chromium (bukejian/zk)', value: median(b) },
        ],
        'Node (bukejian/zk)',
      ),
      report(
        `CPU time of the same warm proofs, median (Node: process.cpuUsage, its worker threads included; Chromium: all its processes, from /proc)`,
        'ms',
        [
          { name: 'Node (bukejian/zk)', value: median(nodeCpu) },
          { name: 'Chromium (bukejian/zk)', value: median(browserCpu) },
        ],
        'Node (bukejian/zk)',
      ),
      report(
        'first proof in a fresh browser profile (artifacts from localhost, gzip), from creating the worker',
        'ms',
        [
          {
            name: 'artifacts: fetch in parallel, SHA-256 (WebCrypto), WASM compile',
            value: first.ms.artifacts,
          },
          { name: 'witness', value: first.ms.witness },
          { name: 'proving (engine start, key parsing, Groth16)', value: first.ms.proving },
          { name: 'total', value: first.total },
          { name: 'CPU time of Chromium meanwhile (all processes)', value: firstCpu },
          { name: 'page load before it', value: pageLoad },
        ],
        'total',
      ),
      report(
        'first proof in a fresh browser profile, with the page prefetching when it loads (artifacts, check, circuit compile, engine start, key parsing)',
        'ms',
        [
          {
            name: 'asked for as soon as the page is ready: navigation to proof',
            value: soon.total,
          },
          { name: '  of which page load (ready)', value: soon.ready },
          { name: '  of which ready to proof', value: soon.click },
          { name: 'asked for after the prefetch finished: click to proof', value: later.click },
          { name: '  of which witness', value: later.ms.witness },
          { name: '  of which proving', value: later.ms.proving },
          {
            name: '  CPU time of Chromium from the click to the proof',
            value: later.cpu,
          },
        ],
        'asked for as soon as the page is ready: navigation to proof',
      ),
      report(
        `what a citizen downloads on the first visit (${files.length} files)`,
        'MB',
        [
          { name: 'uncompressed', value: mb(raw) },
          { name: 'gzip (as served)', value: mb(gz) },
          { name: 'of which artifacts (gzip)', value: mb(artifactsGz) },
        ],
        'uncompressed',
      ),
    ];
  } finally {
    await close();
    await app.close();
  }
}
