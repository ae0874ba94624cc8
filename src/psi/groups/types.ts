/**
 * The group abstraction under ECDH-PSI: a prime-order group (or an x-only quotient of one) in
 * which `k·H(item)` commutes, `H` is a hash-to-group map (RFC 9380 where a suite exists), and
 * every element crosses the wire as fixed-length bytes. Each group lives in its own file.
 * @module
 */

/** Names of the supported groups. */
export type GroupName = 'ristretto255' | 'p256' | 'x25519' | 'sm2';

/** Operations bound to one secret scalar (created by {@link PsiGroup.withKey}). */
export interface KeyOps {
  /** `k·H(msg)` as an element encoding. */
  hashMultiply(msg: Uint8Array): Uint8Array;
  /** `k·e`; throws `BukejianError('INVALID_POINT')` when `e` is not a valid group element. */
  multiply(e: Uint8Array): Uint8Array;
  /** `k⁻¹·e` (undoes {@link KeyOps.multiply} on the prime-order subgroup). */
  unblind(e: Uint8Array): Uint8Array;
}

/**
 * Key operations that also take whole batches (internal: ../batch.ts uses them when a group
 * provides them; flat buffers hold `n` elements of `elementLength` bytes; same bytes as the
 * per-item operations).
 */
export interface BatchKeyOps extends KeyOps {
  hashMultiplyMany?(msgs: Uint8Array[]): Uint8Array;
  multiplyMany?(flat: Uint8Array, n: number): Uint8Array;
  unblindMany?(flat: Uint8Array, n: number): Uint8Array;
}

/** One PSI group: its encoding, hash-to-group map and scalar multiplication. */
export interface PsiGroup {
  readonly name: GroupName;
  /** One-byte identifier in wire messages. */
  readonly id: number;
  /** Length of one encoded element in bytes. */
  readonly elementLength: number;
  /** The hash-to-group suite (RFC 9380 name, or this library's documented construction). */
  readonly suite: string;
  /** True when scalar multiplication runs in node:crypto (OpenSSL); hash-to-group is always TS. */
  readonly native: boolean;
  /** A fresh secret scalar from `crypto.getRandomValues`, serialized (transferable to workers). */
  randomKey(): Uint8Array;
  /** `H(msg)` as an element encoding. */
  hashToGroup(msg: Uint8Array): Uint8Array;
  /** True when `e` decodes to a valid, non-identity element of the group. */
  isElement(e: Uint8Array): boolean;
  /** Binds a serialized secret scalar (from {@link PsiGroup.randomKey}). */
  withKey(key: Uint8Array): KeyOps;
}
