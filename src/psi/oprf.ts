/**
 * Unbalanced, labeled membership queries with the RFC 9497 OPRF, suite ristretto255-SHA512,
 * mode 0x00 (base), via `@noble/curves` `ristretto255_oprf`.
 *
 * The server, holding a large set of (item, label) pairs, preprocesses it once per key period:
 * for each item, out = Evaluate(skS, item) (RFC 9497 §3.3.1, computed directly with the key),
 * then SM3-KDF (GB/T 32918.4) of out ‖ "bukejian-oprf-v1" gives a 16-byte lookup tag, a 16-byte
 * SM4 key and a 12-byte nonce; the label is sealed with SM4-GCM (RFC 8998) under that key, with
 * AAD = "bukejian-oprf-v1" ‖ epoch ‖ tag. The table (tags sorted, sealed labels) can be published
 * to clients. A client blinds its few items (Blind), the server evaluates them (BlindEvaluate,
 * counted against a per-epoch budget: `RATE_LIMITED` beyond it), and the client finalizes
 * (Finalize), derives the tags and opens the labels of the items it finds.
 *
 * SECURITY: every evaluated element answers one membership question, so evaluations are counted
 * per epoch against the same budget as the ECDH-PSI server's (./_budget.ts: `maxEvaluations`,
 * default 2^14, or a shared `budget` store) and refused with RATE_LIMITED beyond it. The epoch
 * (and key) changes with `rotate()` or, with the `period` option, with the clock.
 *
 * What each party learns: the server sees only uniformly random blinded elements (nothing about
 * the query) and how many items were queried; the client learns, for its queried items only,
 * membership and label, plus the table size. Without evaluations a client cannot test items
 * against the table; `rotate()` starts a new period with a new key (old tables become useless).
 * Mode 0x00 is not verifiable: a malicious server could evaluate under a wrong key (the client
 * then simply finds no match).
 * @module
 */
import { ristretto255_oprf, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { BukejianError } from '../errors.js';
import { concatBytes, equalBytes, randomBytes, utf8ToBytes } from '../utils.js';
import { abytes, aoptions, anumber, isBytes, toBytes } from '../_assert.js';
import { kdf } from '../sm3.js';
import { sm4 } from '../sm4/index.js';
import { canonicalOption, canonicalize } from './canonicalize.js';
import type { Canonical } from './canonicalize.js';
import { compare, decodeMessage, encodeMessage, SESSION_LENGTH } from './encoding.js';
import type {
  OprfRequestMessage,
  OprfResponseMessage,
  OprfTableEntry,
  OprfTableMessage,
} from './encoding.js';
import { bytesKey } from './items.js';
import type { Item, ItemSource } from './items.js';
import { clockOption, serverBudget, spend } from './_budget.js';
import type { EvaluationBudget } from './_budget.js';

const CONTEXT = /* @__PURE__ */ utf8ToBytes('OPRFV1-\x00-ristretto255-SHA512');
const HASH_TO_GROUP_DST = /* @__PURE__ */ concatBytes(utf8ToBytes('HashToGroup-'), CONTEXT);
const LABEL_INFO = /* @__PURE__ */ utf8ToBytes('bukejian-oprf-v1');
const ORDER = ristretto255_hasher.Point.Fn.ORDER;

const i2osp2 = (n: number): Uint8Array => Uint8Array.of(n >>> 8, n & 255);

/**
 * RFC 9497 §3.3.1 Evaluate(skS, input) for ristretto255-SHA512 mode 0x00: the PRF output the
 * interactive protocol yields, computed by the key holder directly. Data first, key after.
 * @example
 * psi.oprf.evaluate(utf8ToBytes('110101199003071234'), secretKey) // 64 bytes
 */
export function evaluate(input: Uint8Array, secretKey: Uint8Array): Uint8Array {
  abytes(input, 'input');
  const k = leScalar(secretKey);
  const P = ristretto255_hasher.hashToCurve(input, { DST: HASH_TO_GROUP_DST });
  const unblinded = P.multiply(k).toBytes();
  return sha512(
    concatBytes(
      i2osp2(input.length),
      input,
      i2osp2(unblinded.length),
      unblinded,
      utf8ToBytes('Finalize'),
    ),
  );
}

function leScalar(b: Uint8Array): bigint {
  if (!isBytes(b) || b.length !== 32)
    throw new BukejianError('INVALID_KEY', 'OPRF secret key must be 32 bytes');
  let n = 0n;
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  if (n === 0n || n >= ORDER)
    throw new BukejianError('INVALID_KEY', 'OPRF secret key out of range');
  return n;
}

const u32 = (n: number): Uint8Array =>
  Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);

/** Lookup tag, SM4 key and nonce derived from one OPRF output. */
function derive(out: Uint8Array): { tag: Uint8Array; key: Uint8Array; nonce: Uint8Array } {
  const k = kdf(concatBytes(out, LABEL_INFO), 44);
  return { tag: k.subarray(0, 16), key: k.subarray(16, 32), nonce: k.subarray(32, 44) };
}
const aadFor = (epoch: number, tag: Uint8Array): Uint8Array =>
  concatBytes(LABEL_INFO, u32(epoch), tag);

/** Options of {@link oprfServer}. */
export interface OprfServerOptions {
  /** 32-byte ristretto255 scalar (little-endian); default: derived from 32 fresh random bytes. */
  secretKey?: Uint8Array;
  /** Key period number written into tables and responses (default 0; not with `period`). */
  epoch?: number;
  /**
   * Maximum number of blinded elements evaluated per epoch, all requests together (default
   * 2^14 = DEFAULT_MAX_EVALUATIONS; `Infinity` for none); beyond it → RATE_LIMITED.
   */
  maxEvaluations?: number;
  /** A shared budget store instead of the in-memory `maxEvaluations` (counted per epoch). */
  budget?: EvaluationBudget;
  /**
   * Key period in milliseconds: the epoch is `floor(now() / period)` and the key rotates by
   * itself when it changes (tables must then be rebuilt). Default: epochs change only by `rotate()`.
   */
  period?: number;
  /** Clock in milliseconds for `period` (default `Date.now`). */
  now?: () => number;
  /** Canonicalization of string items (default 'text'). */
  canonical?: Canonical;
}

/** The OPRF server of labeled membership queries. */
export interface OprfServer {
  /** The current key period. */
  readonly epoch: number;
  /** Evaluations left in this period (from the budget store). */
  remaining(): Promise<number>;
  /** The labeled table of this period (an 'oprf-table' message). */
  table(
    entries: Iterable<[Item, string | Uint8Array]> | AsyncIterable<[Item, string | Uint8Array]>,
  ): Promise<Uint8Array>;
  /** Answers one client request (an 'oprf-request' message); RATE_LIMITED beyond the budget. */
  evaluate(request: Uint8Array): Promise<Uint8Array>;
  /**
   * Starts the next period with a new (or the given) key; returns the new epoch. With the
   * `period` option the clock rotates the key and this throws BAD_STATE.
   */
  rotate(secretKey?: Uint8Array): number;
}

function newSecretKey(): Uint8Array {
  return ristretto255_oprf.oprf.deriveKeyPair(randomBytes(32), utf8ToBytes('bukejian-psi-oprf'))
    .secretKey;
}

/**
 * Creates the server side of labeled OPRF membership queries.
 * @example
 * const srv = psi.oprf.server({ maxEvaluations: 1000 })
 * const table = await srv.table([['110101199003071234', '一级'], ['11010519850101002X', '二级']])
 * const response = await srv.evaluate(request)
 */
export function oprfServer(opts?: OprfServerOptions): OprfServer {
  const o = aoptions(opts, 'opts', [
    'secretKey',
    'epoch',
    'maxEvaluations',
    'budget',
    'period',
    'now',
    'canonical',
  ]);
  let sk = o.secretKey === undefined ? newSecretKey() : o.secretKey.slice();
  leScalar(sk);
  const budget = serverBudget(o.budget, o.maxEvaluations);
  const now = clockOption(o.now);
  const keyPeriod = o.period === undefined ? undefined : anumber(o.period, 'period', 1);
  if (keyPeriod !== undefined && o.epoch !== undefined)
    throw new BukejianError(
      'INVALID_OPTION',
      '"epoch" and "period" are exclusive (with "period" the epoch follows the clock)',
    );
  const clockEpoch = (): number => Math.floor(now() / keyPeriod!) >>> 0;
  let epoch =
    keyPeriod !== undefined
      ? clockEpoch()
      : o.epoch === undefined
        ? 0
        : anumber(o.epoch, 'epoch', 0, 0xffffffff);
  const form = canonicalOption(o.canonical);
  const newKey = (secretKey?: Uint8Array): void => {
    const next = secretKey === undefined ? newSecretKey() : secretKey.slice();
    leScalar(next);
    sk.fill(0);
    sk = next;
  };
  /** With `period`: a new key when the clock entered another period. */
  const sync = (): void => {
    if (keyPeriod === undefined) return;
    const e = clockEpoch();
    if (e === epoch) return;
    newKey();
    epoch = e;
  };
  return {
    get epoch() {
      sync();
      return epoch;
    },
    async remaining() {
      sync();
      return Math.max(0, budget.limit - (await budget.used(epoch)));
    },
    async table(entries) {
      sync();
      const out: OprfTableEntry[] = [];
      const e = epoch;
      const key = sk;
      for await (const [item, label] of entries as AsyncIterable<[Item, string | Uint8Array]>) {
        const d = derive(evaluate(canonicalize(item, form), key));
        const sealed = sm4.gcm(d.key, d.nonce, aadFor(e, d.tag)).encrypt(toBytes(label, 'label'));
        out.push({ tag: d.tag.slice(), sealed });
      }
      out.sort((a, b) => compare(a.tag, b.tag));
      for (let i = 1; i < out.length; i++) {
        if (compare(out[i - 1]!.tag, out[i]!.tag) === 0)
          throw new BukejianError(
            'INVALID_DATA',
            'duplicate item in the OPRF table (after canonicalization)',
          );
      }
      const m: OprfTableMessage = {
        type: 'oprf-table',
        group: 'ristretto255',
        session: new Uint8Array(SESSION_LENGTH),
        epoch: e,
        entries: out,
      };
      return encodeMessage(m);
    },
    async evaluate(request: Uint8Array): Promise<Uint8Array> {
      const m = decodeMessage(request, { expect: 'oprf-request' }) as OprfRequestMessage;
      if (m.group !== 'ristretto255')
        throw new BukejianError('INVALID_ENCODING', 'OPRF requests use ristretto255');
      sync();
      const e = epoch;
      // SECURITY: counted (all requests of the epoch together) before any evaluation
      await spend(budget, e, m.count, 'OPRF server');
      sync();
      if (epoch !== e)
        throw new BukejianError(
          'BAD_STATE',
          'OPRF server: the key period ended while the request was counted; ask again',
        );
      const key = sk;
      const out = new Uint8Array(m.elements.length);
      for (let i = 0; i < m.count; i++) {
        const el = m.elements.subarray(i * 32, (i + 1) * 32);
        out.set(ristretto255_oprf.oprf.blindEvaluate(key, el), i * 32);
      }
      const r: OprfResponseMessage = {
        type: 'oprf-response',
        group: 'ristretto255',
        session: m.session,
        epoch: e,
        count: m.count,
        elements: out,
      };
      return encodeMessage(r);
    },
    rotate(secretKey?: Uint8Array): number {
      if (keyPeriod !== undefined)
        throw new BukejianError(
          'BAD_STATE',
          'OPRF server: with the "period" option the key rotates with the clock',
        );
      newKey(secretKey);
      epoch = (epoch + 1) >>> 0;
      return epoch;
    },
  };
}

/** One query result. */
export interface OprfMatch<T extends Item> {
  item: T;
  member: boolean;
  /** The server's label when `member`. */
  label?: Uint8Array;
}

/** The OPRF client of one query. */
export interface OprfClient<T extends Item> {
  readonly state: 'new' | 'requested' | 'finished';
  /** The 'oprf-request' message. */
  request(): Promise<Uint8Array>;
  /** Finalizes with the server's response and the table of the same epoch. */
  finish(response: Uint8Array, table: Uint8Array): Promise<OprfMatch<T>[]>;
}

/**
 * Creates a client querying `items` against a labeled OPRF table.
 * @example
 * const c = psi.oprf.client(['110101199003071234'])
 * const res = await c.finish(await srv.evaluate(await c.request()), table)
 * res[0].member && bytesToUtf8(res[0].label!) // '一级'
 */
export function oprfClient<T extends Item>(
  items: ItemSource<T>,
  opts?: { canonical?: Canonical },
): OprfClient<T> {
  const o = aoptions(opts, 'opts', ['canonical']);
  const form = canonicalOption(o.canonical);
  let state: 'new' | 'requested' | 'finished' = 'new';
  let inputs: { item: T; input: Uint8Array; blind: Uint8Array }[] = [];
  let session: Uint8Array | undefined;
  return {
    get state() {
      return state;
    },
    async request() {
      if (state !== 'new')
        throw new BukejianError(
          'BAD_STATE',
          `OPRF client: request() not allowed in state "${state}"`,
        );
      state = 'requested';
      const list: T[] = [];
      for await (const it of items as AsyncIterable<T>) list.push(it);
      session = randomBytes(SESSION_LENGTH);
      const elements = new Uint8Array(list.length * 32);
      inputs = list.map((item, i) => {
        const input = canonicalize(item, form);
        const b = ristretto255_oprf.oprf.blind(input, randomBytes);
        elements.set(b.blinded, i * 32);
        return { item, input, blind: b.blind };
      });
      const m: OprfRequestMessage = {
        type: 'oprf-request',
        group: 'ristretto255',
        session,
        count: list.length,
        elements,
      };
      return encodeMessage(m);
    },
    async finish(response: Uint8Array, table: Uint8Array) {
      if (state !== 'requested')
        throw new BukejianError(
          'BAD_STATE',
          `OPRF client: finish() not allowed in state "${state}"`,
        );
      const r = decodeMessage(response, { expect: 'oprf-response' }) as OprfResponseMessage;
      const t = decodeMessage(table, { expect: 'oprf-table' }) as OprfTableMessage;
      if (!equalBytes(r.session, session!))
        throw new BukejianError('INVALID_ENCODING', 'OPRF response belongs to another session');
      if (r.count !== inputs.length)
        throw new BukejianError(
          'INVALID_ENCODING',
          `OPRF response carries ${r.count} elements for ${inputs.length} asked`,
        );
      if (r.epoch !== t.epoch)
        throw new BukejianError(
          'INVALID_ENCODING',
          `OPRF response is from epoch ${r.epoch}, the table from epoch ${t.epoch}`,
        );
      state = 'finished';
      const byTag = new Map<string, Uint8Array>();
      for (const e of t.entries) byTag.set(bytesKey(e.tag), e.sealed);
      return inputs.map(({ item, input, blind }, i) => {
        let out: Uint8Array;
        try {
          out = ristretto255_oprf.oprf.finalize(
            input,
            blind,
            r.elements.subarray(i * 32, (i + 1) * 32),
          );
        } catch {
          throw new BukejianError('INVALID_POINT', `OPRF evaluated element ${i} is invalid`);
        }
        blind.fill(0);
        const d = derive(out);
        const sealed = byTag.get(bytesKey(d.tag));
        if (!sealed) return { item, member: false };
        const label = sm4.gcm(d.key, d.nonce, aadFor(t.epoch, d.tag)).decrypt(sealed);
        return { item, member: true, label };
      });
    },
  };
}
