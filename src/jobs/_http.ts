/**
 * The HTTP of PSI bucket sessions, both ends, whose keep-alive settings must agree:
 *
 * - the client (`post`): a POST of one chunked-protocol message over a kept-alive connection,
 *   the reply read up to a cap within a timeout; the peer's error text cut and stripped of
 *   control characters, its code kept only when it is one of a fixed list;
 * - the endpoint's server (`serve`): node:http with the keep-alive timeouts below.
 *
 * Keep-alive race. A server closes a connection that stayed idle for its `keepAliveTimeout`; a
 * client whose thread is busy (a CPU-starved worker computing its next chunk) does not see that
 * close in time and writes its next request onto the dead connection: ECONNRESET before any
 * reply byte. Two measures:
 * - the endpoint keeps idle connections {@link SERVER_KEEP_ALIVE_MS} (120 s; it announces it in
 *   `Keep-Alive: timeout=120`), far above the {@link CLIENT_IDLE_MS} (30 s) after which the client
 *   stops reusing an idle connection, so the server closing first needs a client stalled for
 *   90 s; `headersTimeout` is a little above the keep-alive timeout (Node's advice);
 * - a request that fails with a connection reset (ECONNRESET, EPIPE) before any byte of a reply
 *   arrived is sent once more, on a new connection. The endpoint answers a message it has already
 *   answered with the same reply (./_replay.ts), so this is safe even when the reset came after the
 *   endpoint had evaluated the message: nothing is evaluated or counted twice.
 *
 * Node only (node:http, node:https).
 * @module
 */
import { BukejianError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { needNodeModule } from '../_node.js';

/** The client stops reusing a connection that has been idle this long (ms). */
export const CLIENT_IDLE_MS = 30_000;
/** The endpoint closes a connection that has been idle this long (ms); announced to clients. */
export const SERVER_KEEP_ALIVE_MS = 120_000;
/** The endpoint's limit for receiving a request's headers (ms): above the keep-alive timeout. */
export const SERVER_HEADERS_MS = SERVER_KEEP_ALIVE_MS + 5_000;

const CODES: ReadonlySet<string> = new Set([
  'INVALID_ENCODING',
  'INVALID_LENGTH',
  'INVALID_RANGE',
  'INVALID_TYPE',
  'INVALID_POINT',
  'INVALID_OPTION',
  'INVALID_DATA',
  'NOT_FOUND',
  'VERSION',
  'BAD_STATE',
  'RATE_LIMITED',
  'IO',
]);

/** Connection errors that, before any reply byte, mean the request may not have been received. */
const RESET: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

/** A failed POST: the HTTP status (0 when no reply came) and a typed error. */
export class PostError extends BukejianError {
  readonly status: number;
  constructor(code: ErrorCode, message: string, status: number, cause?: unknown) {
    super(code, message, { cause });
    this.status = status;
  }
}

const sysCode = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z_]{1,30}$/.test(code) ? code : undefined;
};

const clean = (t: string): string =>
  t.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');

/** A connection reset before any reply byte (internal: `post` sends the request again). */
class ResetError extends Error {
  constructor(readonly error: PostError) {
    super(error.message);
  }
}

type Agent = import('node:http').Agent;
const agents = new Map<string, Agent>();

/** The kept-alive connections of this process, one pool per scheme. */
function agentFor(https: boolean): Agent {
  const key = https ? 'https' : 'http';
  let a = agents.get(key);
  if (!a) {
    const mod = needNodeModule(https ? 'node:https' : 'node:http', 'PSI jobs are Node only');
    a = new mod.Agent({ keepAlive: true, timeout: CLIENT_IDLE_MS, scheduling: 'lifo' });
    agents.set(key, a);
  }
  return a;
}

/** One POST; `reset` when it failed with a connection reset before any reply byte. */
function attempt(
  url: URL,
  data: Uint8Array,
  limit: number,
  timeout: number,
  fresh: boolean,
): Promise<Uint8Array> {
  const https = url.protocol === 'https:';
  const mod = needNodeModule(https ? 'node:https' : 'node:http', 'PSI jobs are Node only');
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (e: Error | undefined, body?: Uint8Array) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(body!);
    };
    const req = mod.request(url, {
      method: 'POST',
      // a retry goes on a new connection of its own, never on another pooled one
      agent: fresh ? false : agentFor(https),
      // while the request runs, the socket waits as long as the reply may take
      timeout,
      headers: { 'content-type': 'application/octet-stream', 'content-length': data.length },
    });
    const timer = setTimeout(() => {
      done(new PostError('IO', `no peer reply within ${timeout / 1000} s`, 0));
      req.destroy();
    }, timeout);
    let readBefore = -1; // bytes the socket had read before this request (a reused socket)
    req.on('socket', (s) => (readBefore = s.bytesRead));
    req.on('timeout', () => {
      done(new PostError('IO', `no peer reply within ${timeout / 1000} s`, 0));
      req.destroy();
    });
    req.on('error', (e) => {
      const code = sysCode(e);
      const silent = readBefore >= 0 && (req.socket?.bytesRead ?? readBefore) === readBefore;
      const err = new PostError(
        'IO',
        `request to the peer failed${code ? ` (${code})` : ''}`,
        0,
        e,
      );
      done(silent && code !== undefined && RESET.has(code) ? new ResetError(err) : err);
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const cap = ok ? limit : 4096;
      const declared = Number(res.headers['content-length'] ?? Number.NaN);
      const tooLarge = () =>
        new PostError('INVALID_LENGTH', `peer reply larger than ${limit} bytes`, status);
      if (ok && declared > cap) {
        done(tooLarge());
        req.destroy();
        return;
      }
      const parts: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n > cap) {
          if (ok) done(tooLarge());
          else errorReply(status, undefined, done);
          req.destroy();
          return;
        }
        parts.push(c);
      });
      res.on('error', (e) => done(new PostError('IO', 'the peer reply was cut', status, e)));
      res.on('aborted', () => done(new PostError('IO', 'the peer reply was cut', status)));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        if (ok) done(undefined, new Uint8Array(body.buffer, body.byteOffset, body.length));
        else errorReply(status, body, done);
      });
    });
    req.end(data);
  });
}

/** The PostError of an error reply (its text parsed as `CODE: message` when it is one of ours). */
function errorReply(status: number, body: Uint8Array | undefined, done: (e: Error) => void): void {
  const text = body ? new TextDecoder().decode(body) : '(error reply too large)';
  const m = /^([A-Z_]{1,40}): ?(.*)$/s.exec(text);
  const code = (m && CODES.has(m[1]!) ? m[1]! : 'IO') as ErrorCode;
  done(
    new PostError(
      code,
      `peer answered HTTP ${status}: ${clean((m ? m[2]! : text).slice(0, 200))}`,
      status,
    ),
  );
}

/**
 * POSTs `data` to `url`; the reply body (≤ `limit` bytes, within `timeout` ms), or a PostError.
 * A connection reset before any reply byte is retried once on a new connection.
 * @example
 * const reply = await post('http://127.0.0.1:8080/psi/job/3', hello, 1 << 20, 60_000)
 */
export async function post(
  url: string,
  data: Uint8Array,
  limit: number,
  timeout: number,
): Promise<Uint8Array> {
  const u = new URL(url);
  try {
    return await attempt(u, data, limit, timeout, false);
  } catch (e) {
    if (!(e instanceof ResetError)) throw e;
  }
  try {
    return await attempt(u, data, limit, timeout, true);
  } catch (e) {
    throw e instanceof ResetError ? e.error : e;
  }
}

/**
 * The HTTP server of a PSI endpoint, with the keep-alive timeouts above.
 * @example
 * const server = serve(psiEndpoint(env)); server.listen(8080, '127.0.0.1')
 */
export function serve(
  handler: (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => void,
): import('node:http').Server {
  const server = needNodeModule('node:http', 'the PSI endpoint is Node only').createServer(handler);
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  server.headersTimeout = SERVER_HEADERS_MS;
  return server;
}
