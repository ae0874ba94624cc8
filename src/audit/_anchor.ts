/**
 * Outside anchors for {@link openAuditLog}: what the operator or a witness saw of the log before,
 * kept outside the log's storage, so that a store rolled back (truncated at frame boundaries,
 * which every stored checksum and checkpoint still accepts) is refused at open.
 *
 * An anchor is either a signed checkpoint note of this log (its signature is checked with the
 * log's verifier; the store must hold at least its size, and the tree of the store's first
 * `size` entries must have its root, so a log rolled back and re-grown with other entries is
 * caught too) or a plain minimum size `{ size }` (catches shrinking only).
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes } from '../utils.js';
import { anumber, isBytes } from '../_assert.js';
import type { CheckpointVerifier } from './checkpoint.js';
import { verifyCheckpoint } from './client.js';
import type { TreeHashName } from './merkle.js';

/** An outside anchor: a signed checkpoint note of the log, or a minimum number of entries. */
export type AuditAnchor = string | Uint8Array | { size: number };

/** A checked anchor: the size the store must reach and, for a checkpoint, the root at that size. */
export interface ResolvedAnchor {
  size: number;
  root?: Uint8Array;
}

/**
 * Checks the anchor option itself: a note must verify under `verifier` for this origin and hash.
 * Throws `INVALID_OPTION` for a wrong shape or a note without a verifier, and `INTEGRITY` for a
 * note that is not a checkpoint of this log signed by its key.
 */
export function resolveAnchor(
  anchor: AuditAnchor,
  verifier: CheckpointVerifier | undefined,
  expect: { origin: string; hash: TreeHashName },
): ResolvedAnchor {
  if (typeof anchor === 'string' || isBytes(anchor)) {
    if (!verifier)
      throw new BukejianError(
        'INVALID_OPTION',
        '"verifier" expected with a checkpoint "anchor", got none',
      );
    const cp = verifyCheckpoint(anchor, verifier, expect);
    if (!cp)
      throw new BukejianError(
        'INTEGRITY',
        'the anchor is not a checkpoint of this log signed by its key',
      );
    return { size: cp.size, root: cp.root.slice() };
  }
  if (
    anchor === null ||
    typeof anchor !== 'object' ||
    Array.isArray(anchor) ||
    Object.keys(anchor).some((k) => k !== 'size')
  ) {
    throw new BukejianError(
      'INVALID_OPTION',
      '"anchor" expected a signed checkpoint note or { size }, got other',
    );
  }
  return { size: anumber(anchor.size, 'anchor.size') };
}

/** Why a tree does not satisfy the anchor, or `null` when it does. */
export function anchorProblem(
  a: ResolvedAnchor,
  size: number,
  rootAt: (size: number) => Uint8Array,
): string | null {
  if (size < a.size)
    return `the log holds ${size} entries but the anchor saw ${a.size}: it was rolled back`;
  if (a.root && !equalBytes(rootAt(a.size), a.root))
    return `the log's first ${a.size} entries differ from the anchor checkpoint`;
  return null;
}
