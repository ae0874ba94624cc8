/**
 * Incremental (streaming) encryption and decryption for the classic SM4 modes: feed chunks of
 * any size to `update`, then call `final` once. The output equals the one-shot `sm4.<mode>`
 * result. CBC/ECB with PKCS#7 hold back the last block on decryption until `final` checks the
 * padding (BAD_PADDING), so earlier output is released before the padding is known: CBC has no
 * integrity, use GCM/CCM when tampering matters. Used by the `bukejian sm4` CLI.
 *
 * With `backend: 'auto'` (default) node:crypto's streaming cipher is used when present, else the
 * pure-TS modes; both give identical bytes (tested).
 * @module
 */
import { BukejianError } from '../errors.js';
import { backendOption, hasNativeCipher, nodeCrypto, type Backend } from '../native.js';
import { zeroize } from '../utils.js';
import { abytes, aoneOf, aoptions } from '../_assert.js';
import { expandKey, readWord, reverseRoundKeys } from './cipher.js';
import { akey } from './classic.js';
import { cbcDecryptBlocks, cbcEncryptBlocks, ecbBlocks, Keystream } from './modes.js';
import { unpadLength } from './padding.js';

/** The modes {@link stream} supports. */
export type StreamMode = 'ecb' | 'cbc' | 'ctr' | 'cfb' | 'ofb';

/** Options of {@link stream}. */
export interface StreamOptions {
  /** Decrypt instead of encrypt (default false). */
  decrypt?: boolean;
  /** ECB/CBC only: `'pkcs7'` (default) or `'none'`. */
  padding?: 'pkcs7' | 'none';
  backend?: Backend;
}

/** An incremental cipher: `update` returns the bytes ready so far, `final` the rest. */
export interface CipherStream {
  /**
   * Processes the next chunk (any length, may be empty) and returns the output ready so far:
   * CTR/CFB/OFB return as many bytes as they get; ECB/CBC return whole 16-byte blocks and buffer
   * the rest, and decryption with PKCS#7 also holds back the last block until `final`. Throws
   * BAD_STATE after `final`.
   */
  update(chunk: Uint8Array): Uint8Array;
  /**
   * Finishes the stream and returns the remaining output (the padded last block on PKCS#7
   * encryption, the unpadded held-back block on PKCS#7 decryption, else empty), then wipes the
   * key schedule. Throws DATA_LENGTH when ECB/CBC input is not a whole number of blocks (or a
   * PKCS#7 ciphertext is empty), BAD_PADDING when the padding check fails, BAD_STATE when called
   * twice.
   */
  final(): Uint8Array;
}

interface Engine {
  update(chunk: Uint8Array): Uint8Array; // whole blocks for ecb/cbc (buffers the rest), anything for stream modes
  final(): void; // throws DATA_LENGTH when a partial block is left (ecb/cbc)
}

const notBlockMultiple = () =>
  new BukejianError(
    'DATA_LENGTH',
    '"data" expected a multiple of 16 bytes in total, got a partial final block',
  );

function jsEngine(
  mode: StreamMode,
  key: Uint8Array,
  iv: Uint8Array | null,
  decrypt: boolean,
): Engine {
  const rk = expandKey(key);
  if (mode === 'ctr' || mode === 'cfb' || mode === 'ofb') {
    const ks = new Keystream(rk, iv!, mode === 'cfb' ? (decrypt ? 'cfb-dec' : 'cfb-enc') : mode);
    return {
      update(chunk) {
        const out = new Uint8Array(chunk.length);
        ks.process(chunk, out);
        return out;
      },
      final() {
        ks.destroy();
        zeroize(rk);
      },
    };
  }
  const keys = decrypt ? reverseRoundKeys(rk) : rk;
  const st = iv
    ? Int32Array.of(readWord(iv, 0), readWord(iv, 4), readWord(iv, 8), readWord(iv, 12))
    : new Int32Array(4);
  const buf = new Uint8Array(16);
  let have = 0;
  const blocks = (src: Uint8Array, dst: Uint8Array, len: number) => {
    if (mode === 'ecb') ecbBlocks(keys, src, dst, len);
    else (decrypt ? cbcDecryptBlocks : cbcEncryptBlocks)(keys, st, src, dst, len);
  };
  return {
    update(chunk) {
      const total = have + chunk.length;
      const outLen = total - (total % 16);
      const out = new Uint8Array(outLen);
      let i = 0,
        o = 0;
      if (have > 0) {
        const take = Math.min(16 - have, chunk.length);
        buf.set(chunk.subarray(0, take), have);
        have += take;
        i = take;
        if (have < 16) return out;
        blocks(buf, out, 16);
        o = 16;
        have = 0;
      }
      const whole = chunk.length - i - ((chunk.length - i) % 16);
      blocks(chunk.subarray(i, i + whole), out.subarray(o), whole);
      i += whole;
      if (i < chunk.length) {
        buf.set(chunk.subarray(i));
        have = chunk.length - i;
      }
      return out;
    },
    final() {
      const partial = have !== 0;
      zeroize(rk, keys, st, buf);
      if (partial) throw notBlockMultiple();
    },
  };
}

function nativeEngine(
  mode: StreamMode,
  key: Uint8Array,
  iv: Uint8Array | null,
  decrypt: boolean,
): Engine {
  const c = nodeCrypto()!;
  const ctx = decrypt
    ? c.createDecipheriv(`sm4-${mode}`, key, iv)
    : c.createCipheriv(`sm4-${mode}`, key, iv);
  ctx.setAutoPadding(false);
  return {
    update: (chunk) => ctx.update(chunk),
    final() {
      try {
        ctx.final();
      } catch {
        throw notBlockMultiple(); // OpenSSL's only failure here without padding: a partial block
      }
    },
  };
}

/**
 * An incremental SM4 cipher for a classic mode.
 * @example
 * const s = stream('cbc', key, iv)            // encrypt with PKCS#7
 * const parts = [s.update(chunk1), s.update(chunk2), s.final()]
 * const d = stream('cbc', key, iv, { decrypt: true })
 */
export function stream(
  mode: StreamMode,
  key: Uint8Array,
  iv: Uint8Array | null,
  opts?: StreamOptions,
): CipherStream {
  aoneOf(mode, 'mode', ['ecb', 'cbc', 'ctr', 'cfb', 'ofb'] as const);
  const k = new Uint8Array(akey(key));
  let ivc: Uint8Array | null = null;
  if (mode === 'ecb') {
    if (iv !== null && iv !== undefined)
      throw new BukejianError('IV_LENGTH', '"iv" expected null for ECB, got a value');
  } else {
    ivc = new Uint8Array(abytes(iv, 'iv', 16, 'IV_LENGTH'));
  }
  const o = aoptions(opts, 'opts', ['decrypt', 'padding', 'backend']);
  const decrypt = o.decrypt === undefined ? false : o.decrypt;
  if (typeof decrypt !== 'boolean')
    throw new BukejianError('INVALID_OPTION', '"decrypt" expected boolean, got other');
  const blockMode = mode === 'ecb' || mode === 'cbc';
  const padding =
    o.padding === undefined
      ? blockMode
        ? 'pkcs7'
        : 'none'
      : aoneOf(o.padding, 'padding', ['pkcs7', 'none'] as const);
  if (!blockMode && padding !== 'none')
    throw new BukejianError('INVALID_OPTION', `"padding" expected 'none' for ${mode}, got 'pkcs7'`);
  const backend = backendOption(o.backend);
  const engine =
    backend === 'auto' && hasNativeCipher(`sm4-${mode}`)
      ? nativeEngine(mode, k, ivc, decrypt)
      : jsEngine(mode, k, ivc, decrypt);
  zeroize(k);
  let total = 0;
  let held: Uint8Array = new Uint8Array(0); // decrypt + pkcs7: the last block output so far
  let done = false;
  const live = () => {
    if (done)
      throw new BukejianError(
        'BAD_STATE',
        '"stream" expected an unfinished stream, got final() already called',
      );
  };
  return Object.freeze({
    update(chunk: Uint8Array): Uint8Array {
      live();
      abytes(chunk, 'chunk');
      total += chunk.length;
      const out = engine.update(chunk);
      if (!(decrypt && padding === 'pkcs7')) return out;
      // release everything except the last (possibly padding) block
      if (out.length === 0) return out;
      const all = new Uint8Array(held.length + out.length);
      all.set(held);
      all.set(out, held.length);
      held = all.slice(all.length - 16);
      return all.subarray(0, all.length - 16);
    },
    final(): Uint8Array {
      live();
      done = true;
      if (padding === 'pkcs7' && !decrypt) {
        const n = 16 - (total % 16);
        const tail = engine.update(new Uint8Array(n).fill(n));
        engine.final();
        return tail;
      }
      engine.final();
      if (padding === 'pkcs7') {
        if (held.length === 0)
          throw new BukejianError(
            'DATA_LENGTH',
            '"ciphertext" expected a non-zero multiple of 16 bytes, got length=0',
          );
        let n: number;
        try {
          n = unpadLength(held);
        } catch (e) {
          zeroize(held); // the held-back block is not released
          throw e;
        }
        return held.subarray(0, n);
      }
      return new Uint8Array(0);
    },
  });
}
