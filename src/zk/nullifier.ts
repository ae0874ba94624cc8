/**
 * Nullifier registries: where a verifier records (programme, period, nullifier) triples so a
 * second claim by the same holder in the same programme and period is rejected. The interface is
 * one atomic check-and-insert, so a database-backed registry (unique index) cannot race.
 * @module
 */
import { BukejianError } from '../errors.js';

/** A store of spent nullifiers. */
export interface NullifierRegistry {
  /**
   * Records the nullifier; resolves true if it was new, false if it was already recorded
   * (must be atomic: exactly one of two concurrent claims of the same key resolves true).
   */
  claim(programId: bigint, period: bigint, nullifier: bigint): Promise<boolean> | boolean;
  /** True if the nullifier has been recorded. */
  has(programId: bigint, period: bigint, nullifier: bigint): Promise<boolean> | boolean;
  /**
   * Optional: claims many keys at once (a database registry: one round trip), result `i` as
   * `claim` would answer claim `i` made in order. `verifyBatch` uses it when present.
   */
  claimMany?(
    claims: readonly { programId: bigint; period: bigint; nullifier: bigint }[],
  ): Promise<boolean[]> | boolean[];
}

/** The registry key: `programId:period:nullifier` in hex. @example nullifierKey(1n, 202611n, n) */
export function nullifierKey(programId: bigint, period: bigint, nullifier: bigint): string {
  for (const [v, n] of [
    [programId, 'programId'],
    [period, 'period'],
    [nullifier, 'nullifier'],
  ] as const) {
    if (typeof v !== 'bigint' || v < 0n)
      throw new BukejianError('INVALID_TYPE', `"${n}" expected non-negative bigint`);
  }
  return `${programId.toString(16)}:${period.toString(16)}:${nullifier.toString(16)}`;
}

/**
 * An in-memory registry (a Set; single process; lost on restart).
 * @example const registry = createMemoryRegistry(); await eligibility.verify(proof, ctx, { vkey, registry })
 */
export function createMemoryRegistry(): NullifierRegistry & { readonly size: number } {
  const seen = new Set<string>();
  return Object.freeze({
    claim(programId: bigint, period: bigint, nullifier: bigint): boolean {
      const k = nullifierKey(programId, period, nullifier);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    },
    has(programId: bigint, period: bigint, nullifier: bigint): boolean {
      return seen.has(nullifierKey(programId, period, nullifier));
    },
    get size() {
      return seen.size;
    },
  });
}
