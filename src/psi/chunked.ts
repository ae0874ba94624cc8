/**
 * The chunked ECDH-PSI client: memory bounded by the chunk size, not the set size.
 *
 *   client (key a)                                       server (key b), `server.handle(msg)`
 *   hello(mode, n or "unknown")          ──▶
 *                                        ◀──  setup: S = {tag(b·H(y))} (GCS / Bloom / raw), once
 *   chunk i: A = a·H(x) for the next      ──▶
 *     ≤ chunkSize items, last?           ◀──  chunk-reply i: b·A  (cardinality: an empty ack)
 *   unblind, keep the hits, drop the chunk; repeat until the last chunk, then
 *   cardinality: pull j (≤ chunkSize)     ──▶
 *                                        ◀──  pull-reply j: b·A of the whole set, permuted once
 *   both: reveal (tags of the hits)       ──▶
 *                                        ◀──  done
 *
 * Items (array or async iterable) are read lazily, one chunk at a time (plus one item of
 * look-ahead to mark the last chunk), canonicalized, de-duplicated within the chunk, blinded and
 * held only until the chunk's reply arrives. Hits are de-duplicated by their final digest, so a
 * value repeated across chunks counts once in the intersection and in its size; non-matching
 * duplicates across chunks are not removed (that would need O(n) memory) — they cost work, and
 * the server sees that two blinded elements are equal (not what they are).
 *
 * Cardinality mode: a shuffle within each chunk would show the client how many matches fell in
 * each chunk (with chunk size 1, exactly which items match), so the server acknowledges the
 * chunks, permutes all of the client's doubly blinded elements after the last one and the client
 * pulls them back in chunks and counts (server memory O(n_client) for this). This hides the
 * matches' positions from a semi-honest client only (README, security notes).
 *
 * Raw tags: their length depends on n_client; an array announces its length, an async iterable
 * announces "unknown" and the server sizes the tags for its `maxClientItems` (default 2^24;
 * ≤ 2^-40 false match either way; it never accepts more elements than announced or than that
 * limit, nor chunks larger than its `maxChunk`, default 2^16: INVALID_LENGTH).
 *
 * Any error inside `next` (a bad item source, a malformed, foreign or out-of-order reply) ends
 * the run: state 'failed', key wiped, every later `next` → BAD_STATE.
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes, randomBytes } from '../utils.js';
import { aoptions } from '../_assert.js';
import { getGroup } from './groups/index.js';
import { decodeMessage, encodeMessage, SESSION_LENGTH, UNKNOWN_COUNT } from './encoding.js';
import type { ChunkMessage, Mode, PsiMessage, SetupMessage } from './encoding.js';
import { chunkBatch, runBatch } from './batch.js';
import { bytesKey, canonicalItem, itemIterator } from './items.js';
import type { Item, ItemSource } from './items.js';
import { membership, revealTagLength, tagDigest } from './sets.js';
import { bad, parseParty, PARTY_KEYS } from './options.js';
import type { PartyOptions } from './ecdh.js';

/**
 * What the chunked client learns, by mode `M`: `intersection` (the client's matching items, first
 * spelling of each) is present in modes 'intersection' and 'both', absent in 'cardinality'.
 */
export type ChunkedResult<T extends Item, M extends Mode = Mode> = M extends Mode
  ? {
      mode: M;
      /** |client ∩ server| (up to the set encoding's false-positive rate). */
      cardinality: number;
      /** The number of (de-duplicated) server items. */
      serverCount: number;
    } & (M extends 'cardinality' ? { intersection?: undefined } : { intersection: T[] })
  : never;

/** Counters that show the memory bound: items held never exceed one chunk plus one. */
export interface ChunkedStats {
  /** Items taken from the source so far. */
  read: number;
  /** Items read but not yet answered (the current chunk and the look-ahead item). */
  pending: number;
  /** Items whose chunk has been answered. */
  done: number;
  /** Messages sent. */
  messages: number;
}

/** States of a chunked client. */
export type ChunkedState = 'new' | 'setup' | 'chunks' | 'pull' | 'reveal' | 'finished' | 'failed';

/** The client party of one chunked PSI run. */
export interface ChunkedClient<T extends Item, M extends Mode = Mode> {
  readonly state: ChunkedState;
  readonly stats: ChunkedStats;
  /**
   * The next message to send: call first without a reply (→ hello), then with each server reply;
   * `undefined` when the run is complete.
   */
  next(reply?: Uint8Array): Promise<Uint8Array | undefined>;
  /** The result, once `next` has returned `undefined`. */
  result(): ChunkedResult<T, M>;
}

const stateError = (msg: string): never => {
  throw new BukejianError('BAD_STATE', `PSI chunked client: ${msg}`);
};

/**
 * Creates the client of a chunked ECDH-PSI run over `items` (array or async iterable); talk to a
 * server's `handle`.
 * @example
 * const c = psi.chunkedClient(readRows('mine.csv'), { group: 'x25519', canonical: 'id', chunkSize: 8192 })
 * let out = await c.next()                              // hello
 * while (out) out = await c.next(await post(url, out))  // e.g. HTTP POST → server.handle
 * const { intersection, cardinality } = c.result()
 */
export function chunkedClient<T extends Item, const M extends Mode = 'intersection'>(
  items: ItemSource<T>,
  opts?: PartyOptions & { mode?: M },
): ChunkedClient<T, M> {
  const o = parseParty(aoptions(opts, 'opts', PARTY_KEYS));
  const group = getGroup(o.group, o.backend);
  const L = group.elementLength;
  const chunkSize = o.batch.chunkSize!;
  const iter = itemIterator(items);
  const total = Array.isArray(items) ? items.length : Number.NaN;
  const session = randomBytes(SESSION_LENGTH);
  let key: Uint8Array | undefined = group.randomKey();
  let st: ChunkedState = 'new';
  let busy = false;
  const stats: ChunkedStats = { read: 0, pending: 0, done: 0, messages: 0 };

  let member: ((d: Uint8Array) => boolean) | undefined;
  let setup: SetupMessage | undefined;
  let lookahead: { value: T } | undefined;
  let exhausted = false;
  let chunkIndex = 0;
  let pending: { index: number; items: T[]; last: boolean; read: number } | undefined;
  let pullIndex = 0;
  let sent = 0;
  let pulled = 0;
  const hitKeys = new Set<string>();
  const hits: T[] = [];
  const revealTags: Uint8Array[] = [];

  const header = { group: o.group, session };
  const send = (m: PsiMessage): Uint8Array => {
    stats.messages++;
    return encodeMessage(m);
  };

  const take = async (): Promise<{ value: T } | undefined> => {
    if (lookahead) {
      const v = lookahead;
      lookahead = undefined;
      return v;
    }
    if (exhausted) return undefined;
    const r = await iter.next();
    if (r.done) {
      exhausted = true;
      return undefined;
    }
    stats.read++;
    stats.pending++;
    return { value: r.value };
  };

  /** Reads, canonicalizes and blinds the next chunk (plus one item of look-ahead). */
  async function nextChunk(): Promise<Uint8Array> {
    const seen = new Set<string>();
    const chunkItems: T[] = [];
    const canonical: Uint8Array[] = [];
    let read = 0;
    while (read < chunkSize) {
      const it = await take();
      if (!it) break;
      read++;
      const c = canonicalItem(it.value, o.canonical);
      if (seen.has(c.key)) continue;
      seen.add(c.key);
      chunkItems.push(it.value);
      canonical.push(c.bytes);
    }
    lookahead = await take();
    const last = lookahead === undefined;
    const elements = await runBatch(
      { group: o.group, backend: o.backend, key: key!, op: 'hash' },
      canonical,
      chunkBatch(o.batch, canonical.length),
    );
    const index = chunkIndex++;
    pending = { index, items: chunkItems, last, read };
    sent += chunkItems.length;
    const m: ChunkMessage = {
      type: 'chunk',
      ...header,
      index,
      last,
      count: chunkItems.length,
      elements,
    };
    return send(m);
  }

  /** Unblinds `count` elements and records the distinct hits (with their items, if given). */
  async function absorb(elements: Uint8Array, count: number, chunkItems?: T[]): Promise<void> {
    const plain = await runBatch(
      { group: o.group, backend: o.backend, key: key!, op: 'unblind' },
      elements,
      chunkBatch(o.batch, count),
    );
    const t = revealTagLength(setup!.format, setup!.tagLength);
    for (let i = 0; i < count; i++) {
      const d = tagDigest(plain.subarray(i * L, (i + 1) * L));
      if (!member!(d)) continue;
      const k = bytesKey(d.subarray(0, 16));
      if (hitKeys.has(k)) continue;
      hitKeys.add(k);
      if (chunkItems) hits.push(chunkItems[i]!);
      if (o.mode === 'both') revealTags.push(d.slice(0, t));
    }
  }

  const end = (state: 'finished' | 'failed'): undefined => {
    st = state;
    key?.fill(0);
    key = undefined;
    return undefined;
  };
  const finish = (): undefined => end('finished');

  /** After the last chunk's reply: the mode's closing step. */
  function afterLast(): Uint8Array | undefined {
    if (o.mode === 'intersection') return finish();
    if (o.mode === 'cardinality') {
      st = 'pull';
      return send({ type: 'pull', ...header, index: pullIndex, max: chunkSize });
    }
    st = 'reveal';
    const t = revealTagLength(setup!.format, setup!.tagLength);
    const tags = new Uint8Array(revealTags.length * t);
    revealTags.forEach((d, i) => tags.set(d, i * t));
    return send({ type: 'reveal', ...header, tagLength: t, count: revealTags.length, tags });
  }

  async function step(reply: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    if (st === 'new') {
      if (reply !== undefined) stateError('the first call to next() takes no reply');
      st = 'setup';
      const clientCount = Number.isInteger(total) && total < UNKNOWN_COUNT ? total : UNKNOWN_COUNT;
      return send({ type: 'hello', ...header, mode: o.mode, clientCount });
    }
    if (reply === undefined)
      return stateError(`next() expected the server's reply in state "${st}"`);
    const m = decodeMessage(reply, { validate: false });
    const expected = { setup: 'setup', chunks: 'chunk-reply', pull: 'pull-reply', reveal: 'done' }[
      st as Exclude<ChunkedState, 'new' | 'finished' | 'failed'>
    ]; // next() checked
    if (
      m.type !== 'setup' &&
      m.type !== 'chunk-reply' &&
      m.type !== 'pull-reply' &&
      m.type !== 'done'
    )
      bad(`a ${m.type} message is not a chunked-protocol server reply`);
    if (m.group !== o.group) bad(`reply is for group ${m.group}, this run uses ${o.group}`);
    if (!equalBytes(m.session, session)) bad('reply belongs to another session');
    if (m.type !== expected) stateError(`got a ${m.type} message, expected ${expected}`);

    if (m.type === 'setup') {
      if (m.mode !== o.mode) bad(`setup is for mode ${m.mode}, this run uses ${o.mode}`);
      member = membership(m.format, m.set, m.tagLength, m.serverCount);
      setup = m;
      st = 'chunks';
      return nextChunk();
    }
    if (m.type === 'chunk-reply') {
      const p = pending!;
      if (m.index !== p.index) stateError(`reply to chunk ${m.index}, expected chunk ${p.index}`);
      if (m.last !== p.last) bad('reply disagrees on the last-chunk flag');
      const want = o.mode === 'cardinality' ? 0 : p.items.length;
      if (m.count !== want) bad(`reply carries ${m.count} elements for ${want} expected`);
      if (o.mode !== 'cardinality') await absorb(m.elements, m.count, p.items);
      pending = undefined;
      stats.pending -= p.read;
      stats.done += p.read;
      o.batch.onProgress?.(stats.done, total);
      return p.last ? afterLast() : nextChunk();
    }
    if (m.type === 'pull-reply') {
      if (m.index !== pullIndex) stateError(`reply to pull ${m.index}, expected pull ${pullIndex}`);
      if (m.count > chunkSize || pulled + m.count > sent)
        bad(`pull reply carries ${m.count} elements, more than asked or sent`);
      if (m.last !== (pulled + m.count === sent))
        bad(`pull reply ends after ${pulled + m.count} of ${sent} elements`);
      if (m.count === 0 && !m.last) bad('an empty pull reply must be the last'); // else: pulls forever
      await absorb(m.elements, m.count);
      pulled += m.count;
      pullIndex++;
      if (m.last) return finish();
      return send({ type: 'pull', ...header, index: pullIndex, max: chunkSize });
    }
    return finish(); // done
  }

  return {
    get state() {
      return st;
    },
    get stats() {
      return { ...stats };
    },
    async next(reply?: Uint8Array) {
      if (busy) stateError('next() called while a step is running');
      if (st === 'finished' || st === 'failed') stateError(`next() called in state "${st}"`);
      busy = true;
      try {
        return await step(reply);
      } catch (e) {
        end('failed'); // SECURITY: a run that saw a bad reply or source is not resumed
        throw e;
      } finally {
        busy = false;
      }
    },
    result(): ChunkedResult<T, M> {
      if (st !== 'finished') stateError(`result() called in state "${st}"`);
      const r = {
        mode: o.mode,
        cardinality: hitKeys.size,
        serverCount: setup!.serverCount,
        ...(o.mode === 'cardinality' ? {} : { intersection: hits.slice() }),
      };
      return r as ChunkedResult<T, M>; // o.mode is the mode M stands for
    },
  };
}
