/**
 * Signed checkpoints: the log's tree size, root hash, time and identity in a text format a person
 * can read, signed with SM2 (GB/T 32918.2). The layout follows the C2SP `tlog-checkpoint` and
 * `signed-note` conventions used by Go's sumdb and the transparency-dev ecosystem:
 *
 * ```
 * agency.example/audit          ← origin: the log's identity
 * 1048576                       ← tree size (decimal)
 * 2K8uE7w…=                     ← root hash (base64, standard alphabet)
 * time 2026-11-25T08:33:43.000Z ← extension lines
 * hash sm3
 *                               ← blank line
 * — agency.example/audit-key AbCd…=
 * ```
 *
 * A signature line is `— <key name> <base64(key ID ‖ signature)>`; the key ID is the first 4 bytes
 * of `SM3(key name ‖ "\n" ‖ 0x53 ‖ public key)` (type byte 0x53 is this package's SM2 note
 * signature type), and the signature is the 64-byte raw `r ‖ s` over the note text up to and
 * including the newline before the blank line. Verification returns `null` for an unsigned note,
 * a note signed by another key, a bad signature or any malformed text.
 * @module
 */
import { BukejianError } from '../errors.js';
import { sm3 } from '../sm3.js';
import { bytesToUtf8, concatBytes, utf8ToBytes } from '../utils.js';
import { abytes, anumber, aoneOf, isBytes } from '../_assert.js';
import { b64decode, b64encode as b64 } from '../_base64.js';
import type { TreeHashName } from './merkle.js';

/** A checkpoint's content. */
export interface Checkpoint {
  /** The log identity (one line, no spaces at the ends). */
  origin: string;
  size: number;
  /** 32-byte root hash. */
  root: Uint8Array;
  /** Signing time, ISO 8601 UTC. */
  time: string;
  hash: TreeHashName;
}

/** Something that signs checkpoints (SM2 in production; see `sm2CheckpointSigner`). */
export interface CheckpointSigner {
  /** Key name in signature lines (no spaces). */
  readonly name: string;
  /** Public key bytes (bound into the key ID). */
  readonly publicKey: Uint8Array;
  /** Signs the note text; returns a 64-byte raw signature. */
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Something that verifies checkpoint signatures. */
export interface CheckpointVerifier {
  readonly name: string;
  readonly publicKey: Uint8Array;
  /** True when `signature` is valid for `message` under this key; never throws for bad input. */
  verify(signature: Uint8Array, message: Uint8Array): boolean;
}

const DASH = '\u2014';
const SIG_TYPE = 0x53;

/** Canonical base64 only: one encoding per byte string. */
function unb64(s: string): Uint8Array | null {
  const out = b64decode(s);
  return out && b64(out) === s ? out : null;
}

/**
 * The 4-byte key ID of a signer or verifier.
 * @example keyId('agency.example/audit-key', publicKey) // Uint8Array(4)
 */
export function keyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sm3(
    concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, SIG_TYPE), abytes(publicKey, 'publicKey')),
  ).subarray(0, 4);
}

const ORIGIN_RE =
  /^[\x21-\x7e\u00a0-\uffff](?:[\x20-\x7e\u00a0-\uffff]{0,254}[\x21-\x7e\u00a0-\uffff])?$/;
const NAME_RE = /^[\x21-\x7e]{1,128}$/;

/**
 * The unsigned note text of a checkpoint (ends with a newline).
 * @example formatCheckpoint({ origin: 'a.example/log', size: 1, root, time: '2026-01-01T00:00:00.000Z', hash: 'sm3' })
 */
export function formatCheckpoint(cp: Checkpoint): string {
  if (typeof cp.origin !== 'string' || !ORIGIN_RE.test(cp.origin)) {
    throw new BukejianError(
      'INVALID_DATA',
      '"origin" expected one printable line without leading/trailing spaces, got other',
    );
  }
  anumber(cp.size, 'size');
  abytes(cp.root, 'root', 32);
  aoneOf(cp.hash, 'hash', ['sm3', 'sha256'] as const);
  if (typeof cp.time !== 'string' || new Date(cp.time).toISOString() !== cp.time) {
    throw new BukejianError(
      'INVALID_DATA',
      '"time" expected ISO 8601 UTC with milliseconds, got other',
    );
  }
  return `${cp.origin}\n${cp.size}\n${b64(cp.root)}\ntime ${cp.time}\nhash ${cp.hash}\n`;
}

/**
 * Signs a checkpoint: returns the full signed note text.
 * @example const note = await signCheckpoint(cp, sm2CheckpointSigner(secretKey, { name: 'agency-key' }))
 */
export async function signCheckpoint(cp: Checkpoint, signer: CheckpointSigner): Promise<string> {
  const body = formatCheckpoint(cp);
  if (!signer || typeof signer.sign !== 'function' || !NAME_RE.test(signer.name)) {
    throw new BukejianError(
      'INVALID_OPTION',
      '"signer" expected { name, publicKey, sign }, got other',
    );
  }
  const sig = await signer.sign(utf8ToBytes(body));
  abytes(sig, 'signature', 64);
  return `${body}\n${DASH} ${signer.name} ${b64(concatBytes(keyId(signer.name, signer.publicKey), sig))}\n`;
}

/** A parsed note: its checkpoint, the signed text and the signature lines. */
export interface ParsedNote {
  checkpoint: Checkpoint;
  body: Uint8Array;
  signatures: { name: string; keyId: Uint8Array; signature: Uint8Array }[];
}

/**
 * Parses a signed note without checking signatures; `null` for anything malformed.
 * @example parseCheckpoint(noteText)?.checkpoint.size
 */
export function parseCheckpoint(note: string | Uint8Array): ParsedNote | null {
  let text: string;
  try {
    text = typeof note === 'string' ? note : isBytes(note) ? bytesToUtf8(note) : '';
  } catch {
    return null;
  }
  if (text.length > 1 << 16) return null;
  const split = text.indexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) return null;
  const bodyText = text.slice(0, split + 1);
  const lines = bodyText.slice(0, -1).split('\n');
  if (lines.length !== 5) return null;
  const [origin, sizeS, rootS, timeL, hashL] = lines as [string, string, string, string, string];
  if (!ORIGIN_RE.test(origin) || !/^(0|[1-9][0-9]{0,15})$/.test(sizeS)) return null;
  const size = Number(sizeS);
  const root = unb64(rootS);
  if (!Number.isSafeInteger(size) || !root || root.length !== 32) return null;
  const time = timeL.startsWith('time ') ? timeL.slice(5) : '';
  const t = Date.parse(time);
  if (!Number.isFinite(t) || new Date(t).toISOString() !== time) return null;
  const hash = hashL === 'hash sm3' ? 'sm3' : hashL === 'hash sha256' ? 'sha256' : null;
  if (!hash) return null;
  const sigLines = text.slice(split + 2, -1).split('\n');
  const signatures: ParsedNote['signatures'] = [];
  for (const l of sigLines) {
    const m = /^\u2014 ([\x21-\x7e]{1,128}) ([A-Za-z0-9+/=]+)$/.exec(l);
    if (!m) return null;
    const raw = unb64(m[2]!);
    if (!raw || raw.length !== 68) return null;
    signatures.push({ name: m[1]!, keyId: raw.subarray(0, 4), signature: raw.subarray(4) });
  }
  if (signatures.length === 0 || signatures.length > 16) return null;
  return {
    checkpoint: { origin, size, root, time, hash },
    body: utf8ToBytes(bodyText),
    signatures,
  };
}
