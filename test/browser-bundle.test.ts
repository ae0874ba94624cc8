// Every browser-safe subpath of the BUILT package (dist/, reached through the package's own
// "exports" map with the bundler's browser conditions) bundles with esbuild for
// `platform: 'browser'` with no polyfill, no shim, no alias and nothing marked external: esbuild
// refuses to resolve a Node built-in (`node:*`, `fs`, `crypto`, `buffer`, …) on that platform, so a
// successful build is the proof that no Node built-in is left in the graph; the checks below make
// that explicit and also refuse CommonJS `require` left for run time. The Node-only parts (file
// stores, worker pools, native OpenSSL backends) are reached through `process.getBuiltinModule`
// lookups (src/_node.ts), which answer `null` in a browser: they are in the bundle as dead code,
// not as imports. snarkjs (zk) must come in as its browser ESM build, as a lazily loaded chunk.
// Sizes (minified, gzip) are printed; `npm run build` first. Whether the bundles also RUN in a
// browser is test/browser/*.test.ts (Chromium).
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Browser-safe subpaths (everything but `bukejian/testing`, which needs fast-check). */
const SUBPATHS = [
  '.',
  'utils',
  'errors',
  'sm3',
  'sm4',
  'sm2',
  'mask',
  'anon',
  'psi',
  'zk',
  'audit',
];

/** Node built-in module names (without `node:`), as of Node 20. */
const BUILTINS = new Set(
  (process.getBuiltinModule('node:module') as typeof import('node:module')).builtinModules,
);

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

interface Bundle {
  metafile: Metafile;
  files: { path: string; text: string; bytes: Uint8Array }[];
}

async function bundle(sub: string): Promise<Bundle> {
  const spec = sub === '.' ? 'bukejian' : `bukejian/${sub}`;
  const r = await build({
    stdin: { contents: `export * from '${spec}';`, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    splitting: true, // lazily imported parts (snarkjs, the PSI worker fan-out) become their own chunks
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: path.join(root, '.browser-bundle'), // never written (write: false)
  });
  return {
    metafile: r.metafile,
    files: r.outputFiles.map((f) => ({ path: f.path, text: f.text, bytes: f.contents })),
  };
}

describe('browser bundles of dist/ (esbuild, platform browser, no polyfills)', () => {
  const sizes: Record<string, Record<string, string>> = {};

  it.each(SUBPATHS)('bukejian%s', async (sub) => {
    const b = await bundle(sub === '.' ? '.' : sub);
    const inputs = Object.keys(b.metafile.inputs);
    // Every input is a file on disk: no built-in, nothing resolved to an empty stub.
    const notFiles = inputs.filter((i) => i !== '<stdin>' && !/\.(m?js|json)$/.test(i));
    expect(notFiles).toEqual([]);
    const builtinInputs = inputs.filter(
      (i) => i.startsWith('node:') || BUILTINS.has(i.split('/')[0]!),
    );
    expect(builtinInputs).toEqual([]);
    // Nothing left for the browser to resolve at run time.
    const external = Object.values(b.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
    expect(external).toEqual([]);
    for (const f of b.files) {
      // esbuild's __require shim (a CommonJS require() it could not bundle) and static or dynamic
      // imports of built-ins in the emitted code
      expect(f.text).not.toMatch(/Dynamic require of/);
      expect(f.text).not.toMatch(/\bimport\s*\(?\s*["'`]node:/);
      expect(f.text).not.toMatch(/\bfrom\s*["'`]node:/);
    }
    if (sub === 'zk') {
      // snarkjs and ffjavascript as their browser ESM builds, in a chunk loaded on first proof
      expect(inputs.some((i) => i.endsWith('snarkjs/build/browser.esm.js'))).toBe(true);
      expect(inputs.some((i) => i.endsWith('ffjavascript/build/browser.esm.js'))).toBe(true);
      expect(inputs.some((i) => /snarkjs\/(main\.js|build\/main\.cjs)$/.test(i))).toBe(false);
      const entry = Object.values(b.metafile.outputs).find((o) => o.entryPoint === '<stdin>')!;
      expect(Object.keys(entry.inputs).some((i) => i.includes('snarkjs'))).toBe(false);
      expect(entry.imports.some((i) => i.kind === 'dynamic-import')).toBe(true);
    }
    const entryFile = b.files.find((f) => path.basename(f.path) === 'stdin.js')!;
    const all = b.files.reduce((n, f) => n + f.bytes.length, 0);
    const allGz = b.files.reduce((n, f) => n + gzipSync(f.bytes, { level: 9 }).length, 0);
    sizes[sub === '.' ? 'bukejian' : sub] = {
      'entry min': kb(entryFile.bytes.length),
      'entry gzip': kb(gzipSync(entryFile.bytes, { level: 9 }).length),
      'with lazy chunks min': kb(all),
      'with lazy chunks gzip': kb(allGz),
    };
    expect(entryFile.bytes.length).toBeGreaterThan(0);
  });

  it('sizes', () => {
    console.table(sizes);
    expect(Object.keys(sizes).length).toBe(SUBPATHS.length);
  });
});
