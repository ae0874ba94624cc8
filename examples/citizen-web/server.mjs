#!/usr/bin/env node
// The citizen-web example: serves the citizen's page (bundled from ./src with esbuild for the
// browser, no polyfills) and the circuit artifacts on 127.0.0.1, and plays the two other parties
// for the demo: an issuer (two synthetic credentials to download) and a verifier (GET
// /api/request issues a request with a fresh challenge; POST /api/verify answers with the decision).
// Files are sent gzip-compressed when the browser accepts it.
//
//   npm run citizen-web            # http://127.0.0.1:8790/
//   node examples/citizen-web/server.mjs --port 0
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  createMemoryRegistry,
  credentialToJSON,
  eligibility,
  eligibilityProofFromJSON,
  holder,
  issuer,
  rule,
} from 'bukejian/zk';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.zkey': 'application/octet-stream',
};

/** The page and its worker, bundled for the browser (minified, lazily loaded chunks split off). */
export async function bundleClient() {
  const r = await build({
    entryPoints: {
      app: path.join(here, 'src/app.ts'),
      'prover-worker': path.join(here, 'src/prover-worker.ts'),
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    splitting: true,
    minify: true,
    charset: 'utf8',
    write: false,
    outdir: path.join(here, 'dist'),
    logLevel: 'silent',
  });
  return new Map(r.outputFiles.map((f) => [`/${path.basename(f.path)}`, f.contents]));
}

function yyyymmdd(d) {
  return d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + d.getDate();
}

/**
 * Starts the example. Options: `port` (default 8790; 0 = any free port), `artifactsDir` (default
 * the package's circuits/build), `tamper` ('zkey' | 'wasm': serve that artifact with one byte
 * flipped, for the tests). Returns { origin, requests, stats, close }: `requests` lists every
 * /api call (method and path), `stats` the bytes sent per path (compressed when gzip was used).
 */
export async function startCitizenWeb(opts = {}) {
  const artifactsDir = opts.artifactsDir ?? path.join(here, '../../circuits/build');
  const files = new Map();
  const add = (p, body) => files.set(p, { body, gz: gzipSync(body, { level: 9 }) });
  add('/index.html', readFileSync(path.join(here, 'public/index.html')));
  for (const [p, body] of await bundleClient()) add(p, body);
  for (const f of ['eligibility.wasm', 'eligibility.zkey']) {
    const body = new Uint8Array(readFileSync(path.join(artifactsDir, f)));
    if (opts.tamper && f.endsWith(`.${opts.tamper}`)) body[body.length >> 1] ^= 0x01;
    add(`/artifacts/${f}`, body);
  }

  // Issuer: one key, two synthetic citizens (born 1950: eligible; born 1990: too young).
  const now = new Date();
  const today = yyyymmdd(now);
  const year = now.getFullYear();
  const civil = await issuer.keygen();
  const wallets = {};
  for (const [name, birthDate] of [
    ['eligible', 19500312],
    ['ineligible', 19900715],
  ]) {
    const me = await holder.create();
    const credential = await issuer.issue(
      {
        holderCommitment: me.commitment,
        birthDate,
        sex: 2,
        regionCode: 110105,
        income: 18000,
        householdSize: 2,
        flags: 0b0001,
        issuedAt: (year - 1) * 10000 + 101,
        expiresAt: (year + 1) * 10000 + 1231,
      },
      civil.secretKey,
    );
    wallets[name] = {
      type: 'bukejian/credential-wallet',
      label: `示例区民政局 · 合成人员（${String(birthDate).slice(0, 4)} 年生）`,
      credential: credentialToJSON(credential),
      holderSecret: String(me.secret),
    };
    add(`/demo/${name}.json`, Buffer.from(JSON.stringify(wallets[name], null, 2)));
  }

  // Verifier: the programme rule, one fresh challenge per request, one claim per nullifier.
  const program = '高龄津贴';
  const ruleSpec = {
    minAge: 60,
    maxIncome: 30000,
    regions: [110101, 110105, 110108],
    requiredFlags: 1,
  };
  const compiled = await rule.create(ruleSpec);
  const period = Math.floor(today / 100);
  const registry = createMemoryRegistry();
  const open = new Map();
  let counter = 0;
  const requests = [];
  const stats = new Map();

  async function api(req, res, url) {
    requests.push({ method: req.method, path: url.pathname });
    const json = (code, v) => {
      res.writeHead(code, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' });
      res.end(JSON.stringify(v));
    };
    if (req.method === 'GET' && url.pathname === '/api/request') {
      const challenge = eligibility.challenge();
      const requestId = `r${++counter}`;
      open.set(requestId, challenge);
      return json(200, {
        type: 'bukejian/eligibility-request',
        requestId,
        verifier: '示例区社会保障局',
        program,
        rule: ruleSpec,
        today,
        period,
        challenge: String(challenge),
        endpoint: '/api/verify',
      });
    }
    if (req.method === 'POST' && url.pathname === '/api/verify') {
      const chunks = [];
      let size = 0;
      for await (const c of req) {
        size += c.length;
        if (size > 64 * 1024) return json(413, { decision: 'refused', reason: 'too-large' });
        chunks.push(c);
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return json(400, { decision: 'refused', reason: 'malformed' });
      }
      const challenge = open.get(body?.requestId);
      if (challenge === undefined)
        return json(200, { decision: 'refused', reason: 'unknown-request' });
      open.delete(body.requestId); // one answer per challenge
      let proof;
      try {
        proof = eligibilityProofFromJSON(body.proof);
      } catch {
        return json(200, { decision: 'refused', reason: 'malformed' });
      }
      const context = {
        issuerPublicKey: civil.publicKey,
        rule: compiled,
        today,
        programId: program,
        period,
        challenge,
      };
      // the committed DEVELOPMENT key: demos and tests only (production: { vkey } from a real ceremony)
      const r = await eligibility.verify(proof, context, { allowDevelopmentKey: true, registry });
      return json(200, r.ok ? { decision: 'eligible' } : { decision: 'refused', reason: r.reason });
    }
    return json(404, { error: 'not found' });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) {
      api(req, res, url).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    const p = url.pathname === '/' ? '/index.html' : url.pathname;
    const f = files.get(p);
    if (!f || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? f.gz : f.body;
    stats.set(p, (stats.get(p) ?? 0) + body.length);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(p)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(body);
  });
  await new Promise((r) => server.listen(opts.port ?? 8790, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    wallets,
    requests,
    stats,
    files,
    close: async () => {
      await new Promise((r) => server.close(r));
      server.closeAllConnections?.();
      await eligibility.terminate();
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8790);
  const app = await startCitizenWeb({ port });
  console.log(
    `citizen-web: ${app.origin}/  (demo credentials: ${app.origin}/demo/eligible.json, ${app.origin}/demo/ineligible.json)`,
  );
  const stop = () => app.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
