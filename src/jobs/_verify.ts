/**
 * Batch verification of SM2 signatures as a job: a JSONL file, one signature per line
 *
 *   {"message": "text" | "messageHex": "…", "signature": "hex", "publicKey": "hex",
 *    "userId"?: "…", "format"?: "der" | "raw"}
 *
 * is cut into line ranges (the parts); each part runs `sm2.verifyBatch` on its lines and writes
 * its booleans to `<work>/<id>/verify/<part>.txt` (atomically); the collect writes one JSON
 * boolean per input line, in input order, to `out`. A line that is not such an object (bad JSON,
 * bad hex, a missing field) is `false`, as a malformed item is in `sm2.verifyBatch`.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoptions, astring } from '../_assert.js';
import { hexToBytes } from '../utils.js';
import { sm2 } from '../sm2/index.js';
import type { BatchItem } from '../sm2/batch.js';
import type { FanOut, JobData, PartContext } from './backend.js';
import { join, planRanges, readIfExists, readLines, writeAtomic } from './_files.js';

/** A batch verification job as submitted (JSON; paths, never data). */
export interface VerifyJobSpec {
  kind: 'sm2-verify';
  id: string;
  /** JSONL file of signatures (see the module comment for the fields). */
  input: string;
  /** Where the results go: one `true` / `false` per input line, in order. */
  out: string;
  /** Lines per part (default 5000). */
  partLines?: number;
}

/** Validates a verification job spec. */
export function verifySpec(raw: unknown): VerifyJobSpec {
  const s = aoptions(raw as VerifyJobSpec, 'job', [
    'kind',
    'id',
    'input',
    'out',
    'partLines',
  ]) as VerifyJobSpec;
  astring(s.input, 'input');
  astring(s.out, 'out');
  if (s.partLines !== undefined) anumber(s.partLines, 'partLines', 1, 1 << 24);
  return s;
}

/** The fan-out of a verification job. */
export async function planVerify(s: VerifyJobSpec): Promise<FanOut> {
  const ranges = await planRanges(s.input, s.partLines ?? 5000);
  if (ranges.length === 0) throw new BukejianError('INVALID_DATA', 'the input has no lines');
  return {
    id: s.id,
    kind: 'sm2-verify',
    data: s as unknown as JobData,
    parts: ranges as unknown as JobData[],
  };
}

const BROKEN = {} as BatchItem; // fails in verifyBatch like any malformed item

/**
 * One JSONL line as a batch item (a malformed line → an item that fails).
 * @example
 * toItem('{"message":"a","signature":"30…","publicKey":"04…"}')
 */
export function toItem(line: string): BatchItem {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    if (r === null || typeof r !== 'object') return BROKEN;
    const message =
      typeof r.message === 'string'
        ? r.message
        : typeof r.messageHex === 'string'
          ? hexToBytes(r.messageHex)
          : undefined;
    if (message === undefined || typeof r.signature !== 'string') return BROKEN;
    if (typeof r.publicKey !== 'string') return BROKEN;
    const item: BatchItem = {
      message,
      signature: hexToBytes(r.signature),
      publicKey: hexToBytes(r.publicKey),
    };
    if (typeof r.userId === 'string') item.userId = r.userId;
    if (r.format === 'der' || r.format === 'raw') item.format = r.format;
    return item;
  } catch {
    return BROKEN;
  }
}

/** Verifies one part's lines; its booleans go to a file keyed by (job, part). */
export async function verifyPart(
  data: JobData,
  part: JobData,
  ctx: PartContext,
  env: { workDir: string; threads: number },
): Promise<unknown> {
  const s = data as unknown as VerifyJobSpec;
  const items: BatchItem[] = [];
  for await (const l of readLines(s.input, part.start as number, part.end as number))
    items.push(toItem(l));
  if (items.length !== part.lines)
    throw new BukejianError(
      'IO',
      `part ${ctx.index}: ${items.length} lines, ${part.lines} planned`,
    );
  const ok = await sm2.verifyBatch(items, { workers: env.threads });
  writeAtomic(
    join(env.workDir, s.id, 'verify', `${ctx.index}.txt`),
    ok.map((v) => (v ? '1' : '0')).join(''),
  );
  return { valid: ok.filter(Boolean).length, items: ok.length };
}

/** Writes the results of all parts, in input order, to `out`; counts and the first failures. */
export async function verifyCollect(
  data: JobData,
  results: unknown[],
  env: { workDir: string },
): Promise<unknown> {
  const s = data as unknown as VerifyJobSpec;
  const lines: string[] = [];
  const invalid: number[] = [];
  let index = 0;
  for (let p = 0; p < results.length; p++) {
    const bits = readIfExists(join(env.workDir, s.id, 'verify', `${p}.txt`));
    if (bits === undefined) throw new BukejianError('IO', `part ${p}: result missing`);
    for (const c of bits) {
      lines.push(c === '1' ? 'true' : 'false');
      if (c !== '1' && invalid.length < 1000) invalid.push(index);
      index++;
    }
  }
  writeAtomic(s.out, lines.length ? lines.join('\n') + '\n' : '');
  return {
    items: index,
    invalid: index - lines.filter((l) => l === 'true').length,
    first: invalid,
    out: s.out,
  };
}
