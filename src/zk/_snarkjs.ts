/**
 * The one way the package reaches snarkjs (GPL-3.0, the Groth16 engine): an optional peer
 * dependency, imported lazily the first time a proof is made or checked. Issuing and checking
 * credentials, Poseidon and Baby Jubjub never load it. Without it installed, the first use fails
 * with `UNSUPPORTED` naming what to install, instead of a module-not-found stack at import time.
 * @module
 */
import { BukejianError } from '../errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
let loading: Promise<any> | undefined;

/** What to tell a user who has not installed the peer dependency. */
export const SNARKJS_MISSING =
  'Groth16 proving and verification in bukejian/zk need the optional peer dependency snarkjs: npm i snarkjs';

/**
 * The snarkjs module (loaded once), or `UNSUPPORTED` when it is not installed.
 * @example const { curves } = await loadSnarkjs()
 */
export function loadSnarkjs(): Promise<any> {
  // @ts-ignore snarkjs ships no type declarations
  return (loading ??= import('snarkjs').catch((e: unknown) => {
    loading = undefined; // installed later: the next call tries again
    throw new BukejianError('UNSUPPORTED', SNARKJS_MISSING, { cause: e });
  }));
}
