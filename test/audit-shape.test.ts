// The public shape of bukejian/audit: the named exports, no internals on the log object, and a
// citizen-side verifier (client.ts) whose import graph holds nothing of the log or its stores.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as audit from '../src/audit/index.js';

const AUDIT_EXPORTS = [
  'accessEntryFromPolicy',
  'auditProofFromJSON',
  'auditProofToJSON',
  'checkAccess',
  'checkCheckpointConsistency',
  'createMemoryStore',
  'createMerkleTree',
  'decodeAuditProof',
  'decodeEntry',
  'encodeAuditProof',
  'encodeEntry',
  'entryLeafHash',
  'openAuditLog',
  'openFileStore',
  'parseCheckpoint',
  'signCheckpoint',
  'sm2CheckpointSigner',
  'sm2CheckpointVerifier',
  'treeHasher',
  'verifyCheckpoint',
  'verifyConsistency',
  'verifyInclusion',
  'verifySubjectEvents',
];

/** Relative imports of `file` and everything they import, transitively (paths under src/). */
function importGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    if (/^import\s+type\s/.test(m[0]) || /^export\s+type\s/.test(m[0])) continue;
    importGraph(path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

describe('bukejian/audit shape', () => {
  it('exports exactly its named functions, all functions', () => {
    expect(Object.keys(audit).sort()).toEqual(AUDIT_EXPORTS);
    for (const k of AUDIT_EXPORTS)
      expect(typeof (audit as Record<string, unknown>)[k]).toBe('function');
  });

  it('an open log has no underscore members and no store property', async () => {
    const log = await audit.openAuditLog({
      store: audit.createMemoryStore(),
      origin: 'shape.example/audit',
    });
    const names = new Set<string>();
    for (let o: object | null = log; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
      for (const k of Object.getOwnPropertyNames(o)) names.add(k);
    expect([...names].filter((k) => k.startsWith('_') || k === 'store')).toEqual([]);
    await log.close();
  });

  it('client.ts (citizen-side verification) imports nothing of the log, retention, queries or stores', () => {
    const src = path.resolve(import.meta.dirname, '../src');
    const files = [...importGraph(path.join(src, 'audit/client.ts'))].map((f) =>
      path.relative(src, f),
    );
    expect(files).toContain('audit/checkpoint.ts');
    expect(
      files.filter((f) =>
        /^audit\/(log|retention|query|_log-internals)\.ts$|^audit\/store\//.test(f),
      ),
    ).toEqual([]);
  });
});
