// examples/verifier-cluster against the built package and a PostgreSQL 15 started here: two
// verifier processes share the database; the replayed claim is rejected by the other instance and
// the citizen's answer covers both. The example exits on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const root = path.resolve(__dirname, '..');
let server: TestPostgres;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startPostgres();
  const db = await server.createDatabase();
  env = {
    ...process.env,
    PGHOST: db.host as string,
    PGPORT: String(db.port),
    PGUSER: db.user,
    PGDATABASE: db.database,
  };
});
afterAll(() => server?.stop());

describe('examples/verifier-cluster', () => {
  it('two verifier processes, one PostgreSQL: the replay is rejected by the other instance; the answer covers both', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [path.join(root, 'examples/verifier-cluster/run.mjs')],
        { cwd: root, env, timeout: 150_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const lines = out.split('\n').filter((l) => /ACCEPT|REJECT/.test(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\s+claim\s.*instance A: ACCEPT$/);
    expect(lines[1]).toMatch(/replayed to the other.*instance B: REJECT already-claimed$/);
    expect(lines[2]).toMatch(/replayed in a batch.*instance B: REJECT already-claimed$/);
    expect(out).toMatch(/3 events, proofs verify against the SM2-signed checkpoint: true/);
    expect(out).toMatch(/#\d+ 人社局 s:A fields=decision,nullifier/);
    expect(out).toMatch(/#\d+ 人社局 s:B fields=decision\n/);
    expect(out).not.toMatch(/\b\d{17}[\dX]\b/); // identifiers only masked
  }, 160_000);
});
