// Regression: bukejian's prover engine unrefs its worker threads while idle. It used to be the
// BN254 curve ffjavascript caches for the whole process, so a snarkjs.groth16.fullProve awaited
// after one of our proofs had nothing keeping Node alive and the process exited with code 13
// before the result. The engine is now private; snarkjs's cached one is left alone.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

it("snarkjs's own multi-threaded engine still keeps Node alive after bukejian's engine went idle", () => {
  const fixture = path.join(__dirname, 'fixtures', 'zk-engine-shared.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', fixture], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect({ status: r.status, out: r.stdout.trim() }).toEqual({ status: 0, out: 'done' });
});
