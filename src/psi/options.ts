/**
 * Option parsing shared by the PSI parties (one-shot ./ecdh.ts, chunked ./chunked.ts) and the
 * one error helper for messages that do not fit the run.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoneOf, anumber } from '../_assert.js';
import { backendOption } from '../native.js';
import { canonicalOption } from './canonicalize.js';
import type { Canonical } from './canonicalize.js';
import { DEFAULT_GROUP, GROUP_NAMES } from './groups/index.js';
import type { GroupName } from './groups/index.js';
import type { Mode } from './encoding.js';
import type { BatchOptions } from './batch.js';
import type { PartyOptions } from './ecdh.js';

/**
 * Option names both parties accept.
 * @example
 * aoptions(opts, 'opts', PARTY_KEYS)
 */
export const PARTY_KEYS = [
  'group',
  'backend',
  'mode',
  'canonical',
  'workers',
  'chunkSize',
  'onProgress',
] as const;
const MODES: readonly Mode[] = ['intersection', 'both', 'cardinality'];

/** Parsed party options. */
export interface Parsed {
  group: GroupName;
  backend: 'auto' | 'js';
  mode: Mode;
  canonical: Canonical;
  batch: BatchOptions;
}

/**
 * Validates the options both parties share (defaults: x25519, 'intersection', 'text',
 * no workers, chunks of 4096).
 * @example
 * parseParty({ group: 'x25519' }).batch.chunkSize // 4096
 */
export function parseParty(o: Partial<PartyOptions>): Parsed {
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    throw new BukejianError('INVALID_OPTION', '"onProgress" expected a function');
  return {
    group: o.group === undefined ? DEFAULT_GROUP : aoneOf(o.group, 'group', GROUP_NAMES),
    backend: backendOption(o.backend),
    mode: o.mode === undefined ? 'intersection' : aoneOf(o.mode, 'mode', MODES),
    canonical: canonicalOption(o.canonical),
    batch: {
      workers: o.workers === undefined ? 0 : anumber(o.workers, 'workers', 0, 256),
      chunkSize: o.chunkSize === undefined ? 4096 : anumber(o.chunkSize, 'chunkSize', 1, 1 << 24),
      onProgress: o.onProgress,
    },
  };
}

/**
 * Throws INVALID_ENCODING: a well-formed message that does not fit this run (another group,
 * mode or session, a count that disagrees).
 * @example
 * if (m.group !== group) bad(`message is for group ${m.group}`)
 */
export function bad(msg: string): never {
  throw new BukejianError('INVALID_ENCODING', msg);
}
