/**
 * A small RFC 4180 CSV parser and serializer, used by the `anonymize` CLI and to load ARX-format
 * hierarchies (`value;level1;…;*`). The parser is incremental ({@link createCsvParser}): text can be
 * pushed in arbitrary chunks (a quoted field or a CRLF may straddle two chunks) and complete records
 * come out as soon as they end, so files of any size stream through bounded memory.
 *
 * Accepted: any one-character delimiter, `"` quoting with `""` escapes, CRLF / LF / CR line ends, a
 * final record without a line end. Rejected (INVALID_DATA, with the line number, never the content):
 * a quote inside an unquoted field, text after a closing quote, an unterminated quoted field.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions, astring } from '../_assert.js';

/** Options of the parser and serializer. */
export interface CsvOptions {
  /** Field separator, one character. Default `,` (ARX hierarchies use `;`). */
  delimiter?: string;
}

/** An incremental parser: `push` text, get the records completed so far; `end` flushes the rest. */
export interface CsvParser {
  push(text: string): string[][];
  end(): string[][];
}

function delimiterOf(opts: CsvOptions | undefined): string {
  const o = aoptions(opts, 'csvOptions', ['delimiter']);
  const d = o.delimiter === undefined ? ',' : astring(o.delimiter, 'delimiter');
  if (d.length !== 1 || d === '"' || d === '\r' || d === '\n') {
    throw new BukejianError(
      'INVALID_OPTION',
      `"delimiter" expected one character other than quote or newline, got length=${d.length}`,
    );
  }
  return d;
}

/**
 * Creates an incremental RFC 4180 parser.
 * @example
 * const p = createCsvParser({ delimiter: ';' });
 * p.push('a;"b'); p.push('c"\r\n1;2'); // → [['a', 'bc']]
 * p.end(); // → [['1', '2']]
 */
export function createCsvParser(opts?: CsvOptions): CsvParser {
  const delim = delimiterOf(opts);
  let field = '';
  let record: string[] = [];
  // state: 0 start of field, 1 unquoted, 2 quoted, 3 quote seen inside quoted, 4 CR seen (record ended)
  let state = 0;
  let line = 1;
  let any = false; // a record has started
  const fail = (what: string): never => {
    throw new BukejianError(
      'INVALID_DATA',
      `"csv" expected RFC 4180 text, got ${what} on line ${line}`,
    );
  };
  const push = (text: string): string[][] => {
    // the text is the data: name its type only (never a constructor name it carries)
    if (typeof text !== 'string')
      throw new BukejianError(
        'INVALID_TYPE',
        `"text" expected string, got ${text === null ? 'null' : typeof text}`,
      );
    const out: string[][] = [];
    const endRecord = () => {
      record.push(field);
      out.push(record);
      record = [];
      field = '';
      any = false;
      line++;
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (state === 4) {
        state = 0;
        if (c === '\n') continue; // CRLF
      }
      if (state === 2) {
        if (c === '"') state = 3;
        else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (state === 3) {
        if (c === '"') {
          field += '"';
          state = 2;
          continue;
        }
        if (c !== delim && c !== '\n' && c !== '\r') fail('text after a closing quote');
        state = 1; // fall through to the separator handling below
      }
      if (c === delim) {
        record.push(field);
        field = '';
        any = true;
        state = 0;
      } else if (c === '\n' || c === '\r') {
        endRecord();
        state = c === '\r' ? 4 : 0;
      } else if (c === '"') {
        if (state !== 0) fail('a quote inside an unquoted field');
        state = 2;
        any = true;
      } else {
        field += c;
        any = true;
        state = 1;
      }
    }
    return out;
  };
  const end = (): string[][] => {
    if (state === 2) fail('an unterminated quoted field');
    const out: string[][] = [];
    if (any || field !== '' || record.length) {
      record.push(field);
      out.push(record);
    }
    record = [];
    field = '';
    any = false;
    state = 0;
    return out;
  };
  return Object.freeze({ push, end });
}

/**
 * Parses a whole CSV text into records (blank lines are kept as `['']` records; callers usually drop them).
 * @example parseCsv('a,b\n1,2\n') // → [['a', 'b'], ['1', '2']]
 */
export function parseCsv(text: string, opts?: CsvOptions): string[][] {
  const p = createCsvParser(opts);
  const out = p.push(text);
  for (const r of p.end()) out.push(r);
  return out;
}

/**
 * Serializes one record; fields containing the delimiter, a quote, CR or LF are quoted.
 * @example csvRecord(['a', 'b,c', 'say "hi"']) // → 'a,"b,c","say ""hi"""'
 */
export function csvRecord(fields: readonly string[], opts?: CsvOptions): string {
  const delim = delimiterOf(opts);
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    const f = String(fields[i] ?? '');
    if (i) s += delim;
    s +=
      f.includes(delim) || f.includes('"') || f.includes('\n') || f.includes('\r')
        ? `"${f.replace(/"/g, '""')}"`
        : f;
  }
  return s;
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
