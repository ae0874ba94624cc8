/**
 * `sm4.gcmStream`: incremental SM4-GCM (NIST SP 800-38D) for inputs larger than memory (files,
 * the CLI). Encryption streams in one pass. Decryption is two-pass by construction: first
 * `absorb` the whole ciphertext (GHASH only, nothing decrypted), then `verify` the tag in
 * constant time, and only after a successful verification does `decrypt` produce plaintext
 * (BAD_STATE otherwise). The caller must be able to read the ciphertext twice (a file, or a
 * spooled copy of stdin). Output is byte-identical to the one-shot `sm4.gcm`.
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes, zeroize } from '../utils.js';
import { abytes } from '../_assert.js';
import { aaad, agcmNonce } from './aead.js';
import { cryptWords, OUT, readWord, writeWord } from './cipher.js';
import { akey } from './classic.js';
import { GCM_MAX_BYTES, setup, wipe, type GcmKeyState } from './gcm.js';
import { Keystream } from './modes.js';

type Phase = 'encrypt' | 'absorb' | 'verified' | 'done';

/**
 * A streaming GCM computation for one key, nonce and AAD, used either to encrypt
 * (`encrypt`… then `tag`) or to decrypt in two passes (`absorb`…, `verify`, then `decrypt`… over
 * the same ciphertext again). A step out of order throws BAD_STATE.
 */
export interface GcmStream {
  /** Encrypts the next piece of plaintext; returns the same number of ciphertext bytes. */
  encrypt(chunk: Uint8Array): Uint8Array;
  /** Finishes encryption: the 16-byte tag to append after the ciphertext. Wipes the state. */
  tag(): Uint8Array;
  /** Decryption, first pass: absorbs the next piece of ciphertext (without the tag). */
  absorb(chunk: Uint8Array): void;
  /** Checks the 16-byte tag in constant time; false (and the stream unusable) on mismatch. */
  verify(tag: Uint8Array): boolean;
  /** Decryption, second pass (only after `verify` returned true): the same ciphertext again. */
  decrypt(chunk: Uint8Array): Uint8Array;
  /** Wipes keys, tables and keystream. */
  destroy(): void;
}

/**
 * Streaming SM4-GCM for inputs larger than memory, byte-identical to `sm4.gcm(key, nonce, aad)`.
 * The key, nonce and AAD are checked as in `sm4.gcm`; the caller is responsible for never
 * reusing a key+nonce pair for two encryptions.
 * @example
 * import { sm4 } from 'bukejian/sm4'
 * import { randomBytes } from 'bukejian/utils'
 * const key = randomBytes(16), nonce = randomBytes(12)
 * const e = sm4.gcmStream(key, nonce)
 * const ct = [e.encrypt(new Uint8Array(1000)), e.encrypt(new Uint8Array(24))]
 * const tag = e.tag()                                   // 16 bytes, written after the ciphertext
 * const d = sm4.gcmStream(key, nonce)
 * for (const c of ct) d.absorb(c)                       // first pass: nothing decrypted yet
 * if (d.verify(tag)) for (const c of ct) d.decrypt(c)   // second pass, only after the tag checks
 */
export function gcmStream(key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array): GcmStream {
  return new GcmStreamState(akey(key), agcmNonce(nonce), aaad(aad));
}

class GcmStreamState implements GcmStream {
  private st: GcmKeyState;
  private ks: Keystream;
  private aadLen: number;
  private ctLen = 0;
  private decLen = 0;
  private phase: Phase | null = null;

  constructor(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
    this.st = setup(key, nonce, Infinity); // unknown length: the large GHASH table
    this.st.gh.updatePadded(aad);
    this.aadLen = aad.length;
    const j = this.st.j0;
    const ctr0 = new Uint8Array(16);
    writeWord(ctr0, 0, j[0]!);
    writeWord(ctr0, 4, j[1]!);
    writeWord(ctr0, 8, j[2]!);
    writeWord(ctr0, 12, (j[3]! + 1) | 0);
    this.ks = new Keystream(this.st.rk, ctr0, 'gctr');
    zeroize(ctr0);
  }

  private enter(p: Phase, allowed: (Phase | null)[]): void {
    if (!allowed.includes(this.phase)) {
      throw new BukejianError(
        'BAD_STATE',
        `"gcm stream" expected ${allowed.join(' or ')} phase for ${p}, got ${this.phase ?? 'new'}`,
      );
    }
    this.phase = p;
  }

  private count(n: number): void {
    this.ctLen += n;
    if (this.ctLen > GCM_MAX_BYTES)
      throw new BukejianError(
        'DATA_LENGTH',
        `"data" expected at most ${GCM_MAX_BYTES} bytes, got more`,
      );
  }

  /** Encrypts the next piece of plaintext. */
  encrypt(chunk: Uint8Array): Uint8Array {
    abytes(chunk, 'chunk');
    this.enter('encrypt', [null, 'encrypt']);
    this.count(chunk.length);
    const out = new Uint8Array(chunk.length);
    this.ks.process(chunk, out);
    this.st.gh.update(out);
    return out;
  }

  private computeTag(): Uint8Array {
    const s = this.st.gh
      .padPending()
      .updateLengths(this.aadLen, this.ctLen)
      .digestInto(new Uint8Array(16));
    const j = this.st.j0;
    cryptWords(this.st.rk, j[0]!, j[1]!, j[2]!, j[3]!);
    for (let i = 0; i < 4; i++) writeWord(s, 4 * i, readWord(s, 4 * i) ^ OUT[i]!);
    return s;
  }

  /** Finishes encryption: the 16-byte tag to append. */
  tag(): Uint8Array {
    this.enter('done', ['encrypt', null]);
    const t = this.computeTag();
    this.destroy();
    return t;
  }

  /** Decryption, first pass: absorbs the next piece of ciphertext (without the tag). */
  absorb(chunk: Uint8Array): void {
    abytes(chunk, 'chunk');
    this.enter('absorb', [null, 'absorb']);
    this.count(chunk.length);
    this.st.gh.update(chunk);
  }

  /** Checks the 16-byte tag in constant time; false (and the stream unusable) on mismatch. */
  verify(tag: Uint8Array): boolean {
    abytes(tag, 'tag');
    this.enter('verified', ['absorb', null]);
    const ok = equalBytes(this.computeTag(), tag);
    if (!ok) this.destroy();
    return ok;
  }

  /** Decryption, second pass (only after a successful {@link verify}): the same ciphertext again. */
  decrypt(chunk: Uint8Array): Uint8Array {
    abytes(chunk, 'chunk');
    this.enter('verified', ['verified']);
    this.decLen += chunk.length;
    if (this.decLen > this.ctLen)
      throw new BukejianError(
        'BAD_STATE',
        '"gcm stream" expected the verified ciphertext again, got more bytes',
      );
    const out = new Uint8Array(chunk.length);
    this.ks.process(chunk, out);
    return out;
  }

  /** Wipes keys, tables and keystream. */
  destroy(): void {
    this.phase = 'done';
    this.ks.destroy();
    wipe(this.st);
  }
}
