/**
 * Incremental CSV (RFC 4180) reading and writing for the record streams: quoted fields with
 * doubled quotes, CRLF or LF line ends, fields and records split across chunks anywhere.
 * @module
 */
import { BukejianError } from '../errors.js';

/** An incremental RFC 4180 parser: push text, get the complete rows so far. */
export interface CsvParser {
  push(chunk: string): string[][];
  end(): string[][];
}

/**
 * Creates an incremental CSV parser (a row is returned once its line end has arrived).
 * @example const p = createCsvParser(); [...p.push('a,"b,'), ...p.push('c"\n'), ...p.end()] // [['a', 'b,c']]
 */
export function createCsvParser(): CsvParser {
  let field = '',
    row: string[] = [],
    quoted = false,
    afterQuote = false,
    pendingCR = false,
    any = false;
  const feed = (s: string, out: string[][]) => {
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (pendingCR) {
        pendingCR = false;
        if (c === '\n') continue;
      }
      if (quoted) {
        if (c === '"') {
          quoted = false;
          afterQuote = true;
        } else field += c;
        continue;
      }
      if (c === '"') {
        if (afterQuote) {
          field += '"';
          quoted = true;
          afterQuote = false;
        } else if (field === '') {
          quoted = true;
          any = true;
        } else field += c; // a stray quote inside an unquoted field is kept as data
        continue;
      }
      afterQuote = false;
      if (c === ',') {
        row.push(field);
        field = '';
        any = true;
      } else if (c === '\n' || c === '\r') {
        row.push(field);
        out.push(row);
        row = [];
        field = '';
        any = false;
        pendingCR = c === '\r';
      } else {
        field += c;
        any = true;
      }
    }
  };
  return {
    push(chunk: string) {
      const out: string[][] = [];
      feed(chunk, out);
      return out;
    },
    end() {
      if (quoted) throw new BukejianError('INVALID_DATA', 'CSV input ends inside a quoted field');
      const out: string[][] = [];
      if (any || row.length) {
        row.push(field);
        out.push(row);
      }
      row = [];
      field = '';
      any = false;
      return out;
    },
  };
}

/**
 * One CSV line (with `\n`): fields quoted when they hold a comma, quote or line break.
 * @example csvLine(['a', 'b,c']) // 'a,"b,c"\n'
 */
export function csvLine(fields: readonly unknown[]): string {
  return (
    fields
      .map((v) => {
        const s =
          v === undefined || v === null
            ? ''
            : typeof v === 'string'
              ? v
              : typeof v === 'object'
                ? JSON.stringify(v)
                : String(v);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\n'
  );
}
