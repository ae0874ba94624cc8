// Security review item 15: with a broken random source (crypto.getRandomValues returning zeros, or
// any other constant byte) sm2.sign used to loop forever (the blinding factor of the scalar
// multiplication was redrawn while 0 or >= p). Every sm2 operation that draws random values (not
// decryption: the limb engine inverts by a constant-time Fermat chain, without a blinding factor), and
// zk's batch-verification weights, must now throw UNSUPPORTED promptly; so must the psi loops that
// redraw until a value is usable (group keys, the shuffle). The stuck source is
// installed in a child process (test/fixtures/rng-stuck.ts): the old code's loop was synchronous,
// so only killing a process can bound it; spawnSync's timeout does that.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const fixture = path.join(__dirname, 'fixtures', 'rng-stuck.ts');

interface Line {
  group: string;
  fill?: number;
  op: string;
  code?: string;
  ms?: number;
  ok?: boolean;
}

function runChild(group: 'sm2' | 'zk' | 'psi', fills: number[], timeout: number): Line[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, group, ...fills.map(String)], {
    encoding: 'utf8',
    timeout,
  });
  expect(
    r.signal,
    `child killed after ${timeout} ms (a random-draw loop that never ends?); stderr: ${r.stderr}`,
  ).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

describe('item 15: a stuck crypto.getRandomValues gives UNSUPPORTED, never a hang', () => {
  it('sm2 sign, keygen, encrypt refused with zeros, 0xff and 0x5a, decrypt (draws nothing) still right; everything works again once the source is restored', () => {
    const lines = runChild('sm2', [0x00, 0xff, 0x5a], 60_000);
    const ops = lines.filter((l) => l.op !== 'restored');
    expect(ops).toHaveLength(3 * 5);
    for (const l of ops) {
      // decryption has used no randomness since the limb engine (no blinded inversion)
      const want = l.op === 'decrypt' ? 'ok' : 'UNSUPPORTED';
      expect(l.code, `${l.op} with every byte = ${l.fill}`).toBe(want);
      expect(l.ms!, `${l.op} with every byte = ${l.fill}`).toBeLessThan(2000);
    }
    expect(ops.filter((l) => l.op === 'sign').map((l) => l.fill)).toEqual([0x00, 0xff, 0x5a]);
    expect(lines.at(-1)).toEqual({ group: 'sm2', op: 'restored', ok: true });
  }, 90_000);

  it('sm2: every one of the 256 constant byte values is refused by sign and keygen', () => {
    const all = Array.from({ length: 256 }, (_, i) => i);
    const lines = runChild('sm2', all, 120_000).filter((l) => l.op === 'sign' || l.op === 'keygen');
    expect(lines).toHaveLength(2 * 256);
    expect(lines.filter((l) => l.code !== 'UNSUPPORTED')).toEqual([]);
  }, 150_000);

  it('zk verifyBatch: zero (or any stuck) weights are refused instead of looping or weighting all proofs alike', () => {
    const lines = runChild('zk', [0x00, 0xff, 0x5a], 90_000);
    const ops = lines.filter((l) => l.op === 'verifyBatch');
    expect(ops.map((l) => [l.fill, l.code])).toEqual([
      [0x00, 'UNSUPPORTED'],
      [0xff, 'UNSUPPORTED'],
      [0x5a, 'UNSUPPORTED'],
    ]);
    for (const l of ops) expect(l.ms!).toBeLessThan(5000);
    expect(lines.at(-1)).toEqual({ group: 'zk', op: 'restored', ok: true });
  }, 120_000);

  it('psi (outside sm2/zk): group keys with zeros and the shuffle with 0xff are refused instead of looping', () => {
    const lines = runChild('psi', [0x00, 0xff, 0x5a], 90_000);
    const ops = lines.filter((l) => l.op !== 'restored');
    const code = (fill: number, op: string) =>
      ops.find((l) => l.fill === fill && l.op === op)?.code;
    for (const g of ['ristretto255', 'p256', 'x25519', 'sm2'])
      expect(code(0x00, `${g} randomKey`), g).toBe('UNSUPPORTED');
    expect(code(0xff, 'randomPermutation(3)')).toBe('UNSUPPORTED'); // every 32-bit draw is 2^32 - 1, always rejected
    for (const l of ops) {
      expect(['ok', 'UNSUPPORTED'], `${l.op} with every byte = ${l.fill}`).toContain(l.code);
      expect(l.ms!).toBeLessThan(2000);
    }
    expect(lines.at(-1)).toEqual({ group: 'psi', op: 'restored', ok: true });
  }, 120_000);
});
