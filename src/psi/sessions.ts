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
 * computed for it). Sessions are bounded (`maxSessions`, RATE_LIMITED beyond; with a peer
 * address passed to `handle`, `maxSessionsPerPeer` per address) and dropped after
 * `sessionTimeout` ms idle, or `setupTimeout` ms (default 30 s) while no chunk has arrived, so
 * hellos that never continue cannot hold the session slots for long; a session id is refused
 * while its session is open and for `sessionTimeout` ms after its last message (then forgotten,
 * so the set of used ids stays bounded by the message rate × the timeout).
 *
 * SECURITY: each session is pinned to the key period of its hello (ctx.prepare); a message after
 * that period ended ends the session (BAD_STATE), so elements evaluated under two keys are never
 * mixed. Every chunk is counted against the server's per-period evaluation budget (./_budget.ts)
 * before it is evaluated; a chunk beyond it ends its session with RATE_LIMITED.
 *
 * SECURITY: what a client may make the server hold is bounded by the server, never by the
 * client's announcement: at most `maxClientItems` elements per session (a hello announcing more
 * → INVALID_LENGTH; "unknown" counts as `maxClientItems`) and `maxChunk` per chunk or pull reply
 * (INVALID_LENGTH beyond). Server memory is O(its set) plus, in cardinality mode, up to
 * maxClientItems × (element length + 4) bytes per session (the client's b·A and one permutation).
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber } from '../_assert.js';
import { decodeMessage, encodeMessage, UNKNOWN_COUNT } from './encoding.js';
import type { ChunkMessage, Mode, PsiMessage, SetFormat, SetupMessage } from './encoding.js';
import { getGroup } from './groups/index.js';
import type { GroupName } from './groups/index.js';
import { chunkBatch, runBatch } from './batch.js';
import type { BatchOptions } from './batch.js';
import { bytesKey } from './items.js';
import type { Item } from './items.js';
import { rawTagLength, revealTagLength } from './sets.js';
import { randomPermutation } from './shuffle.js';
import { bad } from './options.js';
import type { PreparedServer } from './ecdh.js';
import { spend } from './_budget.js';
import type { EvaluationBudget } from './_budget.js';

/** What a session handler needs from its server. */
export interface SessionContext<T extends Item> {
  group: GroupName;
  backend: 'auto' | 'js';
  mode: Mode;
  format: SetFormat;
  batch: BatchOptions;
  /** The server prepared for the current key period (its key, set and period number). */
  prepare(): Promise<PreparedServer<T>>;
  /** The current key period number. */
  period(): number;
  /** Evaluations counted per key period, across sessions and the one-shot protocol. */
  budget: EvaluationBudget;
  /** Milliseconds clock. */
  now: () => number;
  maxSessions?: unknown;
  maxSessionsPerPeer?: unknown;
  sessionTimeout?: unknown;
  setupTimeout?: unknown;
  maxClientItems?: unknown;
  maxChunk?: unknown;
  maxHeldItems?: unknown;
  onReveal?: (items: T[], session: Uint8Array) => void;
}

/**
 * Default `maxClientItems`: elements one client session may send (2^24).
 * @example
 * psi.server(items, { maxClientItems: DEFAULT_MAX_CLIENT_ITEMS })
 */
export const DEFAULT_MAX_CLIENT_ITEMS = 2 ** 24;
/**
 * Default `maxChunk`: elements per chunk message and per pull reply (2^16).
 * @example
 * psi.server(items, { maxChunk: DEFAULT_MAX_CHUNK })
 */
export const DEFAULT_MAX_CHUNK = 2 ** 16;
/**
 * Default `maxHeldItems`: client elements held at once across all open cardinality sessions
 * (2^25 ≈ 1.2 GB with their permutations); beyond it a chunk is refused with RATE_LIMITED.
 * @example
 * psi.server(items, { mode: 'cardinality', maxHeldItems: DEFAULT_MAX_HELD_ITEMS })
 */
export const DEFAULT_MAX_HELD_ITEMS = 2 ** 25;
/**
 * Default `setupTimeout`: milliseconds a chunked session may wait between its hello and its first
 * chunk (30 s; never more than `sessionTimeout`).
 * @example
 * psi.server(items, { setupTimeout: DEFAULT_SETUP_TIMEOUT })
 */
export const DEFAULT_SETUP_TIMEOUT = 30_000;

/**
 * A map whose entries are forgotten `window` ms after they were last set (insertion order is
 * kept equal to time order, so pruning stops at the first live entry).
 * @example
 * const seen = new TimedMap<true>(600_000); seen.set(id, true); seen.has(id)
 */
export class TimedMap<V> {
  private readonly m = new Map<string, { v: V; at: number }>();
  constructor(
    readonly window: number,
    private readonly now: () => number = () => Date.now(),
  ) {}
  private prune(): void {
    const now = this.now();
    for (const [k, e] of this.m) {
      if (now - e.at <= this.window) break;
      this.m.delete(k);
    }
  }
  get(k: string): V | undefined {
    this.prune();
    return this.m.get(k)?.v;
  }
  has(k: string): boolean {
    return this.get(k) !== undefined;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, { v, at: this.now() });
  }
  delete(k: string): void {
    this.m.delete(k);
  }
}

interface Session<T extends Item> {
  /** The server of the key period this session started in (undefined while the hello runs). */
  P?: PreparedServer<T>;
  /** The transport's peer address given with the hello, if any. */
  peer?: string;
  phase: 'chunks' | 'pull' | 'reveal';
  next: number;
  announced: number;
  received: number;
  revealTag: number;
  /** Cardinality: the b·A of each non-empty chunk, `starts[i]` = index of its first element. */
  parts: Uint8Array[];
  starts: number[];
  perm?: Uint32Array;
  pos: number;
  busy: boolean;
  touched: number;
}

/** The chunked-protocol handler of one server, and the limits it enforces. */
export interface Sessions {
  handle(message: Uint8Array, peer?: string): Promise<Uint8Array>;
  readonly open: number;
  /** Session ids in use or used within `timeout` ms (shared with the one-shot `respond`). */
  readonly seen: TimedMap<true>;
  readonly timeout: number;
  /** Client elements currently held by cardinality sessions (bounded by `maxHeldItems`). */
  readonly held: number;
  readonly maxClientItems: number;
  readonly maxChunk: number;
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
export function createSessions<T extends Item>(ctx: SessionContext<T>): Sessions {
  const maxSessions =
    ctx.maxSessions === undefined ? 16 : anumber(ctx.maxSessions, 'maxSessions', 1, 1 << 20);
  const perPeer =
    ctx.maxSessionsPerPeer === undefined
      ? Math.max(1, maxSessions >>> 2)
      : anumber(ctx.maxSessionsPerPeer, 'maxSessionsPerPeer', 1, maxSessions);
  const timeout =
    ctx.sessionTimeout === undefined ? 600_000 : anumber(ctx.sessionTimeout, 'sessionTimeout', 1);
  const setupTimeout =
    ctx.setupTimeout === undefined
      ? Math.min(DEFAULT_SETUP_TIMEOUT, timeout)
      : anumber(ctx.setupTimeout, 'setupTimeout', 1, timeout);
  const now = ctx.now;
  const maxClientItems =
    ctx.maxClientItems === undefined
      ? DEFAULT_MAX_CLIENT_ITEMS
      : anumber(ctx.maxClientItems, 'maxClientItems', 1, UNKNOWN_COUNT - 1);
  const maxChunk =
    ctx.maxChunk === undefined ? DEFAULT_MAX_CHUNK : anumber(ctx.maxChunk, 'maxChunk', 1, 1 << 24);
  const maxHeld =
    ctx.maxHeldItems === undefined
      ? DEFAULT_MAX_HELD_ITEMS
      : anumber(ctx.maxHeldItems, 'maxHeldItems', 1, 2 ** 40);
  const L = getGroup(ctx.group, ctx.backend).elementLength;
  const sessions = new Map<string, Session<T>>();
  // Cardinality sessions keep the client's elements until they are pulled: one budget for all.
  let held = 0;
  const drop = (sid: string): void => {
    const s = sessions.get(sid);
    if (s) held -= s.parts.reduce((a, p) => a + p.length / L, 0);
    sessions.delete(sid);
  };
  const seen = new TimedMap<true>(timeout, now);
  const tooMany = (msg: string): never => {
    throw new BukejianError('INVALID_LENGTH', `PSI server: ${msg}`);
  };
  const reply = (m: PsiMessage): Uint8Array => encodeMessage(m);

  // SECURITY: a session that never sent a chunk (hello only) expires after the short setupTimeout,
  // so unauthenticated hellos cannot keep every slot for the whole sessionTimeout
  const expired = (s: Session<T>, t: number): boolean =>
    t - s.touched > (s.phase === 'chunks' && s.next === 0 ? setupTimeout : timeout);
  const periodEnded = (s: Session<T>, period: number): boolean =>
    s.P !== undefined && s.P.period !== period;
  const evict = (t: number): void => {
    const period = ctx.period();
    for (const [k, s] of sessions)
      if (!s.busy && (expired(s, t) || periodEnded(s, period))) drop(k);
  };

  async function hello(
    m: Extract<PsiMessage, { type: 'hello' }>,
    sid: string,
    peer: string | undefined,
  ): Promise<Uint8Array> {
    if (m.mode !== ctx.mode) bad(`hello asks for mode ${m.mode}, this server offers ${ctx.mode}`);
    if (seen.has(sid) || sessions.has(sid))
      state('this session id was already used (replayed hello)');
    if (m.clientCount !== UNKNOWN_COUNT && m.clientCount > maxClientItems)
      tooMany(
        `the client announces ${m.clientCount} items, this server accepts at most ${maxClientItems}`,
      );
    const t = now();
    evict(t);
    if (sessions.size >= maxSessions)
      throw new BukejianError('RATE_LIMITED', `PSI server: ${maxSessions} sessions already open`);
    if (peer !== undefined) {
      let mine = 0;
      for (const s of sessions.values()) if (s.peer === peer) mine++;
      // SECURITY: one transport peer cannot take every session slot (the address is not echoed)
      if (mine >= perPeer)
        throw new BukejianError(
          'RATE_LIMITED',
          `PSI server: ${perPeer} sessions already open for this peer`,
        );
    }
    seen.set(sid, true);
    const announced = m.clientCount === UNKNOWN_COUNT ? maxClientItems : m.clientCount;
    const s: Session<T> = {
      peer,
      phase: 'chunks',
      next: 0,
      announced,
      received: 0,
      revealTag: 0,
      parts: [],
      starts: [],
      pos: 0,
      busy: true,
      touched: t,
    };
    sessions.set(sid, s);
    try {
      const P = await ctx.prepare();
      s.P = P; // pinned: the session's chunks are evaluated with this period's key
      const tagLength = ctx.format === 'raw' ? rawTagLength(announced, P.digests.length) : 0;
      s.revealTag = revealTagLength(ctx.format, tagLength);
      const set = ctx.format === 'raw' ? P.rawSet(tagLength) : P.compressed!;
      const out: SetupMessage = {
        type: 'setup',
        group: ctx.group,
        session: m.session,
        mode: ctx.mode,
        format: ctx.format,
        serverCount: P.digests.length,
        tagLength,
        set,
      };
      return reply(out);
    } catch (e) {
      drop(sid);
      throw e;
    } finally {
      s.busy = false;
      s.touched = now();
    }
  }

  async function chunk(m: ChunkMessage, s: Session<T>, sid: string): Promise<Uint8Array> {
    if (s.phase !== 'chunks') state(`chunk ${m.index} after the last chunk`);
    if (m.index !== s.next)
      state(
        m.index < s.next
          ? `chunk ${m.index} was already answered (replayed)`
          : `chunk ${m.index} arrived before chunk ${s.next}`,
      );
    if (m.count === 0 && !m.last) bad('an empty chunk must be the last');
    if (m.count > maxChunk)
      tooMany(`chunk of ${m.count} elements, this server accepts at most ${maxChunk} per chunk`);
    if (s.received + m.count > maxClientItems)
      tooMany(`the client sends more than ${maxClientItems} elements, this server's limit`);
    if (s.received + m.count > s.announced)
      bad(`the client sends more than the ${s.announced} elements it announced`);
    const P = s.P!;
    try {
      // SECURITY: counted across all sessions and the one-shot protocol before any evaluation
      await spend(ctx.budget, P.period, m.count, 'PSI server');
    } catch (e) {
      drop(sid);
      throw e;
    }
    const elements = await runBatch(
      { group: ctx.group, backend: ctx.backend, key: P.key, op: 'mul' },
      m.elements,
      chunkBatch(ctx.batch, m.count),
    );
    s.next++;
    s.received += m.count;
    const base = {
      type: 'chunk-reply' as const,
      group: ctx.group,
      session: m.session,
      index: m.index,
      last: m.last,
    };
    if (ctx.mode !== 'cardinality') {
      if (m.last) {
        if (ctx.mode === 'both') s.phase = 'reveal';
        else drop(sid);
      }
      return reply({ ...base, count: m.count, elements });
    }
    if (m.count > 0) {
      // SECURITY: a server-wide bound on memory, whatever each client announces
      if (held + m.count > maxHeld) {
        drop(sid);
        throw new BukejianError(
          'RATE_LIMITED',
          `PSI server: ${maxHeld} client elements already held by open sessions`,
        );
      }
      held += m.count;
      s.starts.push(s.received - m.count);
      s.parts.push(elements);
    }
    if (m.last) {
      // one permutation over the whole client set (no copy of the elements: pulls read through
      // it), so a semi-honest client cannot tell which chunk a match came from
      s.perm = randomPermutation(s.received);
      s.phase = 'pull';
      s.next = 0;
    }
    return reply({ ...base, count: 0, elements: new Uint8Array(0) });
  }

  function pull(m: Extract<PsiMessage, { type: 'pull' }>, s: Session<T>, sid: string): Uint8Array {
    if (s.phase !== 'pull')
      state(
        ctx.mode === 'cardinality'
          ? 'pull before the last chunk'
          : `pull is not part of mode "${ctx.mode}"`,
      );
    if (m.index !== s.next)
      state(
        m.index < s.next
          ? `pull ${m.index} was already answered (replayed)`
          : `pull ${m.index} arrived before pull ${s.next}`,
      );
    const n = Math.min(m.max, maxChunk, s.received - s.pos);
    const elements = new Uint8Array(n * L);
    for (let i = 0; i < n; i++) {
      const j = s.perm![s.pos + i]!;
      let lo = 0; // the last part starting at or before element j
      for (let hi = s.starts.length - 1; lo < hi;) {
        const mid = (lo + hi + 1) >>> 1;
        if (s.starts[mid]! <= j) lo = mid;
        else hi = mid - 1;
      }
      const off = (j - s.starts[lo]!) * L;
      elements.set(s.parts[lo]!.subarray(off, off + L), i * L);
    }
    s.pos += n;
    s.next++;
    const last = s.pos === s.received;
    if (last) drop(sid);
    return reply({
      type: 'pull-reply',
      group: ctx.group,
      session: m.session,
      index: m.index,
      last,
      count: n,
      elements,
    });
  }

  async function reveal(
    m: Extract<PsiMessage, { type: 'reveal' }>,
    s: Session<T>,
    sid: string,
  ): Promise<Uint8Array> {
    if (s.phase !== 'reveal')
      state(
        ctx.mode === 'both'
          ? 'reveal before the last chunk'
          : `reveal is not part of mode "${ctx.mode}"`,
      );
    if (m.tagLength !== s.revealTag)
      bad(`reveal tag length ${m.tagLength}, expected ${s.revealTag}`);
    // SECURITY: a client cannot reveal more matches than it sent elements (with raw tags it knows
    // every server tag; the revealed list is still only as trustworthy as the client)
    if (m.count > s.received) bad(`reveal of ${m.count} tags after ${s.received} elements sent`);
    const matched = s.P!.matchTags(m.tags, m.tagLength, m.count);
    drop(sid);
    ctx.onReveal?.(matched, m.session);
    return reply({ type: 'done', group: ctx.group, session: m.session });
  }

  return {
    get open() {
      return sessions.size;
    },
    seen,
    timeout,
    maxClientItems,
    maxChunk,
    get held() {
      return held;
    },
    async handle(message: Uint8Array, peer?: string): Promise<Uint8Array> {
      const m = decodeMessage(message, { validate: false });
      if (m.type !== 'hello' && m.type !== 'chunk' && m.type !== 'pull' && m.type !== 'reveal')
        bad(`a ${m.type} message is not a chunked-protocol client message`);
      if (m.group !== ctx.group)
        bad(`message is for group ${m.group}, this server uses ${ctx.group}`);
      const sid = bytesKey(m.session);
      if (m.type === 'hello') return hello(m, sid, peer);
      const s = sessions.get(sid);
      if (!s) return state('unknown, finished or expired session');
      if (!s.busy && expired(s, now())) {
        drop(sid);
        return state('session expired');
      }
      if (!s.busy && periodEnded(s, ctx.period())) {
        drop(sid);
        return state("session expired: the server's key period ended (start a new session)");
      }
      if (s.busy) state('another message of this session is being processed');
      s.busy = true;
      try {
        if (m.type === 'chunk') return await chunk(m, s, sid);
        if (m.type === 'pull') return pull(m, s, sid);
        return await reveal(m as Extract<PsiMessage, { type: 'reveal' }>, s, sid);
      } finally {
        s.busy = false;
        s.touched = now();
        seen.set(sid, true); // refused until `timeout` ms after the session's last message
      }
    },
  };
}
