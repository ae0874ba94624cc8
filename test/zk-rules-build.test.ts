// Committed rules-circuit artifacts (circuits/build/rules.*): labelled as a development setup, the
// manifest's SHA-256 hashes match the files and the pinned copy in src/zk/pinned-rules.ts, the
// verification key is the one inside the zkey (snarkjs export), altered artifacts are refused, and
// recompiling circuits/rules.circom with circom2 --O2 reproduces the committed r1cs and WASM.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';
import { ruleProof, RULES_PINNED, RULES_VKEY } from '../src/zk/index.js';
import { checkArtifacts } from '../src/zk/artifacts.js';
// @ts-ignore plain ESM build script
import { compile } from '../circuits/build.mjs';

const dir = join(__dirname, '..', 'circuits', 'build');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const manifest = JSON.parse(readFileSync(join(dir, 'rules-manifest.json'), 'utf8'));

describe('rules circuit artifacts', () => {
  it('manifest labelled as a development setup; hashes match the files and the pinned copy', () => {
    expect(manifest.label).toBe('development setup, not for production');
    expect(RULES_PINNED.label).toBe('development setup, not for production');
    for (const [f, h] of Object.entries(manifest.files))
      expect(sha(readFileSync(join(dir, f))), f).toBe(h);
    expect(manifest.sourceSha256).toBe(
      sha(readFileSync(join(__dirname, '..', 'circuits', 'rules.circom'))),
    );
    expect(RULES_PINNED.wasm).toBe(manifest.files['rules.wasm']);
    expect(RULES_PINNED.zkey).toBe(manifest.files['rules.zkey']);
    expect(RULES_PINNED.vkey).toBe(manifest.files['rules-vkey.json']);
    expect(RULES_PINNED.r1cs).toBe(manifest.r1cs.sha256);
    expect(RULES_PINNED.constraints).toBe(manifest.constraints);
    expect(RULES_VKEY).toEqual(JSON.parse(readFileSync(join(dir, 'rules-vkey.json'), 'utf8')));
  });

  it('rules-vkey.json is the key inside the zkey; altered artifacts are refused', async () => {
    const a = await ruleProof.loadArtifacts();
    const vk = await snarkjs.zKey.exportVerificationKey(a.zkey);
    expect(JSON.parse(JSON.stringify(vk))).toEqual(JSON.parse(JSON.stringify(RULES_VKEY)));
    expect(RULES_VKEY.nPublic).toBe(44);
    const zkey = a.zkey.slice();
    zkey[zkey.length - 1]! ^= 1;
    expect(() => checkArtifacts({ wasm: a.wasm, zkey }, RULES_PINNED)).toThrow(
      expect.objectContaining({ code: 'ARTIFACT_MISMATCH' }),
    );
  });

  it('recompiling the circuit reproduces the committed r1cs and WASM', () => {
    const out = mkdtempSync(join(tmpdir(), 'bukejian-circom-rules-'));
    try {
      const c = compile(out, 'rules');
      expect(c.constraints).toBe(manifest.constraints);
      expect(sha(readFileSync(c.r1cs))).toBe(manifest.r1cs.sha256);
      expect(sha(readFileSync(c.wasm))).toBe(manifest.files['rules.wasm']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);
});
