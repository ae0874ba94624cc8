/**
 * Feature detection of the optional `node:crypto` fast path. Nothing here is required: in a
 * browser (or any runtime without `process.getBuiltinModule`, see _node.ts) every query answers
 * "absent" and the pure-TypeScript code runs. The module never imports `node:crypto` statically, so bundles
 * for the web stay free of Node built-ins.
 * @module
 */
import type * as NodeCrypto from 'node:crypto';
import { nodeModule } from './_node.js';
import { aoneOf } from './_assert.js';

/** `'auto'` uses node:crypto when present and the input is large enough; `'js'` forces pure TS. */
export type Backend = 'auto' | 'js';

let cached: typeof NodeCrypto | null | undefined;
let hashes: Set<string> | undefined;
let ciphers: Set<string> | undefined;

/** The `node:crypto` module, or `null` where it does not exist. */
export function nodeCrypto(): typeof NodeCrypto | null {
  if (cached !== undefined) return cached;
  return (cached = nodeModule('node:crypto'));
}

/** True when node:crypto implements the hash `name` (e.g. `'sm3'`). */
export function hasNativeHash(name: string): boolean {
  const c = nodeCrypto();
  if (!c) return false;
  hashes ??= new Set(c.getHashes());
  return hashes.has(name);
}

/** True when node:crypto implements the cipher `name` (e.g. `'sm4-cbc'`). */
export function hasNativeCipher(name: string): boolean {
  const c = nodeCrypto();
  if (!c) return false;
  ciphers ??= new Set(c.getCiphers());
  return ciphers.has(name);
}

/** Validates a `backend` option (default `'auto'`). */
export function backendOption(value: unknown): Backend {
  return value === undefined ? 'auto' : aoneOf(value, 'backend', ['auto', 'js'] as const);
}
