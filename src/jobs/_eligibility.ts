/**
 * Batch verification of eligibility proofs (`bukejian/zk`) as a job: a JSONL file, one proof and
 * its verifier context per line,
 *
 *   {"proof": <eligibilityProofToJSON(proof)> (object, or that JSON as a string),
 *    "context": {"issuerPublicKey": ["x", "y"], "rule": {"minAge"?, "maxIncome"?, "regions"?,
 *                "requiredFlags"?}, "today": 20261125, "programId": "高龄津贴", "period": 202611,
 *                "challenge": "…"}}
 *
 * (field elements as decimal strings, as in the proof's JSON form; `rule` is the spec given to
 * `rule.create`; `programId` a programme name, as `programId(name)` maps it; `period` a number
 * or a decimal string), is cut into line ranges (the parts); each part runs
 * `eligibility.verifyBatch` on its lines and writes one result per line to
 * `<work>/<id>/verify/<part>.jsonl` (atomically); the collect writes them, in input order, to
 * `out`: `{"ok":true,"nullifier":"…"}` or `{"ok":false,"reason":"malformed"|"invalid"}`, what
 * `verifyBatch` returns on one machine. A line whose proof is missing or malformed (bad JSON
 * included) is `malformed`, as a malformed proof is in `verifyBatch`; a malformed context is the
 * caller's own input and fails the part (INVALID_DATA, with the line number), as `verifyBatch`
 * throws. Nullifiers are reported, not claimed (claim them from `out` in the registry, e.g.
 * `bukejian/postgres`); `bukejian/zk` (and snarkjs) is loaded by the workers on first use.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoptions, astring } from '../_assert.js';
import type { FanOut, JobData, PartContext } from './backend.js';
import { join, planRanges, readIfExists, readLines, writeAtomic } from './_files.js';

/** An eligibility-proof verification job as submitted (JSON; paths, never data). */
export interface EligibilityVerifyJobSpec {
  kind: 'eligibility-verify';
  id: string;
  /** JSONL file of proofs with their contexts (see the module comment). */
  input: string;
  /** Where the results go: one JSON result per input line, in order. */
  out: string;
  /** The verification key (snarkjs JSON, from `bukejian zk ceremony export`), read by the workers. */
  vkey?: string;
  /** `true`: the pinned development key instead of `vkey` (tests and demos only). */
  allowDevelopmentKey?: boolean;
  /** Lines per part (default 1000). */
  partLines?: number;
}

/** Validates an eligibility verification job spec. */
export function eligibilitySpec(raw: unknown): EligibilityVerifyJobSpec {
  const s = aoptions(raw as EligibilityVerifyJobSpec, 'job', [
    'kind',
    'id',
    'input',
    'out',
    'vkey',
    'allowDevelopmentKey',
    'partLines',
  ]) as EligibilityVerifyJobSpec;
  astring(s.input, 'input');
  astring(s.out, 'out');
  if (s.vkey !== undefined) astring(s.vkey, 'vkey');
  if (s.allowDevelopmentKey !== undefined && typeof s.allowDevelopmentKey !== 'boolean')
    throw new BukejianError('INVALID_OPTION', '"allowDevelopmentKey" expected boolean');
  if (s.vkey === undefined && s.allowDevelopmentKey !== true)
    throw new BukejianError(
      'INVALID_OPTION',
      '"vkey" expected the verification key file of your ceremony (or allowDevelopmentKey: true)',
    );
  if (s.partLines !== undefined) anumber(s.partLines, 'partLines', 1, 1 << 24);
  return s;
}

/** The fan-out of an eligibility verification job. */
export async function planEligibility(s: EligibilityVerifyJobSpec): Promise<FanOut> {
  const ranges = await planRanges(s.input, s.partLines ?? 1000);
  if (ranges.length === 0) throw new BukejianError('INVALID_DATA', 'the input has no lines');
  return {
    id: s.id,
    kind: 'eligibility-verify',
    data: s as unknown as JobData,
    parts: ranges as unknown as JobData[],
  };
}

type Zk = typeof import('../zk/index.js');
let zk: Promise<Zk> | undefined;

/** A field element given as a decimal string (or a safe integer). */
function field(v: unknown, name: string, item: number): bigint {
  if ((typeof v === 'string' && /^\d{1,80}$/.test(v)) || Number.isSafeInteger(v))
    return BigInt(v as string | number);
  throw new BukejianError('INVALID_DATA', `item ${item + 1}: "${name}" expected a decimal string`);
}

// the last key read, as one object: bukejian/zk keeps its prepared verifier per key object
let lastVkey: { text: string; value: unknown } | undefined;

function readVkey(file: string): unknown {
  const text = readIfExists(file);
  if (text === undefined)
    throw new BukejianError('NOT_FOUND', 'the verification key file does not exist');
  if (lastVkey?.text === text) return lastVkey.value;
  try {
    lastVkey = { text, value: JSON.parse(text) };
    return lastVkey.value;
  } catch {
    throw new BukejianError('INVALID_DATA', 'the verification key file is not JSON');
  }
}

/** Verifies one part's lines; its results go to a file keyed by (job, part). */
export async function eligibilityPart(
  data: JobData,
  part: JobData,
  ctx: PartContext,
  env: { workDir: string; threads: number },
): Promise<unknown> {
  const s = data as unknown as EligibilityVerifyJobSpec;
  const { eligibility, rule } = await (zk ??= import('../zk/index.js'));
  const vkey = s.vkey !== undefined ? readVkey(s.vkey) : undefined;
  const rules = new Map<string, Promise<import('../zk/index.js').Rule>>();
  const proofs: unknown[] = [];
  const contexts: (import('../zk/index.js').ProofContext | undefined)[] = [];
  let item = part.first as number;
  for await (const l of readLines(s.input, part.start as number, part.end as number)) {
    const at = item++;
    let r: Record<string, unknown> | undefined;
    try {
      const v = JSON.parse(l) as unknown;
      if (v !== null && typeof v === 'object' && !Array.isArray(v))
        r = v as Record<string, unknown>;
    } catch {
      r = undefined;
    }
    if (r === undefined) {
      // not a JSON object: a malformed item (it gets any valid context below)
      proofs.push('');
      contexts.push(undefined);
      continue;
    }
    const c = r.context as Record<string, unknown> | undefined;
    if (c === null || typeof c !== 'object' || Array.isArray(c))
      throw new BukejianError('INVALID_DATA', `item ${at + 1}: "context" expected object`);
    const key = c.issuerPublicKey;
    if (!Array.isArray(key) || key.length !== 2)
      throw new BukejianError(
        'INVALID_DATA',
        `item ${at + 1}: "issuerPublicKey" expected [x, y] decimal strings`,
      );
    if (typeof c.programId !== 'string')
      throw new BukejianError('INVALID_DATA', `item ${at + 1}: "programId" expected a name`);
    const spec = JSON.stringify(c.rule ?? null);
    let compiled = rules.get(spec);
    if (!compiled) {
      compiled = rule.create(c.rule as import('../zk/index.js').RuleSpec);
      compiled.catch(() => undefined);
      rules.set(spec, compiled);
    }
    let compiledRule: import('../zk/index.js').Rule;
    try {
      compiledRule = await compiled;
    } catch (e) {
      throw new BukejianError(
        'INVALID_DATA',
        `item ${at + 1}: "rule": ${e instanceof BukejianError ? e.message : 'invalid'}`,
      );
    }
    proofs.push(r.proof ?? '');
    contexts.push({
      issuerPublicKey: [field(key[0], 'issuerPublicKey', at), field(key[1], 'issuerPublicKey', at)],
      rule: compiledRule,
      today: c.today as number,
      programId: c.programId,
      period: typeof c.period === 'string' ? field(c.period, 'period', at) : (c.period as number),
      challenge: field(c.challenge, 'challenge', at),
    });
  }
  if (proofs.length !== part.lines)
    throw new BukejianError(
      'IO',
      `part ${ctx.index}: ${proofs.length} lines, ${part.lines} planned`,
    );
  const any = contexts.find((c) => c !== undefined);
  let results: Awaited<ReturnType<typeof eligibility.verifyBatch>>;
  if (any === undefined) results = proofs.map(() => ({ ok: false, reason: 'malformed' }) as const);
  else {
    try {
      results = await eligibility.verifyBatch(
        proofs as never[],
        contexts.map((c) => c ?? any),
        {
          ...(vkey !== undefined ? { vkey: vkey as never } : { allowDevelopmentKey: true }),
          workers: env.threads,
        },
      );
    } catch (e) {
      // a context value the checks above let through (a bad date, a value out of range)
      if (e instanceof BukejianError && e.code !== 'IO' && e.code !== 'UNSUPPORTED')
        throw new BukejianError(
          'INVALID_DATA',
          `part ${ctx.index}: a context or the verification key is invalid: ${e.message}`,
        );
      throw e;
    }
  }
  const lines = results.map((r) =>
    JSON.stringify(
      r.ok ? { ok: true, nullifier: r.nullifier.toString() } : { ok: false, reason: r.reason },
    ),
  );
  writeAtomic(join(env.workDir, s.id, 'verify', `${ctx.index}.jsonl`), lines.join('\n') + '\n');
  return { valid: results.filter((r) => r.ok).length, items: results.length };
}

/** Writes the results of all parts, in input order, to `out`; counts and the first failures. */
export async function eligibilityCollect(
  data: JobData,
  results: unknown[],
  env: { workDir: string },
): Promise<unknown> {
  const s = data as unknown as EligibilityVerifyJobSpec;
  const lines: string[] = [];
  const invalid: number[] = [];
  let failed = 0;
  for (let p = 0; p < results.length; p++) {
    const text = readIfExists(join(env.workDir, s.id, 'verify', `${p}.jsonl`));
    if (text === undefined) throw new BukejianError('IO', `part ${p}: result missing`);
    for (const l of text.split('\n')) {
      if (l === '') continue;
      if (!l.startsWith('{"ok":true')) {
        failed++;
        if (invalid.length < 1000) invalid.push(lines.length);
      }
      lines.push(l);
    }
  }
  writeAtomic(s.out, lines.length ? lines.join('\n') + '\n' : '');
  return { items: lines.length, invalid: failed, first: invalid, out: s.out };
}
