#!/usr/bin/env node
// Runs the benchmark files of this folder: `node benchmarks/run.mjs [name...] [--json]`.
// Each benchmarks/<name>.bench.mjs exports `default async function () → group[]`.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => names.length === 0 || names.includes(f.replace('.bench.mjs', '')))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark named ${names.join(', ')}`);
  process.exit(2);
}
const json = process.argv.includes('--json');
if (!json) console.log(`bukejian benchmarks — node ${process.version}, ${process.arch}`);
const results = {};
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(here, f)).href);
  results[f.replace('.bench.mjs', '')] = await mod.default();
}
if (json) console.log(JSON.stringify(results, null, 2));
