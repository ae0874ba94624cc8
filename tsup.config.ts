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

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: { entry: Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'cli')) },
  target: 'node20',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
  sourcemap: false,
  clean: true,
  // node:* builtins are only reached through guarded dynamic lookups (see src/native.ts).
  external: [/^node:/, '@noble/hashes', '@noble/curves', 'snarkjs', 'fast-check'],
  // Keep Chinese text (region names, surnames) as UTF-8 instead of \uXXXX escapes.
  esbuildOptions(o) {
    o.charset = 'utf8';
  },
});
