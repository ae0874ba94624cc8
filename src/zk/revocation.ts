/**
 * Credential revocation for the rules circuit: the issuer keeps a sorted list of revoked
 * credential ids (the low 128 bits of the credential's record hash, which only the issuer and the
 * holder know), publishes the whole list with its Merkle root (sorted-tree.ts, 4^8 = 65,536 leaf
 * slots, so at most 65,535 revoked ids per list) and a timestamp, SM2-signed. The holder computes
 * its non-membership witness locally from the published list (the issuer learns nothing about who
 * proves, where); the verifier checks the SM2 signature and the age of the state, and puts the
 * signed root into the proof's public inputs. Message signed (SM2, default user ID, raw r ‖ s):
 * "BKZR" ‖ 0x01 ‖ root (32) ‖ count u32 ‖ publishedAt u64 (ms since the epoch).
 * @module
 */
import { BukejianError } from '../errors.js';
import { sign, verify } from '../sm2/sign.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../utils.js';
import { abytes, aoptions, isBytes } from '../_assert.js';
import type { Credential } from './credential.js';
import { fieldToBytes } from './field.js';
import { recordHash, validateRecord } from './record.js';
import { buildSortedTree, type SortedTree } from './sorted-tree.js';

/** Levels of the revocation tree (4^8 = 65,536 leaf slots). */
export const REVOCATION_LEVELS = 8;
/** Upper sentinel of the revocation list: ids are < 2^128. */
export const REVOCATION_TOP = 1n << 128n;
const ID_MASK = REVOCATION_TOP - 1n;
const TAG = /* @__PURE__ */ utf8ToBytes('BKZR');
const JSON_TYPE = 'bukejian/zk-revocation-state';

/** A published, SM2-signed revocation state. */
export interface RevocationState {
  readonly root: bigint;
  /** Every revoked id, ascending. */
  readonly ids: readonly bigint[];
  /** Publication time, ms since the epoch. */
  readonly publishedAt: number;
  /** SM2 signature (raw r ‖ s, 64 bytes) of the state message. */
  readonly signature: Uint8Array;
}

/** The issuer's registry of revoked credentials. */
export interface RevocationRegistry {
  /** Revokes a credential (or an id); true if it was not revoked before. */
  revoke(credentialOrId: Credential | bigint): Promise<boolean>;
  /** True if the credential (or id) is revoked. */
  has(credentialOrId: Credential | bigint): Promise<boolean>;
  /** The revoked ids, ascending. */
  readonly ids: readonly bigint[];
  /** Builds the tree and signs the state with the issuer's SM2 secret key. */
  publish(
    sm2SecretKey: Uint8Array,
    options?: { readonly at?: Date | number },
  ): Promise<RevocationState>;
}

/**
 * The revocation id of a credential: the low 128 bits of Poseidon(record), as the circuit derives it.
 * @example const id = await revocation.id(credential)
 */
export async function revocationId(credential: Credential): Promise<bigint> {
  if (!credential || typeof credential !== 'object')
    throw new BukejianError('INVALID_TYPE', '"credential" expected a credential');
  return (await recordHash(validateRecord(credential.record))) & ID_MASK;
}

function aid(v: unknown, name: string): bigint {
  if (typeof v !== 'bigint' || v <= 0n || v >= REVOCATION_TOP)
    throw new BukejianError('INVALID_RANGE', `"${name}" expected a revocation id in (0, 2^128)`);
  return v;
}

function message(root: bigint, count: number, publishedAt: number): Uint8Array {
  const tail = new Uint8Array(12);
  const dv = new DataView(tail.buffer);
  dv.setUint32(0, count);
  dv.setBigUint64(4, BigInt(publishedAt));
  return concatBytes(TAG, Uint8Array.of(1), fieldToBytes(root), tail);
}

const trees = new WeakMap<readonly bigint[], SortedTree>();
/** The tree of a state's id list (built once per list). @example revocationTree(state).root */
export function revocationTree(state: RevocationState): SortedTree {
  let t = trees.get(state.ids);
  if (!t) {
    t = buildSortedTree(state.ids, REVOCATION_TOP, REVOCATION_LEVELS);
    trees.set(state.ids, t);
  }
  return t;
}

function atime(at: Date | number | undefined, name: string): number {
  const t = at === undefined ? Date.now() : at instanceof Date ? at.getTime() : at;
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0)
    throw new BukejianError('INVALID_OPTION', `"${name}" expected a Date or ms since the epoch`);
  return t;
}

/**
 * An issuer-side registry of revoked credentials, optionally starting from known ids.
 * @example const reg = revocation.createRegistry(); await reg.revoke(credential); const state = await reg.publish(sm2SecretKey)
 */
export function createRevocationRegistry(ids: readonly bigint[] = []): RevocationRegistry {
  if (!Array.isArray(ids))
    throw new BukejianError('INVALID_TYPE', '"ids" expected array of bigints');
  const set = new Set(ids.map((v, i) => aid(v, `ids[${i}]`)));
  const idOf = async (x: Credential | bigint) =>
    typeof x === 'bigint' ? aid(x, 'id') : revocationId(x);
  return Object.freeze({
    async revoke(x: Credential | bigint) {
      const id = await idOf(x);
      if (set.has(id)) return false;
      set.add(id);
      return true;
    },
    async has(x: Credential | bigint) {
      return set.has(await idOf(x));
    },
    get ids() {
      return Object.freeze([...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    },
    async publish(sm2SecretKey: Uint8Array, options?: { readonly at?: Date | number }) {
      abytes(sm2SecretKey, 'sm2SecretKey', 32, 'INVALID_KEY');
      const o = aoptions(options, 'options', ['at']);
      const publishedAt = atime(o.at, 'at');
      const sorted = Object.freeze([...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const tree = buildSortedTree(sorted, REVOCATION_TOP, REVOCATION_LEVELS);
      const signature = sign(message(tree.root, sorted.length, publishedAt), sm2SecretKey, {
        format: 'raw',
      });
      const state = Object.freeze({ root: tree.root, ids: sorted, publishedAt, signature });
      trees.set(sorted, tree);
      return state;
    },
  });
}

/**
 * Checks a state's SM2 signature under the issuer's SM2 public key (false on any failure; the
 * id list is not re-hashed here: the holder's witness is checked against the signed root).
 * @example revocation.verifyState(state, issuerSm2PublicKey) // true
 */
export function verifyRevocationState(state: RevocationState, sm2PublicKey: Uint8Array): boolean {
  if (!isBytes(sm2PublicKey))
    throw new BukejianError('INVALID_OPTION', '"sm2PublicKey" expected Uint8Array');
  try {
    if (!state || typeof state.root !== 'bigint' || !Array.isArray(state.ids)) return false;
    return verify(
      state.signature,
      message(state.root, state.ids.length, state.publishedAt),
      sm2PublicKey,
      {
        format: 'raw',
      },
    );
  } catch {
    return false;
  }
}

/**
 * The JSON form of a state (decimal strings, signature hex, ISO time).
 * @example writeFileSync('revocation.json', JSON.stringify(revocation.toJSON(state)))
 */
export function revocationStateToJSON(s: RevocationState): Record<string, unknown> {
  return {
    type: JSON_TYPE,
    version: 1,
    root: s.root.toString(),
    publishedAt: new Date(s.publishedAt).toISOString(),
    ids: s.ids.map(String),
    signature: bytesToHex(s.signature),
  };
}

function bad(msg: string): never {
  throw new BukejianError('INVALID_ENCODING', msg);
}

/**
 * Strictly decodes the JSON form (object or string); the signature is NOT checked here.
 * @example const state = revocation.fromJSON(readFileSync('revocation.json', 'utf8'))
 */
export function revocationStateFromJSON(input: unknown): RevocationState {
  let o = input;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      bad('revocation state JSON does not parse');
    }
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad('"state" expected object');
  const r = o as Record<string, unknown>;
  const keys = ['type', 'version', 'root', 'publishedAt', 'ids', 'signature'];
  for (const k of Object.keys(r))
    if (!keys.includes(k)) bad(`"state" has unknown key "${k.slice(0, 32)}"`);
  if (r.type !== JSON_TYPE) bad(`"type" expected ${JSON_TYPE}`);
  if (r.version !== 1) throw new BukejianError('VERSION', '"version" expected 1');
  const dec = (v: unknown, name: string) => {
    if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(v))
      bad(`"${name}" expected decimal string`);
    return BigInt(v);
  };
  const root = dec(r.root, 'root');
  if (!Array.isArray(r.ids)) bad('"ids" expected array');
  const ids = (r.ids as unknown[]).map((v, i) => dec(v, `ids[${i}]`));
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! <= 0n || ids[i]! >= REVOCATION_TOP) bad(`"ids[${i}]" expected a revocation id`);
    if (i > 0 && ids[i]! <= ids[i - 1]!) bad('"ids" expected strictly ascending');
  }
  const t = typeof r.publishedAt === 'string' ? Date.parse(r.publishedAt) : NaN;
  if (!Number.isSafeInteger(t) || t < 0) bad('"publishedAt" expected an ISO date');
  if (typeof r.signature !== 'string' || !/^[0-9a-f]{128}$/.test(r.signature))
    bad('"signature" expected 64 bytes hex');
  return Object.freeze({
    root,
    ids: Object.freeze(ids),
    publishedAt: t,
    signature: hexToBytes(r.signature as string),
  });
}
