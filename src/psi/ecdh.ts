/**
 * Two-party ECDH-PSI (semi-honest; Meadows 1986, Huberman–Franklin–Hogg 1999, as deployed by
 * OpenMined PSI and SecretFlow) with explicit, transport-agnostic state objects.
 *
 *   client (key a)                                      server (key b)
 *   request():  A_i = a·H(x_i)            ──m1──▶
 *                                                      respond(m1): B_i = b·A_i (shuffled in
 *                                                      cardinality mode) and S = {tag(b·H(y_j))}
 *                                         ◀──m2──      as raw tags, a GCS or a Bloom filter
 *   finish(m2): tag(a⁻¹·B_i) = tag(b·H(x_i)) ∈ S ?
 *   mode 'both': reveal = tags of the matches ──m3──▶  finish(m3): the server's matched items
 *
 * tag(e) = SHA-256("bukejian-psi-v1-tag" ‖ e); raw tags are truncated to
 * t = ⌈(40 + log2(n_client·n_server))/8⌉ bytes (8 ≤ t ≤ 32), so a false match anywhere in the
 * run has probability ≤ 2^-40; GCS/Bloom give a per-item false-positive rate `fpr` (default 1e-9).
 *
 * What each party learns (semi-honest, DDH in the group, H a random oracle): the client learns
 * the server's set size and the intersection (or only its size); the server learns the client's
 * set size, and in mode 'both' the intersection. A malicious client could lie in 'both' mode
 * (the server only checks it reveals no more tags than it sent elements). Each request carries
 * a random 16-byte session id; the server refuses a session id seen within `sessionTimeout`, a
 * request of more than `maxClientItems` elements (INVALID_LENGTH), and every step called out of
 * order throws `BAD_STATE`.
 *
 * SECURITY: each evaluated client element answers one membership question, so the server counts
 * them (one-shot and chunked, all sessions together) against a budget per key period
 * (`maxEvaluations`, default 2^14, or a shared `budget` store: ./_budget.ts) and refuses more
 * with RATE_LIMITED. Its key b changes with the period (`period` ms, default one day, clock
 * `now`): the set is re-encrypted under the new key at the first request of the period, and a
 * session or reveal offer of an ended period fails with BAD_STATE, so answers under two keys are
 * never joined.
 *
 * This is the one-shot protocol (the whole client set in one message). The same server also
 * answers the chunked protocol through `handle` (./sessions.ts; client ./chunked.ts), whose
 * client memory is bounded by the chunk size.
 * @module
 */
import { BukejianError } from '../errors.js';
import { equalBytes, randomBytes } from '../utils.js';
import { anumber, aoneOf, aoptions } from '../_assert.js';
import { bad, parseParty, PARTY_KEYS } from './options.js';
import type { Canonical } from './canonicalize.js';
import { getGroup } from './groups/index.js';
import type { GroupName } from './groups/index.js';
import { decodeMessage, encodeMessage, SESSION_LENGTH } from './encoding.js';
import type {
  Mode,
  RequestMessage,
  ResponseMessage,
  RevealMessage,
  SetFormat,
} from './encoding.js';
import {
  compressSet,
  membership,
  rawTagLength,
  rawTags,
  revealTagLength,
  tagDigest,
} from './sets.js';
import { shuffleElements } from './shuffle.js';
import { runBatch } from './batch.js';
import type { BatchOptions } from './batch.js';
import { bytesKey, prepareItems } from './items.js';
import type { Item, ItemSource, PreparedItems } from './items.js';
import { createSessions, TimedMap } from './sessions.js';
import { clockOption, DEFAULT_KEY_PERIOD, serverBudget, spend } from './_budget.js';
import type { EvaluationBudget } from './_budget.js';

export { rawTagLength, tagDigest } from './sets.js';

/** Options shared by both parties. */
export interface PartyOptions extends BatchOptions {
  /** Group (default 'x25519', `psi.defaultGroup`); both parties must agree. */
  group?: GroupName;
  /** 'auto' (node:crypto scalar multiplication where available) or 'js'. */
  backend?: 'auto' | 'js';
  /** Output mode (default 'intersection'); both parties must agree. */
  mode?: Mode;
  /** Canonicalization of string items (default 'text'); both parties must agree. */
  canonical?: Canonical;
}
/** Server options. */
export interface ServerOptions<T extends Item = Item> extends PartyOptions {
  /** Encoding of the server's set (default 'gcs'). */
  format?: SetFormat;
  /** False-positive rate of 'gcs'/'bloom' (default 1e-9). */
  fpr?: number;
  /** Chunked protocol: sessions open at once (default 16); a hello beyond it → RATE_LIMITED. */
  maxSessions?: number;
  /**
   * Chunked protocol: sessions open at once for one peer address, when the transport passes it to
   * `handle(message, peer)` (default maxSessions / 4, at least 1); a hello beyond it → RATE_LIMITED.
   */
  maxSessionsPerPeer?: number;
  /**
   * Milliseconds after which an idle chunked session is dropped, and for which a used session
   * id (chunked or one-shot) and a one-shot reveal offer are remembered (default 600000).
   */
  sessionTimeout?: number;
  /**
   * Chunked protocol: milliseconds a session may wait between its hello and its first chunk
   * before it is dropped (default 30000 = DEFAULT_SETUP_TIMEOUT, at most `sessionTimeout`).
   */
  setupTimeout?: number;
  /**
   * Client elements evaluated per key period, one-shot and chunked, all sessions together
   * (default 2^14 = DEFAULT_MAX_EVALUATIONS; `Infinity` for none); beyond it → RATE_LIMITED.
   */
  maxEvaluations?: number;
  /** A shared budget store instead of the in-memory `maxEvaluations` (e.g. one per database). */
  budget?: EvaluationBudget;
  /**
   * Key period in milliseconds (default 86400000 = DEFAULT_KEY_PERIOD, periods start at
   * multiples of it): the server's key and budget are renewed when `floor(now() / period)` changes.
   */
  period?: number;
  /** Clock in milliseconds (default `Date.now`), for the key period and the session timeouts. */
  now?: () => number;
  /**
   * Elements one client may send in a session (default 2^24 = DEFAULT_MAX_CLIENT_ITEMS): a
   * larger hello count, request or running total → INVALID_LENGTH; a hello with "unknown" count
   * is held to it (and raw tags are sized for it).
   */
  maxClientItems?: number;
  /** Chunked protocol: elements per chunk and per pull reply (default 2^16); more → INVALID_LENGTH. */
  maxChunk?: number;
  /**
   * Chunked protocol, mode 'cardinality': client elements held at once across all open sessions
   * (default 2^25 ≈ 1.2 GB); a chunk beyond it ends its session with RATE_LIMITED.
   */
  maxHeldItems?: number;
  /** Chunked protocol, mode 'both': receives the server's matched items of each revealed session. */
  onReveal?: (items: T[], session: Uint8Array) => void;
}

/**
 * What the client gets from {@link PsiClient.finish}, by mode `M`: `intersection` (the client's
 * matching items, first spelling of each) is present in modes 'intersection' and 'both' and
 * absent in 'cardinality'; `reveal` (mode 'both') is the message to send to the server.
 */
export type ClientResult<T extends Item, M extends Mode = Mode> = M extends Mode
  ? {
      mode: M;
      /** |client ∩ server| (up to the set encoding's false-positive rate). */
      cardinality: number;
      reveal?: Uint8Array;
    } & (M extends 'cardinality' ? { intersection?: undefined } : { intersection: T[] })
  : never;

/** The client party of one PSI run. */
export interface PsiClient<T extends Item, M extends Mode = Mode> {
  /** 'new' → 'requested' → 'finished'. */
  readonly state: 'new' | 'requested' | 'finished';
  /** Message 1: the client's blinded items. */
  request(): Promise<Uint8Array>;
  /** Consumes message 2 and computes the result. */
  finish(response: Uint8Array): Promise<ClientResult<T, M>>;
}

/**
 * Creates the client of an ECDH-PSI run over `items` (array or async iterable).
 * @example
 * const client = psi.client(['11010119900307123X', '张三'], { group: 'x25519', canonical: 'id' })
 * const m1 = await client.request()          // send to the server
 * const { intersection } = await client.finish(m2)
 */
export function client<T extends Item, const M extends Mode = 'intersection'>(
  items: ItemSource<T>,
  opts?: PartyOptions & { mode?: M },
): PsiClient<T, M> {
  const o = parseParty(aoptions(opts, 'opts', PARTY_KEYS));
  const group = getGroup(o.group, o.backend);
  let state: 'new' | 'requested' | 'finished' = 'new';
  let busy = false;
  let key: Uint8Array | undefined;
  let session: Uint8Array | undefined;
  let prepared: { items: T[]; canonical: Uint8Array[] } | undefined;
  const step = async <R>(want: typeof state, f: () => Promise<R>): Promise<R> => {
    if (state !== want || busy)
      throw new BukejianError(
        'BAD_STATE',
        `PSI client: step not allowed in state "${state}"${busy ? ' (a step is running)' : ''}`,
      );
    busy = true;
    try {
      return await f();
    } finally {
      busy = false;
    }
  };
  return {
    get state() {
      return state;
    },
    request: () =>
      step('new', async () => {
        prepared = await prepareItems(items, o.canonical);
        key = group.randomKey();
        session = randomBytes(SESSION_LENGTH);
        const elements = await runBatch(
          { group: o.group, backend: o.backend, key, op: 'hash' },
          prepared.canonical,
          o.batch,
        );
        state = 'requested';
        const m: RequestMessage = {
          type: 'request',
          group: o.group,
          session,
          mode: o.mode,
          count: prepared.items.length,
          elements,
        };
        return encodeMessage(m);
      }),
    finish: (response: Uint8Array): Promise<ClientResult<T, M>> =>
      step('requested', async (): Promise<ClientResult<T, M>> => {
        const m = decodeMessage(response, {
          validate: false,
          expect: 'response',
        }) as ResponseMessage;
        if (m.group !== o.group) bad(`response is for group ${m.group}, this run uses ${o.group}`);
        if (!equalBytes(m.session, session!)) bad('response belongs to another session');
        if (m.mode !== o.mode) bad(`response is for mode ${m.mode}, this run uses ${o.mode}`);
        const n = prepared!.items.length;
        if (m.count !== n) bad(`response carries ${m.count} elements for ${n} requested`);
        const unblinded = await runBatch(
          { group: o.group, backend: o.backend, key: key!, op: 'unblind' },
          m.elements,
          o.batch,
        );
        const L = group.elementLength;
        const member = membership(m.format, m.set, m.tagLength, m.serverCount);
        const hits: number[] = [];
        const digests: Uint8Array[] = [];
        for (let i = 0; i < n; i++) {
          const d = tagDigest(unblinded.subarray(i * L, (i + 1) * L));
          if (member(d)) {
            hits.push(i);
            digests.push(d);
          }
        }
        state = 'finished';
        key!.fill(0);
        // the run's mode is o.mode, the one M stands for
        if (o.mode === 'cardinality')
          return { mode: o.mode, cardinality: hits.length } as ClientResult<T, M>;
        const result: ClientResult<T> & { reveal?: Uint8Array } = {
          mode: o.mode,
          cardinality: hits.length,
          intersection: hits.map((i) => prepared!.items[i]!),
        };
        if (o.mode === 'both') {
          const t = revealTagLength(m.format, m.tagLength);
          const tags = new Uint8Array(digests.length * t);
          digests.forEach((d, i) => tags.set(d.subarray(0, t), i * t));
          const rv: RevealMessage = {
            type: 'reveal',
            group: o.group,
            session: session!,
            tagLength: t,
            count: digests.length,
            tags,
          };
          result.reveal = encodeMessage(rv);
        }
        return result as ClientResult<T, M>;
      }),
  };
}

/** The server party: prepares its set once and answers any number of client sessions. */
export interface PsiServer<T extends Item> {
  /** Hashes and encrypts the server's set (done on the first `respond`/`handle` otherwise). */
  prepare(): Promise<void>;
  /** One-shot protocol: message 2 for one client's message 1. */
  respond(request: Uint8Array): Promise<Uint8Array>;
  /** One-shot protocol, mode 'both': the server's matched items from the client's reveal message. */
  finish(reveal: Uint8Array): Promise<T[]>;
  /**
   * Chunked protocol (./chunked.ts): the reply to one client message (hello, chunk, pull or
   * reveal) of any of up to `maxSessions` concurrent sessions. `peer` (e.g. the remote address)
   * holds one peer to `maxSessionsPerPeer` of them.
   */
  handle(message: Uint8Array, peer?: string): Promise<Uint8Array>;
  /** Number of (de-duplicated) server items, after `prepare`. */
  readonly size: number;
  /** Chunked sessions currently open. */
  readonly sessions: number;
  /** Client elements held by open cardinality sessions (at most `maxHeldItems`). */
  readonly held: number;
}

/** What the session handler (./sessions.ts) needs from a server prepared for one key period. */
export interface PreparedServer<T extends Item> {
  /** The key period number and its key. */
  period: number;
  key: Uint8Array;
  items: T[];
  digests: Uint8Array[];
  compressed?: Uint8Array;
  /** The sorted raw tags of length t (computed once per t). */
  rawSet(t: number): Uint8Array;
  /** The server's matched items for revealed tags of length t (each item once). */
  matchTags(tags: Uint8Array, t: number, count: number): T[];
}

const SERVER_KEYS = [
  ...PARTY_KEYS,
  'format',
  'fpr',
  'maxSessions',
  'maxSessionsPerPeer',
  'sessionTimeout',
  'setupTimeout',
  'maxClientItems',
  'maxChunk',
  'maxHeldItems',
  'maxEvaluations',
  'budget',
  'period',
  'now',
  'onReveal',
] as const;

/**
 * Creates the server of ECDH-PSI runs over `items` (array or async iterable).
 * @example
 * const server = psi.server(highEarners, { group: 'x25519', canonical: 'id', mode: 'cardinality', maxEvaluations: 100_000 })
 * const m2 = await server.respond(m1)          // one-shot, or per chunked message:
 * const reply = await server.handle(message, req.socket.remoteAddress)
 */
export function server<T extends Item>(
  items: ItemSource<T>,
  opts?: ServerOptions<T>,
): PsiServer<T> {
  const raw = aoptions(opts, 'opts', SERVER_KEYS);
  const o = parseParty(raw);
  const format: SetFormat =
    raw.format === undefined
      ? 'gcs'
      : aoneOf(raw.format, 'format', ['raw', 'gcs', 'bloom'] as const);
  const fpr = raw.fpr === undefined ? 1e-9 : raw.fpr;
  if (typeof fpr !== 'number' || !(fpr > 0 && fpr < 1))
    throw new BukejianError(
      'INVALID_OPTION',
      `"fpr" expected number in (0, 1), got ${String(fpr)}`,
    );
  if (raw.onReveal !== undefined && typeof raw.onReveal !== 'function')
    throw new BukejianError('INVALID_OPTION', '"onReveal" expected a function');
  const group = getGroup(o.group, o.backend);
  const budget = serverBudget(raw.budget, raw.maxEvaluations);
  const now = clockOption(raw.now);
  const keyPeriod =
    raw.period === undefined ? DEFAULT_KEY_PERIOD : anumber(raw.period, 'period', 1);
  const period = (): number => Math.floor(now() / keyPeriod);
  // the items are read (and canonicalized) once; each key period encrypts them under its own key
  let source: Promise<PreparedItems<T>> | undefined;
  let current: { period: number; ready: Promise<PreparedServer<T>> } | undefined;
  let size = 0;

  /** Hashes and encrypts the server's set under a fresh key for key period `p`. */
  async function build(p: number): Promise<PreparedServer<T>> {
    const src = await (source ??= prepareItems(items, o.canonical));
    const key = group.randomKey();
    const el = await runBatch(
      { group: o.group, backend: o.backend, key, op: 'hash' },
      src.canonical,
      o.batch,
    );
    const L = group.elementLength;
    const digests = src.canonical.map((_, i) => tagDigest(el.subarray(i * L, (i + 1) * L)));
    const tagIndex = new Map<number, Map<string, number>>();
    const rawCache = new Map<number, Uint8Array>(); // a few lengths: t varies by 1 per 2^8 client items
    const rawSet = (t: number): Uint8Array => {
      let set = rawCache.get(t);
      if (!set) rawCache.set(t, (set = rawTags(digests, t)));
      return set;
    };
    const matchTags = (tags: Uint8Array, t: number, count: number): T[] => {
      let idx = tagIndex.get(t);
      if (!idx) {
        idx = new Map();
        digests.forEach((d, i) => idx!.set(bytesKey(d.subarray(0, t)), i));
        tagIndex.set(t, idx);
      }
      const out: T[] = [];
      const got = new Set<number>();
      for (let i = 0; i < count; i++) {
        const j = idx.get(bytesKey(tags.subarray(i * t, (i + 1) * t)));
        if (j !== undefined && !got.has(j)) {
          got.add(j);
          out.push(src.items[j]!);
        }
      }
      return out;
    };
    size = src.items.length;
    return {
      period: p,
      key,
      items: src.items,
      digests,
      compressed: compressSet(digests, format, fpr),
      rawSet,
      matchTags,
    };
  }

  /** The server prepared for the current key period (a new key and set when the period changed). */
  const prepared = (): Promise<PreparedServer<T>> => {
    const p = period();
    // SECURITY: a new period never reuses the old key; the old one stays with the sessions of
    // its period only until they next speak (then they fail)
    if (!current || current.period !== p) current = { period: p, ready: build(p) };
    return current.ready;
  };

  const sessions = createSessions<T>({
    group: o.group,
    backend: o.backend,
    mode: o.mode,
    format,
    batch: o.batch,
    prepare: prepared,
    period,
    budget,
    now,
    maxSessions: raw.maxSessions,
    maxSessionsPerPeer: raw.maxSessionsPerPeer,
    sessionTimeout: raw.sessionTimeout,
    setupTimeout: raw.setupTimeout,
    maxClientItems: raw.maxClientItems,
    maxChunk: raw.maxChunk,
    maxHeldItems: raw.maxHeldItems,
    onReveal: raw.onReveal,
  });
  const seen = sessions.seen;
  const pendingReveal = new TimedMap<{ t: number; count: number; period: number }>(
    sessions.timeout,
    now,
  ); // session → offer

  return {
    get size() {
      return size;
    },
    get sessions() {
      return sessions.open;
    },
    get held() {
      return sessions.held;
    },
    async prepare() {
      await prepared();
    },
    handle: sessions.handle,
    async respond(request: Uint8Array): Promise<Uint8Array> {
      const m = decodeMessage(request, { validate: false, expect: 'request' }) as RequestMessage;
      if (m.group !== o.group) bad(`request is for group ${m.group}, this server uses ${o.group}`);
      if (m.mode !== o.mode) bad(`request asks for mode ${m.mode}, this server offers ${o.mode}`);
      const sid = bytesKey(m.session);
      if (seen.has(sid))
        throw new BukejianError(
          'BAD_STATE',
          'PSI server: this session was already answered (replayed request)',
        );
      if (m.count > sessions.maxClientItems)
        throw new BukejianError(
          'INVALID_LENGTH',
          `PSI server: request of ${m.count} elements, this server accepts at most ${sessions.maxClientItems}`,
        );
      seen.set(sid, true);
      const P = await prepared();
      // SECURITY: counted with the chunked sessions' elements before any evaluation
      await spend(budget, P.period, m.count, 'PSI server');
      const L = group.elementLength;
      let elements = await runBatch(
        { group: o.group, backend: o.backend, key: P.key, op: 'mul' },
        m.elements,
        o.batch,
      );
      if (o.mode === 'cardinality') elements = shuffleElements(elements, m.count, L);
      const tagLength = format === 'raw' ? rawTagLength(m.count, P.digests.length) : 0;
      const set = format === 'raw' ? P.rawSet(tagLength) : P.compressed!;
      if (o.mode === 'both')
        pendingReveal.set(sid, {
          t: revealTagLength(format, tagLength),
          count: m.count,
          period: P.period,
        });
      const r: ResponseMessage = {
        type: 'response',
        group: o.group,
        session: m.session,
        mode: o.mode,
        count: m.count,
        elements,
        format,
        serverCount: P.digests.length,
        tagLength,
        set,
      };
      return encodeMessage(r);
    },
    async finish(reveal: Uint8Array): Promise<T[]> {
      if (o.mode !== 'both')
        throw new BukejianError(
          'BAD_STATE',
          `PSI server: finish() is only part of mode "both" (this server runs "${o.mode}")`,
        );
      const m = decodeMessage(reveal, { expect: 'reveal' }) as RevealMessage;
      if (m.group !== o.group) bad(`reveal is for group ${m.group}, this server uses ${o.group}`);
      const sid = bytesKey(m.session);
      const offer = pendingReveal.get(sid);
      if (offer === undefined)
        throw new BukejianError(
          'BAD_STATE',
          'PSI server: no response awaits a reveal for this session (out of order, replayed or expired)',
        );
      if (m.tagLength !== offer.t) bad(`reveal tag length ${m.tagLength}, expected ${offer.t}`);
      // SECURITY: no more matches than elements sent (see the sessions.ts reveal check)
      if (m.count > offer.count)
        bad(`reveal of ${m.count} tags after ${offer.count} elements sent`);
      pendingReveal.delete(sid);
      const P = await prepared();
      if (P.period !== offer.period)
        throw new BukejianError(
          'BAD_STATE',
          "PSI server: the key period of this session's response ended (run a new session)",
        );
      return P.matchTags(m.tags, offer.t, m.count);
    },
  };
}
