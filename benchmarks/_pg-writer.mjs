// One writer process of `npm run bench -- postgres`:
//   node _pg-writer.mjs <pg|pg-raw|file|memory> <pgConfigJSON|dir|-> <log> <writer> <batches>
// (`pg-raw`: store.append of pre-encoded batches, no audit core: the database side alone)
// opens the log (PostgreSQL store or file store), prints `ready`, waits for a line on stdin, then
// appends <batches> batches of 1,000 entries (two batches in flight: the next is encoded and
// hashed while the previous one commits) and prints `done <entries> <ms> cpu <µs>` (its CPU time).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createMemoryStore, openAuditLog, openFileStore } from 'bukejian/audit';
import { openPostgresStore } from 'bukejian/postgres';

const [kind, where, name, w, batches] = process.argv.slice(2);
const ORIGIN = 'bench.example/audit';
const pool = kind.startsWith('pg') ? new pg.Pool({ ...JSON.parse(where), max: 2 }) : null;
const store = kind.startsWith('pg')
  ? await openPostgresStore(pool, { log: name, origin: ORIGIN })
  : kind === 'file'
    ? await openFileStore(where, { create: true })
    : createMemoryStore();
const log =
  kind === 'pg-raw' ? null : await openAuditLog({ store, origin: ORIGIN, maxBatch: 1000 });
const T0 = Date.UTC(2026, 0, 1);
const entry = (i) => ({
  type: 'access',
  actor: { agency: `agency-${w}`, staff: `s:${i % 50}` },
  subject: `p:${((i * 2654435761) % 4294967296).toString(16).padStart(8, '0')}`,
  purpose: 'benefits-eligibility',
  fields: ['income', 'name', 'household'],
  basis: { legal: 'lb-benefits-2026' },
  time: T0 + i,
});
// pre-encoded batches for pg-raw (what the audit core hands the store)
const raw =
  kind === 'pg-raw'
    ? Array.from({ length: Number(batches) }, (_, b) =>
        Array.from({ length: 1000 }, (_, j) => ({
          payload: new TextEncoder().encode(JSON.stringify(entry(b * 1000 + j))),
          leafHash: new Uint8Array(32).fill((b + j) & 255),
          kind: 0,
          subjectTag: new Uint8Array(8),
          retainUntil: 0,
        })),
      )
    : null;
process.stdout.write('ready\n');
await new Promise((r) => process.stdin.once('data', r));
const t = performance.now();
const cpu0 = process.cpuUsage();
if (raw) for (const batch of raw) await store.append(batch);
else {
  const inflight = [];
  for (let b = 0; b < Number(batches); b++) {
    inflight.push(log.appendMany(Array.from({ length: 1000 }, (_, j) => entry(b * 1000 + j))));
    if (inflight.length >= 2) await inflight.shift();
  }
  await Promise.all(inflight);
}
const ms = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`done ${Number(batches) * 1000} ${ms} cpu ${cpu.user + cpu.system}\n`);
if (raw) await store.close();
else await log.close();
await pool?.end();
process.stdin.destroy();
