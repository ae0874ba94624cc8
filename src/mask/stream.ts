/**
 * Streaming record processing: apply a field policy to CSV or JSON Lines text arriving in chunks,
 * and redact free text. Built on WHATWG `TransformStream` (global in Node ≥ 18 and browsers) so
 * the library imports nothing from `node:*`; in Node, `stream.Duplex.fromWeb(t)` turns one into a
 * Node transform, or pipe `Readable.toWeb(input).pipeThrough(t)`.
 *
 * Bad rows (unparsable JSON, wrong column count, a value that does not fit its field type) are
 * skipped and reported to `onReject(rowNumber, code, message)` — never echoed — and counted.
 * @module
 */
import { BukejianError } from '../errors.js';
import { createCsvParser, csvRecord } from '../_csv.js';

const csvLine = (fields: readonly unknown[]): string => csvRecord(fields) + '\n';
import {
  applyPolicy,
  treatmentFor,
  type ApplyOptions,
  type Policy,
  type AccessDescription,
} from './policy.js';
import { createRedactor, type RedactOptions } from './detect.js';

/** Options of the record transforms. */
export interface RecordStreamOptions extends ApplyOptions {
  /** Called for every rejected row (1-based data row number, error code, message without values). */
  onReject?: (row: number, code: string, message: string) => void;
  /** Called with each record's access description (e.g. to append to the audit log). */
  onAccess?: (access: AccessDescription, row: number) => void;
}

/** Counters of a finished (or running) transform. */
export interface StreamStats {
  rows: number;
  rejected: number;
}

function reject(
  e: unknown,
  row: number,
  stats: StreamStats,
  onReject: RecordStreamOptions['onReject'],
) {
  stats.rejected++;
  const code = e instanceof BukejianError ? e.code : 'INVALID_DATA';
  const msg = e instanceof BukejianError ? e.message : 'row could not be processed';
  onReject?.(row, code, msg);
}

/** A leading U+FEFF (the BOM spreadsheet exports put first) is not data: it would rename the first column. */
const stripBom = (s: string): string => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

function applyOpts(o: RecordStreamOptions): ApplyOptions {
  return {
    purpose: o.purpose,
    ...(o.actor !== undefined ? { actor: o.actor } : {}),
    ...(o.keys ? { keys: o.keys } : {}),
  };
}

/**
 * A JSON Lines transform: each input line is a JSON object; each output line the treated record.
 * Empty lines are ignored.
 * @example
 * const stats = { rows: 0, rejected: 0 }
 * readable.pipeThrough(new TextDecoderStream()).pipeThrough(jsonLinesPolicyStream(policy, { purpose: 'benefits' }, stats))
 */
export function jsonLinesPolicyStream(
  policy: Policy,
  opts: RecordStreamOptions,
  stats: StreamStats = { rows: 0, rejected: 0 },
): TransformStream<string, string> {
  const ao = applyOpts(opts);
  let carry = '';
  let started = false;
  const line = (l: string, ctl: TransformStreamDefaultController<string>) => {
    if (!l.trim()) return;
    const row = ++stats.rows;
    try {
      let rec: unknown;
      try {
        rec = JSON.parse(l);
      } catch {
        throw new BukejianError('INVALID_DATA', 'line is not valid JSON');
      }
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec))
        throw new BukejianError('INVALID_DATA', 'line is not a JSON object');
      const r = applyPolicy(rec as Record<string, unknown>, policy, ao);
      opts.onAccess?.(r.access, row);
      ctl.enqueue(JSON.stringify(r.record) + '\n');
    } catch (e) {
      if (
        e instanceof BukejianError &&
        (e.code === 'INVALID_OPTION' || e.code === 'INVALID_CONFIG')
      )
        throw e;
      reject(e, row, stats, opts.onReject);
    }
  };
  return new TransformStream<string, string>({
    transform(chunk, ctl) {
      if (!started && chunk) {
        started = true;
        chunk = stripBom(chunk);
      }
      const parts = (carry + chunk).split('\n');
      carry = parts.pop()!;
      for (const l of parts) line(l, ctl);
    },
    flush(ctl) {
      line(carry, ctl);
    },
  });
}

/**
 * A CSV transform: the first row is the header; the output header lists the released columns
 * (in policy order), then one treated row per input row.
 * @example readable.pipeThrough(new TextDecoderStream()).pipeThrough(csvPolicyStream(policy, { purpose: 'benefits' }))
 */
export function csvPolicyStream(
  policy: Policy,
  opts: RecordStreamOptions,
  stats: StreamStats = { rows: 0, rejected: 0 },
): TransformStream<string, string> {
  const ao = applyOpts(opts);
  const parser = createCsvParser(undefined, false);
  let header: string[] | null = null;
  let outCols: string[] | null = null;
  let started = false;
  const rows = (list: string[][], ctl: TransformStreamDefaultController<string>) => {
    for (const cells of list) {
      if (!header) {
        header = cells;
        // Columns released for this purpose: run the policy on an all-null record.
        const probe = Object.fromEntries(header.map((h) => [h, null]));
        applyPolicy(probe, policy, ao);
        outCols = Object.keys(policy.fields).filter(
          (f) => header!.includes(f) && isReleased(policy, f, ao.purpose),
        );
        ctl.enqueue(csvLine(outCols));
        continue;
      }
      if (cells.length === 1 && cells[0] === '') continue;
      const row = ++stats.rows;
      try {
        if (cells.length !== header.length)
          throw new BukejianError(
            'INVALID_DATA',
            `row has ${cells.length} columns, header has ${header.length}`,
          );
        const rec: Record<string, unknown> = {};
        for (let i = 0; i < header.length; i++) rec[header[i]!] = cells[i];
        const r = applyPolicy(rec, policy, ao);
        opts.onAccess?.(r.access, row);
        ctl.enqueue(csvLine(outCols!.map((c) => r.record[c])));
      } catch (e) {
        if (
          e instanceof BukejianError &&
          (e.code === 'INVALID_OPTION' || e.code === 'INVALID_CONFIG')
        )
          throw e;
        reject(e, row, stats, opts.onReject);
      }
    }
  };
  return new TransformStream<string, string>({
    transform(chunk, ctl) {
      if (!started && chunk) {
        started = true;
        chunk = stripBom(chunk);
      }
      rows(parser.push(chunk), ctl);
    },
    flush(ctl) {
      rows(parser.end(), ctl);
    },
  });
}

function isReleased(policy: Policy, field: string, purpose: string): boolean {
  const t = treatmentFor(policy.fields[field]!, purpose);
  if (t === undefined) return false;
  return (typeof t === 'string' ? t : t.treatment) !== 'drop';
}

/**
 * A text transform that redacts identifiers (see `createRedactor`); chunks may split anything.
 * @example readable.pipeThrough(new TextDecoderStream()).pipeThrough(redactStream({ mode: 'label' }))
 */
export function redactStream(opts?: RedactOptions): TransformStream<string, string> {
  const r = createRedactor(opts);
  return new TransformStream<string, string>({
    transform(chunk, ctl) {
      const out = r.push(chunk);
      if (out) ctl.enqueue(out);
    },
    flush(ctl) {
      const out = r.end();
      if (out) ctl.enqueue(out);
    },
  });
}
