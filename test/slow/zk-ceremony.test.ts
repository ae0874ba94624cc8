// Slow: the phase-2 ceremony CLI (`bukejian zk ceremony contribute | beacon | export`) on the committed
// zkey, then a real proof with the new key: it verifies under the new vkey (ours and snarkjs) and NOT
// under the old pinned one. (`ceremony verify` needs the 19 MB ptau, which is not in git; run it by
// hand: see the README (zk section).)
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';
import { run } from '../../src/cli/zk.js';
import { eligibility, holder, issuer, rule, VKEY } from '../../src/zk/index.js';

const build = join(__dirname, '..', '..', 'circuits', 'build');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('zk ceremony CLI', () => {
  it('contribute → beacon → export yields a working, different key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bukejian-ceremony-'));
    try {
      const z1 = join(dir, 'c1.zkey');
      const z2 = join(dir, 'c2.zkey');
      const vkFile = join(dir, 'vkey.json');
      expect(
        await run([
          'ceremony',
          'contribute',
          join(build, 'eligibility.zkey'),
          z1,
          '--name',
          'agency A',
        ]),
      ).toBe(0);
      expect(
        await run(['ceremony', 'beacon', z1, z2, '--beacon', '0a0b0c0d0e0f', '--iterations', '10']),
      ).toBe(0);
      expect(await run(['ceremony', 'export', z2, '--out', vkFile])).toBe(0);
      expect(await run(['ceremony', 'nonsense'])).toBe(2);
      const vkey = JSON.parse(readFileSync(vkFile, 'utf8'));
      expect(vkey.vk_delta_2).not.toEqual(VKEY.vk_delta_2);
      expect(vkey.vk_alpha_1).toEqual(VKEY.vk_alpha_1); // phase 2 changes only delta (and the L/H terms)

      const wasm = new Uint8Array(readFileSync(join(build, 'eligibility.wasm')));
      const zkey = new Uint8Array(readFileSync(z2));
      const kp = await issuer.keygen();
      const h = await holder.create();
      const credential = await issuer.issue(
        {
          holderCommitment: h.commitment,
          birthDate: 19550505,
          sex: 1,
          regionCode: 110101,
          income: 100,
          householdSize: 1,
          flags: 1,
          issuedAt: 20260101,
          expiresAt: 20261231,
        },
        kp.secretKey,
      );
      const r = await rule.create({ minAge: 70 });
      const req = { rule: r, today: 20260601, programId: 7n, period: 202606n, challenge: 99n };
      await expect(
        eligibility.prove(
          { ...req, credential, holderSecret: h.secret },
          { artifacts: { wasm, zkey } },
        ),
      ).rejects.toMatchObject({ code: 'ARTIFACT_MISMATCH' });
      const proof = await eligibility.prove(
        { ...req, credential, holderSecret: h.secret },
        {
          artifacts: { wasm, zkey },
          expectedHashes: { wasm: sha(wasm), zkey: sha(zkey) },
        },
      );
      const ctx = { ...req, issuerPublicKey: kp.publicKey };
      expect((await eligibility.verify(proof, ctx, { vkey })).ok).toBe(true);
      expect((await eligibility.verify(proof, ctx, { allowDevelopmentKey: true })).ok).toBe(false);
      const signals = [
        proof.nullifier,
        20260601n,
        70n,
        0n,
        0n,
        0n,
        1n,
        0n,
        0n,
        0n,
        7n,
        202606n,
        99n,
        ...kp.publicKey,
      ].map(String);
      const sp = {
        pi_a: [...proof.a.map(String), '1'],
        pi_b: [proof.b[0].map(String), proof.b[1].map(String), ['1', '0']],
        pi_c: [...proof.c.map(String), '1'],
        protocol: 'groth16',
        curve: 'bn128',
      };
      expect(await snarkjs.groth16.verify(vkey, signals, sp)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
