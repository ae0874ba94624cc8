// Node side: bundles browser test code with esbuild for `platform: 'browser'` (no polyfill, no
// shim of any Node built-in: a Node import fails the build). `vitest` is mapped to
// ./vitest-shim.ts and `./helpers/vectors.js` to ./vectors.ts, so a vector suite written for
// Node runs unchanged in the page.
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const here = import.meta.dirname;
export const repoRoot = path.resolve(here, '../../..');

const redirect: Plugin = {
  name: 'browser-test-redirects',
  setup(b) {
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: path.join(here, 'vitest-shim.ts') }));
    b.onResolve({ filter: /helpers\/vectors(\.js)?$/ }, () => ({
      path: path.join(here, 'vectors.ts'),
    }));
  },
};

/** Bundles the entry files; returns url path (`/<name>.js`) → file contents. */
export async function bundleForBrowser(
  entries: Record<string, string>,
  opts: { minify?: boolean } = {},
): Promise<Map<string, Uint8Array>> {
  const r = await build({
    entryPoints: entries,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    splitting: true,
    minify: opts.minify ?? false,
    write: false,
    outdir: path.join(repoRoot, '.browser-test-out'), // never written (write: false)
    plugins: [redirect],
    // property-run counts that Node suites read from the environment: their defaults
    define: { 'process.env.ANON_RUNS': 'undefined', 'process.env.MASK_RUNS': 'undefined' },
    logLevel: 'silent',
    absWorkingDir: repoRoot,
  });
  const out = new Map<string, Uint8Array>();
  for (const f of r.outputFiles) out.set(`/${path.basename(f.path)}`, f.contents);
  return out;
}
