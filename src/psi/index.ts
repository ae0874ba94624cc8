/**
 * `bukejian/psi`: private set intersection between agencies.
 *
 * - ECDH-PSI (./ecdh.ts): `psi.client` / `psi.server` state objects exchanging byte messages;
 *   intersection to the client, to both parties, or only its size (cardinality, server-shuffled).
 *   One-shot (`client().request()` → `server.respond()` → `finish()`) or chunked with client
 *   memory bounded by the chunk size (`psi.chunkedClient` ./chunked.ts ↔ `server.handle`,
 *   ./sessions.ts).
 * - Groups (./groups): X25519 (the default) below, ristretto255 (RFC 9496 + RFC 9380 hash), P-256 (RFC 9380
 *   P256_XMD:SHA-256_SSWU_RO_, node:crypto ECDH fast path), X25519 (RFC 9380
 *   curve25519_XMD:SHA-512_ELL2_NU_, node:crypto X25519), SM2 (SSWU + SM3, documented suite).
 * - Set encodings: raw truncated tags, Golomb-compressed set (./gcs.ts), Bloom filter (./bloom.ts).
 * - Labeled membership queries with the RFC 9497 OPRF and SM4-GCM labels (./oprf.ts).
 * - Both servers count evaluated elements per key period against one budget (./_budget.ts,
 *   `memoryBudget` or a shared store) and refuse more with RATE_LIMITED.
 * - Wire format (./encoding.ts), canonicalization (./canonicalize.ts), bucketing (./bucket.ts),
 *   worker_threads fan-out (./workers.ts, Node only, loaded lazily).
 * @module
 */
import { client, server, rawTagLength, tagDigest } from './ecdh.js';
import { chunkedClient } from './chunked.js';
import { oprfClient, oprfServer, evaluate } from './oprf.js';
import { canonicalize, canonicalString, CANONICAL_FORMS } from './canonicalize.js';
import { bucketOf, partition } from './bucket.js';
import { DEFAULT_KEY_PERIOD, DEFAULT_MAX_EVALUATIONS, memoryBudget } from './_budget.js';
import {
  DEFAULT_MAX_CHUNK,
  DEFAULT_MAX_CLIENT_ITEMS,
  DEFAULT_MAX_HELD_ITEMS,
  DEFAULT_SETUP_TIMEOUT,
} from './sessions.js';
import { decodeMessage, encodeMessage } from './encoding.js';
import { DEFAULT_GROUP, GROUP_NAMES, getGroup } from './groups/index.js';

export type { ClientResult, PartyOptions, PsiClient, PsiServer, ServerOptions } from './ecdh.js';
export type { EvaluationBudget } from './_budget.js';
export type { ChunkedClient, ChunkedResult, ChunkedState, ChunkedStats } from './chunked.js';
export type { OprfClient, OprfMatch, OprfServer, OprfServerOptions } from './oprf.js';
export type { Canonical } from './canonicalize.js';
export type { BucketOptions } from './bucket.js';
export type { Mode, PsiMessage, SetFormat, DecodeOptions } from './encoding.js';
export type { GroupName, KeyOps, PsiGroup } from './groups/index.js';
export type { Item, ItemSource } from './items.js';

/**
 * The defaults of `psi.server`'s limits, by option name: `maxEvaluations` (2^14 client elements
 * per key period), `period` (one day in ms), `maxClientItems` (2^24 per session), `maxChunk`
 * (2^16 per message), `maxHeldItems` (2^25 across cardinality sessions), `setupTimeout` (30 s).
 */
const SERVER_DEFAULTS = /* @__PURE__ */ Object.freeze({
  maxEvaluations: DEFAULT_MAX_EVALUATIONS,
  period: DEFAULT_KEY_PERIOD,
  maxClientItems: DEFAULT_MAX_CLIENT_ITEMS,
  maxChunk: DEFAULT_MAX_CHUNK,
  maxHeldItems: DEFAULT_MAX_HELD_ITEMS,
  setupTimeout: DEFAULT_SETUP_TIMEOUT,
});

/**
 * The whole PSI API as one frozen object (the only runtime export of `bukejian/psi`).
 *
 * - `client(items, opts)` / `server(items, opts)`: one-shot ECDH-PSI (`request` → `respond` →
 *   `finish`); `chunkedClient(items, opts)` ↔ `server.handle(msg, peer?)`: chunked, client memory
 *   bounded by `chunkSize`.
 * - `oprf.client(items, opts)` / `oprf.server(opts)`: labeled membership queries (RFC 9497);
 *   `oprf.evaluate(input, secretKey)`: the PRF output computed by the key holder.
 * - `memoryBudget(limit)`: the in-memory evaluation budget (the servers' default).
 * - `canonicalize(item, form)`, `canonicalString(item, form)`, `CANONICAL_FORMS`: item forms.
 * - `bucketOf(item, { key, buckets })`, `partition(items, { key, buckets })`: keyed bucketing.
 * - `encodeMessage(m)`, `decodeMessage(bytes, opts)`: the wire format.
 * - `groups` (names in wire-id order), `getGroup(name, backend)`, `defaultGroup` ('x25519'): the
 *   groups.
 * - `rawTagLength(nClient, nServer)`, `tagDigest(element)`: the comparison tags.
 * - `SERVER_DEFAULTS`: the default limits of `server`, keyed by option name.
 * @example
 * import { psi } from 'bukejian/psi'
 * const a = psi.client(['110101199003071234', '张三'], { group: 'x25519', canonical: 'id' })
 * const b = psi.server(['张三', '李四'], { group: 'x25519', canonical: 'id' })
 * const { intersection } = await a.finish(await b.respond(await a.request()))
 * // intersection: ['张三']
 * // chunked (client memory bounded by chunkSize):
 * const c = psi.chunkedClient(['张三', '王五'], { group: 'x25519', canonical: 'id' })
 * let out = await c.next()
 * while (out) out = await c.next(await b.handle(out))
 * c.result().intersection // ['张三']
 */
export const psi = /* @__PURE__ */ Object.freeze({
  /** Creates the client of a one-shot ECDH-PSI run (`request` → server `respond` → `finish`). */
  client,
  /**
   * Creates the client of a chunked ECDH-PSI run (memory bounded by `chunkSize`), talking to
   * `server.handle`.
   */
  chunkedClient,
  /**
   * Creates the server of ECDH-PSI runs (`respond` one-shot, `handle` chunked); over budget:
   * RATE_LIMITED.
   */
  server,
  /** Labeled membership queries with the RFC 9497 OPRF (ristretto255-SHA512). */
  oprf: Object.freeze({
    /** Creates a client querying its items against a labeled OPRF table. */
    client: oprfClient,
    /** Creates the key holder: builds the labeled table and evaluates blinded requests. */
    server: oprfServer,
    /**
     * The PRF output of `input` under `secretKey`, computed directly by the key holder (64 bytes).
     */
    evaluate,
  }),
  /** The in-memory evaluation budget of `limit` elements per key period (the servers' default). */
  memoryBudget,
  /** The canonical bytes of one item (a string per `form`, UTF-8; bytes as is). */
  canonicalize,
  /** The canonical string form of a string item. */
  canonicalString,
  /** The names of the canonical forms accepted by `canonicalize` and the `canonical` options. */
  CANONICAL_FORMS,
  /** The keyed (HMAC-SM3) bucket index of one item, in `[0, buckets)`. */
  bucketOf,
  /** Splits items into `buckets` arrays by {@link bucketOf}, one PSI run per bucket. */
  partition,
  /** Serializes a PSI message to its wire format. */
  encodeMessage,
  /** Parses and strictly validates a PSI message (INVALID_ENCODING when malformed). */
  decodeMessage,
  /** The group names, in wire-id order. */
  groups: GROUP_NAMES,
  /** The group of a name, with the `auto` (native when available) or `js` backend. */
  getGroup,
  /**
   * The group used when none is named: `'x25519'` (OpenSSL X25519 through node:crypto on Node,
   * the pure-TS fallback elsewhere, so both parties agree on it).
   */
  defaultGroup: DEFAULT_GROUP,
  /**
   * The raw tag length in bytes (8 to 32) for `nClient × nServer` comparisons at a false-match
   * probability ≤ 2^-40.
   */
  rawTagLength,
  /** The 32-byte comparison digest of a final group element. */
  tagDigest,
  /** The default limits of `server`, keyed by option name. */
  SERVER_DEFAULTS,
});
