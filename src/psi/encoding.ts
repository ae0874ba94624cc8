/**
 * The versioned binary wire format of bukejian PSI messages. Every message starts with
 *
 *   magic "BKJPSI" (6 bytes) ‖ version u8 (= 1) ‖ type u8 ‖ group u8 ‖ session (16 bytes)
 *
 * followed by a type-specific body of length-checked fields (all integers big-endian):
 *
 * - 1 request     mode u8 ‖ count u32 ‖ count × element
 * - 2 response    mode u8 ‖ count u32 ‖ count × element ‖ format u8 (1 raw, 2 gcs, 3 bloom) ‖
 *                 serverCount u32 ‖ tagLength u8 (raw; else 0) ‖ setLength u32 ‖ set bytes
 * - 3 reveal      tagLength u8 ‖ count u32 ‖ count × tag
 *
 * Chunked protocol (./chunked.ts client, ./sessions.ts server; one reply per client message):
 *
 * - 4 hello       mode u8 ‖ clientCount u32 (0xffffffff: not known up front)
 * - 5 setup       mode u8 ‖ format u8 ‖ serverCount u32 ‖ tagLength u8 (raw; else 0) ‖
 *                 setLength u32 ‖ set bytes                          (the server's set, once)
 * - 6 chunk       index u32 ‖ last u8 (0 | 1) ‖ count u32 ‖ count × element
 * - 7 chunk-reply index u32 ‖ last u8 ‖ count u32 ‖ count × element (cardinality: count 0)
 * - 8 pull        index u32 ‖ max u32 (≥ 1)                          (cardinality only)
 * - 9 pull-reply  index u32 ‖ last u8 ‖ count u32 ‖ count × element
 * - 10 done       empty body (the server's answer to a reveal)
 *
 * - 16 oprf-request   count u32 ‖ count × element
 * - 17 oprf-response  epoch u32 ‖ count u32 ‖ count × element
 * - 18 oprf-table     epoch u32 ‖ count u32 ‖ count × (lookup tag 16 ‖ u16 length ‖ sealed label),
 *                     lookup tags strictly increasing
 *
 * Modes: 1 intersection (client learns it), 2 both (client then reveals it to the server),
 * 3 cardinality (client learns only the count). The decoder throws `BukejianError`: wrong magic,
 * unknown type/group/mode/format and size fields that disagree with the content →
 * `INVALID_ENCODING`; another version → `VERSION`; elements that are not canonical encodings of
 * non-identity group elements → `INVALID_POINT` (unless `validate: false`, used by the protocol
 * code that validates each element in the scalar multiplication it performs anyway).
 * @module
 */
import { BukejianError } from '../errors.js';
import { abytes } from '../_assert.js';
import { getGroup, groupNameById } from './groups/index.js';
import type { GroupName } from './groups/index.js';
import { decodeGcs } from './gcs.js';
import { decodeBloom } from './bloom.js';

/**
 * The 6-byte magic prefix "BKJPSI".
 * @example
 * bytesToUtf8(MAGIC) // 'BKJPSI'
 */
export const MAGIC = /* @__PURE__ */ Uint8Array.from([0x42, 0x4b, 0x4a, 0x50, 0x53, 0x49]);
/**
 * The wire-format version this code writes and reads.
 * @example
 * message[6] === VERSION
 */
export const VERSION = 1;
/**
 * Header length: magic, version, type, group, session.
 * @example
 * const body = message.subarray(HEADER_LENGTH)
 */
export const HEADER_LENGTH = 6 + 1 + 1 + 1 + 16;
/**
 * Session identifier length.
 * @example
 * const session = randomBytes(SESSION_LENGTH)
 */
export const SESSION_LENGTH = 16;

/** Output modes. */
export type Mode = 'intersection' | 'both' | 'cardinality';
/** Encodings of the server's set. */
export type SetFormat = 'raw' | 'gcs' | 'bloom';
const MODES: readonly Mode[] = ['intersection', 'both', 'cardinality'];
const FORMATS: readonly SetFormat[] = ['raw', 'gcs', 'bloom'];

interface Base {
  group: GroupName;
  session: Uint8Array;
}
/** Client → server: the client's blinded items. */
export interface RequestMessage extends Base {
  type: 'request';
  mode: Mode;
  count: number;
  /** `count` concatenated elements. */
  elements: Uint8Array;
}
/** Server → client: the doubly blinded items and the server's encrypted set. */
export interface ResponseMessage extends Base {
  type: 'response';
  mode: Mode;
  count: number;
  elements: Uint8Array;
  format: SetFormat;
  serverCount: number;
  /** Raw format: bytes per tag; 0 otherwise. */
  tagLength: number;
  /** Raw: serverCount × tagLength tags; gcs/bloom: the encoded structure. */
  set: Uint8Array;
}
/** Client → server (mode 'both'): tags of the server's matched items. */
export interface RevealMessage extends Base {
  type: 'reveal';
  tagLength: number;
  count: number;
  tags: Uint8Array;
}
/** Chunked, client → server: opens a session. */
export interface HelloMessage extends Base {
  type: 'hello';
  mode: Mode;
  /** The client's item count, or {@link UNKNOWN_COUNT}. */
  clientCount: number;
}
/** Chunked, server → client: the server's encoded set, sent once per session. */
export interface SetupMessage extends Base {
  type: 'setup';
  mode: Mode;
  format: SetFormat;
  serverCount: number;
  /** Raw format: bytes per tag; 0 otherwise. */
  tagLength: number;
  set: Uint8Array;
}
/** Chunked: a numbered slice of blinded elements (chunk, chunk-reply, pull-reply). */
export interface ChunkMessage extends Base {
  type: 'chunk' | 'chunk-reply' | 'pull-reply';
  index: number;
  last: boolean;
  count: number;
  elements: Uint8Array;
}
/** Chunked, client → server (cardinality): asks for the next slice of shuffled elements. */
export interface PullMessage extends Base {
  type: 'pull';
  index: number;
  /** At most this many elements. */
  max: number;
}
/** Chunked, server → client: the reveal was received. */
export interface DoneMessage extends Base {
  type: 'done';
}
/** OPRF client → server: blinded inputs. */
export interface OprfRequestMessage extends Base {
  type: 'oprf-request';
  count: number;
  elements: Uint8Array;
}
/** OPRF server → client: evaluated elements under the key of `epoch`. */
export interface OprfResponseMessage extends Base {
  type: 'oprf-response';
  epoch: number;
  count: number;
  elements: Uint8Array;
}
/** One entry of a labeled OPRF table. */
export interface OprfTableEntry {
  tag: Uint8Array;
  sealed: Uint8Array;
}
/** OPRF server → anyone: the preprocessed labeled set of one key epoch. */
export interface OprfTableMessage extends Base {
  type: 'oprf-table';
  epoch: number;
  entries: OprfTableEntry[];
}
/** Any PSI wire message. */
export type PsiMessage =
  | RequestMessage
  | ResponseMessage
  | RevealMessage
  | HelloMessage
  | SetupMessage
  | ChunkMessage
  | PullMessage
  | DoneMessage
  | OprfRequestMessage
  | OprfResponseMessage
  | OprfTableMessage;

/**
 * The `clientCount` of a hello whose client does not know its count (an async iterable): the
 * raw tag length is then computed for 2^32 client items.
 * @example
 * encodeMessage({ type: 'hello', group, session, mode, clientCount: UNKNOWN_COUNT })
 */
export const UNKNOWN_COUNT = 0xffffffff;

const TYPE_IDS: Record<PsiMessage['type'], number> = {
  request: 1,
  response: 2,
  reveal: 3,
  hello: 4,
  setup: 5,
  chunk: 6,
  'chunk-reply': 7,
  pull: 8,
  'pull-reply': 9,
  done: 10,
  'oprf-request': 16,
  'oprf-response': 17,
  'oprf-table': 18,
};
const GROUP_IDS: Record<GroupName, number> = { ristretto255: 1, p256: 2, x25519: 3, sm2: 4 };

class Writer {
  parts: Uint8Array[] = [];
  len = 0;
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.len += b.length;
    return this;
  }
  u8(v: number): this {
    return this.bytes(Uint8Array.of(v));
  }
  u16(v: number): this {
    return this.bytes(Uint8Array.of(v >>> 8, v & 255));
  }
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new BukejianError('INVALID_RANGE', `field value ${v} out of u32 range`);
    return this.bytes(Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255));
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.b.length)
      throw new BukejianError('INVALID_ENCODING', `PSI message truncated in ${what}`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const b = this.b;
    const v =
      ((b[this.pos]! << 24) |
        (b[this.pos + 1]! << 16) |
        (b[this.pos + 2]! << 8) |
        b[this.pos + 3]!) >>>
      0;
    this.pos += 4;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  end(): void {
    if (this.pos !== this.b.length)
      throw new BukejianError(
        'INVALID_ENCODING',
        `PSI message has ${this.b.length - this.pos} trailing bytes`,
      );
  }
}

function checkElements(group: GroupName, count: number, elements: Uint8Array): void {
  const L = getGroup(group).elementLength;
  if (elements.length !== count * L)
    throw new BukejianError(
      'INVALID_LENGTH',
      `"elements" expected ${count} × ${L} bytes, got length=${elements.length}`,
    );
}

type SetFields = Pick<SetupMessage, 'format' | 'serverCount' | 'tagLength' | 'set'>;

function writeSet(w: Writer, m: SetFields): void {
  if (m.format === 'raw' && m.set.length !== m.serverCount * m.tagLength)
    throw new BukejianError('INVALID_LENGTH', '"set" size disagrees with serverCount × tagLength');
  w.u8(FORMATS.indexOf(m.format) + 1)
    .u32(m.serverCount)
    .u8(m.format === 'raw' ? m.tagLength : 0)
    .u32(m.set.length)
    .bytes(m.set);
}

function readSet(r: Reader): SetFields {
  const f = r.u8('format');
  const format = FORMATS[f - 1];
  if (!format) throw new BukejianError('INVALID_ENCODING', `unknown set format ${f}`);
  const serverCount = r.u32('serverCount');
  const tagLength = r.u8('tagLength');
  const setLength = r.u32('setLength');
  const set = r.bytes(setLength, 'set');
  if (format === 'raw') {
    if (tagLength < 8 || tagLength > 32)
      throw new BukejianError('INVALID_ENCODING', `raw tag length ${tagLength} outside 8..32`);
    if (setLength !== serverCount * tagLength)
      throw new BukejianError(
        'INVALID_ENCODING',
        'raw set size disagrees with serverCount × tagLength',
      );
  } else {
    if (tagLength !== 0)
      throw new BukejianError('INVALID_ENCODING', 'tag length must be 0 for a compressed set');
    const n = format === 'gcs' ? decodeGcs(set).size : decodeBloom(set).size;
    if (n !== serverCount)
      throw new BukejianError('INVALID_ENCODING', 'compressed set size disagrees with serverCount');
  }
  return { format, serverCount, tagLength, set };
}

/**
 * Serializes a PSI message.
 * @example
 * const bytes = encodeMessage({ type: 'request', group: 'x25519', session, mode: 'intersection', count, elements })
 */
export function encodeMessage(m: PsiMessage): Uint8Array {
  abytes(m.session, 'session', SESSION_LENGTH);
  const w = new Writer()
    .bytes(MAGIC)
    .u8(VERSION)
    .u8(TYPE_IDS[m.type])
    .u8(GROUP_IDS[m.group])
    .bytes(m.session);
  switch (m.type) {
    case 'request':
      checkElements(m.group, m.count, m.elements);
      return w
        .u8(MODES.indexOf(m.mode) + 1)
        .u32(m.count)
        .bytes(m.elements)
        .finish();
    case 'response':
      checkElements(m.group, m.count, m.elements);
      writeSet(
        w
          .u8(MODES.indexOf(m.mode) + 1)
          .u32(m.count)
          .bytes(m.elements),
        m,
      );
      return w.finish();
    case 'hello':
      return w
        .u8(MODES.indexOf(m.mode) + 1)
        .u32(m.clientCount)
        .finish();
    case 'setup':
      writeSet(w.u8(MODES.indexOf(m.mode) + 1), m);
      return w.finish();
    case 'chunk':
    case 'chunk-reply':
    case 'pull-reply':
      checkElements(m.group, m.count, m.elements);
      return w
        .u32(m.index)
        .u8(m.last ? 1 : 0)
        .u32(m.count)
        .bytes(m.elements)
        .finish();
    case 'pull':
      if (m.max < 1) throw new BukejianError('INVALID_RANGE', `"max" expected ≥ 1, got ${m.max}`);
      return w.u32(m.index).u32(m.max).finish();
    case 'done':
      return w.finish();
    case 'reveal':
      if (m.tags.length !== m.count * m.tagLength)
        throw new BukejianError('INVALID_LENGTH', '"tags" size disagrees with count × tagLength');
      return w.u8(m.tagLength).u32(m.count).bytes(m.tags).finish();
    case 'oprf-request':
      checkElements(m.group, m.count, m.elements);
      return w.u32(m.count).bytes(m.elements).finish();
    case 'oprf-response':
      checkElements(m.group, m.count, m.elements);
      return w.u32(m.epoch).u32(m.count).bytes(m.elements).finish();
    case 'oprf-table': {
      w.u32(m.epoch).u32(m.entries.length);
      for (const e of m.entries) {
        abytes(e.tag, 'tag', 16);
        if (e.sealed.length > 0xffff)
          throw new BukejianError('INVALID_LENGTH', 'sealed label longer than 65535 bytes');
        w.bytes(e.tag).u16(e.sealed.length).bytes(e.sealed);
      }
      return w.finish();
    }
  }
}

/** Options of {@link decodeMessage}. */
export interface DecodeOptions {
  /** Check every element is a valid non-identity group element (default true). */
  validate?: boolean;
  /** Reject any other message type. */
  expect?: PsiMessage['type'];
}

function readElements(r: Reader, group: GroupName, count: number, validate: boolean): Uint8Array {
  const g = getGroup(group, 'js');
  const L = g.elementLength;
  if (count > (r.b.length - r.pos) / L)
    throw new BukejianError(
      'INVALID_ENCODING',
      `PSI message count ${count} exceeds the bytes present`,
    );
  const el = r.bytes(count * L, 'elements');
  if (validate) {
    for (let i = 0; i < count; i++) {
      if (!g.isElement(el.subarray(i * L, (i + 1) * L)))
        throw new BukejianError(
          'INVALID_POINT',
          `element ${i} is not a valid ${group} group element`,
        );
    }
  }
  return el;
}

/**
 * Parses and validates a PSI message (strict: see the module comment for what is rejected).
 * @example
 * const m = decodeMessage(bytes, { expect: 'response' })
 */
export function decodeMessage(bytes: Uint8Array, opts?: DecodeOptions): PsiMessage {
  abytes(bytes, 'message');
  const validate = opts?.validate ?? true;
  const r = new Reader(bytes);
  r.need(HEADER_LENGTH, 'header');
  for (let i = 0; i < MAGIC.length; i++)
    if (bytes[i] !== MAGIC[i])
      throw new BukejianError('INVALID_ENCODING', 'not a bukejian PSI message (bad magic)');
  r.pos = MAGIC.length;
  const version = r.u8('version');
  if (version !== VERSION)
    throw new BukejianError(
      'VERSION',
      `PSI wire version ${version} is not supported (expected ${VERSION})`,
    );
  const typeId = r.u8('type');
  const type = (Object.keys(TYPE_IDS) as PsiMessage['type'][]).find((k) => TYPE_IDS[k] === typeId);
  if (!type) throw new BukejianError('INVALID_ENCODING', `unknown PSI message type ${typeId}`);
  if (opts?.expect && type !== opts.expect)
    throw new BukejianError('INVALID_ENCODING', `expected a ${opts.expect} message, got ${type}`);
  const group = groupNameById(r.u8('group'));
  const session = r.bytes(SESSION_LENGTH, 'session').slice();
  const mode = (): Mode => {
    const v = r.u8('mode');
    const m = MODES[v - 1];
    if (!m) throw new BukejianError('INVALID_ENCODING', `unknown PSI mode ${v}`);
    return m;
  };
  let out: PsiMessage;
  switch (type) {
    case 'request': {
      const md = mode();
      const count = r.u32('count');
      out = {
        type,
        group,
        session,
        mode: md,
        count,
        elements: readElements(r, group, count, validate),
      };
      break;
    }
    case 'response': {
      const md = mode();
      const count = r.u32('count');
      const elements = readElements(r, group, count, validate);
      out = { type, group, session, mode: md, count, elements, ...readSet(r) };
      break;
    }
    case 'hello': {
      const md = mode();
      out = { type, group, session, mode: md, clientCount: r.u32('clientCount') };
      break;
    }
    case 'setup': {
      const md = mode();
      out = { type, group, session, mode: md, ...readSet(r) };
      break;
    }
    case 'chunk':
    case 'chunk-reply':
    case 'pull-reply': {
      const index = r.u32('index');
      const l = r.u8('last');
      if (l > 1)
        throw new BukejianError('INVALID_ENCODING', `"last" flag must be 0 or 1, got ${l}`);
      const count = r.u32('count');
      out = {
        type,
        group,
        session,
        index,
        last: l === 1,
        count,
        elements: readElements(r, group, count, validate),
      };
      break;
    }
    case 'pull': {
      const index = r.u32('index');
      const max = r.u32('max');
      if (max < 1) throw new BukejianError('INVALID_ENCODING', 'pull "max" must be at least 1');
      out = { type, group, session, index, max };
      break;
    }
    case 'done':
      out = { type, group, session };
      break;
    case 'reveal': {
      const tagLength = r.u8('tagLength');
      if (tagLength < 8 || tagLength > 32)
        throw new BukejianError('INVALID_ENCODING', `reveal tag length ${tagLength} outside 8..32`);
      const count = r.u32('count');
      if (count > (bytes.length - r.pos) / tagLength)
        throw new BukejianError('INVALID_ENCODING', 'reveal count exceeds the bytes present');
      out = { type, group, session, tagLength, count, tags: r.bytes(count * tagLength, 'tags') };
      break;
    }
    case 'oprf-request': {
      const count = r.u32('count');
      out = { type, group, session, count, elements: readElements(r, group, count, validate) };
      break;
    }
    case 'oprf-response': {
      const epoch = r.u32('epoch');
      const count = r.u32('count');
      out = {
        type,
        group,
        session,
        epoch,
        count,
        elements: readElements(r, group, count, validate),
      };
      break;
    }
    case 'oprf-table': {
      const epoch = r.u32('epoch');
      const count = r.u32('count');
      if (count > (bytes.length - r.pos) / 18)
        throw new BukejianError('INVALID_ENCODING', 'table count exceeds the bytes present');
      const entries: OprfTableEntry[] = [];
      let prev: Uint8Array | undefined;
      for (let i = 0; i < count; i++) {
        const tag = r.bytes(16, 'tag');
        if (prev && compare(prev, tag) >= 0)
          throw new BukejianError('INVALID_ENCODING', 'table tags not strictly increasing');
        prev = tag;
        const len = r.u16('label length');
        entries.push({ tag, sealed: r.bytes(len, 'label') });
      }
      out = { type, group, session, epoch, entries };
      break;
    }
  }
  r.end();
  return out;
}

/**
 * Lexicographic byte comparison.
 * @example
 * tags.sort(compare)
 */
export function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
