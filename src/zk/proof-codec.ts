/**
 * An eligibility proof and its wire forms. A proof carries only the Groth16 points and the
 * nullifier (the circuit's one output); every other public signal is recomputed by the verifier.
 *
 * JSON: { type: "bukejian/zk-proof", version: 1, a: [x, y], b: [[x0, x1], [y0, y1]], c: [x, y],
 *         nullifier } (decimal strings; G2 coordinates in snarkjs order, x = x0 + x1·u).
 * Binary v1 (293 bytes): "BKZP" ‖ 0x01 ‖ a.x ‖ a.y ‖ b.x0 ‖ b.x1 ‖ b.y0 ‖ b.y1 ‖ c.x ‖ c.y ‖ nullifier,
 * 32-byte big-endian each. Base-field coordinates must be < p, the nullifier < r.
 * Decoders check encodings only; curve and subgroup membership are checked by the verifier.
 * @module
 */
import { BukejianError } from '../errors.js';
import { concatBytes, utf8ToBytes } from '../utils.js';
import { isBytes } from '../_assert.js';
import { bytesToNumberBE, numberToBytesBE } from '../_number.js';
import { afield } from './field.js';

/** BN254 base-field modulus p. @example proof.a[0] < BASE_FIELD */
export const BASE_FIELD =
  21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** The BN254 curve parameter x (p and r are polynomials in x; 63 bits). @example G2.timesScalar(q, BN_X) */
export const BN_X = 4965661367192848881n;

/** A Groth16 eligibility proof (affine coordinates) and its nullifier. */
export interface EligibilityProof {
  readonly a: readonly [bigint, bigint];
  readonly b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  readonly c: readonly [bigint, bigint];
  readonly nullifier: bigint;
}

const MAGIC = /* @__PURE__ */ utf8ToBytes('BKZP');
const JSON_TYPE = 'bukejian/zk-proof';
/**
 * Length of the binary form of an eligibility proof (293 bytes).
 * @example encodeEligibilityProof(proof).length === ELIGIBILITY_PROOF_BYTES // true
 */
export const ELIGIBILITY_PROOF_BYTES = 5 + 9 * 32;

function bad(msg: string): never {
  throw new BukejianError('INVALID_ENCODING', msg);
}

function coord(v: unknown, name: string, fromString: boolean): bigint {
  let x: bigint;
  if (typeof v === 'bigint') x = v;
  else if (fromString && typeof v === 'string' && /^(0|[1-9][0-9]{0,77})$/.test(v)) x = BigInt(v);
  else bad(`"${name}" expected decimal string`);
  if (x < 0n || x >= BASE_FIELD) bad(`"${name}" expected coordinate < p`);
  return x;
}

function g1(v: unknown, name: string, s: boolean): readonly [bigint, bigint] {
  if (!Array.isArray(v) || v.length !== 2) bad(`"${name}" expected [x, y]`);
  return Object.freeze([coord(v[0], `${name}[0]`, s), coord(v[1], `${name}[1]`, s)] as const);
}

function g2(v: unknown, name: string, s: boolean): EligibilityProof['b'] {
  if (!Array.isArray(v) || v.length !== 2) bad(`"${name}" expected [[x0, x1], [y0, y1]]`);
  return Object.freeze([g1(v[0], `${name}[0]`, s), g1(v[1], `${name}[1]`, s)] as const);
}

/**
 * Validates the shape and ranges of an in-memory proof object (INVALID_ENCODING otherwise).
 * @example const p = checkProof(untrusted)
 */
export function checkProof(p: unknown, fromString = false): EligibilityProof {
  if (p === null || typeof p !== 'object') bad('"proof" expected object');
  const o = p as Record<string, unknown>;
  let nullifier: bigint;
  try {
    nullifier = afield(o.nullifier, 'nullifier', fromString);
  } catch {
    bad('"nullifier" expected field element');
  }
  return Object.freeze({
    a: g1(o.a, 'a', fromString),
    b: g2(o.b, 'b', fromString),
    c: g1(o.c, 'c', fromString),
    nullifier,
  });
}

/**
 * The JSON form of an eligibility proof (decimal strings).
 * @example JSON.stringify(eligibilityProofToJSON(proof))
 */
export function eligibilityProofToJSON(p: EligibilityProof): Record<string, unknown> {
  const s = (v: bigint) => v.toString();
  return {
    type: JSON_TYPE,
    version: 1,
    a: p.a.map(s),
    b: p.b.map((q) => q.map(s)),
    c: p.c.map(s),
    nullifier: s(p.nullifier),
  };
}

/**
 * Strictly decodes the JSON form (object or string); unknown keys and wrong versions throw.
 * @example const proof = eligibilityProofFromJSON(body)
 */
export function eligibilityProofFromJSON(input: unknown): EligibilityProof {
  let o = input;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      bad('proof JSON does not parse');
    }
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad('"proof" expected object');
  const r = o as Record<string, unknown>;
  const keys = ['type', 'version', 'a', 'b', 'c', 'nullifier'];
  for (const k of Object.keys(r))
    if (!keys.includes(k)) bad(`"proof" has unknown key "${k.slice(0, 32)}"`);
  if (r.type !== JSON_TYPE) bad(`"type" expected ${JSON_TYPE}`);
  if (r.version !== 1)
    throw new BukejianError('VERSION', `"version" expected 1, got another ${typeof r.version}`);
  return checkProof(r, true);
}

/**
 * The binary form of an eligibility proof (293 bytes).
 * @example const bytes = encodeEligibilityProof(proof)
 */
export function encodeEligibilityProof(p: EligibilityProof): Uint8Array {
  const q = checkProof(p);
  const parts = [
    q.a[0],
    q.a[1],
    q.b[0][0],
    q.b[0][1],
    q.b[1][0],
    q.b[1][1],
    q.c[0],
    q.c[1],
    q.nullifier,
  ];
  return concatBytes(MAGIC, Uint8Array.of(1), ...parts.map((v) => numberToBytesBE(v, 32)));
}

/**
 * Strictly decodes the binary form (exact length, magic, version, ranges).
 * @example const proof = decodeEligibilityProof(bytes)
 */
export function decodeEligibilityProof(bytes: Uint8Array): EligibilityProof {
  if (!isBytes(bytes)) throw new BukejianError('INVALID_TYPE', '"proof" expected Uint8Array');
  if (bytes.length < 5 || !MAGIC.every((m, i) => bytes[i] === m))
    bad('"proof" expected magic BKZP');
  if (bytes[4] !== 1)
    throw new BukejianError('VERSION', '"proof" expected version 1, got another version');
  if (bytes.length !== ELIGIBILITY_PROOF_BYTES)
    bad(`"proof" expected ${ELIGIBILITY_PROOF_BYTES} bytes, got length=${bytes.length}`);
  const v = (i: number) => bytesToNumberBE(bytes.subarray(5 + 32 * i, 5 + 32 * (i + 1)));
  return checkProof({
    a: [v(0), v(1)],
    b: [
      [v(2), v(3)],
      [v(4), v(5)],
    ],
    c: [v(6), v(7)],
    nullifier: v(8),
  });
}
