/**
 * SM2 (GB/T 32918.2-2016) signers and verifiers for checkpoints: raw `r ‖ s` signatures over the
 * note text with the signer's distinguishing identifier (user ID) in Z_A. These are the default
 * implementations of the `CheckpointSigner` / `CheckpointVerifier` interfaces.
 * @module
 */
import { BukejianError } from '../errors.js';
import { sm2 } from '../sm2/index.js';
import { abytes, aoptions, astring } from '../_assert.js';
import type { CheckpointSigner, CheckpointVerifier } from './checkpoint.js';

/** Options of the SM2 signer and verifier. */
export interface Sm2NoteOptions {
  /** Key name written in signature lines (printable ASCII, no spaces). */
  name: string;
  /** SM2 distinguishing identifier for Z_A (default `'1234567812345678'`, GB/T 35276). */
  userId?: string;
}

function options(opts: Sm2NoteOptions): { name: string; userId?: string } {
  const o = aoptions(opts, 'opts', ['name', 'userId']);
  const name = astring(o.name, 'name');
  if (!/^[\x21-\x7e]{1,128}$/.test(name))
    throw new BukejianError(
      'INVALID_OPTION',
      '"name" expected 1..128 printable ASCII characters without spaces, got other',
    );
  return { name, userId: o.userId === undefined ? undefined : astring(o.userId, 'userId') };
}

/**
 * A checkpoint signer holding an SM2 secret key.
 * @example
 * const { secretKey, publicKey } = sm2.keygen();
 * const signer = sm2CheckpointSigner(secretKey, { name: 'agency.example/audit-key' });
 */
export function sm2CheckpointSigner(secretKey: Uint8Array, opts: Sm2NoteOptions): CheckpointSigner {
  abytes(secretKey, 'secretKey', 32, 'INVALID_KEY');
  const { name, userId } = options(opts);
  const publicKey = sm2.getPublicKey(secretKey);
  const sk = secretKey.slice();
  return Object.freeze({
    name,
    publicKey,
    sign: (message: Uint8Array) =>
      sm2.sign(message, sk, { format: 'raw', ...(userId === undefined ? {} : { userId }) }),
  });
}

/**
 * A checkpoint verifier for an SM2 public key (65-byte uncompressed or 33-byte compressed).
 * @example verifyCheckpoint(note, sm2CheckpointVerifier(publicKey, { name: 'agency.example/audit-key' }), { origin: 'agency.example/audit' })
 */
export function sm2CheckpointVerifier(
  publicKey: Uint8Array,
  opts: Sm2NoteOptions,
): CheckpointVerifier {
  abytes(publicKey, 'publicKey', [33, 65], 'INVALID_KEY');
  const { name, userId } = options(opts);
  const pk = publicKey.length === 33 ? sm2.keys.decompress(publicKey) : publicKey.slice();
  if (!sm2.keys.isValidPublicKey(pk))
    throw new BukejianError(
      'INVALID_KEY',
      '"publicKey" expected a point on the SM2 curve, got other',
    );
  return Object.freeze({
    name,
    publicKey: pk,
    verify(signature: Uint8Array, message: Uint8Array): boolean {
      try {
        return sm2.verify(signature, message, pk, {
          format: 'raw',
          ...(userId === undefined ? {} : { userId }),
        });
      } catch {
        return false;
      }
    },
  });
}
