/**
 * The HTTP client of a PSI bucket part (fetch, POST of one chunked-protocol message, the reply
 * read up to a cap within a timeout). The peer's error text is cut and stripped of control
 * characters, and its code kept only when it is one of a fixed list. Node ≥ 20 / browsers.
 * @module
 */
import { BukejianError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

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

/** A failed POST: the HTTP status (0 when no reply came) and a typed error. */
export class PostError extends BukejianError {
  readonly status: number;
  constructor(code: ErrorCode, message: string, status: number, cause?: unknown) {
    super(code, message, { cause });
    this.status = status;
  }
}

const causeCode = (e: unknown): string => {
  const code = (e as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && /^[A-Z_]{1,30}$/.test(code) ? ` (${code})` : '';
};

const clean = (t: string): string =>
  t.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');

async function capped(r: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(r.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await r.body?.cancel().catch(() => undefined);
    throw new PostError('INVALID_LENGTH', `peer reply larger than ${limit} bytes`, r.status);
  }
  const parts: Uint8Array[] = [];
  let n = 0;
  if (r.body) {
    const reader = r.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > limit) {
        await reader.cancel().catch(() => undefined);
        throw new PostError('INVALID_LENGTH', `peer reply larger than ${limit} bytes`, r.status);
      }
      parts.push(value);
    }
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * POSTs `data` to `url`; the reply body (≤ `limit` bytes, within `timeout` ms), or a PostError.
 * @example
 * const reply = await post('http://127.0.0.1:8080/psi/job/3', hello, 1 << 20, 60_000)
 */
export async function post(
  url: string,
  data: Uint8Array,
  limit: number,
  timeout: number,
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeout);
  let r: Response;
  try {
    r = await fetch(url, {
      method: 'POST',
      body: data as unknown as BodyInit,
      headers: { 'content-type': 'application/octet-stream' },
      signal,
      redirect: 'error',
    });
  } catch (e) {
    throw new PostError(
      'IO',
      signal.aborted
        ? `no peer reply within ${timeout / 1000} s`
        : `request to the peer failed${causeCode(e)}`,
      0,
      e,
    );
  }
  if (r.ok) return capped(r, limit);
  let text = '';
  try {
    text = new TextDecoder().decode(await capped(r, 4096));
  } catch {
    text = '(error reply too large)';
  }
  const m = /^([A-Z_]{1,40}): ?(.*)$/s.exec(text);
  const code = (m && CODES.has(m[1]!) ? m[1]! : 'IO') as ErrorCode;
  throw new PostError(
    code,
    `peer answered HTTP ${r.status}: ${clean((m ? m[2]! : text).slice(0, 200))}`,
    r.status,
  );
}
