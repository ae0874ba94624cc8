/**
 * Text files as Chinese offices have them, for the CLI (Node only): UTF-8 with or without a byte
 * order mark, GBK (what Excel on Chinese Windows saves as "CSV") and GB 18030.
 *
 * - Input: {@link decodeInput} decodes with `TextDecoder` (fatal: an invalid byte is an error that
 *   names `--encoding`, never a row rejected for a "format error"), drops a UTF-8 or GB 18030 BOM,
 *   and refuses UTF-16 with a message saying how to save the file.
 * - Output: {@link textSink} writes in the input's encoding unless told otherwise. `TextEncoder`
 *   only writes UTF-8, so GBK and GB 18030 are encoded here from tables generated, at first use,
 *   by decoding every 2-byte code (and every 4-byte code of the BMP for GB 18030) with
 *   `TextDecoder` itself: what this encoder writes is exactly what the decoder reads back.
 *   Supplementary characters are GB 18030's linear 4-byte range from 0x90308130.
 * - {@link sniffFormat}: CSV or JSON Lines from the content, not the file name.
 * @module
 */
import type { Writable } from 'node:stream';
import { BukejianError } from '../errors.js';

/** The encodings the CLI reads and writes. */
export type TextEncodingName = 'utf-8' | 'gbk' | 'gb18030';

const NAMES: Record<string, TextEncodingName> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gbk: 'gbk',
  cp936: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gb18030',
};

/** The help line of the option. */
export const ENCODING_HELP =
  '--encoding E  utf-8 | gbk | gb18030 of IN (default: UTF-8, a BOM is dropped; Excel on Chinese Windows saves GBK); --output-encoding E for OUT (default: as IN)';

/**
 * Parses `--encoding` / `--output-encoding` (case-insensitive; cp936 and gb2312 read as gbk).
 * @example textEncodingOption('GBK', '--encoding') // 'gbk'
 */
export function textEncodingOption(
  value: string | true | undefined,
  name: string,
): TextEncodingName | undefined {
  if (typeof value !== 'string') return undefined;
  const e = NAMES[value.toLowerCase()];
  if (!e)
    throw new BukejianError(
      'INVALID_OPTION',
      `"${name}" expected utf-8|gbk|gb18030, got ${JSON.stringify(value.slice(0, 20))}`,
    );
  return e;
}

/** A decoded input: its encoding, whether it had a BOM, and its text in chunks. */
export interface DecodedInput {
  encoding: TextEncodingName;
  bom: boolean;
  /** The first decoded chunk (for {@link sniffFormat}); also the first value of `texts`. */
  head: string;
  texts: AsyncGenerator<string>;
}

function notText(name: string, encoding: TextEncodingName, given: boolean): BukejianError {
  return new BukejianError(
    'INVALID_ENCODING',
    given
      ? `${name} is not valid ${encoding} text: check --encoding (utf-8|gbk|gb18030)`
      : `${name} is not UTF-8 text; a file saved by Excel on Chinese Windows is GBK: pass --encoding gbk (or --encoding gb18030)`,
  );
}

/**
 * Decodes `input` (chunks of bytes) as `encoding`, or as UTF-8 when none is given; `name` is what
 * messages call the input.
 * @example const { texts } = await decodeInput(process.stdin, { name: 'stdin' })
 */
export async function decodeInput(
  input: AsyncIterable<Uint8Array | string>,
  opts: { encoding?: TextEncodingName; name: string },
): Promise<DecodedInput> {
  const it = input[Symbol.asyncIterator]();
  let first = new Uint8Array(0);
  let ended = false;
  const bytes = (c: Uint8Array | string): Uint8Array =>
    typeof c === 'string' ? new TextEncoder().encode(c) : c;
  try {
    // enough bytes to see a BOM (4 for GB 18030's)
    while (first.length < 4) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      const b = bytes(r.value);
      const n = new Uint8Array(first.length + b.length);
      n.set(first);
      n.set(b, first.length);
      first = n;
    }
  } catch (e) {
    throw ioError(e, opts.name);
  }
  const given = opts.encoding !== undefined;
  let encoding: TextEncodingName = opts.encoding ?? 'utf-8';
  let skip = 0;
  if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) {
    if (!given) encoding = 'utf-8';
    if (encoding === 'utf-8') skip = 3;
  } else if (
    first[0] === 0x84 &&
    first[1] === 0x31 &&
    first[2] === 0x95 &&
    first[3] === 0x33 &&
    encoding !== 'utf-8'
  ) {
    skip = 4;
  } else if ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff)) {
    throw new BukejianError(
      'INVALID_ENCODING',
      `${opts.name} is UTF-16 text: save it as UTF-8 ("CSV UTF-8" in Excel) or GBK (then pass --encoding gbk)`,
    );
  }
  const decoder = new TextDecoder(encoding, { fatal: true });
  const decode = (b: Uint8Array, stream: boolean): string => {
    try {
      return decoder.decode(b, { stream });
    } catch {
      throw notText(opts.name, encoding, given);
    }
  };
  const head = decode(first.subarray(skip), !ended);
  async function* texts(): AsyncGenerator<string> {
    yield head;
    if (ended) return;
    for (;;) {
      let r: IteratorResult<Uint8Array | string>;
      try {
        r = await it.next();
      } catch (e) {
        throw ioError(e, opts.name);
      }
      if (r.done) break;
      const t = decode(bytes(r.value), true);
      if (t) yield t;
    }
    const tail = decode(new Uint8Array(0), false);
    if (tail) yield tail;
  }
  return { encoding, bom: skip > 0, head, texts: texts() };
}

function ioError(e: unknown, name: string): BukejianError {
  if (e instanceof BukejianError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES'
        ? 'may not be read by this user'
        : code === 'EISDIR'
          ? 'is a directory'
          : `could not be read (${code ?? 'error'})`;
  return new BukejianError('IO', `${name} ${why}`);
}

/**
 * `'jsonl'` when the first non-blank character of `head` is `{`, else `'csv'`.
 * @example sniffFormat('name,id\n') // 'csv'
 */
export function sniffFormat(head: string): 'csv' | 'jsonl' {
  return /^\s*\{/.test(head) ? 'jsonl' : 'csv';
}

const gbTables: Partial<Record<'gbk' | 'gb18030', Uint32Array>> = {};

/**
 * BMP code point → code in `encoding`: 2-byte codes as 0xXXYY, 4-byte ones as 0xWWXXYYZZ; 0 =
 * none. Built from the runtime's own decoder of that name, so encoding then decoding with the same
 * name is the identity (Node's ICU 'gbk' decoder keeps GBK's private-use mappings for 101 codes
 * that GB 18030-2005 moved to standard characters, e.g. 0xA6D9).
 */
function table(encoding: 'gbk' | 'gb18030'): Uint32Array {
  const cached = gbTables[encoding];
  if (cached) return cached;
  const t = new Uint32Array(0x10000);
  const dec = new TextDecoder(encoding, { fatal: true });
  if (encoding === 'gbk') {
    const euro = dec.decode(new Uint8Array([0x80]));
    if (euro.length === 1) t[euro.charCodeAt(0)] = 0x80; // CP936's one-byte €
  }
  // every 4-byte code of the BMP range 0x81308130..0x8431A439 (39,420 codes, one character each)
  const n4 = encoding === 'gbk' ? 0 : 39420;
  const b4 = new Uint8Array(n4 * 4);
  for (let i = 0; i < n4; i++) {
    let x = i;
    const d4 = x % 10;
    x = (x - d4) / 10;
    const d3 = x % 126;
    x = (x - d3) / 126;
    const d2 = x % 10;
    const d1 = (x - d2) / 10;
    b4[i * 4] = 0x81 + d1;
    b4[i * 4 + 1] = 0x30 + d2;
    b4[i * 4 + 2] = 0x81 + d3;
    b4[i * 4 + 3] = 0x30 + d4;
  }
  const s4 = dec.decode(b4);
  if (s4.length !== n4)
    throw new BukejianError('UNSUPPORTED', 'this runtime decodes GB 18030 oddly');
  for (let i = 0; i < n4; i++)
    t[s4.charCodeAt(i)] =
      ((b4[i * 4]! << 24) | (b4[i * 4 + 1]! << 16) | (b4[i * 4 + 2]! << 8) | b4[i * 4 + 3]!) >>> 0;
  // every 2-byte code (lead 0x81..0xFE, trail 0x40..0x7E, 0x80..0xFE); they win over 4-byte ones
  const b2 = new Uint8Array(126 * 190 * 2);
  let k = 0;
  for (let a = 0x81; a <= 0xfe; a++)
    for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      b2[k++] = a;
      b2[k++] = b;
    }
  const s2 = dec.decode(b2);
  if (s2.length !== k / 2)
    throw new BukejianError('UNSUPPORTED', 'this runtime decodes GB 18030 oddly');
  // the first (lowest) 2-byte code of a character wins: GB 18030 decodes both A1A1 and A3A0 to
  // U+3000, and A1A1 is its code
  const seen = new Uint8Array(0x10000);
  for (let i = 0; i < s2.length; i++) {
    const c = s2.charCodeAt(i);
    if (seen[c]) continue;
    seen[c] = 1;
    t[c] = (b2[2 * i]! << 8) | b2[2 * i + 1]!;
  }
  return (gbTables[encoding] = t);
}

/**
 * Encodes `text` as GBK (2-byte codes only; a character outside GBK is INVALID_DATA) or GB 18030.
 * @example encodeGb('张三', 'gbk') // Uint8Array [0xd5, 0xc5, 0xc8, 0xfd]
 */
export function encodeGb(text: string, encoding: 'gbk' | 'gb18030'): Uint8Array {
  const t = table(encoding);
  const out = new Uint8Array(text.length * 4);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      out[n++] = cp;
      continue;
    }
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    let code = cp < 0x10000 ? t[cp]! : 0;
    if (cp >= 0x10000) {
      // GB 18030 linear 4-byte range: 0x90308130 is linear index 189,000 = U+10000
      let x = 189000 + cp - 0x10000;
      const d4 = x % 10;
      x = (x - d4) / 10;
      const d3 = x % 126;
      x = (x - d3) / 126;
      const d2 = x % 10;
      const d1 = (x - d2) / 10;
      code = (((0x81 + d1) << 24) | ((0x30 + d2) << 16) | ((0x81 + d3) << 8) | (0x30 + d4)) >>> 0;
    }
    if (code === 0 || (encoding === 'gbk' && code > 0xffff))
      throw new BukejianError(
        'INVALID_DATA',
        `the output holds a character that ${encoding === 'gbk' ? 'GBK' : 'GB 18030'} cannot represent: pass --output-encoding gb18030 or utf-8`,
      );
    if (code > 0xffff) {
      out[n++] = code >>> 24;
      out[n++] = (code >>> 16) & 0xff;
    }
    if (code > 0xff) out[n++] = (code >>> 8) & 0xff;
    out[n++] = code & 0xff;
  }
  return out.subarray(0, n);
}

/**
 * Writes `data` to `out`, waiting for `drain` when its buffer is full (one listener pair per wait,
 * removed again, so long outputs never pile up listeners); rejects on a write error.
 * @example await writeAll(process.stdout, 'a,b\r\n')
 */
export function writeAll(out: Writable, data: string | Uint8Array): Promise<void> {
  if (out.write(data)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (e?: Error): void => {
      out.off('drain', done);
      out.off('error', done);
      if (e) reject(e);
      else resolve();
    };
    out.on('drain', done);
    out.on('error', done);
  });
}

/**
 * A writer of text to `out` in `encoding` (a UTF-8 BOM first when `bom`); surrogate pairs split
 * between two writes are kept together.
 * @example const w = textSink(process.stdout, 'gbk', false); await w.write('张三\n')
 */
export function textSink(
  out: Writable,
  encoding: TextEncodingName,
  bom: boolean,
): { write(text: string): Promise<void> } {
  let pending = encoding === 'utf-8' && bom ? '\ufeff' : '';
  return {
    write(text: string): Promise<void> {
      let s = pending + text;
      pending = '';
      const last = s.charCodeAt(s.length - 1);
      if (last >= 0xd800 && last < 0xdc00) {
        pending = s.slice(-1);
        s = s.slice(0, -1);
      }
      if (s === '') return Promise.resolve();
      return writeAll(out, encoding === 'utf-8' ? s : encodeGb(s, encoding));
    },
  };
}
