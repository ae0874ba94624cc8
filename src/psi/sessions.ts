/**
 * The server side of the chunked ECDH-PSI protocol (client: ./chunked.ts): `server.handle(msg)`
 * answers each client message with exactly one message, so the exchange maps onto HTTP POSTs,
 * a queue or files.
 *
 *   hello(mode, n_client | unknown)  → setup: the server's encoded set, once per session
 *   chunk i (A = a·H(x), last?)      → chunk-reply i: b·A            (intersection, both)
 *                                    → chunk-reply i: empty (ack)     (cardinality: b·A is kept)
 *   pull j (max)                     → pull-reply j: the next ≤ max of ALL the client's b·A,
 *                                      permuted once after the last chunk (cardinality)
 *   reveal (mode both)               → done; the server's matched items go to `onReveal`
 *
 * Per-session state: the next chunk / pull index (a replayed or skipped index → BAD_STATE),
 * the phase (a message of another phase → BAD_STATE), one message in progress at a time, the
 * count of elements received (never more than the hello announced: the raw tag length was
 * computed for it). Sessions are bounded (`maxSessions`, RATE_LIMITED beyond) and dropped after
 * `sessionTimeout` ms idle; a session id is never accepted twice. Server memory is O(its set)
 * plus, in cardinality mode, O(n_client) per session for the shuffle.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber } from '../utils.js';
import { decodeMessage, encodeMessage, UNKNOWN_COUNT } from './encoding.js';
import type { ChunkMessage, Mode, PsiMessage, SetFormat, SetupMessage } from './encoding.js';
import { getGroup } from './groups/index.js';
import type { GroupName } from './groups/index.js';
import { chunkBatch, runBatch } from './batch.js';
import type { BatchOptions } from './batch.js';
import { bytesKey } from './items.js';
import type { Item } from './items.js';
import { rawTagLength, rawTags, revealTagLength } from './sets.js';
import { shuffleElements } from './shuffle.js';
import { bad } from './options.js';
import type { PreparedServer } from './ecdh.js';

/** What a session handler needs from its server. */
export interface SessionContext<T extends Item> {
  group: GroupName;
  backend: 'auto' | 'js';
  mode: Mode;
  format: SetFormat;
  key: Uint8Array;
  batch: BatchOptions;
  /** Session ids ever accepted (shared with the one-shot `respond`). */
  seen: Set<string>;
  prepare(): Promise<PreparedServer<T>>;
  maxSessions?: unknown;
  sessionTimeout?: unknown;
  onReveal?: (items: T[], session: Uint8Array) => void;
}

interface Session {
  phase: 'chunks' | 'pull' | 'reveal';
  next: number;
  announced: number;
  received: number;
  revealTag: number;
  parts: Uint8Array[];
  shuffled?: Uint8Array;
  pos: number;
  busy: boolean;
  touched: number;
}

const state = (msg: string): never => {
  throw new BukejianError('BAD_STATE', `PSI server: ${msg}`);
};

/**
 * The chunked-protocol message handler of one server.
 * @example
 * const sessions = createSessions(ctx)
 * const reply = await sessions.handle(hello)
 */
export function createSessions<T extends Item>(ctx: SessionContext<T>): { handle(message: Uint8Array): Promise<Uint8Array>; readonly open: number } {
  const maxSessions = ctx.maxSessions === undefined ? 16 : anumber(ctx.maxSessions, 'maxSessions', 1, 1 << 20);
  const timeout = ctx.sessionTimeout === undefined ? 600_000 : anumber(ctx.sessionTimeout, 'sessionTimeout', 1);
  const L = getGroup(ctx.group, ctx.backend).elementLength;
  const sessions = new Map<string, Session>();
  const job = (op: 'mul') => ({ group: ctx.group, backend: ctx.backend, key: ctx.key, op });
  const reply = (m: PsiMessage): Uint8Array => encodeMessage(m);

  const evict = (now: number): void => {
    for (const [k, s] of sessions) if (!s.busy && now - s.touched > timeout) sessions.delete(k);
  };

  async function hello(m: Extract<PsiMessage, { type: 'hello' }>, sid: string): Promise<Uint8Array> {
    if (m.mode !== ctx.mode) bad(`hello asks for mode ${m.mode}, this server offers ${ctx.mode}`);
    if (ctx.seen.has(sid)) state('this session id was already used (replayed hello)');
    const now = Date.now();
    evict(now);
    if (sessions.size >= maxSessions) throw new BukejianError('RATE_LIMITED', `PSI server: ${maxSessions} sessions already open`);
    ctx.seen.add(sid);
    const announced = m.clientCount === UNKNOWN_COUNT ? 2 ** 32 : m.clientCount;
    const s: Session = { phase: 'chunks', next: 0, announced, received: 0, revealTag: 0, parts: [], pos: 0, busy: true, touched: now };
    sessions.set(sid, s);
    try {
      const P = await ctx.prepare();
      const tagLength = ctx.format === 'raw' ? rawTagLength(announced, P.digests.length) : 0;
      s.revealTag = revealTagLength(ctx.format, tagLength);
      const set = ctx.format === 'raw' ? rawTags(P.digests, tagLength) : P.compressed!;
      const out: SetupMessage = { type: 'setup', group: ctx.group, session: m.session, mode: ctx.mode, format: ctx.format, serverCount: P.digests.length, tagLength, set };
      return reply(out);
    } catch (e) {
      sessions.delete(sid);
      throw e;
    } finally {
      s.busy = false;
      s.touched = Date.now();
    }
  }

  async function chunk(m: ChunkMessage, s: Session, sid: string): Promise<Uint8Array> {
    if (s.phase !== 'chunks') state(`chunk ${m.index} after the last chunk`);
    if (m.index !== s.next) state(m.index < s.next ? `chunk ${m.index} was already answered (replayed)` : `chunk ${m.index} arrived before chunk ${s.next}`);
    if (m.count === 0 && !m.last) bad('an empty chunk must be the last');
    if (s.received + m.count > s.announced) bad(`the client sends more than the ${s.announced} elements it announced`);
    const elements = await runBatch(job('mul'), m.elements, chunkBatch(ctx.batch, m.count));
    s.next++;
    s.received += m.count;
    const base = { type: 'chunk-reply' as const, group: ctx.group, session: m.session, index: m.index, last: m.last };
    if (ctx.mode !== 'cardinality') {
      if (m.last) {
        if (ctx.mode === 'both') s.phase = 'reveal';
        else sessions.delete(sid);
      }
      return reply({ ...base, count: m.count, elements });
    }
    s.parts.push(elements);
    if (m.last) {
      // one permutation over the whole client set: which chunk a match came from stays hidden
      const all = new Uint8Array(s.received * L);
      let o = 0;
      for (const p of s.parts) {
        all.set(p, o);
        o += p.length;
      }
      s.parts = [];
      s.shuffled = shuffleElements(all, s.received, L);
      s.phase = 'pull';
      s.next = 0;
    }
    return reply({ ...base, count: 0, elements: new Uint8Array(0) });
  }

  function pull(m: Extract<PsiMessage, { type: 'pull' }>, s: Session, sid: string): Uint8Array {
    if (s.phase !== 'pull') state(ctx.mode === 'cardinality' ? 'pull before the last chunk' : `pull is not part of mode "${ctx.mode}"`);
    if (m.index !== s.next) state(m.index < s.next ? `pull ${m.index} was already answered (replayed)` : `pull ${m.index} arrived before pull ${s.next}`);
    const n = Math.min(m.max, s.received - s.pos);
    const elements = s.shuffled!.slice(s.pos * L, (s.pos + n) * L);
    s.pos += n;
    s.next++;
    const last = s.pos === s.received;
    if (last) sessions.delete(sid);
    return reply({ type: 'pull-reply', group: ctx.group, session: m.session, index: m.index, last, count: n, elements });
  }

  async function reveal(m: Extract<PsiMessage, { type: 'reveal' }>, s: Session, sid: string): Promise<Uint8Array> {
    if (s.phase !== 'reveal') state(ctx.mode === 'both' ? 'reveal before the last chunk' : `reveal is not part of mode "${ctx.mode}"`);
    if (m.tagLength !== s.revealTag) bad(`reveal tag length ${m.tagLength}, expected ${s.revealTag}`);
    const P = await ctx.prepare();
    const matched = P.matchTags(m.tags, m.tagLength, m.count);
    sessions.delete(sid);
    ctx.onReveal?.(matched, m.session);
    return reply({ type: 'done', group: ctx.group, session: m.session });
  }

  return {
    get open() {
      return sessions.size;
    },
    async handle(message: Uint8Array): Promise<Uint8Array> {
      const m = decodeMessage(message, { validate: false });
      if (m.type !== 'hello' && m.type !== 'chunk' && m.type !== 'pull' && m.type !== 'reveal') bad(`a ${m.type} message is not a chunked-protocol client message`);
      if (m.group !== ctx.group) bad(`message is for group ${m.group}, this server uses ${ctx.group}`);
      const sid = bytesKey(m.session);
      if (m.type === 'hello') return hello(m, sid);
      const s = sessions.get(sid);
      if (!s) return state('unknown, finished or expired session');
      if (Date.now() - s.touched > timeout && !s.busy) {
        sessions.delete(sid);
        return state('session expired');
      }
      if (s.busy) state('another message of this session is being processed');
      s.busy = true;
      try {
        if (m.type === 'chunk') return await chunk(m, s, sid);
        if (m.type === 'pull') return pull(m, s, sid);
        return await reveal(m as Extract<PsiMessage, { type: 'reveal' }>, s, sid);
      } finally {
        s.busy = false;
        s.touched = Date.now();
      }
    },
  };
}
