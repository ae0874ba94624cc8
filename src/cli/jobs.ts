/**
 * `bukejian jobs`: PSI and batch verification as distributed jobs on BullMQ/Redis.
 *
 *   bukejian jobs worker --redis URL --work DIR [--concurrency N] [--listen HOST:PORT]
 *   bukejian jobs psi --redis URL --id ID --role client|server ... [--wait]
 *   bukejian jobs verify --redis URL --id ID --in FILE --out FILE [--kind sm2|eligibility] [--wait]
 *   bukejian jobs status ID --redis URL [--json]
 * @module
 */
import { BukejianError } from '../errors.js';
import { bullmqBackend, startWorker, submitJob, waitForJob } from '../jobs/index.js';
import type { JobBackend, JobStatus } from '../jobs/index.js';
import { parseArgs } from './args.js';

/**
 * The help text of `bukejian jobs`.
 * @example
 * console.log(usage)
 */
export const usage = `usage:
  bukejian jobs worker --redis URL --work DIR [--concurrency N] [--threads N] [--listen HOST:PORT]
  bukejian jobs psi --redis URL --id ID --role client|server (--in FILE [--column C] | --bucket-dir DIR)
                    --buckets N --key-file FILE --group G [--mode intersection|both|cardinality
                    | --cardinality] [--canonical C]
                    [--peer URL[,URL...]] [--out FILE] [--max-evaluations N|inf] [--wait] [--json]
  bukejian jobs verify --redis URL --id ID --in FILE.jsonl --out FILE [--part-lines N] [--wait] [--json]
                       [--kind sm2 | --kind eligibility (--vkey FILE | --allow-development-key)]
  bukejian jobs status ID --redis URL [--json]

  worker      takes parts of this agency's jobs (all workers of an agency share --redis and
              --work, e.g. a network file system); --listen also answers the peer agency's
              PSI bucket sessions for server-role jobs
  psi         submits a PSI job (both agencies use the same --id, --buckets, --key-file, --group,
              --mode, --canonical); client: --peer is the other agency's endpoint(s), the
              intersection goes to --out; server: --max-evaluations is required; in --mode
              both the server's job waits for the client's reveal of every bucket and writes its
              own matched items to --out
  verify      submits a batch verification of SM2 signatures (JSONL: message or messageHex,
              signature, publicKey in hex, optional userId and format); --out gets one true/false
              per input line. --kind eligibility: eligibility proofs (JSONL: proof, context; see
              docs/jobs.md), --out gets one {"ok":true,"nullifier":…} / {"ok":false,"reason":…}
              per input line, as eligibility.verifyBatch
  status      parts done / failed / retried, rate and ETA of a job
Options: --queue NAME (default bukejian), --part-lines N (input lines per part), --chunk N (PSI items
  per message), --lock-duration MS (worker), --timeout S (--wait), --quiet (no progress line)
Exit codes: 0 success, 1 failure, 2 usage error.`;

const VALUED = [
  'redis',
  'work',
  'concurrency',
  'threads',
  'listen',
  'queue',
  'lock-duration',
  'id',
  'role',
  'in',
  'column',
  'input-format',
  'bucket-dir',
  'buckets',
  'key-file',
  'group',
  'mode',
  'canonical',
  'peer',
  'out',
  'max-evaluations',
  'part-lines',
  'chunk',
  'timeout',
  'kind',
  'vkey',
] as const;
const BOOLS = ['wait', 'json', 'quiet', 'cardinality', 'allow-development-key'] as const;

type Flags = Record<string, string | true>;
const str = (f: Flags, k: string): string | undefined =>
  typeof f[k] === 'string' ? (f[k] as string) : undefined;
const need = (f: Flags, k: string, cmd: string): string => {
  const v = str(f, k);
  if (v === undefined) throw new BukejianError('INVALID_OPTION', `"jobs ${cmd}" expected --${k}`);
  return v;
};
const num = (f: Flags, k: string): number | undefined => {
  const v = str(f, k);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new BukejianError('INVALID_OPTION', `"--${k}" expected a number`);
  return n;
};

function backendOf(f: Flags, cmd: string): JobBackend {
  const lock = num(f, 'lock-duration');
  return bullmqBackend({
    redis: need(f, 'redis', cmd),
    ...(str(f, 'queue') ? { queue: str(f, 'queue')! } : {}),
    ...(lock !== undefined ? { lockDuration: lock, stalledInterval: lock } : {}),
  });
}

/** One line of status: parts, rate, ETA. */
export function statusLine(s: JobStatus): string {
  const p = s.parts;
  const eta = s.etaSeconds === undefined ? '?' : `${Math.ceil(s.etaSeconds)} s`;
  return (
    `job ${s.id} [${s.stage}] ${s.state}: ${p.done}/${p.total} parts done, ${p.failed} failed, ` +
    `${p.retried} retried, ${s.rate.toFixed(2)} parts/s, ETA ${eta}`
  );
}

async function wait(backend: JobBackend, id: string, f: Flags): Promise<number> {
  const tty = Boolean(process.stderr.isTTY);
  let last = '';
  const timeout = num(f, 'timeout');
  try {
    const result = await waitForJob(backend, id, {
      ...(timeout !== undefined ? { timeout: timeout * 1000 } : {}),
      onStatus: (s) => {
        if (f.quiet) return;
        const line = statusLine(s);
        if (line === last) return;
        last = line;
        // a TTY gets one line rewritten in place; a log file or pipe gets whole lines
        process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      },
    });
    if (tty && last) process.stderr.write('\n');
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } catch (e) {
    if (tty && last) process.stderr.write('\n');
    throw e;
  }
}

async function runWorker(f: Flags): Promise<number> {
  const backend = backendOf(f, 'worker');
  const listen = str(f, 'listen');
  let l: { host: string; port: number } | undefined;
  if (listen !== undefined) {
    const m = /^(?:(.+):)?(\d+)$/.exec(listen);
    if (!m) throw new BukejianError('INVALID_OPTION', '"--listen" expected [HOST:]PORT');
    l = { host: m[1] ?? '127.0.0.1', port: Number(m[2]) };
  }
  const concurrency = num(f, 'concurrency');
  const threads = num(f, 'threads');
  const worker = await startWorker(backend, {
    workDir: need(f, 'work', 'worker'),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(l ? { listen: l } : {}),
  });
  process.stderr.write(
    `jobs worker: ${process.pid} ready${worker.url ? `, listening on ${worker.url}` : ''}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await worker.close();
  await backend.close();
  return 0;
}

async function runPsi(f: Flags): Promise<number> {
  const backend = backendOf(f, 'psi');
  try {
    const role = need(f, 'role', 'psi');
    const maxEv = str(f, 'max-evaluations');
    const id = await submitJob(backend, {
      kind: 'psi',
      id: need(f, 'id', 'psi'),
      role: role as never,
      ...(str(f, 'in') !== undefined ? { input: str(f, 'in')! } : {}),
      ...(str(f, 'bucket-dir') !== undefined ? { bucketDir: str(f, 'bucket-dir')! } : {}),
      ...(str(f, 'column') !== undefined ? { column: str(f, 'column')! } : {}),
      ...(str(f, 'input-format') !== undefined
        ? { inputFormat: str(f, 'input-format') as never }
        : {}),
      buckets: num(f, 'buckets') ?? Number.NaN,
      bucketKeyFile: need(f, 'key-file', 'psi'),
      group: need(f, 'group', 'psi') as never,
      mode: (f.cardinality ? 'cardinality' : (str(f, 'mode') ?? 'intersection')) as never,
      ...(str(f, 'canonical') !== undefined ? { canonical: str(f, 'canonical')! } : {}),
      ...(str(f, 'peer') !== undefined ? { peer: str(f, 'peer')!.split(',') } : {}),
      ...(str(f, 'out') !== undefined ? { out: str(f, 'out')! } : {}),
      ...(maxEv !== undefined
        ? { maxEvaluations: maxEv === 'inf' ? ('inf' as const) : Number(maxEv) }
        : {}),
      ...(num(f, 'part-lines') !== undefined ? { partLines: num(f, 'part-lines')! } : {}),
      ...(num(f, 'chunk') !== undefined ? { chunkSize: num(f, 'chunk')! } : {}),
    });
    if (f.wait) return await wait(backend, id, f);
    process.stdout.write(`${id}\n`);
    return 0;
  } finally {
    await backend.close();
  }
}

async function runVerify(f: Flags): Promise<number> {
  const kind = str(f, 'kind') ?? 'sm2';
  if (kind !== 'sm2' && kind !== 'eligibility')
    throw new BukejianError('INVALID_OPTION', '"--kind" expected sm2 or eligibility');
  if (kind === 'sm2' && (f.vkey !== undefined || f['allow-development-key']))
    throw new BukejianError('INVALID_OPTION', '"--vkey" is for --kind eligibility');
  const backend = backendOf(f, 'verify');
  try {
    const common = {
      id: need(f, 'id', 'verify'),
      input: need(f, 'in', 'verify'),
      out: need(f, 'out', 'verify'),
      ...(num(f, 'part-lines') !== undefined ? { partLines: num(f, 'part-lines')! } : {}),
    };
    const id = await submitJob(
      backend,
      kind === 'sm2'
        ? { kind: 'sm2-verify', ...common }
        : {
            kind: 'eligibility-verify',
            ...common,
            ...(str(f, 'vkey') !== undefined ? { vkey: str(f, 'vkey')! } : {}),
            ...(f['allow-development-key'] ? { allowDevelopmentKey: true } : {}),
          },
    );
    if (f.wait) return await wait(backend, id, f);
    process.stdout.write(`${id}\n`);
    return 0;
  } finally {
    await backend.close();
  }
}

async function runStatus(f: Flags, id: string | undefined): Promise<number> {
  if (!id) throw new BukejianError('INVALID_OPTION', '"jobs status" expected a job id');
  const backend = backendOf(f, 'status');
  try {
    const s = await backend.status(id);
    if (f.json) process.stdout.write(JSON.stringify(s) + '\n');
    else {
      process.stdout.write(statusLine(s) + '\n');
      if (s.error)
        process.stdout.write(
          `  error${s.error.part !== undefined ? ` in part ${s.error.part}` : ''}: ${s.error.code}: ${s.error.message}\n`,
        );
    }
    return s.state === 'unknown' || s.state === 'failed' ? 1 : 0;
  } finally {
    await backend.close();
  }
}

/**
 * Runs `bukejian jobs ...`.
 * @example
 * await run(['status', 'pension-2026-12', '--redis', 'redis://127.0.0.1:6379'])
 */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { flags, positionals } = parseArgs(rest, VALUED, BOOLS);
  if (sub === 'worker') return runWorker(flags);
  if (sub === 'psi') return runPsi(flags);
  if (sub === 'verify') return runVerify(flags);
  if (sub === 'status') return runStatus(flags, positionals[0]);
  console.error(usage);
  return 2;
}
