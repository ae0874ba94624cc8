/**
 * Lazy, cached access to circomlibjs's Poseidon hash and EdDSA-Poseidon (Baby Jubjub), the
 * exact primitives circomlib's circuits implement. circomlibjs builds them asynchronously
 * (WASM field arithmetic), so every accessor is async and the build happens once, on first use.
 * circomlibjs is GPL-3.0 (see the README (zk section)).
 * @module
 */
// @ts-ignore circomlibjs ships no type declarations
import { buildEddsa, buildPoseidon } from 'circomlibjs';

/** The subset of circomlibjs's Poseidon we use. */
export interface PoseidonFn {
  (inputs: bigint[]): unknown;
  F: { toObject(e: unknown): bigint; e(v: bigint): unknown; eq(a: unknown, b: unknown): boolean };
}

/** The subset of circomlibjs's EdDSA we use. */
export interface Eddsa {
  F: { toObject(e: unknown): bigint; e(v: bigint): unknown };
  babyJub: { inCurve(p: unknown[]): boolean; inSubgroup(p: unknown[]): boolean; subOrder: bigint };
  prv2pub(prv: Uint8Array): [unknown, unknown];
  signPoseidon(prv: Uint8Array, msg: unknown): { R8: [unknown, unknown]; S: bigint };
  verifyPoseidon(msg: unknown, sig: { R8: [unknown, unknown]; S: bigint }, A: [unknown, unknown]): boolean;
}

let poseidonP: Promise<PoseidonFn> | undefined;
let eddsaP: Promise<Eddsa> | undefined;

/** circomlibjs Poseidon (cached). @example const h = await poseidon(); h.F.toObject(h([1n, 2n])) */
export function poseidon(): Promise<PoseidonFn> {
  return (poseidonP ??= buildPoseidon() as Promise<PoseidonFn>);
}

/** circomlibjs EdDSA (cached). @example const e = await eddsa(); e.prv2pub(secretKey) */
export function eddsa(): Promise<Eddsa> {
  return (eddsaP ??= buildEddsa() as Promise<Eddsa>);
}

/**
 * Poseidon of field elements, as a bigint (circomlibjs, same parameters as circomlib).
 * @example await poseidonHash([1n, 2n])
 */
export async function poseidonHash(inputs: bigint[]): Promise<bigint> {
  const h = await poseidon();
  return h.F.toObject(h(inputs));
}
