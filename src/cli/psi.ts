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
 * same --group (default x25519, printed at start), --mode and --canonical. The server binds its
 * port before preparing its set and answers 503 until it is ready; the client retries its first
 * message with back-off while nothing listens or the server is preparing (--wait seconds). Node-only
 * (this file imports node:* directly).
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
import type { IncomingMessage, Server } from 'node:http';
import { BukejianError } from '../errors.js';
import { createCsvParser } from '../_csv.js';
import { psi } from '../psi/index.js';
import type { Mode } from '../psi/index.js';
import { parseArgs } from './args.js';
import { decodeInput, textEncodingOption, type TextEncodingName } from './_text.js';

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
  --encoding E        utf-8 (default; a BOM is dropped) | gbk | gb18030 of --in
  --group G           x25519 (default: the fastest, OpenSSL X25519 here) | ristretto255 |
                      p256 | sm2 (ristretto255 and p256 use random-oracle hash suites)
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
  --wait S            client: how long to keep retrying (with back-off) while no server
                      answers at the URL or it is still preparing its set (default 120)
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
  'wait',
  'encoding',
] as const;
const BOOLS = ['once', 'cardinality', 'json', 'quiet'] as const;

/** Items of one CSV column (header row first), or of each non-empty line. */
async function* readItems(
  file: string,
  column: string | undefined,
  encoding: TextEncodingName | undefined,
): AsyncGenerator<string> {
  const stream = (
    await decodeInput(createReadStream(file) as AsyncIterable<Uint8Array>, {
      encoding,
      name: JSON.stringify(file.slice(0, 200)),
    })
  ).texts;
  if (column === undefined) {
    let rest = '';
    for await (const chunk of stream) {
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
  for await (const chunk of stream) yield* take(parser.push(chunk));
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
      const line = `${label}: ${d} items${pct}, ${((now - start) / 1000).toFixed(0)} s`;
      // on a terminal one line rewritten in place; in a log file or pipe one line each
      process.stderr.write(process.stderr.isTTY ? `\r${line}${end ? '\n' : ''}` : `${line}\n`);
    }
  };
}

function common(flags: Record<string, string | true>) {
  const str = (k: string): string | undefined =>
    typeof flags[k] === 'string' ? (flags[k] as string) : undefined;
  const mode = (flags.cardinality ? 'cardinality' : (str('mode') ?? 'intersection')) as Mode;
  const encoding = textEncodingOption(flags.encoding, '--encoding');
  return {
    encoding,
    file: str('in'),
    column: str('column'),
    out: str('out'),
    opts: {
      group: (str('group') ?? psi.defaultGroup) as never,
      mode,
      canonical: (str('canonical') ?? 'text') as never,
      workers: str('workers') === undefined ? 0 : Number(str('workers')),
    },
    str,
    groupNote: str('group') === undefined ? ' (the default: fastest here; --group to change)' : '',
  };
}

/** True when `reply` ends a chunked session (the last chunk or pull reply, or done). */
function endsSession(reply: Uint8Array, mode: Mode): boolean {
  const m = psi.decodeMessage(reply, { validate: false });
  if (m.type === 'done') return true;
  if (m.type === 'pull-reply') return m.last;
  return m.type === 'chunk-reply' && m.last && mode === 'intersection';
}

/** Binds `http` to `host:port`; a port in use or not allowed is a clean IO error, not a stack. */
function listen(http: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException): void => {
      const why =
        e.code === 'EADDRINUSE'
          ? 'is already in use (another server is running there?): stop it or pass another --port'
          : e.code === 'EACCES'
            ? 'may not be opened by this user: pass a --port above 1023'
            : e.code === 'EADDRNOTAVAIL'
              ? 'is not an address of this machine: check --host'
              : `could not be opened (${e.code ?? 'error'})`;
      reject(new BukejianError('IO', `${host}:${port} ${why}`));
    };
    http.once('error', fail);
    http.listen(port, host, () => {
      http.off('error', fail);
      const a = http.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

async function runServer(flags: Record<string, string | true>): Promise<number> {
  const { file, column, out, opts, str, groupNote, encoding } = common(flags);
  if (!file || str('port') === undefined)
    throw new BukejianError('INVALID_OPTION', '"psi server" expected --in FILE and --port P');
  const port = Number(str('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new BukejianError('INVALID_OPTION', '"--port" expected an integer in [0, 65535]');
  const host = str('host') ?? '127.0.0.1';
  const fpr = str('fpr') === undefined ? undefined : Number(str('fpr'));
  const maxClientItems =
    str('max-items') === undefined ? DEFAULT_MAX_CLIENT_ITEMS : Number(str('max-items'));
  const evaluations = str('max-evaluations');
  const maxEvaluations =
    evaluations === undefined ? undefined : evaluations === 'inf' ? Infinity : Number(evaluations);
  const sink = out ? createWriteStream(out) : process.stdout;
  const server = psi.server(readItems(file, column, encoding), {
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
  let limit = 0; // 0 until the set is prepared: requests are answered 503 (retry) until then
  let finished: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finished = resolve));
  const http = createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || req.url !== '/psi') {
        res.writeHead(404).end();
        return;
      }
      if (limit === 0) {
        req.resume();
        res
          .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '2' })
          .end('BAD_STATE: the server is still preparing its set; retry later');
        return;
      }
      // the peer address holds one client to a share of the session slots (behind a reverse
      // proxy every client is the proxy: limit sessions there)
      const reply = await server.handle(await body(req, limit), req.socket.remoteAddress ?? '');
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(reply);
      if (flags.once && endsSession(reply, opts.mode)) {
        http.close();
        if (sink !== process.stdout) (sink as ReturnType<typeof createWriteStream>).end();
        finished(0);
      }
    } catch (e) {
      const code = e instanceof BukejianError ? e.code : 'IO';
      res
        .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`${code}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  // bound before the (possibly long) preparation: a port in use fails at once, and clients that
  // come early are told to retry instead of finding nothing there
  const bound = await listen(http, port, host);
  const url = `http://${host}:${bound}/psi`;
  process.stderr.write(
    `psi server: group ${opts.group}${groupNote}, mode ${opts.mode}; preparing the set, ` +
      `clients reaching ${url} meanwhile are asked to retry\n`,
  );
  try {
    await server.prepare();
  } catch (e) {
    http.close();
    throw e;
  }
  // SECURITY: the largest message an honest client sends is a full chunk or, in mode 'both', its
  // reveal (≤ 32-byte tags of at most the server's items plus the set encoding's false positives,
  // far below 2·fpr·maxClientItems + 64); a larger body is refused before it is buffered further
  const L = psi.getGroup(opts.group).elementLength;
  const revealTags =
    opts.mode === 'both'
      ? Math.min(maxClientItems, server.size + Math.ceil(2 * (fpr ?? 1e-9) * maxClientItems) + 64)
      : 0;
  limit = HEADER_LENGTH + 9 + Math.max(DEFAULT_MAX_CHUNK * L, revealTags * 32);
  process.stderr.write(`psi server: ${server.size} items, listening on ${url}\n`);
  return done;
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
  retryable = false,
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
    if (r.status === 503 && retryable) {
      await r.body?.cancel().catch(() => undefined);
      throw new NotReady('the server is still preparing its set');
    }
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
    if (e instanceof BukejianError || e instanceof NotReady) throw e;
    if (signal.aborted)
      throw new BukejianError('IO', `no complete server reply within ${timeout / 1000} s`);
    const code = ((e as Error)?.cause as NodeJS.ErrnoException | undefined)?.code;
    if (retryable && code === 'ECONNREFUSED')
      throw new NotReady('no server answers (connection refused)');
    const why = code ?? String((e as Error)?.message ?? e);
    throw new BukejianError(
      'IO',
      `request to ${shownUrl(url)} failed (${sanitize(why).slice(0, ERROR_TEXT_LIMIT)})`,
    );
  }
}

/** A first request that may be repeated: no server listens yet, or it is still preparing. */
class NotReady extends Error {}

/** The URL as shown in messages: no user name or password, no control characters. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return sanitize(u.href).slice(0, ERROR_TEXT_LIMIT);
  } catch {
    return sanitize(url).slice(0, ERROR_TEXT_LIMIT);
  }
}

/**
 * The client's first message (hello), repeated with back-off (0.5 s doubling to 10 s) while no
 * server listens at `url` or it answers that it is still preparing, for at most `waitMs`; each
 * wait is announced on stderr (unless `quiet`). Later messages are never repeated.
 */
async function postFirst(
  url: string,
  data: Uint8Array,
  limit: number,
  timeout: number,
  waitMs: number,
  quiet: boolean,
): Promise<Uint8Array> {
  const start = Date.now();
  let delay = 500;
  for (;;) {
    let why: string;
    try {
      return await post(url, data, limit, timeout, true);
    } catch (e) {
      if (!(e instanceof NotReady)) throw e;
      why = e.message;
    }
    const left = start + waitMs - Date.now();
    if (left <= 0)
      throw new BukejianError(
        'IO',
        `${why} at ${shownUrl(url)}, still after ${waitMs / 1000} s of retrying: start ` +
          '"bukejian psi server" there, check --connect, or wait longer with --wait',
      );
    const d = Math.min(delay, left);
    if (!quiet)
      process.stderr.write(
        `psi client: ${why} at ${shownUrl(url)}; retrying in ${(d / 1000).toFixed(1)} s ` +
          `(giving up after ${waitMs / 1000} s)\n`,
      );
    await new Promise((r) => setTimeout(r, d));
    delay = Math.min(delay * 2, 10_000);
  }
}

async function runClient(flags: Record<string, string | true>): Promise<number> {
  const { file, column, out, opts, str, groupNote, encoding } = common(flags);
  const url = str('connect');
  if (!file || !url)
    throw new BukejianError('INVALID_OPTION', '"psi client" expected --in FILE and --connect URL');
  const base = url.replace(/\/psi\/?$/, '').replace(/\/$/, '');
  const chunk = str('chunk');
  const onProgress = progress(Boolean(flags.quiet), 'psi client');
  const chunkSize = chunk === undefined ? 4096 : Number(chunk);
  const maxReply = str('max-reply') === undefined ? 256 : Number(str('max-reply'));
  const timeout = str('timeout') === undefined ? 600 : Number(str('timeout'));
  const wait = str('wait') === undefined ? 120 : Number(str('wait'));
  if (!(maxReply > 0) || !(timeout > 0) || !(wait >= 0))
    throw new BukejianError(
      'INVALID_OPTION',
      '"--max-reply" and "--timeout" expected positive numbers, "--wait" a number ≥ 0',
    );
  if (groupNote && !flags.quiet)
    process.stderr.write(`psi client: group ${opts.group}${groupNote}\n`);
  const client = psi.chunkedClient(readItems(file, column, encoding), {
    ...opts,
    chunkSize,
    onProgress,
  });
  // SECURITY: the setup reply carries the server's whole set (up to --max-reply MiB); every later
  // reply at most one chunk of elements
  const L = psi.getGroup(opts.group).elementLength;
  const chunkReply =
    HEADER_LENGTH + 64 + (Number.isSafeInteger(chunkSize) && chunkSize > 0 ? chunkSize : 0) * L;
  let limit = Math.floor(maxReply * 2 ** 20);
  let m = await client.next();
  if (m) {
    const quiet = Boolean(flags.quiet);
    m = await client.next(
      await postFirst(`${base}/psi`, m, limit, timeout * 1000, wait * 1000, quiet),
    );
    limit = chunkReply;
  }
  while (m) m = await client.next(await post(`${base}/psi`, m, limit, timeout * 1000));
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
