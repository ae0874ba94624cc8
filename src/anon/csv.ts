/**
 * CSV (RFC 4180) for tables: `parseCsv` (strict: a quote inside an unquoted field, text after a
 * closing quote or an unterminated quoted field is INVALID_DATA with the line number, never the
 * content), `toCsv` and `recordsToRows`. The incremental parser underneath is the package's one
 * CSV reader (internal `_csv.ts`), shared with the `bukejian/mask` record streams (lenient mode).
 * @module
 */
import { BukejianError } from '../errors.js';
import { createCsvParser, csvRecord, type CsvOptions } from '../_csv.js';

export type { CsvOptions };

/**
 * Parses a whole CSV text into records (blank lines are kept as `['']` records; callers usually drop them).
 * @example parseCsv('a,b\n1,2\n') // → [['a', 'b'], ['1', '2']]
 */
export function parseCsv(text: string, opts?: CsvOptions): string[][] {
  const p = createCsvParser(opts, true);
  const out = p.push(text);
  for (const r of p.end()) out.push(r);
  return out;
}

/**
 * Serializes records as RFC 4180 text with CRLF line ends.
 * @example toCsv([['a', 'b'], ['1', '2']]) // → 'a,b\r\n1,2\r\n'
 */
export function toCsv(records: readonly (readonly string[])[], opts?: CsvOptions): string {
  let s = '';
  for (const r of records) s += csvRecord(r, opts) + '\r\n';
  return s;
}

/**
 * Turns parsed records (first one the header) into row objects, dropping blank lines.
 * A record with a different number of fields than the header is INVALID_DATA.
 * @example recordsToRows([['age', 'sex'], ['34', 'F']]) // → [{ age: '34', sex: 'F' }]
 */
export function recordsToRows(records: readonly (readonly string[])[]): Record<string, string>[] {
  const [header, ...body] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) return [];
  if (new Set(header).size !== header.length) {
    throw new BukejianError(
      'INVALID_DATA',
      '"csv" expected distinct column names, got a duplicate in the header',
    );
  }
  return body.map((r, i) => {
    if (r.length !== header.length) {
      throw new BukejianError(
        'INVALID_DATA',
        `"csv" expected ${header.length} fields per record, got ${r.length} in record ${i + 2}`,
      );
    }
    const o: Record<string, string> = {};
    for (let j = 0; j < header.length; j++) o[header[j]!] = r[j]!;
    return o;
  });
}
