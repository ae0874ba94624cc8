/**
 * JSON files of the `bukejian zk` command line that the `bukejian/zk` API has no wire form for:
 * the issuer's public key, a verifier's request (the rule as the spec `rule.create` takes, today,
 * programme, period, challenge) and a file-backed nullifier registry. Credentials and proofs use
 * the API's own JSON forms (`credentialToJSON`, `eligibilityProofToJSON`). Decoders are strict:
 * unknown keys, wrong types or versions are INVALID_ENCODING naming the file and the key.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BukejianError } from '../errors.js';
import {
  nullifierKey,
  rule as ruleApi,
  type IssuerPublicKey,
  type NullifierRegistry,
  type Rule,
  type RuleSpec,
} from '../zk/index.js';
import { isDate } from '../zk/dates.js';
import { openInput } from './io.js';

export const ISSUER_KEY_TYPE = 'bukejian/zk-issuer-public-key';
export const REQUEST_TYPE = 'bukejian/zk-request';
const NULLIFIERS_TYPE = 'bukejian/zk-nullifiers';
const DEC = /^(0|[1-9][0-9]{0,77})$/;

/** A verifier's request as JSON: what the holder proves against and the verifier checks. */
export interface RequestJSON {
  type: typeof REQUEST_TYPE;
  version: 1;
  rule: RuleSpec;
  today: number;
  programId: string;
  period: number;
  challenge: string;
}

/** The request with its rule compiled (what `eligibility.prove` / `verify` take). */
export interface ParsedRequest {
  readonly rule: Rule;
  readonly today: number;
  readonly programId: string;
  readonly period: number;
  readonly challenge: bigint;
}

function bad(what: string, msg: string): never {
  throw new BukejianError('INVALID_ENCODING', `${what}: ${msg}`);
}

/** Reads a whole file, or stdin for `-` (a missing file is an IO error naming it). */
export async function readText(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of openInput(file)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses JSON text; `what` names the file in the error ("--request request.json"). */
export function parseJSON(text: string, what: string): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    bad(what, 'does not parse as JSON');
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad(what, 'expected a JSON object');
  return o as Record<string, unknown>;
}

function keys(o: Record<string, unknown>, what: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) bad(what, `unknown key "${k.slice(0, 32)}"`);
  for (const k of allowed) if (!(k in o)) bad(what, `expected key "${k}"`);
}

function header(o: Record<string, unknown>, what: string, type: string): void {
  if (o.type !== type) bad(what, `expected "type": "${type}"`);
  if (o.version !== 1) bad(what, 'expected "version": 1');
}

/** The JSON form of an issuer public key. */
export function issuerKeyToJSON(pk: IssuerPublicKey): Record<string, unknown> {
  return { type: ISSUER_KEY_TYPE, version: 1, issuerPublicKey: [String(pk[0]), String(pk[1])] };
}

/** Decodes an issuer public key file. */
export function issuerKeyFromJSON(o: Record<string, unknown>, what: string): IssuerPublicKey {
  keys(o, what, ['type', 'version', 'issuerPublicKey']);
  header(o, what, ISSUER_KEY_TYPE);
  const pk = o.issuerPublicKey;
  if (
    !Array.isArray(pk) ||
    pk.length !== 2 ||
    !pk.every((v) => typeof v === 'string' && DEC.test(v))
  )
    bad(what, '"issuerPublicKey" expected [x, y] as decimal strings');
  return [BigInt(pk[0] as string), BigInt(pk[1] as string)] as const;
}

/** Decodes a request file and compiles its rule (the rule's own checks name the bad field). */
export async function requestFromJSON(
  o: Record<string, unknown>,
  what: string,
): Promise<ParsedRequest> {
  keys(o, what, ['type', 'version', 'rule', 'today', 'programId', 'period', 'challenge']);
  header(o, what, REQUEST_TYPE);
  const spec = o.rule;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    bad(what, '"rule" expected an object such as {"minAge": 60}');
  if ('all' in spec || 'any' in spec)
    throw new BukejianError(
      'UNSUPPORTED',
      `${what}: "rule" is a programme rule ({all, any}); the command line proves eligibility rules (minAge, maxIncome, regions, requiredFlags); use ruleProof from bukejian/zk for programme rules`,
    );
  if (typeof o.programId !== 'string' || !o.programId)
    bad(what, '"programId" expected the programme name (a non-empty string)');
  if (typeof o.challenge !== 'string' || !DEC.test(o.challenge))
    bad(what, '"challenge" expected a decimal string');
  if (!isDate(o.today)) bad(what, '"today" expected a valid YYYYMMDD date number');
  if (typeof o.period !== 'number' || !Number.isSafeInteger(o.period) || o.period < 0)
    bad(what, '"period" expected a whole number such as 202611');
  const rule = await ruleApi.create(spec as RuleSpec);
  return Object.freeze({
    rule,
    today: o.today,
    programId: o.programId,
    period: o.period,
    challenge: BigInt(o.challenge),
  });
}

/** The JSON form of a request. */
export function requestToJSON(r: Omit<RequestJSON, 'type' | 'version'>): RequestJSON {
  return { type: REQUEST_TYPE, version: 1, ...r };
}

/**
 * A nullifier registry kept in a JSON file (single user; the file is rewritten after each claim).
 * For trying the flow: a production verifier uses a database with a unique index.
 */
export function fileRegistry(file: string): NullifierRegistry {
  const what = `--nullifiers ${JSON.stringify(file.slice(0, 200))}`;
  let seen: string[] = [];
  if (existsSync(file)) {
    const o = parseJSON(readFileSync(file, 'utf8'), what);
    keys(o, what, ['type', 'version', 'claimed']);
    header(o, what, NULLIFIERS_TYPE);
    if (!Array.isArray(o.claimed) || !o.claimed.every((k) => typeof k === 'string'))
      bad(what, '"claimed" expected an array of strings');
    seen = o.claimed as string[];
  }
  const set = new Set(seen);
  return {
    claim(programId, period, nullifier) {
      const k = nullifierKey(programId, period, nullifier);
      if (set.has(k)) return false;
      set.add(k);
      const text = { type: NULLIFIERS_TYPE, version: 1, claimed: [...set] };
      writeFileSync(file, JSON.stringify(text, null, 2) + '\n');
      return true;
    },
    has: (programId, period, nullifier) => set.has(nullifierKey(programId, period, nullifier)),
  };
}
