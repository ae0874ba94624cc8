/**
 * FF1 format-preserving encryption (NIST SP 800-38G Rev. 1, §5.1 Algorithms 7 and 8) as a generic
 * mode over any 128-bit block cipher given as `encryptBlock`. bukejian instantiates it with SM4
 * (see `fpe.ts`); the tests run it with AES from node:crypto on the NIST FF1-AES samples.
 *
 * Arithmetic: when radix^⌈n/2⌉ · 256 fits in a double exactly (< 2^53) the numerals are handled as
 * `number`s, otherwise as `bigint`s; both paths compute the same function.
 * Not constant time: running time depends on the lengths, and on the bigint path on the values.
 * @module
 */
import { BukejianError } from '../errors.js';
import { abytes, anumber } from '../_assert.js';

/** The block-cipher interface FF1 needs (bukejian/sm4 `block(key)` fits it). */
export interface BlockEncrypt {
  /** Encrypts one 16-byte block into `out` (which may be `block` itself); returns `out`. */
  encryptBlock(block: Uint8Array, out?: Uint8Array): Uint8Array;
}

/** An FF1 instance: numeral strings (arrays of digits in [0, radix)) in and out, same length. */
export interface Ff1 {
  readonly radix: number;
  /** Smallest accepted length: radix^minLength ≥ 1,000,000 (SP 800-38G §5.1). */
  readonly minLength: number;
  encrypt(x: ArrayLike<number>, tweak?: Uint8Array): number[];
  decrypt(x: ArrayLike<number>, tweak?: Uint8Array): number[];
}

const MAX_LEN = 1 << 16;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * FF1 over a block cipher. `radix` in [2, 2^16]; the default tweak (empty unless given) can be
 * overridden per call.
 * @example
 * const f = ff1(sm4.block(key), { radix: 10 })
 * f.decrypt(f.encrypt([1, 2, 3, 4, 5, 6, 7, 8])) // [1, 2, 3, 4, 5, 6, 7, 8]
 */
export function ff1(cipher: BlockEncrypt, opts: { radix: number; tweak?: Uint8Array }): Ff1 {
  if (!cipher || typeof cipher.encryptBlock !== 'function') {
    throw new BukejianError('INVALID_TYPE', '"cipher" expected { encryptBlock }, got other');
  }
  const radix = anumber(opts?.radix, 'radix', 2, 1 << 16);
  const defTweak =
    opts.tweak === undefined ? new Uint8Array(0) : abytes(opts.tweak, 'tweak').slice(); // a copy: later changes by the caller do not move it
  let minLength = 1;
  while (radix ** minLength < 1_000_000) minLength++;
  const R = BigInt(radix);
  const buf = new Uint8Array(16);
  // Scratch buffers (the round output is consumed before the next round overwrites it).
  const Y = new Uint8Array(16);
  let Qbuf = new Uint8Array(64);

  // Per-length constants: u, v, b, d, P's encryption (first CBC-MAC block), radix^u, radix^v.
  interface Geo {
    u: number;
    v: number;
    b: number;
    d: number;
    small: boolean;
    mu: number;
    mv: number;
    Mu: bigint;
    Mv: bigint;
    t: number;
    EP: Uint8Array;
  }
  const geos = new Map<number, Geo>();
  const geo = (n: number): Geo => {
    let g = geos.get(n);
    if (g) return g;
    const u = n >> 1,
      v = n - u;
    const Mv = R ** BigInt(v);
    const b = Math.ceil(bitLength(Mv - 1n) / 8);
    const d = 4 * Math.ceil(b / 4) + 4;
    const small = radix ** v * 256 < 2 ** 53;
    g = {
      u,
      v,
      b,
      d,
      small,
      mu: radix ** u,
      mv: radix ** v,
      Mu: R ** BigInt(u),
      Mv,
      t: -1,
      EP: new Uint8Array(16),
    };
    geos.set(n, g);
    return g;
  };

  const check = (x: ArrayLike<number>, tweak: Uint8Array | undefined): [number, Uint8Array] => {
    const n = x?.length;
    if (typeof n !== 'number')
      throw new BukejianError('INVALID_TYPE', '"x" expected an array of numerals, got other');
    if (n < minLength || n > MAX_LEN)
      throw new BukejianError(
        'INVALID_LENGTH',
        `"x" expected length in [${minLength}, ${MAX_LEN}], got length=${n}`,
      );
    for (let i = 0; i < n; i++) {
      const c = x[i]!;
      if (!Number.isInteger(c) || c < 0 || c >= radix)
        throw new BukejianError(
          'INVALID_DATA',
          `"x" expected numerals in [0, ${radix}), got out of range at index ${i}`,
        );
    }
    return [n, tweak === undefined ? defTweak : abytes(tweak, 'tweak')];
  };

  /** R = PRF(P ‖ Q) then S (d bytes): CBC-MAC with zero IV, then CIPH(R ⊕ [j]^16) blocks. */
  const round = (
    n: number,
    g: Geo,
    T: Uint8Array,
    i: number,
    numB: bigint | number,
  ): Uint8Array => {
    const t = T.length;
    const pad = (((-t - g.b - 1) % 16) + 16) % 16;
    const qLen = t + pad + 1 + g.b;
    // P (§5.1 step 5); its encryption, the first CBC-MAC block, is cached per (n, t).
    if (g.t !== t) {
      const P = buf;
      P[0] = 1;
      P[1] = 2;
      P[2] = 1;
      P[3] = (radix >>> 16) & 255;
      P[4] = (radix >>> 8) & 255;
      P[5] = radix & 255;
      P[6] = 10;
      P[7] = g.u & 255;
      P[8] = n >>> 24;
      P[9] = (n >>> 16) & 255;
      P[10] = (n >>> 8) & 255;
      P[11] = n & 255;
      P[12] = t >>> 24;
      P[13] = (t >>> 16) & 255;
      P[14] = (t >>> 8) & 255;
      P[15] = t & 255;
      cipher.encryptBlock(P, g.EP);
      g.t = t;
    }
    const y = Y;
    y.set(g.EP);
    if (Qbuf.length < qLen) Qbuf = new Uint8Array(qLen);
    const Q = Qbuf;
    Q.set(T, 0);
    Q.fill(0, t, t + pad);
    Q[t + pad] = i;
    // [NUM_radix(B)]^b big-endian
    if (typeof numB === 'number') {
      let x = numB;
      for (let j = qLen - 1; j > qLen - 1 - g.b; j--) {
        Q[j] = x % 256;
        x = Math.floor(x / 256);
      }
    } else {
      let x = numB;
      for (let j = qLen - 1; j > qLen - 1 - g.b; j--) {
        Q[j] = Number(x & 255n);
        x >>= 8n;
      }
    }
    for (let off = 0; off < qLen; off += 16) {
      for (let j = 0; j < 16; j++) y[j]! ^= Q[off + j]!;
      cipher.encryptBlock(y, y);
    }
    if (g.d <= 16) return y;
    const S = new Uint8Array(Math.ceil(g.d / 16) * 16);
    S.set(y, 0);
    const blk = new Uint8Array(16);
    for (let j = 1; j * 16 < g.d; j++) {
      blk.set(y);
      blk[12]! ^= j >>> 24;
      blk[13]! ^= (j >>> 16) & 255;
      blk[14]! ^= (j >>> 8) & 255;
      blk[15]! ^= j & 255;
      cipher.encryptBlock(blk, blk);
      S.set(blk, 16 * j);
    }
    return S;
  };

  // The numeral arithmetic, as `number`s when radix^v · 256 < 2^53, else as `bigint`s.
  interface Arith<N extends number | bigint> {
    /** NUM_radix(x[from..to)). */
    num(x: ArrayLike<number>, from: number, to: number): N;
    /** STR^m_radix(c) written to out[at..at+m). */
    str(c: N, m: number, out: number[], at: number): void;
    /** NUM(S[0..d)) mod M. */
    y(S: Uint8Array, d: number, M: N): N;
    /** (P + y) mod M, or (P − y) mod M when decrypting. */
    mix(P: N, y: N, M: N, decrypt: boolean): N;
  }
  const SMALL: Arith<number> = {
    num(x, from, to) {
      let r = 0;
      for (let i = from; i < to; i++) r = r * radix + x[i]!;
      return r;
    },
    str(c, m, out, at) {
      for (let i = m - 1; i >= 0; i--) {
        out[at + i] = c % radix;
        c = Math.floor(c / radix);
      }
    },
    y(S, d, M) {
      let y = 0;
      for (let j = 0; j < d; j++) y = (y * 256 + S[j]!) % M;
      return y;
    },
    mix: (P, y, M, decrypt) => (decrypt ? (((P - y) % M) + M) % M : (P + y) % M),
  };
  const BIG: Arith<bigint> = {
    num(x, from, to) {
      let r = 0n;
      for (let i = from; i < to; i++) r = r * R + BigInt(x[i]!);
      return r;
    },
    str(c, m, out, at) {
      for (let i = m - 1; i >= 0; i--) {
        out[at + i] = Number(c % R);
        c /= R;
      }
    },
    y(S, d, M) {
      let y = 0n;
      for (let j = 0; j < d; j++) y = (y << 8n) | BigInt(S[j]!);
      return y % M;
    },
    mix: (P, y, M, decrypt) => (decrypt ? (((P - y) % M) + M) % M : (P + y) % M),
  };

  /**
   * The ten Feistel rounds of Algorithms 7 and 8 as one loop. Working on (P, Q) = (A, B) to encrypt
   * and (B, A) to decrypt makes every round the same step, Q' = (P ± F_i(Q)) mod radix^m, P' = Q,
   * with m = u for even i and v for odd i: decryption flips the sign and runs i from 9 down to 0.
   */
  const feistel = <N extends number | bigint>(
    x: ArrayLike<number>,
    n: number,
    T: Uint8Array,
    g: Geo,
    decrypt: boolean,
    ar: Arith<N>,
    Mu: N,
    Mv: N,
  ): number[] => {
    const A = ar.num(x, 0, g.u),
      B = ar.num(x, g.u, n);
    let P = decrypt ? B : A,
      Q = decrypt ? A : B;
    for (let k = 0; k < 10; k++) {
      const i = decrypt ? 9 - k : k;
      const M = i % 2 === 0 ? Mu : Mv;
      const c = ar.mix(P, ar.y(round(n, g, T, i, Q), g.d, M), M, decrypt);
      P = Q;
      Q = c;
    }
    const out = new Array<number>(n);
    ar.str(decrypt ? Q : P, g.u, out, 0);
    ar.str(decrypt ? P : Q, g.v, out, g.u);
    return out;
  };

  const crypt = (
    x: ArrayLike<number>,
    tweak: Uint8Array | undefined,
    decrypt: boolean,
  ): number[] => {
    const [n, T] = check(x, tweak);
    const g = geo(n);
    return g.small
      ? feistel(x, n, T, g, decrypt, SMALL, g.mu, g.mv)
      : feistel(x, n, T, g, decrypt, BIG, g.Mu, g.Mv);
  };

  return Object.freeze({
    radix,
    minLength,
    encrypt: (x: ArrayLike<number>, tweak?: Uint8Array) => crypt(x, tweak, false),
    decrypt: (x: ArrayLike<number>, tweak?: Uint8Array) => crypt(x, tweak, true),
  });
}
