/**
 * PSI as jobs: each agency runs its own queue, workers and shared work directory; the two sides
 * pair up by the job id they agreed on and the bucket number.
 *
 *   agency A (client role)                          agency B (server role)
 *   stage split: parts = line ranges of A's input   stage split: the same on B's input (or, for
 *     → bucket fragments <work>/<id>/split/<b>/<p>    a directory of bucket files, one check
 *   stage buckets: part b = one chunked PSI           part per bucket), collect → ready.json
 *     session → POST <peer>/psi/<id>/<b>        ──▶ every B worker started with `listen` serves
 *     result <work>/<id>/result/<b>.json              /psi/<id>/<b> from its own psi.server of
 *     (atomic, skipped when present)                  bucket b (built on first use, kept in an
 *   collect: the union (out file) or the sum          LRU), 503 until ready.json exists
 *
 * Bucket b of A runs against bucket b of B only (the shared bucket key routes every value to the
 * same bucket on both sides); with several B endpoints A sends bucket b to
 * `peer[(b + attempt) mod n]`, so a retry after a lost endpoint goes to the next one. The URL
 * carries group, mode, canonical form, bucket count and a check value of the bucket key
 * (HMAC-SM3 of a constant: equal keys give equal values, the value reveals nothing of the key);
 * B refuses a mismatch instead of computing a wrong answer. B answers a session message sent again
 * (A retries a request whose connection was reset, ./_http.ts) with its first reply
 * (./_replay.ts): nothing is evaluated or counted twice.
 *
 * What each side learns beyond a single PSI run: both learn the other's size of every bucket; A
 * learns the intersection bucket by bucket (in cardinality mode: |A_b ∩ B_b| for every b, more
 * than the total); B learns nothing about A's items (blinded), only which bucket each session is
 * for and how many elements it sent.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoneOf, aoptions, astring } from '../_assert.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../utils.js';
import { hmacSm3 } from '../sm3.js';
import { createCsvParser } from '../_csv.js';
import { psi } from '../psi/index.js';
import type { EvaluationBudget, GroupName, PsiServer } from '../psi/index.js';
import type { FanOut, JobData, PartContext } from './backend.js';
import { join, list, planRanges, readIfExists, readLines, writeAtomic, ioError } from './_files.js';
import { post, PostError } from './_http.js';
import { replayCache } from './_replay.js';
import { needNodeModule } from '../_node.js';

/** A PSI job as submitted (JSON; paths, never data). */
export interface PsiJobSpec {
  kind: 'psi';
  /** The job id, the same on both agencies' sides. */
  id: string;
  /** 'client' (learns the result, runs the sessions) or 'server' (answers them). */
  role: 'client' | 'server';
  /** Input file: one item per line, a CSV file (with `column`) or JSONL (with `column` as field). */
  input?: string;
  /** How `input` is read (default: from its extension, .csv / .jsonl, else lines). */
  inputFormat?: 'lines' | 'csv' | 'jsonl';
  /** CSV column or JSONL field holding the items. */
  column?: string;
  /** Instead of `input`: a directory of bucket files `<b>.txt` made with the same key. */
  bucketDir?: string;
  /** Number of buckets (both sides equal). */
  buckets: number;
  /** File holding the shared bucket key in hex (≥ 16 bytes); read by the workers. */
  bucketKeyFile: string;
  /** PSI group (both sides equal; always explicit). */
  group: GroupName;
  /**
   * 'intersection' (default: the client learns it), 'both' (the client learns it, then reveals
   * the matches to the server, whose job waits for every bucket's reveal and writes its own
   * matched items to `out`) or 'cardinality' (the client learns its size only).
   */
  mode?: 'intersection' | 'both' | 'cardinality';
  /** Canonical form of the items (default 'text'). */
  canonical?: string;
  /** Client: the peer's endpoint(s), e.g. http://b.example:8080. */
  peer?: string[];
  /**
   * Where the intersection goes (one item per line): the client's matching items; in mode 'both'
   * also the server's (its own spelling of each matched item).
   */
  out?: string;
  /**
   * Client: items per chunked-protocol message (default 1024: each chunk is computed in one go on
   * the worker's main thread, which must also renew the part's lock in time).
   */
  chunkSize?: number;
  /** Input lines per split part (default 50000). */
  partLines?: number;
  /** Server: client elements evaluated per endpoint process and day for this job ('inf': none). */
  maxEvaluations?: number | 'inf';
  /** Server: set encoding (default 'gcs') and its false-positive rate (default 1e-9). */
  setFormat?: 'gcs' | 'bloom' | 'raw';
  fpr?: number;
  /** Client: seconds to wait for the peer's bucket to be ready (default 600) and per reply (600). */
  readyTimeout?: number;
  timeout?: number;
  /** Server, mode 'both': seconds each bucket waits for the client's reveal (default 86400). */
  revealTimeout?: number;
}

const DEFAULT_CHUNK = 1024;

const KEYS = [
  'kind',
  'id',
  'role',
  'input',
  'inputFormat',
  'column',
  'bucketDir',
  'buckets',
  'bucketKeyFile',
  'group',
  'mode',
  'canonical',
  'peer',
  'out',
  'chunkSize',
  'partLines',
  'maxEvaluations',
  'setFormat',
  'fpr',
  'readyTimeout',
  'timeout',
  'revealTimeout',
] as const;

/** Validates a PSI job spec (the caller's input: INVALID_OPTION and friends). */
export function psiSpec(raw: unknown): PsiJobSpec {
  const s = aoptions(raw as PsiJobSpec, 'job', KEYS) as PsiJobSpec;
  aoneOf(s.role, 'role', ['client', 'server']);
  aoneOf(s.group, 'group', psi.groups);
  if (s.mode !== undefined) aoneOf(s.mode, 'mode', ['intersection', 'both', 'cardinality']);
  if (s.canonical !== undefined) aoneOf(s.canonical, 'canonical', psi.CANONICAL_FORMS);
  anumber(s.buckets, 'buckets', 1, 1 << 20);
  astring(s.bucketKeyFile, 'bucketKeyFile');
  if ((s.input === undefined) === (s.bucketDir === undefined))
    throw new BukejianError('INVALID_OPTION', 'expected exactly one of "input" and "bucketDir"');
  if (s.input !== undefined) astring(s.input, 'input');
  if (s.bucketDir !== undefined) astring(s.bucketDir, 'bucketDir');
  if (s.inputFormat !== undefined) aoneOf(s.inputFormat, 'inputFormat', ['lines', 'csv', 'jsonl']);
  if (format(s) !== 'lines' && s.column === undefined)
    throw new BukejianError('INVALID_OPTION', '"column" expected for a CSV or JSONL input');
  if (s.chunkSize !== undefined) anumber(s.chunkSize, 'chunkSize', 1, psi.SERVER_DEFAULTS.maxChunk);
  if (s.partLines !== undefined) anumber(s.partLines, 'partLines', 1, 1 << 26);
  if (s.role === 'client') {
    if (!Array.isArray(s.peer) || s.peer.length < 1)
      throw new BukejianError('INVALID_OPTION', '"peer" expected at least one URL (client role)');
    for (const p of s.peer)
      if (typeof p !== 'string' || !/^https?:\/\/[^\s?#]+$/.test(p))
        throw new BukejianError('INVALID_OPTION', '"peer" expected http(s) URLs');
  } else {
    if (s.maxEvaluations === undefined)
      throw new BukejianError(
        'INVALID_OPTION',
        '"maxEvaluations" expected (server role): client items evaluated per day, or "inf"',
      );
    if (s.maxEvaluations !== 'inf') anumber(s.maxEvaluations, 'maxEvaluations', 0);
    if (s.setFormat !== undefined) aoneOf(s.setFormat, 'setFormat', ['gcs', 'bloom', 'raw']);
    if (s.out !== undefined && s.mode !== 'both')
      throw new BukejianError('INVALID_OPTION', '"out" is for the server role in mode "both" only');
  }
  if (s.revealTimeout !== undefined) anumber(s.revealTimeout, 'revealTimeout', 1);
  return s;
}

const format = (s: PsiJobSpec): 'lines' | 'csv' | 'jsonl' =>
  s.inputFormat ??
  (s.input?.toLowerCase().endsWith('.csv')
    ? 'csv'
    : s.input?.toLowerCase().endsWith('.jsonl')
      ? 'jsonl'
      : 'lines');

/** Environment of the workers (one per process). */
export interface PsiEnv {
  workDir: string;
  threads: number;
}

function bucketKey(file: string): Uint8Array {
  const text = readIfExists(file);
  if (text === undefined)
    throw new BukejianError('NOT_FOUND', 'the bucket key file does not exist');
  const key = hexToBytes(text.trim());
  if (key.length < 16)
    throw new BukejianError('INVALID_LENGTH', 'the bucket key expected >= 16 bytes');
  return key;
}

/** A check value of the bucket key: equal keys, equal values; nothing about the key itself. */
const keyCheck = (key: Uint8Array): string =>
  bytesToHex(hmacSm3(utf8ToBytes('bukejian/jobs bucket key check'), key)).slice(0, 16);

/** The first stage of a PSI job, as the submitter enqueues it. */
export async function planPsi(s: PsiJobSpec): Promise<FanOut> {
  const data = s as unknown as JobData;
  if (s.input !== undefined) {
    const ranges = await planRanges(s.input, s.partLines ?? 50_000, format(s) === 'csv' ? 1 : 0);
    if (ranges.length === 0) throw new BukejianError('INVALID_DATA', 'the input has no items');
    return { id: s.id, kind: 'psi', stage: 'split', data, parts: ranges as unknown as JobData[] };
  }
  const parts = Array.from({ length: s.buckets }, (_, bucket) => ({ bucket }));
  return { id: s.id, kind: 'psi', stage: s.role === 'client' ? 'buckets' : 'check', data, parts };
}

/** The items of one input line (CSV: the column; JSONL: the field), or none. */
function itemReader(s: PsiJobSpec, header: string | undefined): (line: string) => string | null {
  const f = format(s);
  if (f === 'lines') return (l) => l;
  if (f === 'jsonl')
    return (l) => {
      let v: unknown;
      try {
        v = (JSON.parse(l) as Record<string, unknown>)?.[s.column!];
      } catch {
        throw new BukejianError('INVALID_DATA', 'a JSONL input line is not JSON');
      }
      return typeof v === 'string' && v !== '' ? v : null;
    };
  const head =
    header === undefined ? [] : (createCsvParser(undefined, false).push(header + '\n')[0] ?? []);
  const index = head.indexOf(s.column!);
  if (index < 0)
    throw new BukejianError('INVALID_DATA', `column "${s.column!.slice(0, 40)}" not in the header`);
  return (l) => {
    const r = createCsvParser(undefined, false).push(l + '\n')[0];
    const v = r?.[index];
    return v === undefined || v === '' ? null : v;
  };
}

/** Split part: one line range → one fragment file per bucket (JSON strings, one per line). */
async function split(s: PsiJobSpec, env: PsiEnv, part: JobData, index: number): Promise<unknown> {
  const key = bucketKey(s.bucketKeyFile);
  const take = itemReader(s, format(s) === 'csv' ? await firstLine(s.input!) : undefined);
  const items: string[] = [];
  for await (const l of readLines(s.input!, part.start as number, part.end as number)) {
    const v = take(l);
    if (v !== null) items.push(v);
  }
  const parts = await psi.partition(items, {
    key,
    buckets: s.buckets,
    canonical: (s.canonical ?? 'text') as never,
  });
  const dir = join(env.workDir, s.id, 'split');
  parts.forEach((p, b) =>
    writeAtomic(
      join(dir, String(b), `${index}.jsonl`),
      p.map((x) => JSON.stringify(x) + '\n').join(''),
    ),
  );
  return { items: items.length };
}

async function firstLine(file: string): Promise<string | undefined> {
  for await (const l of readLines(file)) return l;
  return undefined;
}

/** The items of bucket `b`: its file in `bucketDir`, or the fragments of all split parts. */
async function bucketItems(
  s: { bucketDir?: string; id: string },
  env: PsiEnv,
  b: number,
  splitParts: number,
): Promise<string[]> {
  const out: string[] = [];
  if (s.bucketDir !== undefined) {
    for await (const l of readLines(join(s.bucketDir, `${b}.txt`))) out.push(l);
    return out;
  }
  const dir = join(env.workDir, s.id, 'split', String(b));
  const files = list(dir)
    .filter((f) => /^\d+\.jsonl$/.test(f))
    .map((f) => Number.parseInt(f, 10))
    .sort((x, y) => x - y);
  if (files.length !== splitParts)
    throw new BukejianError(
      'IO',
      `bucket ${b}: ${files.length} of ${splitParts} split fragments found`,
    );
  for (const f of files)
    for await (const l of readLines(join(dir, `${f}.jsonl`))) {
      let v: unknown;
      try {
        v = JSON.parse(l);
      } catch {
        v = undefined;
      }
      if (typeof v !== 'string')
        throw new BukejianError('IO', `bucket ${b}: fragment ${f} is damaged (not JSON strings)`);
      out.push(v);
    }
  return out;
}

const query = (s: PsiJobSpec, check: string): string =>
  new URLSearchParams({
    group: s.group,
    mode: s.mode ?? 'intersection',
    canonical: s.canonical ?? 'text',
    buckets: String(s.buckets),
    key: check,
  }).toString();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Client bucket part: one chunked PSI session against the peer; the result file, atomically. */
async function runBucket(
  s: PsiJobSpec,
  env: PsiEnv,
  b: number,
  splitParts: number,
  ctx: PartContext,
): Promise<unknown> {
  const file = join(env.workDir, s.id, 'result', `${b}.json`);
  const prev = readIfExists(file);
  if (prev !== undefined) {
    let r: { cardinality?: unknown } | undefined;
    try {
      r = JSON.parse(prev) as { cardinality?: unknown };
    } catch {
      r = undefined;
    }
    if (typeof r?.cardinality !== 'number')
      throw new BukejianError('IO', `bucket ${b}: result file is damaged`);
    return { bucket: b, cardinality: r.cardinality }; // done before: a re-run changes nothing
  }
  const key = bucketKey(s.bucketKeyFile);
  const items = await bucketItems(s, env, b, splitParts);
  const mode = s.mode ?? 'intersection';
  const chunkSize = s.chunkSize ?? DEFAULT_CHUNK;
  const L = psi.getGroup(s.group).elementLength;
  const timeout = (s.timeout ?? 600) * 1000;
  const deadline = Date.now() + (s.readyTimeout ?? 600) * 1000;
  const peers = s.peer!;
  const base = peers[(b + ctx.attempt) % peers.length]!.replace(/\/$/, '');
  const url = `${base}/psi/${s.id}/${b}?${query(s, keyCheck(key))}`;
  for (;;) {
    const c = psi.chunkedClient(items, {
      group: s.group,
      mode,
      canonical: (s.canonical ?? 'text') as never,
      chunkSize,
      workers: env.threads,
      onProgress: (d) => void ctx.progress(items.length ? d / items.length : 1).catch(() => {}),
    });
    let limit = 256 * 2 ** 20; // the setup reply carries the peer's bucket set
    try {
      let m = await c.next();
      while (m) {
        m = await c.next(await post(url, m, limit, timeout));
        limit = 25 + 64 + chunkSize * L;
      }
    } catch (e) {
      if (e instanceof PostError && e.status === 503 && Date.now() < deadline) {
        await sleep(1000); // the peer has not finished preparing its buckets
        continue;
      }
      throw e;
    }
    const r = c.result();
    const result = {
      bucket: b,
      cardinality: r.cardinality,
      serverCount: r.serverCount,
      ...(r.intersection ? { intersection: r.intersection } : {}),
    };
    writeAtomic(file, JSON.stringify(result));
    return { bucket: b, cardinality: r.cardinality };
  }
}

/** The server's matched items of bucket `b` (mode 'both'), once the client has revealed them. */
function revealed(env: PsiEnv, id: string, b: number): string[] | undefined {
  const text = readIfExists(join(env.workDir, id, 'result', `${b}.json`));
  if (text === undefined) return undefined;
  let r: { items?: unknown } | undefined;
  try {
    r = JSON.parse(text) as { items?: unknown };
  } catch {
    r = undefined;
  }
  if (!Array.isArray(r?.items))
    throw new BukejianError('IO', `bucket ${b}: result file is damaged`);
  return r.items as string[];
}

/**
 * Server reveal part (mode 'both'): waits for the client's reveal of bucket `b`, which the
 * endpoint that served the session wrote to `<work>/<id>/result/<b>.json` (atomically).
 */
async function awaitReveal(s: PsiJobSpec, env: PsiEnv, b: number): Promise<unknown> {
  const end = Date.now() + (s.revealTimeout ?? 86_400) * 1000;
  for (;;) {
    const items = revealed(env, s.id, b);
    if (items) return { bucket: b, cardinality: items.length };
    if (Date.now() > end)
      throw new BukejianError(
        'IO',
        `bucket ${b}: no reveal from the peer within ${s.revealTimeout ?? 86_400} s`,
      );
    await sleep(500);
  }
}

/** Runs one part of a PSI job. */
export async function psiPart(
  data: JobData,
  stage: string,
  part: JobData,
  ctx: PartContext,
  env: PsiEnv,
): Promise<unknown> {
  const s = data as unknown as PsiJobSpec;
  if (stage === 'split') return split(s, env, part, ctx.index);
  const b = part.bucket as number;
  if (stage === 'check') return { bucket: b, items: (await bucketItems(s, env, b, 0)).length };
  if (stage === 'reveal') return awaitReveal(s, env, b);
  return runBucket(s, env, b, (part.splitParts as number) ?? 0, ctx);
}

/** Collects a stage of a PSI job (enqueuing the next stage, or writing the result). */
export async function psiCollect(
  data: JobData,
  stage: string,
  results: unknown[],
  ctx: PartContext,
  env: PsiEnv,
): Promise<unknown> {
  const s = data as unknown as PsiJobSpec;
  if (s.role === 'server') {
    const key = bucketKey(s.bucketKeyFile);
    const ready = {
      group: s.group,
      mode: s.mode ?? 'intersection',
      canonical: s.canonical ?? 'text',
      buckets: s.buckets,
      key: keyCheck(key),
      splitParts: stage === 'split' ? results.length : 0,
      ...(s.bucketDir !== undefined ? { bucketDir: s.bucketDir } : {}),
      setFormat: s.setFormat ?? 'gcs',
      fpr: s.fpr ?? 1e-9,
      maxEvaluations: s.maxEvaluations,
    };
    if (stage === 'reveal') return union(s, ctx, (b) => revealed(env, s.id, b));
    writeAtomic(join(env.workDir, s.id, 'ready.json'), JSON.stringify(ready));
    if (ready.mode === 'both') {
      // mode 'both': the job ends when the client has revealed every bucket's matches
      await ctx.enqueue({
        id: s.id,
        kind: 'psi',
        stage: 'reveal',
        data,
        parts: Array.from({ length: s.buckets }, (_, bucket) => ({ bucket })),
      });
    }
    return { ready: true, buckets: s.buckets };
  }
  if (stage === 'split') {
    await ctx.enqueue({
      id: s.id,
      kind: 'psi',
      stage: 'buckets',
      data,
      parts: Array.from({ length: s.buckets }, (_, bucket) => ({
        bucket,
        splitParts: results.length,
      })),
    });
    return { split: results.length };
  }
  // stage buckets: the union, bucket by bucket, into one file (atomic)
  return union(s, ctx, (b) => {
    const text = readIfExists(join(env.workDir, s.id, 'result', `${b}.json`));
    if (text === undefined) return undefined;
    const r = JSON.parse(text) as { cardinality: number; intersection?: string[] };
    return r.intersection ?? r.cardinality;
  });
}

/**
 * The job's result from its per-bucket results (items, or a count in cardinality mode): their
 * sum, and their items into `out`, bucket by bucket (atomically: a temporary file, then renamed).
 */
function union(
  s: PsiJobSpec,
  ctx: PartContext,
  bucket: (b: number) => string[] | number | undefined,
): unknown {
  const fs = needNodeModule('node:fs', 'bukejian/jobs writes files');
  let cardinality = 0;
  const out = s.out;
  const tmp = out ? `${out}.${ctx.jobId}.tmp` : undefined;
  const fd = tmp ? fs.openSync(tmp, 'w') : undefined;
  try {
    for (let b = 0; b < s.buckets; b++) {
      const r = bucket(b);
      if (r === undefined) throw new BukejianError('IO', `bucket ${b}: result missing`);
      cardinality += typeof r === 'number' ? r : r.length;
      if (fd !== undefined && typeof r !== 'number' && r.length > 0)
        fs.writeSync(fd, r.join('\n') + '\n');
    }
    if (fd !== undefined) fs.fsyncSync(fd);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    throw e instanceof BukejianError ? e : ioError('writing', out!, e);
  }
  if (fd !== undefined) {
    fs.closeSync(fd);
    fs.renameSync(tmp!, out!);
  }
  return { cardinality, buckets: s.buckets, ...(out ? { out } : {}) };
}

/** What ready.json holds (written by the server side's collect). */
interface Ready {
  group: GroupName;
  mode: 'intersection' | 'both' | 'cardinality';
  canonical: string;
  buckets: number;
  key: string;
  splitParts: number;
  bucketDir?: string;
  setFormat: 'gcs' | 'bloom' | 'raw';
  fpr: number;
  maxEvaluations: number | 'inf';
}

/** The most bucket servers one endpoint process keeps prepared. */
const MAX_PREPARED = 16;

/**
 * The request handler of a server-role endpoint: POST /psi/<job>/<bucket>?… → the reply of that
 * bucket's psi.server; 503 until the job's ready.json exists.
 */
export function psiEndpoint(
  env: PsiEnv,
): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void {
  const servers = new Map<string, { server: Promise<PsiServer<string>>; used: number }>();
  const budgets = new Map<string, EvaluationBudget>();
  const readyCache = new Map<string, Ready>();
  const replay = replayCache();
  const fail = (res: import('node:http').ServerResponse, status: number, text: string) =>
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);

  const serverFor = (id: string, b: number, r: Ready): Promise<PsiServer<string>> => {
    const k = `${id}/${b}`;
    const hit = servers.get(k);
    if (hit) {
      hit.used = Date.now();
      return hit.server;
    }
    if (servers.size >= MAX_PREPARED) {
      const idle = [...servers].sort((x, y) => x[1].used - y[1].used)[0];
      if (idle) servers.delete(idle[0]);
    }
    let budget = budgets.get(id);
    if (!budget) {
      budget = psi.memoryBudget(r.maxEvaluations === 'inf' ? Infinity : r.maxEvaluations);
      budgets.set(id, budget);
    }
    const made = (async () => {
      const items = await bucketItems({ id, bucketDir: r.bucketDir }, env, b, r.splitParts);
      const server = psi.server(items, {
        group: r.group,
        mode: r.mode,
        canonical: r.canonical as never,
        format: r.setFormat,
        fpr: r.fpr,
        budget,
        workers: env.threads,
        // mode 'both': the client's reveal of this bucket → the server's matched items, once
        ...(r.mode === 'both'
          ? {
              onReveal: (matched: string[]) =>
                writeAtomic(
                  join(env.workDir, id, 'result', `${b}.json`),
                  JSON.stringify({ bucket: b, items: matched }),
                ),
            }
          : {}),
      });
      await server.prepare();
      return server;
    })();
    made.catch(() => servers.delete(k));
    servers.set(k, { server: made, used: Date.now() });
    return made;
  };

  return (req, res) => {
    void (async () => {
      try {
        const m = /^\/psi\/([A-Za-z0-9_-]{1,64})\/(\d{1,8})(?:\?(.*))?$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !m) return fail(res, 404, 'NOT_FOUND: no such endpoint');
        const id = m[1]!;
        const b = Number(m[2]);
        let r = readyCache.get(id);
        if (!r) {
          const text = readIfExists(join(env.workDir, id, 'ready.json'));
          if (text === undefined) return fail(res, 503, 'BAD_STATE: job not ready');
          r = JSON.parse(text) as Ready;
          readyCache.set(id, r);
        }
        const q = new URLSearchParams(m[3] ?? '');
        const want = {
          group: r.group,
          mode: r.mode,
          canonical: r.canonical,
          buckets: String(r.buckets),
          key: r.key,
        };
        for (const [k, v] of Object.entries(want))
          if (q.get(k) !== v)
            return fail(res, 400, `INVALID_OPTION: "${k}" differs from this side's job`);
        if (b >= r.buckets) return fail(res, 400, 'INVALID_RANGE: no such bucket');
        const L = psi.getGroup(r.group).elementLength;
        const limit = 25 + 9 + psi.SERVER_DEFAULTS.maxChunk * L;
        const chunks: Buffer[] = [];
        let n = 0;
        for await (const c of req as AsyncIterable<Buffer>) {
          n += c.length;
          if (n > limit) return fail(res, 400, 'INVALID_LENGTH: request body too large');
          chunks.push(c);
        }
        const body = Buffer.concat(chunks);
        const message = new Uint8Array(body.buffer, body.byteOffset, body.length);
        const peer = req.socket.remoteAddress ?? '';
        // a message sent again (after a connection reset) gets its first reply: ./_replay.ts
        const reply = await replay.run(`${id}/${b}`, message, async () =>
          (await serverFor(id, b, r)).handle(message, peer),
        );
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(reply);
      } catch (e) {
        // SECURITY: only our own messages go to the peer (they never carry data or paths)
        if (e instanceof BukejianError) fail(res, 400, `${e.code}: ${e.message}`);
        else fail(res, 500, 'IO: the bucket session failed');
      }
    })();
  };
}
