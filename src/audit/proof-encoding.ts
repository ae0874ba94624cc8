/**
 * Wire and JSON forms of Merkle proofs, for proofs that cross an agency boundary.
 *
 * Binary (all integers big-endian):
 * `"BKJA" ‖ version (1) ‖ type (1 inclusion, 2 consistency) ‖ hash (0 sm3, 1 sha256) ‖
 *  u64 a ‖ u64 b ‖ u8 count (≤ 64) ‖ count × 32-byte hashes`, where (a, b) is (index, size) for an
 * inclusion proof and (oldSize, newSize) for a consistency proof. The decoder rejects a wrong
 * magic (`INVALID_ENCODING`), an unknown version (`VERSION`), out-of-range values and trailing
 * bytes.
 *
 * JSON: `{ "v": 1, "type": "inclusion", "hash": "sm3", "index": 5, "size": 8, "path": ["hex", …] }`
 * or `{ "v": 1, "type": "consistency", "hash": "sm3", "oldSize": 6, "newSize": 8, "path": [...] }`,
 * validated field by field (unknown keys rejected).
 * @module
 */
import { BukejianError } from '../errors.js';
import { bytesToHex, hexToBytes } from '../utils.js';
import { abytes, isBytes } from '../_assert.js';
import type { ConsistencyProof, InclusionProof, TreeHashName } from './merkle.js';

const MAGIC = [0x42, 0x4b, 0x4a, 0x41]; // "BKJA"
const MAX_PATH = 64;

/** A proof with its type and hash function, as decoded. */
export type AuditProof =
  | { type: 'inclusion'; hash: TreeHashName; proof: InclusionProof }
  | { type: 'consistency'; hash: TreeHashName; proof: ConsistencyProof };

function bad(msg: string): never {
  throw new BukejianError('INVALID_ENCODING', msg);
}
function checkCount(x: unknown, name: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0)
    bad(`"${name}" expected a non-negative safe integer, got other`);
  return x;
}
function checkPath(path: unknown): Uint8Array[] {
  if (!Array.isArray(path) || path.length > MAX_PATH)
    bad(`"path" expected an array of at most ${MAX_PATH} hashes, got other`);
  return path.map((p, i) => {
    const b =
      typeof p === 'string'
        ? (() => {
            try {
              return hexToBytes(p);
            } catch {
              return bad(`"path[${i}]" expected hex, got other`);
            }
          })()
        : p;
    if (!isBytes(b) || b.length !== 32) bad(`"path[${i}]" expected 32 bytes, got other`);
    return b;
  });
}

/**
 * Binary form of a proof.
 * @example const wire = encodeAuditProof({ type: 'inclusion', hash: 'sm3', proof: log.inclusionProof(5) })
 */
export function encodeAuditProof(p: AuditProof): Uint8Array {
  const [a, b] =
    p.type === 'inclusion' ? [p.proof.index, p.proof.size] : [p.proof.oldSize, p.proof.newSize];
  checkCount(a, 'a');
  checkCount(b, 'b');
  const path = checkPath(p.proof.path);
  if (p.hash !== 'sm3' && p.hash !== 'sha256') bad('"hash" expected sm3|sha256, got other');
  const out = new Uint8Array(4 + 3 + 16 + 1 + 32 * path.length);
  const v = new DataView(out.buffer);
  out.set(MAGIC);
  out[4] = 1;
  out[5] = p.type === 'inclusion' ? 1 : 2;
  out[6] = p.hash === 'sm3' ? 0 : 1;
  v.setUint32(7, Math.floor(a / 2 ** 32));
  v.setUint32(11, a >>> 0);
  v.setUint32(15, Math.floor(b / 2 ** 32));
  v.setUint32(19, b >>> 0);
  out[23] = path.length;
  path.forEach((h, i) => out.set(h, 24 + 32 * i));
  return out;
}

/**
 * Parses the binary form; throws `INVALID_ENCODING` / `VERSION` on anything malformed.
 * @example const { type, hash, proof } = decodeAuditProof(wire)
 */
export function decodeAuditProof(bytes: Uint8Array): AuditProof {
  abytes(bytes, 'bytes');
  if (bytes.length < 24 || MAGIC.some((m, i) => bytes[i] !== m))
    bad('"bytes" expected a BKJA proof, got other');
  if (bytes[4] !== 1)
    throw new BukejianError('VERSION', `"bytes" expected proof version 1, got ${bytes[4]}`);
  const type =
    bytes[5] === 1
      ? 'inclusion'
      : bytes[5] === 2
        ? 'consistency'
        : bad('"type" expected 1|2, got other');
  const hash: TreeHashName =
    bytes[6] === 0 ? 'sm3' : bytes[6] === 1 ? 'sha256' : bad('"hash" expected 0|1, got other');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hiA = v.getUint32(7),
    hiB = v.getUint32(15);
  if (hiA >= 1 << 21 || hiB >= 1 << 21) bad('"size" expected below 2^53, got larger');
  const a = hiA * 2 ** 32 + v.getUint32(11);
  const b = hiB * 2 ** 32 + v.getUint32(19);
  const n = bytes[23]!;
  if (n > MAX_PATH) bad(`"path" expected at most ${MAX_PATH} hashes, got ${n}`);
  if (bytes.length !== 24 + 32 * n)
    bad(`"bytes" expected length ${24 + 32 * n}, got length=${bytes.length}`);
  const path = Array.from({ length: n }, (_, i) => bytes.slice(24 + 32 * i, 56 + 32 * i));
  if (type === 'inclusion') {
    if (a >= b) bad('"index" expected below "size", got not below');
    return { type, hash, proof: { index: a, size: b, path } };
  }
  if (a > b) bad('"oldSize" expected at most "newSize", got larger');
  return { type, hash, proof: { oldSize: a, newSize: b, path } };
}

/** JSON form of a proof (hex hashes). @example JSON.stringify(auditProofToJSON({ type: 'inclusion', hash: 'sm3', proof })) */
export function auditProofToJSON(p: AuditProof): Record<string, unknown> {
  decodeAuditProof(encodeAuditProof(p)); // same validation as the binary form
  const path = p.proof.path.map((h) => bytesToHex(h));
  return p.type === 'inclusion'
    ? { v: 1, type: 'inclusion', hash: p.hash, index: p.proof.index, size: p.proof.size, path }
    : {
        v: 1,
        type: 'consistency',
        hash: p.hash,
        oldSize: p.proof.oldSize,
        newSize: p.proof.newSize,
        path,
      };
}

/**
 * Parses and validates the JSON form (an object or its text); throws `INVALID_ENCODING` /
 * `VERSION` on anything malformed, unknown keys included.
 * @example const { proof } = auditProofFromJSON(await res.text())
 */
export function auditProofFromJSON(json: unknown): AuditProof {
  let o = json;
  if (typeof json === 'string') {
    try {
      o = JSON.parse(json);
    } catch {
      bad('"json" expected JSON, got unparsable text');
    }
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) bad('"json" expected an object, got other');
  const x = o as Record<string, unknown>;
  if (x.v !== 1) throw new BukejianError('VERSION', '"v" expected 1, got other');
  const keys =
    x.type === 'inclusion'
      ? ['v', 'type', 'hash', 'index', 'size', 'path']
      : x.type === 'consistency'
        ? ['v', 'type', 'hash', 'oldSize', 'newSize', 'path']
        : bad('"type" expected inclusion|consistency, got other');
  for (const k of Object.keys(x))
    if (!keys.includes(k)) bad(`"json" expected keys ${keys.join('|')}, got unknown key`);
  const hash =
    x.hash === 'sm3' || x.hash === 'sha256' ? x.hash : bad('"hash" expected sm3|sha256, got other');
  const path = checkPath(x.path);
  const p: AuditProof =
    x.type === 'inclusion'
      ? {
          type: 'inclusion',
          hash,
          proof: { index: checkCount(x.index, 'index'), size: checkCount(x.size, 'size'), path },
        }
      : {
          type: 'consistency',
          hash,
          proof: {
            oldSize: checkCount(x.oldSize, 'oldSize'),
            newSize: checkCount(x.newSize, 'newSize'),
            path,
          },
        };
  return decodeAuditProof(encodeAuditProof(p)); // range checks shared with the binary decoder
}
