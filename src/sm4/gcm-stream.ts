/**
 * Incremental SM4-GCM (NIST SP 800-38D) for the CLI and other code that handles inputs larger
 * than memory. Encryption streams in one pass. Decryption is two-pass by construction: first
 * `absorb` the whole ciphertext (GHASH only, nothing decrypted), then `verify` the tag in
 * constant time, and only after a successful verification does `decrypt` produce plaintext
 * (BAD_STATE otherwise). The caller must be able to read the ciphertext twice (a file, or a
 * spooled copy of stdin). Not exported from `bukejian/sm4`: the one-shot `sm4.gcm` is the API.
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes, zeroize } from '../utils.js';
import { cryptWords, OUT, readWord, writeWord } from './cipher.js';
import { akey } from './classic.js';
import { GCM_MAX_BYTES, setup, wipe, type GcmKeyState } from './gcm.js';
import { Keystream } from './modes.js';

type Phase = 'encrypt' | 'absorb' | 'verified' | 'done';

/**
 * A streaming GCM computation for one key, nonce and AAD.
 * @example
 * const e = new GcmStream(key, nonce, aad); out.write(e.encrypt(chunk)); out.write(e.tag())
 * const d = new GcmStream(key, nonce, aad); d.absorb(ct1); d.absorb(ct2)
 * if (d.verify(tag)) { out.write(d.decrypt(ct1)); out.write(d.decrypt(ct2)) }
 */
export class GcmStream {
  private st: GcmKeyState;
  private ks: Keystream;
  private aadLen: number;
  private ctLen = 0;
  private decLen = 0;
  private phase: Phase | null = null;

  constructor(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
    akey(key);
    if (nonce.length === 0)
      throw new BukejianError(
        'NONCE_LENGTH',
        '"nonce" expected Uint8Array of length 1..2^28 (12 recommended), got length=0',
      );
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
    this.enter('absorb', [null, 'absorb']);
    this.count(chunk.length);
    this.st.gh.update(chunk);
  }

  /** Checks the 16-byte tag in constant time; false (and the stream unusable) on mismatch. */
  verify(tag: Uint8Array): boolean {
    this.enter('verified', ['absorb', null]);
    const ok = equalBytes(this.computeTag(), tag);
    if (!ok) this.destroy();
    return ok;
  }

  /** Decryption, second pass (only after a successful {@link verify}): the same ciphertext again. */
  decrypt(chunk: Uint8Array): Uint8Array {
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
