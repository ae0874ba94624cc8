/**
 * Proofs of programme rules (circuits/rules.circom): the holder proves that its credential
 * satisfies a programme rule (programme-rule.ts) and is not in the issuer's published revocation
 * list (revocation.ts); the verifier derives every public input from its own rule, issuer key set,
 * revocation state and request, and learns one bit and a scoped nullifier
 * Poseidon(holderSecret, programId, period). The proof names the issuer key it was made with
 * (public input anyway), so the verifier can say 'issuer-key-retired' instead of 'invalid'.
 * Public signals, in snarkjs order: [nullifier, today, op[8], lo[8], hi[8], mul[8], setField[2],
 * setRoot[2], revRoot, scope, period, challenge, issuerAx, issuerAy].
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoptions, isBytes } from '../_assert.js';
import { batchArgs, checkBatch, chosenKey, verifierFor } from './_verify-core.js';
import { bytesToHex } from '../utils.js';
import {
  checkArtifacts,
  loadBuildArtifacts,
  type ArtifactHashes,
  type Artifacts,
} from './artifacts.js';
import { programId as programIdOf } from './context.js';
import type { Credential, IssuerPublicKey } from './credential.js';
import { adate } from './dates.js';
import { afield } from './field.js';
import type { VerificationKeyJson } from './groth16.js';
import { aint } from './_int.js';
import type { NullifierRegistry } from './nullifier.js';
import { RULES_PINNED, RULES_VKEY } from './pinned-rules.js';
import { checkProof, type EligibilityProof } from './proof-codec.js';
import {
  isProgrammeRule,
  slotTree,
  type ProgrammeRule,
  type RulePublicInputs,
} from './programme-rule.js';
import { recordFields, validateRecord } from './record.js';
import {
  REVOCATION_TOP,
  revocationId,
  revocationTree,
  verifyRevocationState,
  type RevocationState,
} from './revocation.js';
import type { SignalValue } from './witness.js';
import { proveSignals } from './_prove-core.js';

/** One issuer key and the dates (YYYYMMDD, inclusive) it is accepted. */
export interface IssuerKeyEntry {
  readonly publicKey: IssuerPublicKey;
  readonly validFrom: number;
  readonly validUntil: number;
}

/** The verifier's trust in one issuer: its Baby Jubjub keys over time and its SM2 key for revocation states. */
export interface IssuerKeySet {
  readonly keys: readonly IssuerKeyEntry[];
  /** The issuer's SM2 public key (65 bytes), which signs its revocation states. */
  readonly revocationKey: Uint8Array;
}

/** What the verifier states for one request (the holder gets the same, minus the key set). */
export interface RuleProofContext {
  readonly rule: ProgrammeRule;
  readonly issuers: IssuerKeySet;
  /** The latest revocation state the verifier fetched. */
  readonly revocation: RevocationState;
  /** The verifier's date, YYYYMMDD. */
  readonly today: number;
  readonly programId: bigint | string;
  readonly period: number | bigint;
  readonly challenge: bigint;
}

/** What the holder needs to prove. */
export interface RuleProveInput {
  readonly credential: Credential;
  readonly holderSecret: bigint;
  readonly rule: ProgrammeRule;
  /** The issuer's published revocation state (the holder computes its witness from it locally). */
  readonly revocation: RevocationState;
  readonly today: number;
  readonly programId: bigint | string;
  readonly period: number | bigint;
  readonly challenge: bigint;
}

/** A rule proof: the Groth16 proof, the nullifier and the issuer key it was made with. */
export interface RuleProof extends EligibilityProof {
  readonly issuerPublicKey: IssuerPublicKey;
}

/** Verifier options of `ruleProof.verify` / `verifyBatch`. */
export interface RuleVerifyOptions {
  /** Verification key of your ceremony; or `allowDevelopmentKey: true` for the pinned development key. */
  readonly vkey?: VerificationKeyJson;
  readonly allowDevelopmentKey?: boolean;
  readonly registry?: NullifierRegistry;
  /** Oldest revocation state accepted, in ms (default 24 h). */
  readonly maxRevocationAge?: number;
  /** The verifier's clock (default `Date.now()`). */
  readonly now?: Date | number;
  /** verifyBatch only: worker threads (default: cores for batches of 32 or more). */
  readonly workers?: number;
}

/** Why a rule proof was rejected. */
export type RuleRejection =
  | 'malformed'
  | 'invalid'
  | 'already-claimed'
  | 'unknown-issuer'
  | 'issuer-key-retired'
  | 'stale-revocation-state'
  | 'bad-revocation-state';

/** The verifier's decision. */
export type RuleVerifyResult =
  | { readonly ok: true; readonly nullifier: bigint }
  | { readonly ok: false; readonly reason: RuleRejection };

/** Prover options. */
export interface RuleProveOptions {
  readonly artifacts?: Artifacts;
  readonly expectedHashes?: ArtifactHashes;
}

const DAY = 24 * 3600 * 1000;
const JSON_TYPE = 'bukejian/zk-rule-proof';

function resolveRequest(c: {
  rule: ProgrammeRule;
  today: number;
  programId: bigint | string;
  period: number | bigint;
  challenge: bigint;
}) {
  if (!isProgrammeRule(c.rule))
    throw new BukejianError(
      'INVALID_TYPE',
      '"rule" expected a rule from rule.create({ all, any })',
    );
  return {
    rule: c.rule,
    today: adate(c.today, 'today'),
    scope:
      typeof c.programId === 'string' ? programIdOf(c.programId) : afield(c.programId, 'programId'),
    period:
      typeof c.period === 'number'
        ? BigInt(aint(c.period, 'period', 0, Number.MAX_SAFE_INTEGER))
        : afield(c.period, 'period'),
    challenge: afield(c.challenge, 'challenge'),
  };
}

function astate(s: RevocationState): RevocationState {
  if (!s || typeof s !== 'object' || typeof s.root !== 'bigint' || !Array.isArray(s.ids))
    throw new BukejianError('INVALID_TYPE', '"revocation" expected a revocation state');
  return s;
}

/** The public signals (decimal-free bigints) a verifier derives for one request and issuer key. */
function signalsOf(
  nullifier: bigint,
  r: ReturnType<typeof resolveRequest>,
  revRoot: bigint,
  key: IssuerPublicKey,
  p: RulePublicInputs = r.rule.publicInputs(r.today),
): bigint[] {
  return [
    nullifier,
    BigInt(r.today),
    ...p.op,
    ...p.lo,
    ...p.hi,
    ...p.mul,
    ...p.setField,
    ...p.setRoot,
    revRoot,
    r.scope,
    r.period,
    r.challenge,
    key[0],
    key[1],
  ];
}

/**
 * The circuit's input signals for a rule proof request (what `prove` feeds the witness).
 * @example const input = await ruleProof.circuitInput({ credential, holderSecret, rule, revocation: state, today, programId, period, challenge })
 */
export async function circuitInput(input: RuleProveInput): Promise<Record<string, SignalValue>> {
  const { credential, holderSecret, revocation, ...req } = aoptions(input, 'input', [
    'credential',
    'holderSecret',
    'rule',
    'revocation',
    'today',
    'programId',
    'period',
    'challenge',
  ]) as RuleProveInput;
  if (!credential || typeof credential !== 'object')
    throw new BukejianError('INVALID_TYPE', '"credential" expected a credential');
  const rec = validateRecord(credential.record);
  const r = resolveRequest(req);
  const state = astate(revocation);
  const tree = revocationTree(state);
  if (tree.root !== state.root)
    throw new BukejianError('INVALID_DATA', '"revocation" ids do not hash to the signed root');
  const key = [
    afield(credential.issuerPublicKey[0], 'issuerPublicKey[0]'),
    afield(credential.issuerPublicKey[1], 'issuerPublicKey[1]'),
  ] as const;
  const fields = recordFields(rec).slice(1); // the 8 fields after the commitment, circuit order
  const sets = [0, 1].map((i) => {
    const t = slotTree(r.rule, i);
    const field = r.rule.sets[i]?.field ?? 0;
    return t.lowLeaf(fields[field]! + 1n);
  });
  const id = await revocationId(credential);
  const rev = tree.lowLeaf(id < REVOCATION_TOP ? id : 0n);
  const sig = signalsOf(0n, r, state.root, key).map(String);
  const p = r.rule.publicInputs(r.today);
  const s = credential.signature;
  const str = (xs: readonly bigint[]) => xs.map(String);
  return {
    holderSecret: String(afield(holderSecret, 'holderSecret')),
    birthDate: String(rec.birthDate),
    sex: String(rec.sex),
    regionCode: String(rec.regionCode),
    income: String(rec.income),
    householdSize: String(rec.householdSize),
    flags: String(rec.flags),
    issuedAt: String(rec.issuedAt),
    expiresAt: String(rec.expiresAt),
    sigR8x: String(afield(s.R8[0], 'signature.R8[0]')),
    sigR8y: String(afield(s.R8[1], 'signature.R8[1]')),
    sigS: String(afield(s.S, 'signature.S')),
    setLo: sets.map((x) => String(x.lo)),
    setNext: sets.map((x) => String(x.next)),
    setIndex: sets.map((x) => String(x.index)),
    setSiblings: sets.map((x) => x.siblings.flatMap((l) => l.map(String))),
    revLo: String(rev.lo),
    revNext: String(rev.next),
    revIndex: String(rev.index),
    revSiblings: rev.siblings.map((l) => l.map(String)),
    today: sig[1]!,
    op: str(p.op),
    lo: str(p.lo),
    hi: str(p.hi),
    mul: str(p.mul),
    setField: str(p.setField),
    setRoot: str(p.setRoot),
    revRoot: String(state.root),
    scope: String(r.scope),
    period: String(r.period),
    challenge: String(r.challenge),
    issuerAx: String(key[0]),
    issuerAy: String(key[1]),
  };
}

/**
 * Node only: the committed rules-circuit artifacts, checked against the pinned hashes.
 * @example const artifacts = await ruleProof.loadArtifacts()
 */
export function loadRuleArtifacts(): Promise<Artifacts> {
  return loadBuildArtifacts('rules', RULES_PINNED);
}

/**
 * Proves that the credential satisfies the rule and is not revoked (NOT_ELIGIBLE otherwise).
 * @example const proof = await ruleProof.prove({ credential, holderSecret, rule, revocation: state, today: 20261125, programId: '低保', period: 202611, challenge })
 */
export async function prove(input: RuleProveInput, options?: RuleProveOptions): Promise<RuleProof> {
  const o = aoptions(options, 'options', ['artifacts', 'expectedHashes']);
  const signalsIn = await circuitInput(input);
  const artifacts = o.artifacts
    ? checkArtifacts(o.artifacts, o.expectedHashes ?? RULES_PINNED)
    : await loadRuleArtifacts();
  const res = await proveSignals(
    artifacts,
    signalsIn,
    'the credential does not satisfy the rule or is revoked (circuit constraints failed)',
  );
  const p = checkProof({ a: res.a, b: res.b, c: res.c, nullifier: res.publicSignals[0] });
  return Object.freeze({
    ...p,
    issuerPublicKey: Object.freeze([
      BigInt(signalsIn.issuerAx as string),
      BigInt(signalsIn.issuerAy as string),
    ] as const),
  });
}

/**
 * The JSON form of a rule proof (decimal strings).
 * @example JSON.stringify(ruleProof.toJSON(proof))
 */
export function ruleProofToJSON(p: RuleProof): Record<string, unknown> {
  const s = (v: bigint) => v.toString();
  return {
    type: JSON_TYPE,
    version: 1,
    a: p.a.map(s),
    b: p.b.map((q) => q.map(s)),
    c: p.c.map(s),
    nullifier: s(p.nullifier),
    issuerPublicKey: p.issuerPublicKey.map(s),
  };
}

/**
 * Strictly decodes a rule proof (object, JSON object or string); INVALID_ENCODING / VERSION otherwise.
 * @example const proof = ruleProof.fromJSON(body)
 */
export function ruleProofFromJSON(input: unknown): RuleProof {
  let o = input;
  const bad = (m: string): never => {
    throw new BukejianError('INVALID_ENCODING', m);
  };
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      bad('proof JSON does not parse');
    }
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad('"proof" expected object');
  const r = o as Record<string, unknown>;
  const fromString = r.type !== undefined;
  if (fromString) {
    const keys = ['type', 'version', 'a', 'b', 'c', 'nullifier', 'issuerPublicKey'];
    for (const k of Object.keys(r))
      if (!keys.includes(k)) bad(`"proof" has unknown key "${k.slice(0, 32)}"`);
    if (r.type !== JSON_TYPE) bad(`"type" expected ${JSON_TYPE}`);
    if (r.version !== 1) throw new BukejianError('VERSION', '"version" expected 1');
  }
  const p = checkProof(r, fromString);
  const k = r.issuerPublicKey;
  if (!Array.isArray(k) || k.length !== 2) bad('"issuerPublicKey" expected [x, y]');
  let key: readonly [bigint, bigint];
  try {
    key = [
      afield((k as unknown[])[0], 'issuerPublicKey[0]', fromString),
      afield((k as unknown[])[1], 'issuerPublicKey[1]', fromString),
    ] as const;
  } catch {
    return bad('"issuerPublicKey" expected field elements');
  }
  return Object.freeze({ ...p, issuerPublicKey: Object.freeze(key) });
}

const OPTION_KEYS = [
  'vkey',
  'allowDevelopmentKey',
  'registry',
  'maxRevocationAge',
  'now',
  'workers',
] as const;

interface Resolved {
  req: ReturnType<typeof resolveRequest>;
  keys: { key: readonly [bigint, bigint]; from: number; until: number }[];
  /** undefined = the state is acceptable; else why not */
  stateProblem?: RuleRejection;
  revRoot: bigint;
  pub: RulePublicInputs;
}

function resolveContext(context: RuleProofContext, o: Partial<RuleVerifyOptions>): Resolved {
  const c = aoptions(context, 'context', [
    'rule',
    'issuers',
    'revocation',
    'today',
    'programId',
    'period',
    'challenge',
  ]) as RuleProofContext;
  if (context === undefined) throw new BukejianError('INVALID_TYPE', '"context" expected object');
  const req = resolveRequest(c);
  const iss = aoptions(c.issuers, 'issuers', ['keys', 'revocationKey']) as IssuerKeySet;
  if (!Array.isArray(iss.keys) || iss.keys.length === 0)
    throw new BukejianError('INVALID_OPTION', '"issuers.keys" expected a non-empty array');
  if (!isBytes(iss.revocationKey))
    throw new BukejianError(
      'INVALID_OPTION',
      '"issuers.revocationKey" expected the issuer SM2 public key',
    );
  const keys = iss.keys.map((k, i) => {
    const e = aoptions(k, `issuers.keys[${i}]`, [
      'publicKey',
      'validFrom',
      'validUntil',
    ]) as IssuerKeyEntry;
    if (!Array.isArray(e.publicKey) || e.publicKey.length !== 2)
      throw new BukejianError('INVALID_KEY', `"issuers.keys[${i}].publicKey" expected [x, y]`);
    return {
      key: [
        afield(e.publicKey[0], 'publicKey[0]'),
        afield(e.publicKey[1], 'publicKey[1]'),
      ] as const,
      from: adate(e.validFrom, `issuers.keys[${i}].validFrom`),
      until: adate(e.validUntil, `issuers.keys[${i}].validUntil`),
    };
  });
  const state = astate(c.revocation);
  const maxAge =
    o.maxRevocationAge === undefined
      ? DAY
      : anumber(o.maxRevocationAge, 'maxRevocationAge', 0, 365 * DAY);
  const now =
    o.now === undefined
      ? Date.now()
      : o.now instanceof Date
        ? o.now.getTime()
        : anumber(o.now, 'now', 0, Number.MAX_SAFE_INTEGER);
  let stateProblem: RuleRejection | undefined;
  if (!stateVerified(state, iss.revocationKey)) stateProblem = 'bad-revocation-state';
  else if (now - state.publishedAt > maxAge) stateProblem = 'stale-revocation-state';
  return { req, keys, stateProblem, revRoot: state.root, pub: req.rule.publicInputs(req.today) };
}

// SM2 verification of a state, once per (state object, key): a batch of proofs shares one state.
const verifiedStates = new WeakMap<RevocationState, Map<string, boolean>>();
function stateVerified(state: RevocationState, key: Uint8Array): boolean {
  const k = bytesToHex(key);
  let m = verifiedStates.get(state);
  if (!m) verifiedStates.set(state, (m = new Map()));
  let ok = m.get(k);
  if (ok === undefined) m.set(k, (ok = verifyRevocationState(state, key)));
  return ok;
}

function parse(input: unknown): RuleProof | null {
  try {
    return ruleProofFromJSON(isBytes(input) ? new TextDecoder().decode(input) : input);
  } catch (e) {
    if (e instanceof BukejianError) return null;
    throw e;
  }
}

const no = (reason: RuleRejection): RuleVerifyResult =>
  Object.freeze({ ok: false as const, reason });

/** Pre-pairing checks: issuer key known and active, state fresh. Returns a rejection or the signals. */
function precheck(p: RuleProof, r: Resolved): RuleVerifyResult | bigint[] {
  if (r.stateProblem) return no(r.stateProblem);
  const k = r.keys.find(
    (e) => e.key[0] === p.issuerPublicKey[0] && e.key[1] === p.issuerPublicKey[1],
  );
  if (!k) return no('unknown-issuer');
  if (r.req.today < k.from || r.req.today > k.until) return no('issuer-key-retired');
  return signalsOf(p.nullifier, r.req, r.revRoot, k.key, r.pub);
}

async function claim(
  reg: NullifierRegistry | undefined,
  r: Resolved,
  n: bigint,
): Promise<RuleVerifyResult> {
  if (reg && !(await reg.claim(r.req.scope, r.req.period, n))) return no('already-claimed');
  return Object.freeze({ ok: true as const, nullifier: n });
}

/**
 * Verifies one rule proof against the verifier's own context (rule, issuer key set, revocation
 * state, request). Needs `vkey` or `allowDevelopmentKey: true`.
 * @example const res = await ruleProof.verify(proof, { rule, issuers, revocation: state, today, programId: '低保', period: 202611, challenge }, { vkey })
 */
export async function verify(
  proof: unknown,
  context: RuleProofContext,
  options?: RuleVerifyOptions,
): Promise<RuleVerifyResult> {
  const o = aoptions(options, 'options', OPTION_KEYS);
  const key = chosenKey(o, RULES_VKEY);
  const r = resolveContext(context, o);
  const v = await verifierFor(key);
  const p = parse(proof);
  if (!p) return no('malformed');
  const pre = precheck(p, r);
  if (!Array.isArray(pre)) return pre;
  if (!v.verify(p, pre)) return no('invalid');
  return claim(o.registry, r, p.nullifier);
}

/**
 * Verifies many rule proofs with one batched pairing check (exact result per proof). `context`
 * is shared or given per proof.
 * @example const results = await ruleProof.verifyBatch(proofs, contexts, { vkey })
 */
export async function verifyBatch(
  proofs: readonly unknown[],
  context: RuleProofContext | readonly RuleProofContext[],
  options?: RuleVerifyOptions,
): Promise<RuleVerifyResult[]> {
  const o = aoptions(options, 'options', OPTION_KEYS);
  const key = chosenKey(o, RULES_VKEY);
  const workers = batchArgs(proofs, context, o.workers);
  const many = Array.isArray(context);
  const shared = many ? undefined : resolveContext(context as RuleProofContext, o);
  const memo = new Map<RuleProofContext, Resolved>();
  const ctxs = proofs.map((_, i) => {
    if (shared) return shared;
    const c = (context as readonly RuleProofContext[])[i]!;
    let r = memo.get(c);
    if (!r) memo.set(c, (r = resolveContext(c, o)));
    return r;
  });
  const v = await verifierFor(key);
  const out: RuleVerifyResult[] = [];
  const batch: { proof: EligibilityProof; signals: bigint[] }[] = [];
  const at: number[] = [];
  proofs.forEach((raw, i) => {
    const p = parse(raw);
    if (!p) return void (out[i] = no('malformed'));
    const pre = precheck(p, ctxs[i]!);
    if (!Array.isArray(pre)) return void (out[i] = pre);
    batch.push({ proof: p, signals: pre });
    at.push(i);
  });
  const ok = await checkBatch(v, batch, workers);
  for (let k = 0; k < at.length; k++) {
    const i = at[k]!;
    out[i] = ok[k] ? await claim(o.registry, ctxs[i]!, batch[k]!.proof.nullifier) : no('invalid');
  }
  return out;
}
