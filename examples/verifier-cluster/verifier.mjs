#!/usr/bin/env node
// One verifier instance of the 社保待遇核查 service (人社). Several of these run behind a load
// balancer and share one PostgreSQL: the nullifier registry (a replayed claim is rejected by
// whichever instance sees it), the audit log (one log, any number of writers) and the issued
// challenges (the example's own table). The database comes from the standard libpq variables
// (PGHOST, PGPORT, PGUSER, PGDATABASE), read by node-postgres.
//
//   node verifier.mjs <instance-name>   (config JSON on stdin: issuer key, rule, audit key; see run.mjs)
//
// HTTP on 127.0.0.1, a free port (printed as `listening <port>`):
//   POST /challenge                     → { challenge }            (stored in the database)
//   POST /verify        { proof, challenge, subject }              → { ok, reason?, index }
//   POST /verify-batch  { claims: [{ proof, challenge, subject }] } → [{ ok, reason?, index }]
//   GET  /who-used-my-data?subject=…    → the log's signed answer (AuditLog.eventsFor)
import http from 'node:http';
import pg from 'pg';
import { openAuditLog, sm2CheckpointSigner } from 'bukejian/audit';
import { hexToBytes } from 'bukejian/utils';
import { eligibility, rule } from 'bukejian/zk';
import { createPostgresRegistry, migrate, openPostgresStore } from 'bukejian/postgres';

const instance = process.argv[2] ?? 'verifier';
const config = JSON.parse(
  await new Promise((r) => {
    let s = '';
    process.stdin.on('data', (d) => (s += d)).on('end', () => r(s));
  }),
);
const issuerPublicKey = config.issuerPublicKey.map(BigInt);
const programmeRule = await rule.create(config.rule);
const { ORIGIN, PROGRAMME, PERIOD, TODAY } = config;

const pool = new pg.Pool({ max: 4 });
await migrate(pool); // idempotent; instances starting together apply it once
{
  // the example's own table; instances starting together create it once
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query("SELECT pg_advisory_xact_lock(hashtext('verifier-cluster.schema'))");
    await c.query(`CREATE TABLE IF NOT EXISTS verifier_challenges (
      challenge numeric PRIMARY KEY, issued_at timestamptz NOT NULL DEFAULT now())`);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
}
const registry = await createPostgresRegistry(pool, { name: 'rsj' });
const log = await openAuditLog({
  store: await openPostgresStore(pool, { log: 'rsj-eligibility', origin: ORIGIN, create: true }),
  origin: ORIGIN,
  signer: sm2CheckpointSigner(hexToBytes(config.auditKey), { name: 'rsj-audit' }),
});

// A challenge counts if some instance issued it in the last 10 minutes (the nullifier, not the
// challenge, is what stops a replay).
const issued = async (c) =>
  (
    await pool.query(
      `SELECT 1 FROM verifier_challenges WHERE challenge = $1 AND issued_at > now() - interval '10 minutes'`,
      [String(c)],
    )
  ).rowCount === 1;
const context = (challenge) => ({
  issuerPublicKey,
  rule: programmeRule,
  today: TODAY,
  programId: PROGRAMME,
  period: PERIOD,
  challenge,
});
const logDecision = (subject, r) =>
  log.append({
    type: 'access',
    actor: { agency: '人社局', staff: `s:${instance}` },
    subject,
    purpose: `eligibility:${PROGRAMME}`,
    fields: r.ok ? ['decision', 'nullifier'] : ['decision'],
    basis: { legal: '社会保险法 第六十八条' },
    time: Date.now(),
  });
const answer = (r, index) => ({ ok: r.ok, ...(r.ok ? {} : { reason: r.reason }), index, instance });

async function handle(req, body) {
  if (req.method === 'POST' && req.url === '/challenge') {
    const challenge = eligibility.challenge();
    await pool.query('INSERT INTO verifier_challenges (challenge) VALUES ($1)', [
      String(challenge),
    ]);
    return { challenge: String(challenge) };
  }
  if (req.method === 'POST' && req.url === '/verify') {
    const c = BigInt(body.challenge);
    const r = (await issued(c))
      ? await eligibility.verify(body.proof, context(c), { registry, allowDevelopmentKey: true })
      : { ok: false, reason: 'unknown-challenge' };
    return answer(r, await logDecision(body.subject, r));
  }
  if (req.method === 'POST' && req.url === '/verify-batch') {
    const claims = body.claims;
    const known = await Promise.all(claims.map((c) => issued(BigInt(c.challenge))));
    const live = claims.filter((_, i) => known[i]);
    // one batched pairing check; the registry claims all accepted nullifiers in one round trip
    const results = await eligibility.verifyBatch(
      live.map((c) => c.proof),
      live.map((c) => context(BigInt(c.challenge))),
      { registry, allowDevelopmentKey: true, workers: 0 },
    );
    let k = 0;
    const out = [];
    for (let i = 0; i < claims.length; i++) {
      const r = known[i] ? results[k++] : { ok: false, reason: 'unknown-challenge' };
      out.push(answer(r, await logDecision(claims[i].subject, r)));
    }
    return out;
  }
  const url = new URL(req.url, 'http://verifier');
  if (req.method === 'GET' && url.pathname === '/who-used-my-data') {
    await log.checkpoint(); // catches up with the other instances' entries, then signs
    return log.eventsFor(url.searchParams.get('subject') ?? '');
  }
  return null;
}

const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', async () => {
    try {
      const out = await handle(req, raw ? JSON.parse(raw) : null);
      res.writeHead(out ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out ?? { error: 'not found' }));
    } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: e?.code ?? 'error' }));
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
const stop = async () => {
  server.close();
  await log.close();
  await pool.end();
  await eligibility.terminate();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
