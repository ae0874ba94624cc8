// The Node test files of the browser-safe modules that need nothing from Node (only vitest,
// fast-check, the vector files and the package's sources), bundled for the browser with esbuild
// (platform browser, no polyfill: see runner/bundle.ts) and run UNCHANGED in headless Chromium
// with vitest's own `expect`. Same vectors, same properties, same assertions as in Node. (The two
// that read a property-run count from process.env get the default: see runner/bundle.ts.)
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from './runner/bundle';
import { runSuite } from './runner/page';
import { startSession, type Session } from './runner/session';

/**
 * suite name → Node test file, and how many tests it registers at least (as many as vitest
 * counted in Node when this list was written: a file that silently registered nothing would pass).
 */
const SUITES: Record<string, [file: string, tests: number]> = {
  'sm4-vectors': ['test/sm4-vectors.test.ts', 556],
  'sm2-vectors': ['test/sm2-vectors.test.ts', 36],
  'sm4-misuse': ['test/sm4-misuse.test.ts', 22],
  'utils-errors': ['test/utils-errors.test.ts', 3],
  'mask-display': ['test/mask-display.test.ts', 11],
  'mask-identifiers': ['test/mask-identifiers.test.ts', 22],
  'anon-suppression': ['test/anon-suppression.test.ts', 5],
  'anon-properties': ['test/anon-properties.test.ts', 2],
  'mask-detect': ['test/mask-detect.test.ts', 17],
  'psi-ecdh': ['test/psi-ecdh.test.ts', 18],
  'psi-chunked': ['test/psi-chunked.test.ts', 20],
  'audit-log': ['test/audit-log.test.ts', 18],
  'audit-consent': ['test/audit-consent.test.ts', 5],
  'zk-subgroup': ['test/zk-subgroup.test.ts', 1],
};

let s: Session;
beforeAll(async () => {
  s = await startSession(
    Object.fromEntries(Object.entries(SUITES).map(([k, [f]]) => [k, path.join(repoRoot, f)])),
  );
});
afterAll(() => s?.close());

it.each(Object.keys(SUITES))('%s in Chromium', async (name) => {
  const r = await runSuite(s.browser, s.server.origin, name);
  expect(r.selfCheck).toBe(true);
  expect(r.pageErrors).toEqual([]);
  expect(r.results.filter((x) => !x.ok).map((f) => `${f.name}: ${f.error}`)).toEqual([]);
  expect(r.results.length).toBeGreaterThanOrEqual(SUITES[name]![1]);
});
