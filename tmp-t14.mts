import pg from 'pg';
import { startPostgres } from './test/helpers/postgres.ts';
import { migrate, openPostgresStore } from './src/postgres/index.ts';
const s = await startPostgres();
const pool = new pg.Pool(await s.createDatabase());
await migrate(pool);
await openPostgresStore(pool, { log: 'big', origin: 'o', create: true });
const N = 200000;
await pool.query(`INSERT INTO bukejian_audit_entries (log, idx, leaf_hash, kind, subject_tag, retain_until, payload)
       SELECT 'big', g, sha256(int8send(g)), 0, substring(sha256(int4send(g::int)) FROM 1 FOR 8), 0, '\\x00'::bytea
       FROM generate_series(0, $1::bigint - 1) AS g`, [N]);
await pool.query(`UPDATE bukejian_audit_logs SET size = $1 WHERE name = 'big'`, [N]);
await pool.query('VACUUM ANALYZE bukejian_audit_entries');
for (let rep = 0; rep < 2; rep++) for (const sql of [
 `SELECT length(string_agg(leaf_hash, ''::bytea ORDER BY idx)) FROM bukejian_audit_entries WHERE log='big' AND idx >= 0 AND idx < 65536`,
 `SELECT string_agg(leaf_hash, ''::bytea ORDER BY idx) FROM bukejian_audit_entries WHERE log='big' AND idx >= 0 AND idx < 65536`,
 `SELECT encode(string_agg(leaf_hash, ''::bytea ORDER BY idx), 'base64') FROM bukejian_audit_entries WHERE log='big' AND idx >= 0 AND idx < 65536`,
 `SELECT string_agg(leaf_hash, ''::bytea ORDER BY idx) FROM bukejian_audit_entries WHERE log='big' AND idx >= 0 AND idx < 8192`,
]) {
  let t = performance.now();
  const r = await pool.query(sql);
  console.log((performance.now() - t).toFixed(0), sql.slice(0, 60), sql.slice(-10));
  if (sql.includes('base64')) { t = performance.now(); Buffer.from(r.rows[0].encode, 'base64'); console.log('b64 decode', performance.now()-t); }
}
let t = performance.now();
const st = await openPostgresStore(pool, { log: 'big', origin: 'o' });
console.log('store open', performance.now() - t);
await pool.end(); s.stop();
