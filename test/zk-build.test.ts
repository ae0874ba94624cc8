// Committed circuit artifacts: manifest SHA-256 hashes match the files, the pinned copy in
// src/zk/pinned.ts matches the manifest, the verification key is the one inside the zkey
// (re-exported by snarkjs), altered artifacts are refused, and recompiling circuits/eligibility.circom
// with circom2 --O2 reproduces the committed constraint system (r1cs SHA-256).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-ignore no types
import * as snarkjs from 'snarkjs';
import { loadArtifacts, PINNED, VKEY } from '../src/zk/index.js';
import { checkArtifacts } from '../src/zk/artifacts.js';
// @ts-ignore plain ESM build script
import { compile } from '../circuits/build.mjs';

const dir = join(__dirname, '..', 'circuits', 'build');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

describe('circuit artifacts', () => {
  it('manifest is labelled as a development setup and its hashes match the files', () => {
    expect(manifest.label).toBe('development setup, not for production');
    for (const [f, h] of Object.entries(manifest.files))
      expect(sha(readFileSync(join(dir, f))), f).toBe(h);
    expect(manifest.constraints).toBeLessThanOrEqual(12000);
    expect(manifest.sourceSha256).toBe(
      sha(readFileSync(join(__dirname, '..', 'circuits', 'eligibility.circom'))),
    );
  });

  it('pinned hashes and vkey in src/zk/pinned.ts equal the manifest and vkey.json', () => {
    expect(PINNED.wasm).toBe(manifest.files['eligibility.wasm']);
    expect(PINNED.zkey).toBe(manifest.files['eligibility.zkey']);
    expect(PINNED.vkey).toBe(manifest.files['vkey.json']);
    expect(PINNED.r1cs).toBe(manifest.r1cs.sha256);
    expect(VKEY).toEqual(JSON.parse(readFileSync(join(dir, 'vkey.json'), 'utf8')));
  });

  it('vkey.json is the verification key inside the zkey (snarkjs export)', async () => {
    const vk = await snarkjs.zKey.exportVerificationKey(
      new Uint8Array(readFileSync(join(dir, 'eligibility.zkey'))),
    );
    expect(JSON.parse(JSON.stringify(vk))).toEqual(JSON.parse(JSON.stringify(VKEY)));
  });

  it('loadArtifacts checks hashes; altered artifacts throw ARTIFACT_MISMATCH', async () => {
    const a = await loadArtifacts();
    expect(sha(a.zkey)).toBe(PINNED.zkey);
    const zkey = a.zkey.slice();
    zkey[zkey.length - 1]! ^= 1;
    expect(() => checkArtifacts({ wasm: a.wasm, zkey })).toThrow(
      expect.objectContaining({ code: 'ARTIFACT_MISMATCH' }),
    );
    const wasm = a.wasm.slice(0, -1);
    expect(() => checkArtifacts({ wasm, zkey: a.zkey })).toThrow(
      expect.objectContaining({ code: 'ARTIFACT_MISMATCH' }),
    );
    expect(() => checkArtifacts({ wasm: a.wasm, zkey: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
  });

  it('recompiling the circuit reproduces the committed r1cs', () => {
    const out = mkdtempSync(join(tmpdir(), 'bukejian-circom-'));
    try {
      const c = compile(out);
      expect(c.constraints).toBe(manifest.constraints);
      expect(sha(readFileSync(c.r1cs))).toBe(manifest.r1cs.sha256);
      expect(sha(readFileSync(c.wasm))).toBe(manifest.files['eligibility.wasm']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);
});
