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
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { BukejianError } from '../errors.js';
import { createCsvParser } from '../anon/csv.js';
import { DEFAULT_MAX_CHUNK, DEFAULT_MAX_CLIENT_ITEMS, DEFAULT_MAX_EVALUATIONS, psi } from '../psi/index.js';
import type { Mode } from '../psi/index.js';
import { HEADER_LENGTH } from '../psi/encoding.js';
import { parseArgs } from './args.js';

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
                      (default ${DEFAULT_MAX_EVALUATIONS}; beyond it RATE_LIMITED; "inf" for no limit)
  --workers N         worker threads (default 0: this thread)
  --out FILE          where the matched items go (default stdout)
  --once              server: exit after one client has been served
  --quiet             no progress line
Exit codes: 0 success, 1 failure, 2 usage error.`;

const VALUED = ['in', 'column', 'port', 'host', 'connect', 'group', 'mode', 'canonical', 'format', 'fpr', 'workers', 'out', 'chunk', 'max-items', 'max-evaluations'] as const;
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
  const parser = createCsvParser();
  let index = -1;
  const take = function* (records: string[][]): Generator<string> {
    for (const r of records) {
      if (index < 0) {
        index = r.indexOf(column);
        if (index < 0) throw new BukejianError('INVALID_DATA', `column "${column.slice(0, 40)}" not found in the header of ${file}`);
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
      process.stderr.write(`\r${label}: ${d} items${pct}, ${((now - start) / 1000).toFixed(0)} s${end ? '\n' : ''}`);
    }
  };
}

function common(flags: Record<string, string | true>) {
  const str = (k: string): string | undefined => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
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
  if (!file || str('port') === undefined) throw new BukejianError('INVALID_OPTION', '"psi server" expected --in FILE and --port P');
  const port = Number(str('port'));
  const host = str('host') ?? '127.0.0.1';
  const fpr = str('fpr') === undefined ? undefined : Number(str('fpr'));
  const maxClientItems = str('max-items') === undefined ? DEFAULT_MAX_CLIENT_ITEMS : Number(str('max-items'));
  const evaluations = str('max-evaluations');
  const maxEvaluations = evaluations === undefined ? undefined : evaluations === 'inf' ? Infinity : Number(evaluations);
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
  const revealTags = opts.mode === 'both' ? Math.min(maxClientItems, server.size + Math.ceil(2 * (fpr ?? 1e-9) * maxClientItems) + 64) : 0;
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
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`${code}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    http.listen(port, host, () => {
      const a = http.address();
      const p = typeof a === 'object' && a ? a.port : port;
      process.stderr.write(`psi server: ${server.size} items, listening on http://${host}:${p}/psi\n`);
    });
  });
}

async function post(url: string, data: Uint8Array): Promise<Uint8Array> {
  const r = await fetch(url, { method: 'POST', body: data as unknown as BodyInit, headers: { 'content-type': 'application/octet-stream' } });
  if (!r.ok) {
    const text = await r.text();
    const m = /^([A-Z_]+): (.*)$/s.exec(text);
    throw new BukejianError((m?.[1] ?? 'IO') as never, `server answered ${r.status}: ${(m?.[2] ?? text).slice(0, 200)}`);
  }
  return new Uint8Array(await r.arrayBuffer());
}

async function runClient(flags: Record<string, string | true>): Promise<number> {
  const { file, column, out, opts, str } = common(flags);
  const url = str('connect');
  if (!file || !url) throw new BukejianError('INVALID_OPTION', '"psi client" expected --in FILE and --connect URL');
  const base = url.replace(/\/psi\/?$/, '').replace(/\/$/, '');
  const chunk = str('chunk');
  const onProgress = progress(Boolean(flags.quiet), 'psi client');
  const client = psi.chunkedClient(readItems(file, column), { ...opts, chunkSize: chunk === undefined ? undefined : Number(chunk), onProgress });
  let m = await client.next();
  while (m) m = await client.next(await post(`${base}/psi`, m));
  onProgress?.(client.stats.done, client.stats.done); // ends the progress line, if one was shown
  const r = client.result();
  const sink = out ? createWriteStream(out) : process.stdout;
  if (flags.json) sink.write(JSON.stringify({ mode: r.mode, cardinality: r.cardinality, intersection: r.intersection?.map(String) }) + '\n');
  else if (r.intersection) for (const x of r.intersection) sink.write(`${String(x)}\n`);
  else sink.write(`${r.cardinality}\n`);
  if (sink !== process.stdout) await new Promise((res) => (sink as ReturnType<typeof createWriteStream>).end(res));
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
