/**
 * The public classic modes `sm4.ecb`, `sm4.cbc`, `sm4.ctr`, `sm4.cfb`, `sm4.ofb`
 * (GB/T 17964-2021 / NIST SP 800-38A; PKCS#7 per RFC 5652 §6.3), each returning
 * `{ encrypt, decrypt }`.
 *
 * Backend: with `backend: 'auto'` (default) inputs of at least 1 KiB (`NATIVE_THRESHOLD`)
 * go to node:crypto (`sm4-ecb/cbc/ctr/cfb/ofb`, OpenSSL) when it exists; `'js'` forces the pure
 * TypeScript code. Both give byte-identical results (tested), and PKCS#7 removal is done by the
 * same JS check either way, so failures carry the same error code.
 * @module
 */
import { BukejianError } from '../errors.js';
import { backendOption, hasNativeCipher, nodeCrypto, type Backend } from '../native.js';
import { zeroize } from '../utils.js';
import { abytes, aoneOf, aoptions, toBytes, type Input } from '../_assert.js';
import { expandKey, readWord, reverseRoundKeys } from './cipher.js';
import {
  cbcDecryptBlocks,
  cbcEncryptBlocks,
  ecbBlocks,
  Keystream,
  type KeystreamKind,
} from './modes.js';
import { unpadLength } from './padding.js';

/**
 * One-shot calls on at least this many bytes use node:crypto under `backend: 'auto'`. Below it
 * the cost of creating an OpenSSL cipher context exceeds the pure-TS work (measured on Node 20,
 * x64: the two break even between 512 and 1024 bytes for CBC and CTR). Internal (a tuning
 * constant, not an API): `sm4.ctr(key, iv).encrypt(new Uint8Array(1024))` goes to OpenSSL under Node.
 */
const NATIVE_THRESHOLD = 1024;

/** A cipher instance: `encrypt` and `decrypt` return new arrays and never modify their input. */
export interface Cipher {
  /** Encrypts `plaintext` (a string is UTF-8). */
  encrypt(plaintext: Input): Uint8Array;
  /** Decrypts; throws a BukejianError (DATA_LENGTH, BAD_PADDING) and returns no partial output on failure. */
  decrypt(ciphertext: Uint8Array): Uint8Array;
}

/** Options of `sm4.ecb` and `sm4.cbc`. */
export interface BlockModeOptions {
  /** `'pkcs7'` (default) or `'none'` (input must then be a multiple of 16 bytes). */
  padding?: 'pkcs7' | 'none';
  /** `'auto'` (default): node:crypto for large inputs where available; `'js'`: pure TypeScript. */
  backend?: Backend;
}

/** Options of `sm4.ctr`, `sm4.cfb`, `sm4.ofb`. */
export interface StreamModeOptions {
  backend?: Backend;
}

/** Validates a key (16 bytes → KEY_LENGTH) and returns it. @example const k = akey(key) */
export function akey(key: unknown): Uint8Array {
  return abytes(key, 'key', 16, 'KEY_LENGTH');
}

function aiv(iv: unknown): Uint8Array {
  return abytes(iv, 'iv', 16, 'IV_LENGTH');
}

function useNative(backend: Backend, name: string, len: number): boolean {
  return backend === 'auto' && len >= NATIVE_THRESHOLD && hasNativeCipher(name);
}

/** node:crypto one-shot without padding; returns a fresh Uint8Array. */
function nativeRun(
  name: string,
  key: Uint8Array,
  iv: Uint8Array | null,
  data: Uint8Array,
  decrypt: boolean,
  autoPad = false,
): Uint8Array {
  const c = nodeCrypto()!;
  const ctx = decrypt ? c.createDecipheriv(name, key, iv) : c.createCipheriv(name, key, iv);
  ctx.setAutoPadding(autoPad);
  const a = ctx.update(data);
  const b = ctx.final();
  if (b.length === 0 && a.byteOffset === 0 && a.buffer.byteLength === a.length) {
    return new Uint8Array(a.buffer, 0, a.length); // exclusively owned: no copy needed
  }
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// Scratch round keys for one-shot calls (synchronous, single-threaded realm): no allocation per
// call; wiped before each call returns.
const RK = /* @__PURE__ */ new Int32Array(32);
const DRK = /* @__PURE__ */ new Int32Array(32);

function blockMode(
  mode: 'ecb' | 'cbc',
  key: Uint8Array,
  iv: Uint8Array | null,
  opts: BlockModeOptions | undefined,
): Cipher {
  const o = aoptions(opts, 'opts', ['padding', 'backend']);
  const padding =
    o.padding === undefined ? 'pkcs7' : aoneOf(o.padding, 'padding', ['pkcs7', 'none'] as const);
  const backend = backendOption(o.backend);
  const k = new Uint8Array(key);
  const ivc = iv ? new Uint8Array(iv) : null;
  const name = `sm4-${mode}`;
  /** Encrypts/decrypts `buf` (whole blocks) in place with the JS code. */
  const jsInPlace = (buf: Uint8Array, decrypt: boolean): Uint8Array => {
    const rk = expandKey(k, RK);
    const keys = decrypt ? reverseRoundKeys(rk, DRK) : rk;
    if (mode === 'ecb') ecbBlocks(keys, buf, buf, buf.length);
    else {
      const st = Int32Array.of(
        readWord(ivc!, 0),
        readWord(ivc!, 4),
        readWord(ivc!, 8),
        readWord(ivc!, 12),
      );
      (decrypt ? cbcDecryptBlocks : cbcEncryptBlocks)(keys, st, buf, buf, buf.length);
      zeroize(st);
    }
    zeroize(RK, DRK);
    return buf;
  };
  const run = (data: Uint8Array, decrypt: boolean): Uint8Array => {
    if (useNative(backend, name, data.length)) return nativeRun(name, k, ivc, data, decrypt);
    return jsInPlace(new Uint8Array(data), decrypt);
  };
  return Object.freeze({
    encrypt(plaintext: Input): Uint8Array {
      const p = toBytes(plaintext, 'plaintext');
      if (padding === 'none') {
        if (p.length % 16)
          throw new BukejianError(
            'DATA_LENGTH',
            `"plaintext" expected a multiple of 16 bytes with padding 'none', got length=${p.length}`,
          );
        return run(p, false);
      }
      if (useNative(backend, name, p.length)) return nativeRun(name, k, ivc, p, false, true);
      // PKCS#7: pad straight into the output buffer, then encrypt in place
      const n = 16 - (p.length % 16);
      const buf = new Uint8Array(p.length + n);
      buf.set(p);
      buf.fill(n, p.length);
      return jsInPlace(buf, false);
    },
    decrypt(ciphertext: Uint8Array): Uint8Array {
      const c = abytes(ciphertext, 'ciphertext');
      if (c.length % 16 || (padding === 'pkcs7' && c.length === 0)) {
        throw new BukejianError(
          'DATA_LENGTH',
          `"ciphertext" expected a ${padding === 'pkcs7' ? 'non-zero ' : ''}multiple of 16 bytes, got length=${c.length}`,
        );
      }
      const out = run(c, true);
      if (padding === 'none') return out;
      let n: number;
      try {
        n = unpadLength(out);
      } catch (e) {
        zeroize(out); // no partial plaintext
        throw e;
      }
      return out.subarray(0, n);
    },
  });
}

function streamMode(
  mode: 'ctr' | 'cfb' | 'ofb',
  key: Uint8Array,
  iv: Uint8Array,
  opts: StreamModeOptions | undefined,
): Cipher {
  const backend = backendOption(aoptions(opts, 'opts', ['backend']).backend);
  const k = new Uint8Array(key);
  const ivc = new Uint8Array(iv);
  const name = `sm4-${mode}`;
  const run = (data: Uint8Array, decrypt: boolean): Uint8Array => {
    if (useNative(backend, name, data.length)) return nativeRun(name, k, ivc, data, decrypt);
    const kind: KeystreamKind = mode === 'cfb' ? (decrypt ? 'cfb-dec' : 'cfb-enc') : mode;
    const ks = new Keystream(expandKey(k, RK), ivc, kind);
    const out = new Uint8Array(data);
    ks.process(out, out);
    ks.destroy();
    zeroize(RK);
    return out;
  };
  return Object.freeze({
    encrypt: (plaintext: Input): Uint8Array => run(toBytes(plaintext, 'plaintext'), false),
    decrypt: (ciphertext: Uint8Array): Uint8Array => run(abytes(ciphertext, 'ciphertext'), true),
  });
}

/**
 * SM4-ECB. Each block is encrypted alone, so equal blocks give equal ciphertext: use only for
 * single random blocks (keys), never for messages.
 * @example const ct = ecb(key).encrypt(block16) // 32 bytes with the default PKCS#7 padding
 */
export function ecb(key: Uint8Array, opts?: BlockModeOptions): Cipher {
  return blockMode('ecb', akey(key), null, opts);
}

/**
 * SM4-CBC with PKCS#7 padding by default (`padding: 'none'` for whole blocks). CBC has no
 * integrity: prefer `sm4.gcm` unless a peer requires CBC.
 * @example const ct = cbc(key, iv).encrypt('申请编号 2026-0001'); cbc(key, iv).decrypt(ct)
 */
export function cbc(key: Uint8Array, iv: Uint8Array, opts?: BlockModeOptions): Cipher {
  return blockMode('cbc', akey(key), aiv(iv), opts);
}

/**
 * SM4-CTR: the 16-byte `iv` is the initial counter block, incremented as a 128-bit big-endian
 * integer (wrapping at 2^128). Any length; never reuse a key+iv pair.
 * @example const ct = ctr(key, iv).encrypt(data)
 */
export function ctr(key: Uint8Array, iv: Uint8Array, opts?: StreamModeOptions): Cipher {
  return streamMode('ctr', akey(key), aiv(iv), opts);
}

/** SM4-CFB (CFB-128). Any length. @example const ct = cfb(key, iv).encrypt(data) */
export function cfb(key: Uint8Array, iv: Uint8Array, opts?: StreamModeOptions): Cipher {
  return streamMode('cfb', akey(key), aiv(iv), opts);
}

/** SM4-OFB. Any length. @example const ct = ofb(key, iv).encrypt(data) */
export function ofb(key: Uint8Array, iv: Uint8Array, opts?: StreamModeOptions): Cipher {
  return streamMode('ofb', akey(key), aiv(iv), opts);
}
