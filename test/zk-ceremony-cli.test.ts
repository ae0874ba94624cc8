// `bukejian zk ceremony` through the built CLI (dist/cli.js) on a tiny circuit (one
// multiplication, compiled here with circom2) and a 2^4 powers of tau made here with snarkjs's own
// JS API, so a whole ceremony takes seconds: init → two named contributions → beacon → verify, which
// must list every contribution's name with exactly the hash `contribute` printed. Also: the r1cs
// files that ship with the package reproduce the manifests' SHA-256, and `init` on the shipped
// eligibility r1cs with too small a ptau says which size is needed and leaves no file. On the real
// circuit a ceremony needs a 2^13 ptau (about 9 min to make on this machine) and each step takes
// minutes; test/slow/zk-ceremony.test.ts runs contribute → beacon → export on the committed zkey.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';

const root = path.resolve(__dirname, '..');
const cli = process.env.BUKEJIAN_CLI ?? path.join(root, 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-ceremony-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (n: string) => path.join(dir, n);

const exec = (bin: string, args: string[]) => {
  const r = spawnSync(bin, args, { cwd: dir });
  if (r.status !== 0) throw new Error(`${bin} ${args[0]}: ${r.stderr.toString()}`);
};
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, 'zk', 'ceremony', ...args], { cwd: dir });
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
};
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  writeFileSync(
    f('tiny.circom'),
    'pragma circom 2.0.0;\ntemplate T() { signal input a; signal input b; signal output c; c <== a * b; }\ncomponent main = T();\n',
  );
  exec(path.join(root, 'node_modules', '.bin', 'circom2'), ['tiny.circom', '--r1cs', '-o', dir]);
  // snarkjs in this process (no CLI start-up per step): a 2^4 ptau, and a second one for the
  // negative check
  const curve = await snarkjs.curves.getCurveFromName('bn128');
  await snarkjs.powersOfTau.newAccumulator(curve, 4, f('p0.ptau'));
  await snarkjs.powersOfTau.contribute(f('p0.ptau'), f('p1.ptau'), 't', 'test entropy');
  await snarkjs.powersOfTau.preparePhase2(f('p1.ptau'), f('tiny.ptau'));
  await snarkjs.powersOfTau.contribute(f('p1.ptau'), f('p2.ptau'), 'u', 'other entropy');
  await snarkjs.powersOfTau.preparePhase2(f('p2.ptau'), f('other.ptau'));
}, 60_000);

describe('bukejian zk ceremony', () => {
  it('verify lists each contribution by name with the hash contribute printed; progress on stderr', () => {
    const init = run(['init', '--r1cs', 'tiny.r1cs', '--ptau', 'tiny.ptau', 'c0.zkey']);
    expect(init.code, init.err).toBe(0);
    expect(init.err).toMatch(/^zk ceremony init \[\d+\.\d s\] .*\n/m);
    const hashes: string[] = [];
    for (const [i, name] of ['民政局', '人社局'].entries()) {
      const c = run(['contribute', `c${i}.zkey`, `c${i + 1}.zkey`, '--name', name]);
      expect(c.code, c.err).toBe(0);
      const m = /^contribution hash: ([0-9a-f]{128})$/m.exec(c.out);
      expect(m).not.toBeNull();
      hashes.push(m![1]!);
    }
    const b = run(['beacon', 'c2.zkey', 'c3.zkey', '--beacon', '0a0b0c0d', '--iterations', '10']);
    expect(b.code, b.err).toBe(0);
    hashes.push(/^beacon contribution hash: ([0-9a-f]{128})$/m.exec(b.out)![1]!);
    expect(new Set(hashes).size).toBe(3);

    const v = run(['verify', '--r1cs', 'tiny.r1cs', '--ptau', 'tiny.ptau', 'c3.zkey']);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toContain('contributions (3;');
    expect(v.out).toContain(`  #1 民政局\n     hash: ${hashes[0]}\n`);
    expect(v.out).toContain(`  #2 人社局\n     hash: ${hashes[1]}\n`);
    expect(v.out).toContain(`  #3 final beacon (beacon 0a0b0c0d)\n     hash: ${hashes[2]}\n`);
    expect(v.out).toMatch(/OK: every contribution verifies\n$/);
    // progress: whole lines (stderr is a pipe), at least one per phase
    expect(v.err.endsWith('\n')).toBe(true);
    expect(v.err).toMatch(/^zk ceremony verify \[\d+\.\d s\] Reading r1cs$/m);
    expect(v.err).toMatch(/^zk ceremony verify \[\d+\.\d s\] circuit hash: [0-9a-f]{128}$/m);
    expect(
      run(['verify', '--r1cs', 'tiny.r1cs', '--ptau', 'tiny.ptau', 'c3.zkey', '--quiet']).err,
    ).toBe('');

    // the same zkey checked against another (prepared) powers of tau does not verify
    const bad = run(['verify', '--r1cs', 'tiny.r1cs', '--ptau', 'other.ptau', 'c3.zkey']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^FAILED: the zkey does not verify/);
    expect(bad.out).not.toContain('contributions (');
  }, 60_000);

  it('the shipped r1cs files match the manifests; init on too small a ptau names the size needed', () => {
    const build = path.join(root, 'circuits', 'build');
    for (const [circuit, manifest] of [
      ['eligibility', 'manifest.json'],
      ['rules', 'rules-manifest.json'],
    ] as const) {
      const r = run(['r1cs', '--circuit', circuit, '--out', `${circuit}.r1cs`]);
      expect(r.code, r.err).toBe(0);
      const want = JSON.parse(readFileSync(path.join(build, manifest), 'utf8')).r1cs.sha256;
      expect(sha256(readFileSync(f(`${circuit}.r1cs`)))).toBe(want);
      expect(r.err).toContain(`${circuit}.r1cs sha256: ${want}`);
    }
    const init = run(['init', '--ptau', 'tiny.ptau', 'e0.zkey']);
    expect(init.code).toBe(1);
    expect(init.err).toContain('using the shipped eligibility.r1cs');
    expect(init.err).toContain(
      'the powers-of-tau file holds 2^4 points, too few for this circuit (the eligibility circuit needs 2^13',
    );
    expect(existsSync(f('e0.zkey'))).toBe(false);
    expect(run(['r1cs', '--circuit', 'nope']).code).toBe(2);
  }, 60_000);
});
