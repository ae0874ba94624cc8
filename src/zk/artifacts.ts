/**
 * Circuit artifacts (witness-generator WASM and Groth16 proving key) and their pinned SHA-256
 * hashes. Artifacts are passed in explicitly (`{ wasm, zkey }`, works in any runtime) or, in Node,
 * loaded from this package's `circuits/build/` with `loadArtifacts()`. Never fetched from a
 * network. Artifacts whose hashes differ from the expected ones are refused (ARTIFACT_MISMATCH).
 *
 * Node-only part: `loadArtifacts` reaches `node:fs`/`node:module` through
 * `process.getBuiltinModule` (no static `node:` import, so browser bundles stay clean).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { needNodeModule } from '../_node.js';
import { BukejianError } from '../errors.js';
import { bytesToHex } from '../utils.js';
import { abytes } from '../_assert.js';
import { PINNED } from './pinned.js';

/** The two files the prover needs. */
export interface Artifacts {
  readonly wasm: Uint8Array;
  readonly zkey: Uint8Array;
}

/** Expected SHA-256 hashes (hex) of the artifacts. */
export interface ArtifactHashes {
  readonly wasm: string;
  readonly zkey: string;
}

// SHA-256 per buffer object, so a prover given the same buffers again does not re-hash 11 MB per
// proof. What is proved with is fixed at that first use too: the proving key is parsed into a
// private copy (groth16-prove.ts) and the WASM compiled once (witness.ts), so a later change to
// the same buffer object has no effect.
const hashes = new WeakMap<Uint8Array, string>();
function hashOf(b: Uint8Array): string {
  let h = hashes.get(b);
  if (h === undefined) hashes.set(b, (h = bytesToHex(sha256(b))));
  return h;
}

/**
 * Checks artifacts against expected hashes (default: the pinned development build) and returns them.
 * @example const a = checkArtifacts({ wasm, zkey }) // throws ARTIFACT_MISMATCH on any other build
 */
export function checkArtifacts(artifacts: Artifacts, expected: ArtifactHashes = PINNED): Artifacts {
  if (artifacts === null || typeof artifacts !== 'object') {
    throw new BukejianError('INVALID_TYPE', '"artifacts" expected { wasm, zkey }');
  }
  const wasm = abytes(artifacts.wasm, 'artifacts.wasm');
  const zkey = abytes(artifacts.zkey, 'artifacts.zkey');
  if (hashOf(wasm) !== expected.wasm) {
    throw new BukejianError(
      'ARTIFACT_MISMATCH',
      '"artifacts.wasm" SHA-256 differs from the expected hash',
    );
  }
  if (hashOf(zkey) !== expected.zkey) {
    throw new BukejianError(
      'ARTIFACT_MISMATCH',
      '"artifacts.zkey" SHA-256 differs from the expected hash',
    );
  }
  return Object.freeze({ wasm, zkey });
}

/**
 * {@link checkArtifacts}, hashing with WebCrypto (`crypto.subtle`, native) where the runtime has it:
 * a browser's first proof then spends milliseconds, not a JavaScript SHA-256 over 12 MB, on the
 * check. The hashes land in the same per-buffer cache; without WebCrypto (or if it refuses the
 * buffer) the check falls back to the synchronous one.
 * @example const a = await checkArtifactsAsync({ wasm, zkey }) // ARTIFACT_MISMATCH on any other build
 */
export async function checkArtifactsAsync(
  artifacts: Artifacts,
  expected: ArtifactHashes = PINNED,
): Promise<Artifacts> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (subtle && artifacts !== null && typeof artifacts === 'object') {
    await Promise.all(
      [artifacts.wasm, artifacts.zkey].map(async (b) => {
        if (!(b instanceof Uint8Array) || hashes.has(b)) return;
        try {
          const d = await subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>);
          hashes.set(b, bytesToHex(new Uint8Array(d)));
        } catch {
          // e.g. a view of a SharedArrayBuffer: checkArtifacts hashes it in JavaScript
        }
      }),
    );
  }
  return checkArtifacts(artifacts, expected);
}

const caches = new Map<string, Promise<Artifacts>>();

const NODE_ONLY = 'loadArtifacts is Node only; pass { wasm, zkey } explicitly elsewhere';

/** Directories where circuits/build may sit relative to this module (src/zk or dist). */
function candidates(): string[] {
  const out: string[] = [];
  let here: string | undefined;
  try {
    here = import.meta.url;
  } catch {
    here = undefined;
  }
  if (typeof here === 'string' && here.startsWith('file:')) {
    out.push(
      new URL('../../circuits/build/', here).pathname,
      new URL('../circuits/build/', here).pathname,
    );
  }
  try {
    const mod = needNodeModule('node:module', NODE_ONLY);
    const pkg = mod
      .createRequire(`${(globalThis as any).process.cwd()}/`)
      .resolve('bukejian/package.json');
    out.push(pkg.replace(/package\.json$/, 'circuits/build/'));
  } catch {
    // not resolvable from the working directory: the URL candidates above are all we have
  }
  return out;
}

/**
 * Node only: reads circuits/build/eligibility.{wasm,zkey} from this package and checks them against
 * the pinned hashes (cached after the first call).
 * @example const artifacts = await loadArtifacts()
 */
export function loadArtifacts(): Promise<Artifacts> {
  return loadBuildArtifacts('eligibility', PINNED);
}

/**
 * Node only: reads circuits/build/<base>.{wasm,zkey} from this package and checks them against
 * `expected` (cached per base name after the first call).
 * @example const artifacts = await loadBuildArtifacts('rules', RULES_PINNED)
 */
export function loadBuildArtifacts(base: string, expected: ArtifactHashes): Promise<Artifacts> {
  let cache = caches.get(base);
  if (!cache) {
    cache = (async () => {
      const fs = needNodeModule('node:fs', NODE_ONLY);
      const dir = candidates().find((d) => fs.existsSync(`${d}${base}.zkey`));
      if (!dir)
        throw new BukejianError(
          'NOT_FOUND',
          `circuits/build/${base}.zkey not found in the bukejian package`,
        );
      const read = (f: string) => new Uint8Array(fs.readFileSync(`${dir}${f}`));
      return checkArtifacts({ wasm: read(`${base}.wasm`), zkey: read(`${base}.zkey`) }, expected);
    })();
    cache.catch(() => caches.delete(base));
    caches.set(base, cache);
  }
  return cache;
}
