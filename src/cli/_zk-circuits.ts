/**
 * The circuits' r1cs files that ship with the package (circuits/build/<name>.r1cs.gz, gzip of the
 * circom2 --O2 output): unpacked to a temporary file for snarkjs and checked against the
 * `r1cs.sha256` of the build's manifest, so `bukejian zk ceremony init | verify` work from an
 * installed package without circom.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BukejianError } from '../errors.js';

const CIRCUITS = { eligibility: 'manifest.json', rules: 'rules-manifest.json' } as const;
export type CircuitName = keyof typeof CIRCUITS;

/** Validates `--circuit` (default eligibility). */
export function circuitName(v: string | true | undefined): CircuitName {
  if (v === undefined) return 'eligibility';
  if (v === 'eligibility' || v === 'rules') return v;
  throw new BukejianError('INVALID_OPTION', '"--circuit" expected eligibility or rules');
}

/** circuits/build of this package, from dist/ (built CLI) or src/cli/ (tests). */
function buildDir(): string {
  for (const rel of ['../circuits/build/', '../../circuits/build/']) {
    const d = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(d, 'manifest.json'))) return d;
  }
  throw new BukejianError('NOT_FOUND', 'circuits/build not found in the bukejian package');
}

/** Unpacks the shipped r1cs of `name` into a temporary file (SHA-256 checked against its manifest). */
export function extractR1cs(name: CircuitName): {
  file: string;
  sha256: string;
  label: string;
  cleanup(): void;
} {
  const dir = buildDir();
  const gz = join(dir, `${name}.r1cs.gz`);
  if (!existsSync(gz))
    throw new BukejianError('NOT_FOUND', `circuits/build/${name}.r1cs.gz not found in the package`);
  const manifest = JSON.parse(readFileSync(join(dir, CIRCUITS[name]), 'utf8')) as {
    r1cs: { sha256: string };
  };
  const bytes = gunzipSync(readFileSync(gz));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== manifest.r1cs.sha256)
    throw new BukejianError(
      'ARTIFACT_MISMATCH',
      `circuits/build/${name}.r1cs.gz does not match the r1cs SHA-256 of ${CIRCUITS[name]}`,
    );
  const tmp = mkdtempSync(join(tmpdir(), 'bukejian-r1cs-'));
  const file = join(tmp, `${name}.r1cs`);
  writeFileSync(file, bytes);
  return {
    file,
    sha256,
    label: `${name}.r1cs`,
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}
