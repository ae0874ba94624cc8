#!/usr/bin/env node
// Adds subpath exports to package.json in the one shape every entry uses:
//   node scripts/add-export.mjs sm4 sm2 ...
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// ESM only: CommonJS programs `require()` the ESM build (Node >= 20.19, require(esm)).
const entry = (name) => ({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
const names = process.argv.slice(2);
const exportsMap = { '.': entry('index') };
for (const [k, v] of Object.entries(pkg.exports))
  if (k !== '.' && k !== './package.json') exportsMap[k] = v;
for (const n of names) exportsMap[`./${n}`] = entry(n);
for (const k of Object.keys(exportsMap))
  if (k !== '.' && k !== './package.json') exportsMap[k] = entry(k.slice(2));
exportsMap['./package.json'] = './package.json';
pkg.exports = exportsMap;
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
