// The examples run against the built package (as a user would), print what they claim and exit on
// their own (a worker thread or handle keeping one alive fails the test at the deadline).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runToExit } from './helpers/run-to-exit.js';

const root = path.resolve(__dirname, '..');
const run2 = async (file: string, args: string[], timeoutMs = 100_000): Promise<string> => {
  const r = await runToExit([process.execPath, path.join(root, 'examples', file), ...args], {
    cwd: root,
    timeoutMs,
  });
  expect(r.timedOut, `${file} did not exit on its own`).toBe(false);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const run = (file: string, timeoutMs?: number) => run2(file, [], timeoutMs);

describe('examples', () => {
  it('demo.mjs: 社保待遇核查 accepts the eligible, rejects the ineligible, the replay and a captured proof', async () => {
    const out = await run('demo.mjs', 170_000);
    expect(out).toMatch(/decrypts back: true/);
    expect(out).toMatch(/disclosed form verifies: true/);
    const claims = out.split('\n').filter((l) => /ACCEPT|REJECT/.test(l));
    expect(claims).toHaveLength(5);
    expect(claims[0]).toMatch(/^\s+claim\s.*ACCEPT\s+nullifier/);
    expect(claims[1]).toMatch(
      /^\s+claim\s.*REJECT\s+no proof exists \(the holder's check: age fails\)/,
    ); // turns 60 tomorrow
    expect(claims[2]).toMatch(/born 29 Feb.*ACCEPT/);
    expect(claims[3]).toMatch(/replayed claim.*REJECT\s+already-claimed/);
    expect(claims[4]).toMatch(/captured proof.*REJECT/);
    // Staff and the demo's output only ever show masked identifiers.
    expect(out).not.toMatch(/\b\d{17}[\dX]\b/);
    expect(out).toMatch(/2 events, proofs verify against the SM2-signed checkpoint: true/);
    // the audit listing labels each of the citizen's events: the first claim and the replay
    const listing = out.slice(out.indexOf('asks who used their data')).split('\n').slice(1, 3);
    expect(listing[0]).toMatch(/^\s+#0 claim: accepted\s+人社局/);
    expect(listing[1]).toMatch(/^\s+#3 replayed claim: refused, already-claimed\s+人社局/);
  }, 180_000);

  it('anon-clinic.mjs: the released table is 5-anonymous and 2-diverse', async () => {
    const out = await run('anon-clinic.mjs', 50_000);
    const [, k, l] = /achieved k=(\d+) l=(\d+)/.exec(out) ?? [];
    expect(Number(k)).toBeGreaterThanOrEqual(5);
    expect(Number(l)).toBeGreaterThanOrEqual(2);
    const [, sup] = /suppressed (\d+) of 400/.exec(out) ?? [];
    expect(Number(sup)).toBeLessThanOrEqual(20);
  }, 60_000);

  it('psi-http: two processes over localhost find exactly the planted overlap', async () => {
    const port = 20000 + Math.floor((process.pid * 7919) % 20000);
    const server = spawn(
      process.execPath,
      [path.join(root, 'examples/psi-http/server.mjs'), String(port), '1200', '--once'],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let err = '';
        server.stderr.on('data', (d) => {
          err += d;
          if (err.includes('ready on')) resolve();
        });
        server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      const out = await run2('psi-http/client.mjs', [`http://127.0.0.1:${port}/psi`, '1200']);
      expect(out).toMatch(/民政: 400 of 1200 recipients are high earners \(expected 400\)/);
      expect(out).not.toMatch(/\b\d{17}[\dX]\b/);
    } finally {
      server.kill();
    }
  }, 120_000);
});
