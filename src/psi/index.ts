/**
 * `bukejian/psi`: private set intersection between agencies.
 *
 * - ECDH-PSI (./ecdh.ts): `psi.client` / `psi.server` state objects exchanging byte messages;
 *   intersection to the client, to both parties, or only its size (cardinality, server-shuffled).
 *   One-shot (`client().request()` → `server.respond()` → `finish()`) or chunked with client
 *   memory bounded by the chunk size (`psi.chunkedClient` ./chunked.ts ↔ `server.handle`,
 *   ./sessions.ts).
 * - Groups (./groups): ristretto255 (default, RFC 9496 + RFC 9380 hash), P-256 (RFC 9380
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
import { canonicalize, canonicalString } from './canonicalize.js';
import { bucketOf, partition } from './bucket.js';
import { memoryBudget } from './_budget.js';
import { decodeMessage, encodeMessage } from './encoding.js';
import { GROUP_NAMES, getGroup } from './groups/index.js';

export { client, server, rawTagLength, tagDigest } from './ecdh.js';
export type { ClientResult, PartyOptions, PsiClient, PsiServer, ServerOptions } from './ecdh.js';
export { chunkedClient } from './chunked.js';
export {
  DEFAULT_MAX_CHUNK,
  DEFAULT_MAX_CLIENT_ITEMS,
  DEFAULT_MAX_HELD_ITEMS,
  DEFAULT_SETUP_TIMEOUT,
} from './sessions.js';
export { DEFAULT_KEY_PERIOD, DEFAULT_MAX_EVALUATIONS, memoryBudget } from './_budget.js';
export type { EvaluationBudget } from './_budget.js';
export type { ChunkedClient, ChunkedResult, ChunkedState, ChunkedStats } from './chunked.js';
export { oprfClient, oprfServer, evaluate as oprfEvaluate } from './oprf.js';
export type { OprfClient, OprfMatch, OprfServer, OprfServerOptions } from './oprf.js';
export { canonicalize, canonicalString, CANONICAL_FORMS } from './canonicalize.js';
export type { Canonical } from './canonicalize.js';
export { bucketOf, partition } from './bucket.js';
export type { BucketOptions } from './bucket.js';
export { decodeMessage, encodeMessage, MAGIC, VERSION, UNKNOWN_COUNT } from './encoding.js';
export type { Mode, PsiMessage, SetFormat, DecodeOptions } from './encoding.js';
export { encodeGcs, decodeGcs, hash53, riceParameter } from './gcs.js';
export type { GcsSet } from './gcs.js';
export { encodeBloom, decodeBloom, bloomParameters } from './bloom.js';
export type { BloomSet } from './bloom.js';
export { GROUP_NAMES, getGroup } from './groups/index.js';
export type { GroupName, KeyOps, PsiGroup } from './groups/index.js';
export type { Item, ItemSource } from './items.js';

/**
 * The PSI API as one frozen object.
 * @example
 * import { psi } from 'bukejian/psi'
 * const a = psi.client(mine, { group: 'x25519', canonical: 'id' })
 * const b = psi.server(theirs, { group: 'x25519', canonical: 'id' })
 * const { intersection } = await a.finish(await b.respond(await a.request()))
 * // chunked (client memory bounded by chunkSize):
 * const c = psi.chunkedClient(mine, { group: 'x25519', canonical: 'id' })
 * let out = await c.next()
 * while (out) out = await c.next(await b.handle(out))
 * c.result().intersection
 */
export const psi = /* @__PURE__ */ Object.freeze({
  client,
  chunkedClient,
  server,
  oprf: Object.freeze({ client: oprfClient, server: oprfServer, evaluate }),
  memoryBudget,
  canonicalize,
  canonicalString,
  bucketOf,
  partition,
  encodeMessage,
  decodeMessage,
  groups: GROUP_NAMES,
  getGroup,
  rawTagLength,
  tagDigest,
});
