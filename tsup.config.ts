import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The package's `exports` map is the single source of truth: every subpath `./x` is built from
// `src/x.ts` or `src/x/index.ts`, `.` from `src/index.ts`, and the `bin` from `src/cli/index.ts`.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const entry: Record<string, string> = { cli: 'src/cli/index.ts' };
for (const key of Object.keys(pkg.exports)) {
  if (key === './package.json') continue;
  const name = key === '.' ? 'index' : key.slice(2);
  const file = [`src/${name}.ts`, `src/${name}/index.ts`].find((f) => existsSync(f));
  if (!file)
    throw new Error(
      `exports["${key}"] has no source file (src/${name}.ts or src/${name}/index.ts)`,
    );
  entry[name] = file;
}
// Worker-thread entries (not in `exports`): src/_pool.ts starts them as `dist/<module>/_worker.js`,
// resolved with `new URL(..., import.meta.url)` from the shared chunk in dist/.
const workers = ['sm2', 'psi', 'zk'].map((m) => `${m}/_worker`);
for (const w of workers) entry[w] = `src/${w}.ts`;

export default defineConfig({
  entry,
  // ESM only: CommonJS programs load it with require() (Node >= 20.19 has require(esm) unflagged),
  // so there is one copy of every module and `import.meta.url` always exists (worker threads).
  format: ['esm'],
  dts: {
    entry: Object.fromEntries(
      Object.entries(entry).filter(([k]) => k !== 'cli' && !workers.includes(k)),
    ),
  },
  target: 'node20',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
  sourcemap: false,
  clean: true,
  // node:* builtins are only reached through guarded lookups (see src/_node.ts).
  external: [
    /^node:/,
    /^@noble\//,
    /^@peculiar\//,
    'snarkjs',
    'fast-check',
    'pg',
    'bullmq',
    'ioredis',
  ],
  // Keep Chinese text (region names, surnames) as UTF-8 instead of \uXXXX escapes.
  esbuildOptions(o) {
    o.charset = 'utf8';
  },
});
