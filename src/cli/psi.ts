/**
 * `bukejian psi server|client`: two agencies run ECDH-PSI over HTTP (node:http / fetch).
 *
 *   bukejian psi server --in list.csv --column id --port P [--host 127.0.0.1] [--once]
 *   bukejian psi client --in mine.csv --column id --connect URL [--cardinality | --mode M]
 *
 * They run the chunked protocol (src/psi/chunked.ts): every client message (hello, chunk, pull,
 * reveal) is one POST /psi whose response body is the server's reply, so the client's memory is
 * bounded by --chunk items whatever the size of its file. In mode 'both' the server prints its
 * matched items when the client reveals them. The client prints its matched items one per line
 * (or only the count with --cardinality; --json for a JSON object). Both parties must use the
 * same --group, --mode and --canonical. Node-only (this file imports node:* directly).
 *
 * SECURITY: the server counts every client element against a budget per key period (one day;
 * --max-evaluations, default 16,384) and holds one peer address to a quarter of its session
 * slots. The client trusts nothing the server sends back: a reply body is read up to a cap (the
 * setup message up to --max-reply MiB, every later reply up to one chunk), an error is shown
 * with a known code only and its text stripped of control characters, and each request gives
 * up after --timeout seconds.
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { BukejianError } from '../errors.js';
import { createCsvParser } from '../_csv.js';
import { psi } from '../psi/index.js';
import type { Mode } from '../psi/index.js';
import { parseArgs } from './args.js';

const { maxChunk: DEFAULT_MAX_CHUNK, maxClientItems: DEFAULT_MAX_CLIENT_ITEMS } =
  psi.SERVER_DEFAULTS;
/** The wire header of every PSI message: "BKJPSI" ‖ version ‖ type ‖ group ‖ 16-byte session. */
const HEADER_LENGTH = 25;

/**
 * The help text of `bukejian psi`.
 * @example
 * console.log(usage)
 */
export const usage = `usage:
  bukejian psi server --in FILE [--column NAME] --port P [--host H] [--once] [OPTIONS]
  bukejian psi client --in FILE [--column NAME] --connect URL [--cardinality] [--json] [OPTIONS]

Options (both parties must agree on group, mode and canonical):
  --column NAME       CSV column holding the items (without it: one item per line)
  --group G           ristretto255 (default) | p256 | x25519 | sm2
  --mode M            intersection (default) | both | cardinality
  --cardinality       same as --mode cardinality
  --canonical C       text (default) | id (ID/phone numbers: NFKC, no spaces, upper-case) |
                      cn-id (id + valid 15-digit 居民身份证号 → 18 digits) | none
  --chunk N           client: items per message (default 4096; memory is bounded by it;
                      the server accepts at most ${DEFAULT_MAX_CHUNK})
  --format F          server: gcs (default) | bloom | raw
  --fpr X             server: false-positive rate of gcs/bloom (default 1e-9)
  --max-items N       server: items one client may send (default ${DEFAULT_MAX_CLIENT_ITEMS})
  --max-evaluations N server: client items evaluated per day, all clients together
                      (default ${psi.SERVER_DEFAULTS.maxEvaluations}; beyond it RATE_LIMITED; "inf" for no limit)
  --max-reply MIB     client: largest server setup reply read (default 256 MiB)
  --timeout S         client: seconds to wait for each server reply (default 600)
  --workers N         worker threads (default 0: this thread)
  --out FILE          where the matched items go (default stdout)
  --once              server: exit after one client has been served
  --quiet             no progress line
Exit codes: 0 success, 1 failure, 2 usage error.`;

const VALUED = [
  'in',
  'column',
  'port',
  'host',
  'connect',
  'group',
  'mode',
  'canonical',
  'format',
  'fpr',
  'workers',
  'out',
  'chunk',
  'max-items',
  'max-evaluations',
  'max-reply',
  'timeout',
] as const;
const BOOLS = ['once', 'cardinality', 'json', 'quiet'] as const;

/** Items of one CSV column (header row first), or of each non-empty line. */
async function* readItems(file: string, column: string | undefined): AsyncGenerator<string> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  if (column === undefined) {
    let rest = '';
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop()!;
      for (const l of lines) if (l.trim() !== '') yield l;
    }
    if (rest.trim() !== '') yield rest;
    return;
  }
  const parser = createCsvParser(undefined, true);
  let index = -1;
  const take = function* (records: string[][]): Generator<string> {
    for (const r of records) {
      if (index < 0) {
        index = r.indexOf(column);
        if (index < 0)
          throw new BukejianError(
            'INVALID_DATA',
            `column "${column.slice(0, 40)}" not found in the header of ${file}`,
          );
        continue;
      }
      const v = r[index];
      if (v !== undefined && v !== '') yield v;
    }
  };
  for await (const chunk of stream as AsyncIterable<string>) yield* take(parser.push(chunk));
  yield* take(parser.end());
}

async function body(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw new BukejianError('INVALID_LENGTH', 'request body too large');
    parts.push(c);
  }
  const b = Buffer.concat(parts);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** A progress line on stderr for long runs (after 2 s, every 2 s); `total` may be NaN (unknown). */
function progress(quiet: boolean, label: string): ((d: number, t: number) => void) | undefined {
  if (quiet) return undefined;
  const start = Date.now();
  let last = start;
  let shown = false;
  return (d, t) => {
    const now = Date.now();
    const end = d === t;
    if ((now - last > 2000 && now - start > 2000) || (end && shown)) {
      last = now;
      shown = true;
      const pct = Number.isFinite(t) && t > 0 ? ` of ${t} (${((100 * d) / t).toFixed(0)}%)` : '';
      process.stderr.write(
        `\r${label}: ${d} items${pct}, ${((now - start) / 1000).toFixed(0)} s${end ? '\n' : ''}`,
      );
    }
  };
}

function common(flags: Record<string, string | true>) {
  const str = (k: string): string | undefined =>
    typeof flags[k] === 'string' ? (flags[k] as string) : undefined;
  const mode = (flags.cardinality ? 'cardinality' : (str('mode') ?? 'intersection')) as Mode;
  return {
    file: str('in'),
    column: str('column'),
    out: str('out'),
    opts: {
      group: (str('group') ?? 'ristretto255') as never,
      mode,
      canonical: (str('canonical') ?? 'text') as never,
      workers: str('workers') === undefined ? 0 : Number(str('workers')),
    },
    str,
  };
}

/** True when `reply` ends a chunked session (the last chunk or pull reply, or done). */
function endsSession(reply: Uint8Array, mode: Mode): boolean {
  const m = psi.decodeMessage(reply, { validate: false });
  if (m.type === 'done') return true;
  if (m.type === 'pull-reply') return m.last;
  return m.type === 'chunk-reply' && m.last && mode === 'intersection';
}

async function runServer(flags: Record<string, string | true>): Promise<number> {
  const { file, column, out, opts, str } = common(flags);
  if (!file || str('port') === undefined)
    throw new BukejianError('INVALID_OPTION', '"psi server" expected --in FILE and --port P');
  const port = Number(str('port'));
  const host = str('host') ?? '127.0.0.1';
  const fpr = str('fpr') === undefined ? undefined : Number(str('fpr'));
  const maxClientItems =
    str('max-items') === undefined ? DEFAULT_MAX_CLIENT_ITEMS : Number(str('max-items'));
  const evaluations = str('max-evaluations');
  const maxEvaluations =
    evaluations === undefined ? undefined : evaluations === 'inf' ? Infinity : Number(evaluations);
  const sink = out ? createWriteStream(out) : process.stdout;
  const server = psi.server(readItems(file, column), {
    ...opts,
    format: (str('format') ?? 'gcs') as never,
    fpr,
    maxClientItems,
    maxEvaluations,
    maxChunk: DEFAULT_MAX_CHUNK,
    onProgress: progress(Boolean(flags.quiet), 'psi server: preparing'),
    onReveal: (items) => {
      for (const x of items) sink.write(`${String(x)}\n`);
    },
  });
  await server.prepare();
  // SECURITY: the largest message an honest client sends is a full chunk or, in mode 'both', its
  // reveal (≤ 32-byte tags of at most the server's items plus the set encoding's false positives,
  // far below 2·fpr·maxClientItems + 64); a larger body is refused before it is buffered further
  const L = psi.getGroup(opts.group).elementLength;
  const revealTags =
    opts.mode === 'both'
      ? Math.min(maxClientItems, server.size + Math.ceil(2 * (fpr ?? 1e-9) * maxClientItems) + 64)
      : 0;
  const limit = HEADER_LENGTH + 9 + Math.max(DEFAULT_MAX_CHUNK * L, revealTags * 32);
  return new Promise<number>((resolve) => {
    const http = createServer(async (req, res) => {
      try {
        if (req.method !== 'POST' || req.url !== '/psi') {
          res.writeHead(404).end();
          return;
        }
        // the peer address holds one client to a share of the session slots (behind a reverse
        // proxy every client is the proxy: limit sessions there)
        const reply = await server.handle(await body(req, limit), req.socket.remoteAddress ?? '');
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(reply);
        if (flags.once && endsSession(reply, opts.mode)) {
          http.close();
          if (sink !== process.stdout) (sink as ReturnType<typeof createWriteStream>).end();
          resolve(0);
        }
      } catch (e) {
        const code = e instanceof BukejianError ? e.code : 'IO';
        res
          .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`${code}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    http.listen(port, host, () => {
      const a = http.address();
      const p = typeof a === 'object' && a ? a.port : port;
      process.stderr.write(
        `psi server: ${server.size} items, listening on http://${host}:${p}/psi\n`,
      );
    });
  });
}

/** Error codes a PSI server answers with; anything else is shown as SERVER_CODE_UNKNOWN. */
const SERVER_CODES: ReadonlySet<string> = new Set([
  'INVALID_ENCODING',
  'INVALID_LENGTH',
  'INVALID_RANGE',
  'INVALID_TYPE',
  'INVALID_POINT',
  'INVALID_OPTION',
  'INVALID_DATA',
  'VERSION',
  'BAD_STATE',
  'RATE_LIMITED',
  'IO',
]);
const SERVER_CODE_UNKNOWN = 'IO';
/** The most of an error body the client reads (and the most of its text it shows). */
const ERROR_BODY_LIMIT = 4096;
const ERROR_TEXT_LIMIT = 200;

/**
 * Server text made safe for a terminal: ANSI/ECMA-48 escape sequences (CSI, OSC, DCS, ...)
 * removed whole, then every remaining C0/C1 control character, DEL and Unicode bidi control
 * (U+061C, U+200E/F, U+202A–E, U+2066–9) and line/paragraph separator replaced by a space.
 * @example
 * sanitize('\x1b[31mBAD\x1b[0m\u202e') // 'BAD '
 */
export function sanitize(text: string): string {
  return text
    .replace(/(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]/g, '') // CSI … final byte
    .replace(/(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g, '') // OSC, DCS, SOS, PM, APC … terminator
    .replace(/\x1b[ -/]*[0-~]?/g, '') // other ESC sequences
    .replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
}

/** Reads at most `limit` bytes of a response body; more → INVALID_LENGTH (the rest is not read). */
async function readCapped(r: Response, limit: number, what: string): Promise<Uint8Array> {
  const tooLarge = (): never => {
    throw new BukejianError(
      'INVALID_LENGTH',
      `server ${what} larger than ${limit} bytes; stopped reading`,
    );
  };
  const declared = Number(r.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await r.body?.cancel().catch(() => undefined);
    tooLarge();
  }
  const out = new Uint8Array(Math.min(limit, Number.isFinite(declared) ? declared : 65536));
  let buf = out;
  let n = 0;
  if (!r.body) return buf.subarray(0, 0);
  const reader = r.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (n + value.length > limit) {
        await reader.cancel().catch(() => undefined);
        tooLarge();
      }
      if (n + value.length > buf.length) {
        const next = new Uint8Array(Math.min(limit, Math.max(buf.length * 2, n + value.length)));
        next.set(buf.subarray(0, n));
        buf = next;
      }
      buf.set(value, n);
      n += value.length;
    }
  } finally {
    reader.releaseLock();
  }
  return buf.subarray(0, n);
}

/**
 * One client message as an HTTP POST; the server's reply body, read up to `limit` bytes within
 * `timeout` ms. A non-2xx reply becomes a BukejianError with a known code and sanitized text.
 */
async function post(
  url: string,
  data: Uint8Array,
  limit: number,
  timeout: number,
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeout);
  try {
    const r = await fetch(url, {
      method: 'POST',
      body: data as unknown as BodyInit,
      headers: { 'content-type': 'application/octet-stream' },
      signal,
      redirect: 'error',
    });
    if (r.ok) return await readCapped(r, limit, 'reply');
    let text: string;
    try {
      text = new TextDecoder().decode(await readCapped(r, ERROR_BODY_LIMIT, 'error reply'));
    } catch (e) {
      if (!(e instanceof BukejianError)) throw e;
      text = '(error reply too large, not shown)';
    }
    const m = /^([A-Z_]{1,40}): ?(.*)$/s.exec(text);
    // SECURITY: the code comes from a fixed list, the text is cut and stripped of terminal controls
    const code = m && SERVER_CODES.has(m[1]!) ? m[1]! : SERVER_CODE_UNKNOWN;
    const shown = sanitize((m ? m[2]! : text).slice(0, ERROR_TEXT_LIMIT));
    throw new BukejianError(code as never, `server answered HTTP ${r.status}: ${shown}`);
  } catch (e) {
    if (e instanceof BukejianError) throw e;
    if (signal.aborted)
      throw new BukejianError('IO', `no complete server reply within ${timeout / 1000} s`);
    throw new BukejianError(
      'IO',
      `request to the server failed (${sanitize(String((e as Error)?.message ?? e)).slice(0, ERROR_TEXT_LIMIT)})`,
    );
  }
}

async function runClient(flags: Record<string, string | true>): Promise<number> {
  const { file, column, out, opts, str } = common(flags);
  const url = str('connect');
  if (!file || !url)
    throw new BukejianError('INVALID_OPTION', '"psi client" expected --in FILE and --connect URL');
  const base = url.replace(/\/psi\/?$/, '').replace(/\/$/, '');
  const chunk = str('chunk');
  const onProgress = progress(Boolean(flags.quiet), 'psi client');
  const chunkSize = chunk === undefined ? 4096 : Number(chunk);
  const maxReply = str('max-reply') === undefined ? 256 : Number(str('max-reply'));
  const timeout = str('timeout') === undefined ? 600 : Number(str('timeout'));
  if (!(maxReply > 0) || !(timeout > 0))
    throw new BukejianError(
      'INVALID_OPTION',
      '"--max-reply" and "--timeout" expected positive numbers',
    );
  const client = psi.chunkedClient(readItems(file, column), { ...opts, chunkSize, onProgress });
  // SECURITY: the setup reply carries the server's whole set (up to --max-reply MiB); every later
  // reply at most one chunk of elements
  const L = psi.getGroup(opts.group).elementLength;
  const chunkReply =
    HEADER_LENGTH + 64 + (Number.isSafeInteger(chunkSize) && chunkSize > 0 ? chunkSize : 0) * L;
  let limit = Math.floor(maxReply * 2 ** 20);
  let m = await client.next();
  while (m) {
    m = await client.next(await post(`${base}/psi`, m, limit, timeout * 1000));
    limit = chunkReply;
  }
  onProgress?.(client.stats.done, client.stats.done); // ends the progress line, if one was shown
  const r = client.result();
  const sink = out ? createWriteStream(out) : process.stdout;
  if (flags.json)
    sink.write(
      JSON.stringify({
        mode: r.mode,
        cardinality: r.cardinality,
        intersection: r.intersection?.map(String),
      }) + '\n',
    );
  else if (r.intersection) for (const x of r.intersection) sink.write(`${String(x)}\n`);
  else sink.write(`${r.cardinality}\n`);
  if (sink !== process.stdout)
    await new Promise((res) => (sink as ReturnType<typeof createWriteStream>).end(res));
  return 0;
}

/**
 * Runs `bukejian psi ...`.
 * @example
 * await run(['client', '--in', 'mine.csv', '--column', 'id', '--connect', 'http://127.0.0.1:8080'])
 */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { flags } = parseArgs(rest, VALUED, BOOLS);
  if (sub === 'server') return runServer(flags);
  if (sub === 'client') return runClient(flags);
  console.error(usage);
  return 2;
}
