/**
 * Wire forms of a credential (DESIGN.md "Wire formats"): a JSON form and a compact binary form,
 * both versioned, with strict decoders (unknown keys, wrong versions, out-of-range values and
 * trailing bytes → BukejianError). Decoding checks structure and ranges only; call
 * `issuer.verify` to check the signature.
 *
 * Binary v1: "BKZC" ‖ 0x01 ‖ record (62 bytes, record.ts `recordBytes`) ‖ Ax ‖ Ay ‖ R8x ‖ R8y ‖ S
 * (32-byte big-endian each) ‖ sm2Len u8 (0 or 64) ‖ sm2 signature (raw r ‖ s).
 * @module
 */
import { BukejianError } from '../errors.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../utils.js';
import { isBytes } from '../_assert.js';
import type { Credential } from './credential.js';
import { afield, fieldFromBytes, fieldToBytes } from './field.js';
import { RECORD_BYTES, recordBytes, validateRecord, type CredentialRecord } from './record.js';

const MAGIC = /* @__PURE__ */ utf8ToBytes('BKZC');
const VERSION = 1;
const JSON_TYPE = 'bukejian/zk-credential';
const FIXED = 4 + 1 + RECORD_BYTES + 5 * 32 + 1;

/** JSON form of a credential (bigints as decimal strings). */
export interface CredentialJSON {
  type: typeof JSON_TYPE;
  version: 1;
  record: Omit<CredentialRecord, 'holderCommitment'> & { holderCommitment: string };
  issuerPublicKey: [string, string];
  signature: { R8: [string, string]; S: string };
  sm2Signature?: string;
}

function bad(msg: string): never {
  throw new BukejianError('INVALID_ENCODING', msg);
}

function exactKeys(
  o: unknown,
  name: string,
  required: string[],
  optional: string[] = [],
): Record<string, unknown> {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad(`"${name}" expected object`);
  const rec = o as Record<string, unknown>;
  for (const k of Object.keys(rec))
    if (!required.includes(k) && !optional.includes(k))
      bad(`"${name}" has unknown key "${k.slice(0, 32)}"`);
  for (const k of required) if (!(k in rec)) bad(`"${name}" expected key "${k}"`);
  return rec;
}

function pair(v: unknown, name: string): readonly [bigint, bigint] {
  if (!Array.isArray(v) || v.length !== 2) bad(`"${name}" expected array of 2 decimal strings`);
  return Object.freeze([
    afield(v[0], `${name}[0]`, true),
    afield(v[1], `${name}[1]`, true),
  ] as const);
}

function sm2Sig(v: unknown): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-f]{128}$/.test(v))
    bad('"sm2Signature" expected 128 lowercase hex digits');
  return hexToBytes(v);
}

/**
 * The JSON form of a credential.
 * @example JSON.stringify(credentialToJSON(cred))
 */
export function credentialToJSON(c: Credential): CredentialJSON {
  const out: CredentialJSON = {
    type: JSON_TYPE,
    version: 1,
    record: { ...c.record, holderCommitment: c.record.holderCommitment.toString() },
    issuerPublicKey: [c.issuerPublicKey[0].toString(), c.issuerPublicKey[1].toString()],
    signature: {
      R8: [c.signature.R8[0].toString(), c.signature.R8[1].toString()],
      S: c.signature.S.toString(),
    },
  };
  if (c.sm2Signature) out.sm2Signature = bytesToHex(c.sm2Signature);
  return out;
}

/**
 * Strictly decodes the JSON form (an object or a JSON string).
 * @example const cred = credentialFromJSON(JSON.parse(text))
 */
export function credentialFromJSON(input: unknown): Credential {
  let o = input;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      bad('credential JSON does not parse');
    }
  }
  const top = exactKeys(
    o,
    'credential',
    ['type', 'version', 'record', 'issuerPublicKey', 'signature'],
    ['sm2Signature'],
  );
  if (top.type !== JSON_TYPE) bad(`"type" expected ${JSON_TYPE}`);
  if (top.version !== VERSION)
    throw new BukejianError('VERSION', `"version" expected 1, got another ${typeof top.version}`);
  const rec = exactKeys(top.record, 'record', [
    'holderCommitment',
    'birthDate',
    'sex',
    'regionCode',
    'income',
    'householdSize',
    'flags',
    'issuedAt',
    'expiresAt',
  ]);
  const record = validateRecord({
    ...(rec as unknown as CredentialRecord),
    holderCommitment: afield(rec.holderCommitment, 'record.holderCommitment', true),
  });
  const sig = exactKeys(top.signature, 'signature', ['R8', 'S']);
  const c: Credential = {
    version: 1,
    record,
    issuerPublicKey: pair(top.issuerPublicKey, 'issuerPublicKey'),
    signature: Object.freeze({
      R8: pair(sig.R8, 'signature.R8'),
      S: afield(sig.S, 'signature.S', true),
    }),
    ...(top.sm2Signature !== undefined ? { sm2Signature: sm2Sig(top.sm2Signature) } : {}),
  };
  return Object.freeze(c);
}

/**
 * The compact binary form (v1).
 * @example const bytes = encodeCredential(cred) // 228 bytes, 292 with an SM2 signature
 */
export function encodeCredential(c: Credential): Uint8Array {
  const sm2 = c.sm2Signature ?? new Uint8Array(0);
  return concatBytes(
    MAGIC,
    Uint8Array.of(VERSION),
    recordBytes(validateRecord(c.record)),
    ...[
      c.issuerPublicKey[0],
      c.issuerPublicKey[1],
      c.signature.R8[0],
      c.signature.R8[1],
      c.signature.S,
    ].map(fieldToBytes),
    Uint8Array.of(sm2.length),
    sm2,
  );
}

/**
 * Strictly decodes the binary form: wrong magic, version, lengths, ranges or trailing bytes throw.
 * @example const cred = decodeCredential(bytes)
 */
export function decodeCredential(bytes: Uint8Array): Credential {
  if (!isBytes(bytes)) throw new BukejianError('INVALID_TYPE', '"credential" expected Uint8Array');
  if (bytes.length < 5 || !MAGIC.every((m, i) => bytes[i] === m))
    bad('"credential" expected magic BKZC');
  if (bytes[4] !== VERSION)
    throw new BukejianError('VERSION', '"credential" expected version 1, got another version');
  if (bytes.length !== FIXED && bytes.length !== FIXED + 64)
    bad(`"credential" expected ${FIXED} or ${FIXED + 64} bytes, got length=${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 5;
  const f = (name: string) => fieldFromBytes(bytes.subarray(p, (p += 32)), name);
  const u32 = () => ((p += 4), dv.getUint32(p - 4));
  const u8 = () => bytes[p++]!;
  const holderCommitment = f('record.holderCommitment');
  const birthDate = u32();
  const sex = u8();
  const regionCode = u32();
  const income64 = dv.getBigUint64(p);
  p += 8;
  if (income64 > BigInt(Number.MAX_SAFE_INTEGER)) bad('"record.income" out of range');
  const record = validateRecord({
    holderCommitment,
    birthDate,
    sex,
    regionCode,
    income: Number(income64),
    householdSize: u8(),
    flags: u32(),
    issuedAt: u32(),
    expiresAt: u32(),
  });
  const ax = f('Ax'),
    ay = f('Ay'),
    r8x = f('R8x'),
    r8y = f('R8y'),
    s = f('S');
  const sm2Len = u8();
  if (p + sm2Len !== bytes.length) bad('"credential" sm2 signature length does not match');
  const c: Credential = {
    version: 1,
    record,
    issuerPublicKey: Object.freeze([ax, ay] as const),
    signature: Object.freeze({ R8: Object.freeze([r8x, r8y] as const), S: s }),
    ...(sm2Len ? { sm2Signature: bytes.slice(p) } : {}),
  };
  return Object.freeze(c);
}
