/**
 * The public shape of the built package (dist/, through the exports map), as docs/api-conventions.md
 * describes it: few runtime exports, one name one meaning across subpaths, one shape per module (a
 * namespace object or loose functions, never both), one JSON casing, and a TypeDoc entry point for
 * every subpath. Run `npx tsup` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
const MAX_EXPORTS = 180;
/** The only names two subpaths may share: the root entry repeats `bukejian/errors`. */
const SHARED = new Set(['.:BukejianError', '.:isBukejianError']);

/** The ESM file of an exports-map entry: a string, or `{ import?, default? }` conditions, nested. */
function esmFile(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  const e = entry as { import?: unknown; default?: unknown };
  return esmFile(e.import ?? e.default);
}

const modules = new Map<string, Record<string, unknown>>();
beforeAll(async () => {
  for (const sub of subpaths) {
    const file = esmFile(pkg.exports[sub]);
    modules.set(sub, await import(pathToFileURL(path.join(root, file)).href));
  }
}, 60_000);

/** Own function values of a frozen namespace object, nested namespaces included, by member path. */
function members(
  obj: object,
  prefix: string,
  out = new Map<unknown, string>(),
): Map<unknown, string> {
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'function') out.set(v, `${prefix}.${k}`);
    else if (v && typeof v === 'object' && Object.isFrozen(v) && !ArrayBuffer.isView(v))
      members(v, `${prefix}.${k}`, out);
  }
  return out;
}

describe('package shape (dist/)', () => {
  it(`at most ${MAX_EXPORTS} runtime exports over all subpaths`, () => {
    const counts = Object.fromEntries([...modules].map(([s, m]) => [s, Object.keys(m).length]));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`runtime exports: ${total}`, counts);
    expect(total).toBeLessThanOrEqual(MAX_EXPORTS);
  });

  it('no runtime name is exported by two subpaths (except the errors pair on the root)', () => {
    const seen = new Map<string, string[]>();
    for (const [sub, m] of modules)
      for (const name of Object.keys(m)) {
        if (SHARED.has(`${sub}:${name}`)) continue;
        seen.set(name, [...(seen.get(name) ?? []), sub]);
      }
    const dup = [...seen].filter(([, subs]) => subs.length > 1).map(([n, s]) => `${n}: ${s}`);
    expect(dup).toEqual([]);
  });

  it('the root entry exports only the error type', () => {
    expect(Object.keys(modules.get('.')!).sort()).toEqual(['BukejianError', 'isBukejianError']);
    expect(modules.get('.')!.BukejianError).toBe(modules.get('./errors')!.BukejianError);
  });

  it('no subpath exports a namespace object and also its members loose', () => {
    const both: string[] = [];
    for (const [sub, m] of modules) {
      const loose = new Map(
        Object.entries(m)
          .filter(([, v]) => typeof v === 'function')
          .map(([k, v]) => [v, k]),
      );
      for (const [name, v] of Object.entries(m)) {
        if (!v || typeof v !== 'object' || !Object.isFrozen(v)) continue;
        for (const [fn, member] of members(v, name))
          if (loose.has(fn)) both.push(`${sub}: ${member} is also exported as ${loose.get(fn)}`);
      }
    }
    expect(both).toEqual([]);
  });

  it('one JSON casing: toJSON / fromJSON, never Json', () => {
    const names: string[] = [];
    for (const [sub, m] of modules)
      for (const [name, v] of Object.entries(m)) {
        names.push(`${sub}: ${name}`);
        if (v && typeof v === 'object' && Object.isFrozen(v))
          for (const member of members(v, name).values()) names.push(`${sub}: ${member}`);
      }
    expect(names.filter((n) => /Json/.test(n))).toEqual([]);
  });

  it('typedoc.json documents every subpath of the exports map, from src/', () => {
    const typedoc = JSON.parse(readFileSync(path.join(root, 'typedoc.json'), 'utf8'));
    const sources = subpaths.map((sub) => {
      const name = sub === '.' ? 'index' : sub.slice(2);
      return [`src/${name}.ts`, `src/${name}/index.ts`].find((f) => existsSync(path.join(root, f)));
    });
    expect([...typedoc.entryPoints].sort()).toEqual([...sources].sort());
  });
});
