/**
 * The one CSV (RFC 4180) reader and writer of the package, internal: used by `bukejian/anon`
 * (`parseCsv`, ARX hierarchies, the `anonymize` CLI), the record streams of `bukejian/mask` and
 * the `psi` CLI. Incremental: text can be pushed in arbitrary chunks (a quoted field or a CRLF may
 * straddle two chunks) and complete records come out as soon as their line end has arrived.
 *
 * Accepted always: any one-character delimiter, `"` quoting with `""` escapes, CRLF / LF / CR line
 * ends, a final record without a line end. An unterminated quoted field at the end is INVALID_DATA.
 * `strict: true` (anon) also rejects a quote inside an unquoted field and text after a closing
 * quote, with the line number and never the content; `strict: false` (mask's streams, which report
 * bad rows on a side channel instead) keeps both as data.
 * @module
 */
import { BukejianError } from './errors.js';
import { aoptions, astring } from './_assert.js';

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

/** The delimiter of `opts`, checked. */
export function delimiterOf(opts: CsvOptions | undefined): string {
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
 * const p = createCsvParser({ delimiter: ';' }, true);
 * p.push('a;"b'); p.push('c"\r\n1;2'); // → [['a', 'bc']]
 * p.end(); // → [['1', '2']]
 */
export function createCsvParser(opts: CsvOptions | undefined, strict: boolean): CsvParser {
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
        if (strict && c !== delim && c !== '\n' && c !== '\r') fail('text after a closing quote');
        state = 1; // fall through to the separator handling below
      }
      if (c === delim) {
        record.push(field);
        field = '';
        any = true;
        state = 0;
      } else if (c === '\n' || c === '\r') {
        record.push(field);
        out.push(record);
        record = [];
        field = '';
        any = false;
        line++;
        state = c === '\r' ? 4 : 0;
      } else if (c === '"' && state === 0) {
        state = 2;
        any = true;
      } else {
        if (c === '"' && strict) fail('a quote inside an unquoted field');
        field += c; // lenient: a stray quote, or text after a closing quote, is kept as data
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
 * Serializes one record without a line end; fields containing the delimiter, a quote, CR or LF
 * are quoted. `null` / `undefined` become empty fields, objects their JSON.
 * @example csvRecord(['a', 'b,c', 'say "hi"']) // → 'a,"b,c","say ""hi"""'
 */
export function csvRecord(fields: readonly unknown[], opts?: CsvOptions): string {
  const delim = opts === undefined ? ',' : delimiterOf(opts);
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    const v = fields[i];
    const f =
      v === undefined || v === null
        ? ''
        : typeof v === 'string'
          ? v
          : typeof v === 'object'
            ? JSON.stringify(v)
            : String(v);
    if (i) s += delim;
    s +=
      f.includes(delim) || f.includes('"') || f.includes('\n') || f.includes('\r')
        ? `"${f.replace(/"/g, '""')}"`
        : f;
  }
  return s;
}
