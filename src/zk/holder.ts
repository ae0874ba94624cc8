/**
 * The holder's secret: a random BN254 field element that never leaves the holder's device.
 * The issuer sees only commitment = Poseidon(secret); nullifiers use the secret itself, so the
 * issuer cannot compute (or link) them.
 * @module
 */
import { poseidonHash } from './babyjub.js';
import { afield, randomField } from './field.js';

/** A holder secret and its Poseidon commitment (the value the issuer signs into the record). */
export interface HolderKey {
  readonly secret: bigint;
  readonly commitment: bigint;
}

/**
 * Creates a fresh holder secret (crypto.getRandomValues) and its commitment.
 * @example const { secret, commitment } = await holder.create()
 */
async function create(): Promise<HolderKey> {
  const secret = randomField();
  return Object.freeze({ secret, commitment: poseidonHash([secret]) });
}

/**
 * The commitment Poseidon(secret) of an existing secret.
 * @example await holder.commitment(secret)
 */
async function commitment(secret: bigint): Promise<bigint> {
  return poseidonHash([afield(secret, 'holderSecret')]);
}

/** Holder-side key functions. @example const h = await holder.create() */
export const holder = Object.freeze({
  /** Creates a fresh holder secret (a random BN254 field element) and its commitment. */
  create,
  /** The commitment Poseidon(secret) of an existing secret (the value the issuer signs). */
  commitment,
});
