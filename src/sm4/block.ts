/**
 * Raw single-block SM4 (GB/T 32907-2016) for other modules that build their own constructions
 * on the block cipher (e.g. FF1 format-preserving encryption in `bukejian/mask`). Round keys are
 * expanded once per instance and kept until `destroy()`.
 * @module
 */
import { BukejianError } from '../errors.js';
import { abytes } from '../_assert.js';
import { cryptBlock, expandKey, reverseRoundKeys } from './cipher.js';
import { akey } from './classic.js';

/** A keyed SM4 block permutation. */
export interface BlockCipher {
  /** Encrypts one 16-byte block into `out` (a new array when omitted; may be `block` itself). */
  encryptBlock(block: Uint8Array, out?: Uint8Array): Uint8Array;
  /** Decrypts one 16-byte block into `out` (a new array when omitted; may be `block` itself). */
  decryptBlock(block: Uint8Array, out?: Uint8Array): Uint8Array;
  /** Wipes the round keys; the instance cannot be used afterwards (BAD_STATE). */
  destroy(): void;
  readonly blockLen: 16;
}

/**
 * A raw SM4 block cipher for `key` (16 bytes).
 * @example
 * const b = block(key)
 * const y = b.encryptBlock(x16)      // Uint8Array(16)
 * b.decryptBlock(y)                  // equals x16
 * b.destroy()
 */
export function block(key: Uint8Array): BlockCipher {
  let rk: Int32Array | null = expandKey(akey(key));
  let drk: Int32Array | null = reverseRoundKeys(rk);
  const run = (
    keys: Int32Array | null,
    input: Uint8Array,
    out: Uint8Array | undefined,
  ): Uint8Array => {
    if (!keys)
      throw new BukejianError(
        'BAD_STATE',
        '"block" expected a live instance, got destroy() already called',
      );
    abytes(input, 'block', 16, 'DATA_LENGTH');
    const o = out === undefined ? new Uint8Array(16) : abytes(out, 'out', 16, 'DATA_LENGTH');
    cryptBlock(keys, input, 0, o, 0);
    return o;
  };
  return Object.freeze({
    blockLen: 16 as const,
    encryptBlock: (b: Uint8Array, out?: Uint8Array) => run(rk, b, out),
    decryptBlock: (b: Uint8Array, out?: Uint8Array) => run(drk, b, out),
    destroy(): void {
      rk?.fill(0);
      drk?.fill(0);
      rk = drk = null;
    },
  });
}
