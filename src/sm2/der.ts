/**
 * Strict DER (ITU-T X.690 §10) for the few ASN.1 shapes SM2 needs: SEQUENCE, INTEGER (non-negative),
 * OCTET STRING, BIT STRING, OBJECT IDENTIFIER and context-specific [n] wrappers. The reader
 * accepts only the canonical encoding (definite minimal lengths, minimal INTEGERs, no trailing
 * bytes) and throws INVALID_ENCODING for anything else.
 * @module
 */
import { BukejianError } from '../errors.js';
import { bytesToHex, concatBytes } from '../utils.js';

/**
 * ASN.1 tags used here.
 * @example new DerReader(der).read(TAG.OCTET_STRING)
 */
export const TAG = Object.freeze({
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
});

function bad(what: string): never {
  throw new BukejianError('INVALID_ENCODING', `"der" expected canonical DER, got ${what}`);
}

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Encodes one TLV. @example tlv(TAG.OCTET_STRING, data) */
export function tlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(value.length), value);
}

/** Minimal DER INTEGER of a non-negative bigint. @example derInteger(5n) // 02 01 05 */
export function derInteger(n: bigint): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex;
  const v = new Uint8Array(hex.length / 2);
  for (let i = 0; i < v.length; i++) v[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return tlv(TAG.INTEGER, v);
}

/**
 * A SEQUENCE of already encoded elements.
 * @example derSequence(derInteger(r), derInteger(s))
 */
export function derSequence(...items: Uint8Array[]): Uint8Array {
  return tlv(TAG.SEQUENCE, concatBytes(...items));
}

/**
 * Encodes a dotted OID such as `1.2.156.10197.1.301`.
 * @example derOid('1.2.156.10197.1.301') // 06 08 2a 81 1c cf 55 01 82 2d
 */
export function derOid(oid: string): Uint8Array {
  const parts = oid.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const b: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) b.unshift(0x80 | (v & 0x7f));
    out.push(...b);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

/**
 * A cursor over DER bytes; every read checks bounds and canonical form.
 * @example const seq = new DerReader(sig).sequence(); const r = seq.integer(); const s = seq.integer(); seq.end()
 */
export class DerReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  /** True when every byte has been consumed. */
  get done(): boolean {
    return this.pos === this.buf.length;
  }

  /** Throws unless every byte has been consumed (no trailing data). */
  end(): void {
    if (!this.done) bad('trailing bytes');
  }

  /** Peeks the next tag (or -1 at the end). */
  peek(): number {
    return this.pos < this.buf.length ? this.buf[this.pos]! : -1;
  }

  /** Reads one TLV with the expected tag and returns its value bytes. */
  read(tag: number): Uint8Array {
    const b = this.buf;
    if (this.pos + 2 > b.length) bad('truncated element');
    if (b[this.pos] !== tag)
      bad(`tag 0x${b[this.pos]!.toString(16)} where 0x${tag.toString(16)} was expected`);
    let len = b[this.pos + 1]!;
    let p = this.pos + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4) bad('indefinite or oversized length');
      if (p + n > b.length) bad('truncated length');
      if (b[p] === 0) bad('non-minimal length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
      if (len < 0x80) bad('non-minimal length');
      p += n;
    }
    if (p + len > b.length) bad('truncated value');
    this.pos = p + len;
    return b.subarray(p, p + len);
  }

  /** Reads a SEQUENCE and returns a reader over its contents. */
  sequence(): DerReader {
    return new DerReader(this.read(TAG.SEQUENCE));
  }

  /**
   * Reads a non-negative minimal INTEGER of at most `maxBytes` content bytes (default 33: a
   * 256-bit value plus its sign byte). The cap is checked before any conversion, so an oversized
   * INTEGER from another party costs nothing (a byte-by-byte bigint build is quadratic).
   */
  integer(maxBytes = 33): bigint {
    const v = this.read(TAG.INTEGER);
    if (v.length === 0) bad('empty INTEGER');
    if (v.length > maxBytes) bad('oversized INTEGER');
    if (v[0]! & 0x80) bad('negative INTEGER');
    if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) bad('non-minimal INTEGER');
    return BigInt('0x' + bytesToHex(v));
  }

  /** Reads an OCTET STRING. */
  octets(): Uint8Array {
    return this.read(TAG.OCTET_STRING);
  }

  /** Reads a BIT STRING with no unused bits. */
  bits(): Uint8Array {
    const v = this.read(TAG.BIT_STRING);
    if (v.length < 1 || v[0] !== 0) bad('BIT STRING with unused bits');
    return v.subarray(1);
  }

  /** Reads an OBJECT IDENTIFIER and returns its dotted form. */
  oid(): string {
    const v = this.read(TAG.OID);
    if (v.length === 0) bad('empty OID');
    const parts: number[] = [];
    let acc = 0;
    for (let i = 0; i < v.length; i++) {
      if (acc === 0 && v[i] === 0x80) bad('non-minimal OID');
      acc = acc * 128 + (v[i]! & 0x7f);
      if (!(v[i]! & 0x80)) {
        parts.push(acc);
        acc = 0;
      } else if (i === v.length - 1) bad('truncated OID');
    }
    const first = parts.shift()!;
    const a = first < 80 ? Math.floor(first / 40) : 2;
    return [a, first - 40 * a, ...parts].join('.');
  }
}
