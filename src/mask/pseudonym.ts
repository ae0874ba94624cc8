/**
 * Keyed pseudonyms (GB/T 37964-2019 §A.4 假名化 with a keyed one-way function): HMAC-SM3 with
 * domain separation, so one secret key per agency serves any number of purposes whose
 * pseudonyms cannot be joined with each other.
 *
 *   k_domain  = HMAC-SM3(key, "bukejian/pseudonym/v1" ‖ 0x00 ‖ domain)
 *   pseudonym = format(HMAC-SM3(k_domain, normalize(value)))
 *
 * Why keyed: the space of ID numbers is tiny (about 3,000 areas × 40,000 birth dates × 1,000
 * sequences ≈ 10^11, a tenth of that after the check character), so `SM3(id)` is inverted by
 * hashing every candidate in minutes on one GPU or a few hours on a laptop. Without the key
 * nobody can compute even one candidate's pseudonym, so the dictionary attack needs the key;
 * keep it in a KMS/HSM and rotate it per release when joins across releases are not wanted.
 * @module
 */
import { BukejianError } from '../errors.js';
import { hmacSm3, type Mac } from '../sm3.js';
import { bytesToHex, concatBytes, utf8ToBytes, zeroize } from '../utils.js';
import { abytes, anumber, aoneOf, aoptions, astring, isBytes } from '../_assert.js';
import { normalizeId, toHalfWidth } from './normalize.js';

/** Output encodings. */
export type PseudonymFormat = 'hex' | 'base32' | 'numeric';

/** Options of {@link pseudonymize} / {@link createPseudonymizer}. */
export interface PseudonymOptions {
  /** Domain separation label (agency, purpose, release), e.g. `'tax/2026'`. Required. */
  domain: string;
  /** `hex` (default), `base32` (RFC 4648 lower case, no padding) or `numeric` (decimal digits). */
  format?: PseudonymFormat;
  /** Output length in characters: hex 16–64 (default 32), base32 13–52 (default 26), numeric 16–60 (default 20). */
  length?: number;
  /**
   * How string values are normalized first: `text` (default: half-width, trimmed), `id`
   * (also upper case, spaces and `-` removed: ID numbers, cards, phones), or `none`.
   */
  normalize?: 'text' | 'id' | 'none';
}

/** Output lengths per format: [min, max, default]. @example PSEUDONYM_LENGTHS.hex // [16, 64, 32] */
export const PSEUDONYM_LENGTHS: Readonly<
  Record<PseudonymFormat, readonly [number, number, number]>
> = /* @__PURE__ */ Object.freeze({
  hex: Object.freeze([16, 64, 32] as const),
  base32: Object.freeze([13, 52, 26] as const),
  numeric: Object.freeze([16, 60, 20] as const),
});
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
const LABEL = /* @__PURE__ */ utf8ToBytes('bukejian/pseudonym/v1\0');

function base32(b: Uint8Array, len: number): string {
  let out = '',
    acc = 0,
    bits = 0;
  for (let i = 0; i < b.length && out.length < len; i++) {
    acc = ((acc << 8) | b[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < len) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (out.length < len && bits > 0) out += B32[(acc << (5 - bits)) & 31]; // final partial group, zero-padded
  return out;
}

function numeric(b: Uint8Array, len: number): string {
  // 256-bit value mod 10^len: bias at most 10^len / 2^256 ≤ 10^60 / 2^256 < 2^-56.
  let n = 0n;
  for (let i = 0; i < b.length; i++) n = (n << 8n) | BigInt(b[i]!);
  return (n % 10n ** BigInt(len)).toString().padStart(len, '0');
}

/** A pseudonym function bound to one key and domain (the per-domain key is derived once). */
export interface Pseudonymizer {
  (value: string | Uint8Array): string;
  /** Wipes the derived key; later calls throw BAD_STATE. */
  destroy(): void;
}

/**
 * Binds a key (≥ 16 bytes, secret) and a domain; returns a fast pseudonym function.
 * @example
 * const p = createPseudonymizer(key, { domain: 'health/2026', format: 'base32' })
 * p('11010519491231002X') // same input, same key, same domain → same pseudonym
 */
export function createPseudonymizer(key: Uint8Array, opts: PseudonymOptions): Pseudonymizer {
  abytes(key, 'key');
  if (key.length < 16)
    throw new BukejianError(
      'KEY_LENGTH',
      `"key" expected Uint8Array of length >= 16, got length=${key.length}`,
    );
  const o = aoptions(opts, 'opts', ['domain', 'format', 'length', 'normalize']);
  const domain = astring(o.domain, 'domain');
  if (!domain)
    throw new BukejianError('INVALID_OPTION', '"domain" expected a non-empty string, got empty');
  const format =
    o.format === undefined ? 'hex' : aoneOf(o.format, 'format', ['hex', 'base32', 'numeric']);
  const [min, max, def] = PSEUDONYM_LENGTHS[format];
  const length = o.length === undefined ? def : anumber(o.length, 'length', min, max);
  const norm =
    o.normalize === undefined ? 'text' : aoneOf(o.normalize, 'normalize', ['text', 'id', 'none']);
  const dk = hmacSm3(concatBytes(LABEL, utf8ToBytes(domain)), key);
  let base: Mac | null = hmacSm3.create(dk);
  zeroize(dk);
  const fn = (value: string | Uint8Array): string => {
    if (!base)
      throw new BukejianError(
        'BAD_STATE',
        '"pseudonymizer" expected a live instance, got destroy() already called',
      );
    let msg: Uint8Array;
    if (isBytes(value)) msg = value;
    else {
      astring(value, 'value');
      msg = utf8ToBytes(
        norm === 'none'
          ? value
          : norm === 'id'
            ? normalizeId(value).replace(/[ -]/g, '')
            : toHalfWidth(value).trim(),
      );
    }
    const d = base.clone().update(msg).digest();
    const out =
      format === 'hex'
        ? bytesToHex(d).slice(0, length)
        : format === 'base32'
          ? base32(d, length)
          : numeric(d, length);
    zeroize(d);
    return out;
  };
  return Object.assign(fn, {
    destroy(): void {
      base?.destroy();
      base = null;
    },
  });
}

/**
 * One keyed pseudonym (derives the domain key each call: use {@link createPseudonymizer} in loops).
 * @example pseudonymize('13812345678', key, { domain: 'transport', format: 'numeric', length: 20 })
 */
export function pseudonymize(
  value: string | Uint8Array,
  key: Uint8Array,
  opts: PseudonymOptions,
): string {
  const p = createPseudonymizer(key, opts);
  try {
    return p(value);
  } finally {
    p.destroy();
  }
}
