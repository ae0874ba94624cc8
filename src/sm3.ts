/**
 * SM3 cryptographic hash (GB/T 32905-2016, GM/T 0004-2012), HMAC-SM3 (RFC 2104 / GM/T 0042) and
 * the key derivation function of GB/T 32918.4-2016 §5.4.3.
 *
 * The compression function is a straight transcription of GB/T 32905 §5.3 on 32-bit words.
 * With `backend: 'auto'` (default) one-shot inputs of at least 1 KiB go to `node:crypto` when it
 * has SM3; the result is byte-identical either way. The message schedule W/W' (scratch shared by
 * all hashes) is wiped at the end of every `update` that compressed a block and at `digest`.
 * @module
 */
import { BukejianError } from './errors.js';
import { hasNativeHash, nodeCrypto, backendOption, type Backend } from './native.js';
import { zeroize } from './utils.js';
import { abytes, anumber, aoptions, toBytes, type Input } from './_assert.js';

/** One-shot calls on inputs at least this long use node:crypto under `backend: 'auto'`. */
const NATIVE_THRESHOLD = 1024;

const BLOCK = 64;
/** The message schedule W (68 words; W' is computed on the fly), scratch shared by all hashes. */
const SCHEDULE = /* @__PURE__ */ new Int32Array(68);
const IV = /* @__PURE__ */ Uint32Array.from([
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
]);
/**
 * The compression function and its tables live in one closure. The bundler turns module-level
 * `const` into `var`, and V8 then compiles the table accesses about 25 % slower; `const` bindings
 * inside a function are kept as they are. The schedule comes in as a parameter (a local binding
 * too) so that {@link wipeSchedule} can clear it from outside.
 */
const compress = /* @__PURE__ */ ((W: Int32Array) => {
  // T_j <<< (j mod 32), precomputed (GB/T 32905 §4.2, §5.3.3).
  const TJ = /* @__PURE__ */ (() => {
    const t = new Int32Array(64);
    for (let j = 0; j < 64; j++) {
      const T = j < 16 ? 0x79cc4519 : 0x7a879d8a;
      const r = j % 32;
      t[j] = r === 0 ? T : (T << r) | (T >>> (32 - r));
    }
    return t;
  })();

  /** The SM3 compression function CF(V, B) on the block at `buf[off..off+64)`, in place on `v`. */
  function compress(v: Int32Array, buf: Uint8Array, off: number): void {
    const w = W,
      tj = TJ;
    for (let i = 0; i < 16; i++, off += 4) {
      w[i] = (buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!;
    }
    // Message expansion (§5.3.2) with the rotations written out: P1(x) = x ⊕ (x <<< 15) ⊕ (x <<< 23).
    for (let j = 16; j < 68; j++) {
      const x = w[j - 16]! ^ w[j - 9]! ^ ((w[j - 3]! << 15) | (w[j - 3]! >>> 17));
      w[j] =
        x ^
        ((x << 15) | (x >>> 17)) ^
        ((x << 23) | (x >>> 9)) ^
        ((w[j - 13]! << 7) | (w[j - 13]! >>> 25)) ^
        w[j - 6]!;
    }
    let A = v[0]!,
      B = v[1]!,
      C = v[2]!,
      D = v[3]!,
      E = v[4]!,
      F = v[5]!,
      G = v[6]!,
      H = v[7]!;
    // Rounds unrolled by 8 with the registers renamed instead of shifted (as GmSSL does): one round
    // writes TT1 into H's slot and P0(TT2) into D's, rotates B and F in place, and the next round
    // reads (H, A, B, C, D, E, F, G) as its (A..H). FF/GG are the j < 16 and j ≥ 16 forms of §4.3,
    // FF1 = (A∧B)∨(C∧(A∨B)) and GG1 = G⊕(E∧(F⊕G)) being the same Boolean functions.
    let j = 0,
      a12 = 0,
      t = 0,
      SS1 = 0,
      TT2 = 0,
      w0 = 0;
    for (let r = 0; r < 2; r++) {
      a12 = (A << 12) | (A >>> 20);
      t = (a12 + E + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (E ^ F ^ G) + H + SS1 + w0;
      H = ((A ^ B ^ C) + D + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      B = (B << 9) | (B >>> 23);
      F = (F << 19) | (F >>> 13);
      D = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (H << 12) | (H >>> 20);
      t = (a12 + D + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (D ^ E ^ F) + G + SS1 + w0;
      G = ((H ^ A ^ B) + C + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      A = (A << 9) | (A >>> 23);
      E = (E << 19) | (E >>> 13);
      C = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (G << 12) | (G >>> 20);
      t = (a12 + C + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (C ^ D ^ E) + F + SS1 + w0;
      F = ((G ^ H ^ A) + B + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      H = (H << 9) | (H >>> 23);
      D = (D << 19) | (D >>> 13);
      B = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (F << 12) | (F >>> 20);
      t = (a12 + B + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (B ^ C ^ D) + E + SS1 + w0;
      E = ((F ^ G ^ H) + A + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      G = (G << 9) | (G >>> 23);
      C = (C << 19) | (C >>> 13);
      A = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (E << 12) | (E >>> 20);
      t = (a12 + A + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (A ^ B ^ C) + D + SS1 + w0;
      D = ((E ^ F ^ G) + H + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      F = (F << 9) | (F >>> 23);
      B = (B << 19) | (B >>> 13);
      H = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (D << 12) | (D >>> 20);
      t = (a12 + H + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (H ^ A ^ B) + C + SS1 + w0;
      C = ((D ^ E ^ F) + G + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      E = (E << 9) | (E >>> 23);
      A = (A << 19) | (A >>> 13);
      G = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (C << 12) | (C >>> 20);
      t = (a12 + G + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (G ^ H ^ A) + B + SS1 + w0;
      B = ((C ^ D ^ E) + F + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      D = (D << 9) | (D >>> 23);
      H = (H << 19) | (H >>> 13);
      F = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (B << 12) | (B >>> 20);
      t = (a12 + F + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (F ^ G ^ H) + A + SS1 + w0;
      A = ((B ^ C ^ D) + E + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      C = (C << 9) | (C >>> 23);
      G = (G << 19) | (G >>> 13);
      E = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
    }
    for (let r = 0; r < 6; r++) {
      a12 = (A << 12) | (A >>> 20);
      t = (a12 + E + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (G ^ (E & (F ^ G))) + H + SS1 + w0;
      H = (((A & B) | (C & (A | B))) + D + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      B = (B << 9) | (B >>> 23);
      F = (F << 19) | (F >>> 13);
      D = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (H << 12) | (H >>> 20);
      t = (a12 + D + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (F ^ (D & (E ^ F))) + G + SS1 + w0;
      G = (((H & A) | (B & (H | A))) + C + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      A = (A << 9) | (A >>> 23);
      E = (E << 19) | (E >>> 13);
      C = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (G << 12) | (G >>> 20);
      t = (a12 + C + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (E ^ (C & (D ^ E))) + F + SS1 + w0;
      F = (((G & H) | (A & (G | H))) + B + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      H = (H << 9) | (H >>> 23);
      D = (D << 19) | (D >>> 13);
      B = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (F << 12) | (F >>> 20);
      t = (a12 + B + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (D ^ (B & (C ^ D))) + E + SS1 + w0;
      E = (((F & G) | (H & (F | G))) + A + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      G = (G << 9) | (G >>> 23);
      C = (C << 19) | (C >>> 13);
      A = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (E << 12) | (E >>> 20);
      t = (a12 + A + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (C ^ (A & (B ^ C))) + D + SS1 + w0;
      D = (((E & F) | (G & (E | F))) + H + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      F = (F << 9) | (F >>> 23);
      B = (B << 19) | (B >>> 13);
      H = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (D << 12) | (D >>> 20);
      t = (a12 + H + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (B ^ (H & (A ^ B))) + C + SS1 + w0;
      C = (((D & E) | (F & (D | E))) + G + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      E = (E << 9) | (E >>> 23);
      A = (A << 19) | (A >>> 13);
      G = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (C << 12) | (C >>> 20);
      t = (a12 + G + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (A ^ (G & (H ^ A))) + B + SS1 + w0;
      B = (((C & D) | (E & (C | D))) + F + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      D = (D << 9) | (D >>> 23);
      H = (H << 19) | (H >>> 13);
      F = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
      a12 = (B << 12) | (B >>> 20);
      t = (a12 + F + tj[j]!) | 0;
      SS1 = (t << 7) | (t >>> 25);
      w0 = w[j]!;
      TT2 = (H ^ (F & (G ^ H))) + A + SS1 + w0;
      A = (((B & C) | (D & (B | C))) + E + (SS1 ^ a12) + (w0 ^ w[j + 4]!)) | 0;
      C = (C << 9) | (C >>> 23);
      G = (G << 19) | (G >>> 13);
      E = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
      j++;
    }
    v[0] ^= A;
    v[1] ^= B;
    v[2] ^= C;
    v[3] ^= D;
    v[4] ^= E;
    v[5] ^= F;
    v[6] ^= G;
    v[7] ^= H;
  }
  return compress;
})(SCHEDULE);

/** Zeroes the message schedule (it holds words derived from the last block hashed). */
function wipeSchedule(): void {
  SCHEDULE.fill(0);
}

/** A streaming hash object: `update` any number of times, then `digest` once. */
export interface Hash {
  /** Absorbs more input (a string is UTF-8). Returns `this` for chaining. */
  update(data: Input): Hash;
  /** Finishes and returns the 32-byte digest; the object cannot be used afterwards. */
  digest(): Uint8Array;
  /** An independent copy of the current state. */
  clone(): Hash;
  /** Wipes the internal state. */
  destroy(): void;
  readonly blockLen: number;
  readonly outputLen: number;
}

class Sm3Js implements Hash {
  readonly blockLen = BLOCK;
  readonly outputLen = 32;
  private v = new Int32Array(IV);
  private buf = new Uint8Array(BLOCK);
  private pos = 0;
  private length = 0; // total bytes absorbed (safe integer: up to 2^53 bytes)
  private finished = false;

  update(data: Input): this {
    if (this.absorb(toBytes(data))) wipeSchedule();
    return this;
  }

  /**
   * `update` without the schedule wipe, for a one-shot hash whose `digest` (which wipes) follows
   * at once. True when a block was compressed.
   */
  absorb(d: Uint8Array): boolean {
    if (this.finished)
      throw new BukejianError(
        'BAD_STATE',
        '"hash" expected unfinished state, got digest() already called',
      );
    const { buf, v } = this;
    const len = d.length;
    this.length += len;
    let i = 0;
    if (this.pos > 0) {
      const take = Math.min(BLOCK - this.pos, len);
      buf.set(d.subarray(0, take), this.pos);
      this.pos += take;
      i = take;
      if (this.pos < BLOCK) return false;
      compress(v, buf, 0);
      this.pos = 0;
    }
    for (; len - i >= BLOCK; i += BLOCK) compress(v, d, i); // whole blocks straight from the input
    if (i < len) {
      buf.set(d.subarray(i), 0);
      this.pos = len - i;
    }
    return i > 0; // exactly when this call compressed a block
  }

  digest(): Uint8Array {
    if (this.finished)
      throw new BukejianError(
        'BAD_STATE',
        '"hash" expected unfinished state, got digest() already called',
      );
    this.finished = true;
    const { buf, v } = this;
    let pos = this.pos;
    buf[pos++] = 0x80;
    buf.fill(0, pos);
    if (pos > BLOCK - 8) {
      compress(v, buf, 0);
      buf.fill(0);
    }
    const bits = this.length * 8;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    buf[56] = hi >>> 24;
    buf[57] = hi >>> 16;
    buf[58] = hi >>> 8;
    buf[59] = hi;
    buf[60] = lo >>> 24;
    buf[61] = lo >>> 16;
    buf[62] = lo >>> 8;
    buf[63] = lo;
    compress(v, buf, 0);
    wipeSchedule();
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const x = v[i]!;
      out[4 * i] = x >>> 24;
      out[4 * i + 1] = x >>> 16;
      out[4 * i + 2] = x >>> 8;
      out[4 * i + 3] = x;
    }
    this.destroy();
    return out;
  }

  clone(): Sm3Js {
    const c = new Sm3Js();
    c.v.set(this.v);
    c.buf.set(this.buf);
    c.pos = this.pos;
    c.length = this.length;
    c.finished = this.finished;
    return c;
  }

  destroy(): void {
    this.finished = true;
    zeroize(this.v, this.buf);
  }
}

type NodeHash = ReturnType<NonNullable<ReturnType<typeof nodeCrypto>>['createHash']>;

class Sm3Native implements Hash {
  readonly blockLen = BLOCK;
  readonly outputLen = 32;
  private finished = false;
  constructor(private h: NodeHash) {}
  update(data: Input): this {
    if (this.finished)
      throw new BukejianError(
        'BAD_STATE',
        '"hash" expected unfinished state, got digest() already called',
      );
    this.h.update(toBytes(data));
    return this;
  }
  digest(): Uint8Array {
    if (this.finished)
      throw new BukejianError(
        'BAD_STATE',
        '"hash" expected unfinished state, got digest() already called',
      );
    this.finished = true;
    const b = this.h.digest();
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }
  clone(): Sm3Native {
    if (this.finished)
      throw new BukejianError(
        'BAD_STATE',
        '"hash" expected unfinished state, got digest() already called',
      );
    return new Sm3Native(this.h.copy());
  }
  destroy(): void {
    this.finished = true;
  }
}

/** Options of the SM3 functions. */
export interface Sm3Options {
  /** `'auto'` (default): node:crypto where it helps; `'js'`: pure TypeScript only. */
  backend?: Backend;
}

function useNative(opts: Sm3Options | undefined, len: number): boolean {
  const b = backendOption(aoptions(opts, 'opts', ['backend']).backend);
  return b === 'auto' && len >= NATIVE_THRESHOLD && hasNativeHash('sm3');
}

function createSm3(opts?: Sm3Options): Hash {
  const b = backendOption(aoptions(opts, 'opts', ['backend']).backend);
  // Streaming length is unknown up front: under 'auto' a native hash is used whenever it exists.
  if (b === 'auto' && hasNativeHash('sm3')) return new Sm3Native(nodeCrypto()!.createHash('sm3'));
  return new Sm3Js();
}

/**
 * SM3 digest (32 bytes) of `msg` (a string is hashed as UTF-8).
 * @example
 * bytesToHex(sm3('abc')) // '66c7f0f4...8f4ba8e0'
 * const h = sm3.create().update('a').update('bc').digest()
 */
export const sm3: {
  (msg: Input, opts?: Sm3Options): Uint8Array;
  /** A streaming SM3 hash. */
  create(opts?: Sm3Options): Hash;
  readonly blockLen: number;
  readonly outputLen: number;
} = /* @__PURE__ */ Object.freeze(
  Object.assign(
    (msg: Input, opts?: Sm3Options): Uint8Array => {
      const m = toBytes(msg, 'msg');
      if (useNative(opts, m.length)) {
        const b = nodeCrypto()!.createHash('sm3').update(m).digest();
        return new Uint8Array(b.buffer, b.byteOffset, b.length);
      }
      const h = new Sm3Js();
      h.absorb(m);
      return h.digest(); // digest wipes the schedule
    },
    { create: createSm3, blockLen: BLOCK, outputLen: 32 },
  ),
);

/** A streaming HMAC-SM3 computation. */
export interface Mac {
  /** Absorbs more message bytes (a string is UTF-8). Returns `this` for chaining. */
  update(data: Input): Mac;
  /** The 32-byte tag; the object cannot be used afterwards. */
  digest(): Uint8Array;
  /** An independent copy of the current state, e.g. to tag several messages sharing a prefix. */
  clone(): Mac;
  /** Wipes the keyed inner and outer hash states; call it when the MAC is abandoned unfinished. */
  destroy(): void;
}

class HmacSm3 implements Mac {
  private inner: Hash;
  private outer: Hash;
  constructor(key: Uint8Array | null, opts?: Sm3Options, inner?: Hash, outer?: Hash) {
    if (inner && outer) {
      this.inner = inner;
      this.outer = outer;
      return;
    }
    const k = abytes(key, 'key');
    const block = new Uint8Array(BLOCK);
    block.set(k.length > BLOCK ? sm3(k, opts) : k);
    for (let i = 0; i < BLOCK; i++) block[i] ^= 0x36;
    this.inner = new Sm3Js().update(block);
    for (let i = 0; i < BLOCK; i++) block[i] ^= 0x36 ^ 0x5c;
    this.outer = new Sm3Js().update(block);
    zeroize(block);
  }
  update(data: Input): this {
    this.inner.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.outer.update(this.inner.digest()).digest();
  }
  clone(): HmacSm3 {
    return new HmacSm3(null, undefined, this.inner.clone(), this.outer.clone());
  }
  destroy(): void {
    this.inner.destroy();
    this.outer.destroy();
  }
}

/**
 * HMAC-SM3 (RFC 2104 with SM3; GM/T 0042-2015). Keys of any length; the tag is 32 bytes.
 * Compare tags with `equalBytes` (constant time), or use {@link verifyHmacSm3}.
 * @example
 * const tag = hmacSm3('申请编号 2026-0001', key)                       // data first, key after
 * const mac = hmacSm3.create(key).update(part1).update(part2).digest() // a streaming MAC binds the key
 */
export const hmacSm3: {
  (msg: Input, key: Uint8Array, opts?: Sm3Options): Uint8Array;
  /** A streaming HMAC-SM3 (pure TypeScript). */
  create(key: Uint8Array): Mac;
} = /* @__PURE__ */ Object.freeze(
  Object.assign(
    (msg: Input, key: Uint8Array, opts?: Sm3Options): Uint8Array => {
      const m = toBytes(msg, 'msg');
      abytes(key, 'key');
      if (useNative(opts, m.length)) {
        const b = nodeCrypto()!.createHmac('sm3', key).update(m).digest();
        return new Uint8Array(b.buffer, b.byteOffset, b.length);
      }
      return new HmacSm3(key).update(m).digest();
    },
    { create: (key: Uint8Array): Mac => new HmacSm3(key) },
  ),
);

/** Options of {@link verifyHmacSm3}. */
export interface VerifyHmacOptions extends Sm3Options {
  /**
   * The tag length the verifier expects, 4..32 bytes (default 32, the full tag). A truncated tag
   * is checked against the leftmost `tagLength` bytes (GM/T 0042, Wycheproof). The length is the
   * verifier's choice, never the sender's: a tag of any other length is rejected, so an attacker
   * cannot shorten the tag to make forgery cheap.
   */
  tagLength?: number;
}

/**
 * Checks an HMAC-SM3 tag in constant time. The tag must be exactly `tagLength` bytes (default
 * 32); any other length returns false.
 * @example
 * if (!verifyHmacSm3(tag, msg, key)) throw new Error('tampered')
 * verifyHmacSm3(tag16, msg, key, { tagLength: 16 }) // a protocol that truncates to 128 bits
 */
export function verifyHmacSm3(
  tag: Uint8Array,
  msg: Input,
  key: Uint8Array,
  opts?: VerifyHmacOptions,
): boolean {
  abytes(tag, 'tag');
  const o = aoptions(opts, 'opts', ['backend', 'tagLength']);
  const tagLength = o.tagLength === undefined ? 32 : anumber(o.tagLength, 'tagLength', 4, 32);
  const full = hmacSm3(msg, key, o.backend === undefined ? undefined : { backend: o.backend });
  if (tag.length !== tagLength) return false;
  let diff = 0;
  for (let i = 0; i < tagLength; i++) diff |= full[i]! ^ tag[i]!;
  zeroize(full);
  return diff === 0;
}

/**
 * The key derivation function of GB/T 32918.4-2016 §5.4.3:
 * `K = SM3(Z ‖ ct=1) ‖ SM3(Z ‖ ct=2) ‖ …`, truncated to `byteLength` bytes (32-bit big-endian counter).
 * @example const k = kdf(concatBytes(x2, y2), 16)
 */
export function kdf(z: Uint8Array, byteLength: number): Uint8Array {
  abytes(z, 'z');
  anumber(byteLength, 'byteLength', 0, 2 ** 32 - 1);
  const out = new Uint8Array(byteLength);
  const base = new Sm3Js().update(z);
  const ct = new Uint8Array(4);
  for (let i = 0, c = 1; i < byteLength; i += 32, c++) {
    ct[0] = c >>> 24;
    ct[1] = c >>> 16;
    ct[2] = c >>> 8;
    ct[3] = c;
    const d = base.clone().update(ct).digest();
    out.set(byteLength - i >= 32 ? d : d.subarray(0, byteLength - i), i);
  }
  base.destroy();
  return out;
}
