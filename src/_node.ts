/**
 * The one place that reaches Node built-in modules. Library code never imports `node:*`
 * statically (browser bundles stay free of them): it asks {@link nodeModule} at call time, which
 * uses `process.getBuiltinModule` (Node ≥ 20.16) and answers `null` in any runtime without it.
 * {@link needNodeModule} is the same for the Node-only features, throwing `UNSUPPORTED`.
 * @module
 */
import { BukejianError } from './errors.js';

/** The built-ins the library uses, by id (types only: nothing is imported at run time). */
export interface NodeBuiltins {
  'node:crypto': typeof import('node:crypto');
  'node:fs': typeof import('node:fs');
  'node:http': typeof import('node:http');
  'node:https': typeof import('node:https');
  'node:module': typeof import('node:module');
  'node:os': typeof import('node:os');
  'node:path': typeof import('node:path');
  'node:stream': typeof import('node:stream');
  'node:url': typeof import('node:url');
  'node:worker_threads': typeof import('node:worker_threads');
  'node:zlib': typeof import('node:zlib');
}

/**
 * The built-in module `id`, or `null` where it does not exist (browsers, other runtimes).
 * Looked up on every call (cheap), so a runtime that removes `process.getBuiltinModule` is seen.
 * @example
 * const os = nodeModule('node:os')
 * const cores = os ? os.availableParallelism() : 1
 */
export function nodeModule<K extends keyof NodeBuiltins>(id: K): NodeBuiltins[K] | null {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
      ?.getBuiltinModule;
    return typeof get === 'function' ? ((get(id) as NodeBuiltins[K] | undefined) ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * The built-in module `id`, or `UNSUPPORTED` naming it (and `why`: which feature is Node only).
 * @example
 * const fs = needNodeModule('node:fs', 'the file store is Node only')
 */
export function needNodeModule<K extends keyof NodeBuiltins>(id: K, why?: string): NodeBuiltins[K] {
  const m = nodeModule(id);
  if (m) return m;
  throw new BukejianError(
    'UNSUPPORTED',
    `"${id}" expected in this environment${why ? ` (${why})` : ''}, got none`,
  );
}
