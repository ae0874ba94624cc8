/**
 * `bukejian mask`: apply a field policy to CSV or JSON Lines (`--policy --purpose`), and find or
 * redact identifiers in free text (`mask detect`, `mask redact`). Node-only (reads files,
 * streams stdin/stdout). Bad rows are reported on stderr by row number and skipped, never echoed;
 * the exit code is 1 when any row was rejected, 2 for usage errors.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { BukejianError } from '../errors.js';
import { hexToBytes } from '../utils.js';
import {
  loadPolicy,
  csvPolicyStream,
  jsonLinesPolicyStream,
  redactStream,
  createDetector,
  maskSpan,
  PII_TYPES,
  type Policy,
  type StreamStats,
  type PiiType,
  type Span,
} from '../mask/index.js';
import { treatmentFor } from '../mask/policy.js';
import { parseArgs } from './args.js';
import { openInput, openOutput } from './io.js';
import {
  decodeInput,
  ENCODING_HELP,
  sniffFormat,
  textEncodingOption,
  textSink,
  writeAll,
  type DecodedInput,
  type TextEncodingName,
} from './_text.js';

/** Usage text. @example console.log(usage) */
export const usage = `usage:
  bukejian mask --policy POLICY.json --purpose P [--format csv|jsonl] [--actor A]
                [--pseudonym-key-file F] [--fpe-key-file F] [--access-log F] [--progress]
                [--encoding E] [--output-encoding E] [IN] [OUT]
      Applies the policy for purpose P to every record (CSV with a header row, or JSON Lines;
      without --format: JSON Lines when the first character is {, else CSV). Keys are hex in
      the given files.
      --access-log appends each record's access description (JSON Lines) for the audit log.
  bukejian mask detect [--types idCard,phone,...] [--values] [IN]
      Prints one JSON line per identifier found: {type,start,end,masked} (start/end in UTF-16
      code units); --values also prints the value itself.
  bukejian mask redact [--mode mask|label] [--types ...] [IN] [OUT]
      Copies text with every identifier masked (default) or replaced by a label.
${ENCODING_HELP}.
IN/OUT default to stdin/stdout (or -). Exit: 0 ok, 1 rows rejected or failure, 2 usage.`;

function readKey(file: string | true | undefined, name: string): Uint8Array | undefined {
  if (typeof file !== 'string') return undefined;
  const text = readFileSync(file, 'utf8').trim();
  try {
    return hexToBytes(text);
  } catch {
    throw new BukejianError(
      'INVALID_OPTION',
      `"--${name}" expected a file holding a hex key, got other`,
    );
  }
}

function types(v: string | true | undefined): PiiType[] | undefined {
  if (typeof v !== 'string') return undefined;
  const list = v.split(',').map((s) => s.trim());
  for (const t of list) {
    if (!(PII_TYPES as readonly string[]).includes(t))
      throw new BukejianError(
        'INVALID_OPTION',
        `"--types" expected ${PII_TYPES.join('|')}, got ${JSON.stringify(t.slice(0, 20))}`,
      );
  }
  return list as PiiType[];
}

const write = writeAll;

async function finish(out: Writable): Promise<void> {
  if (out === process.stdout) return;
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

/** The input (`-` or none: stdin) decoded; messages call it by its file name. */
function input(file: string | undefined, encoding: TextEncodingName | undefined) {
  return decodeInput(openInput(file) as AsyncIterable<Uint8Array>, {
    encoding,
    name: !file || file === '-' ? 'the input (stdin)' : JSON.stringify(file.slice(0, 200)),
  });
}

async function pump(
  src: DecodedInput,
  t: TransformStream<string, string>,
  out: Writable,
  outputEncoding: TextEncodingName | undefined,
  onChunk?: () => void,
): Promise<void> {
  const texts = src.texts;
  const readable = new ReadableStream<string>({
    async pull(c) {
      try {
        const r = await texts.next();
        if (r.done) c.close();
        else c.enqueue(r.value);
      } catch (e) {
        c.error(e);
      }
    },
  });
  const sink = textSink(out, outputEncoding ?? src.encoding, src.bom && !outputEncoding);
  const reader = readable.pipeThrough(t).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    await sink.write(value);
    onChunk?.();
  }
  await finish(out);
}

/**
 * Refuses a purpose the policy does not name (listing the ones it does) and a keyed treatment
 * whose key file was not given (naming the option), before any row is read.
 */
function checkPurpose(
  policy: Policy,
  purpose: string,
  have: { pseudonym: boolean; fpe: boolean },
): void {
  const purposes = new Set<string>();
  for (const f of Object.values(policy.fields))
    for (const p of Object.keys(f.purposes ?? {})) purposes.add(p);
  if (!purposes.has(purpose))
    throw new BukejianError(
      'INVALID_OPTION',
      `"--purpose" expected one of the purposes of policy "${policy.name.slice(0, 40)}": ` +
        `${[...purposes].join(', ') || '(none)'}; got ${JSON.stringify(purpose.slice(0, 40))}`,
    );
  for (const [name, f] of Object.entries(policy.fields)) {
    const t = treatmentFor(f, purpose);
    const kind = typeof t === 'string' ? t : t?.treatment;
    const option =
      kind === 'pseudonymize' && !have.pseudonym
        ? '--pseudonym-key-file'
        : kind === 'fpe' && !have.fpe
          ? '--fpe-key-file'
          : undefined;
    if (option)
      throw new BukejianError(
        'INVALID_OPTION',
        `field "${name.slice(0, 40)}" gets treatment "${kind}" for purpose "${purpose.slice(0, 40)}", ` +
          `which needs a key: pass ${option} FILE (hex${kind === 'fpe' ? ', 16 bytes' : ', at least 16 bytes'})`,
      );
  }
}

async function runPolicy(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(
    args,
    [
      'policy',
      'purpose',
      'format',
      'actor',
      'pseudonym-key-file',
      'fpe-key-file',
      'access-log',
      'encoding',
      'output-encoding',
    ],
    ['progress'],
  );
  if (typeof flags.policy !== 'string' || typeof flags.purpose !== 'string') {
    console.error(usage);
    return 2;
  }
  if (positionals.length > 2)
    throw new BukejianError('INVALID_OPTION', '"IN OUT" expected at most two files, got more');
  const [inFile, outFile] = positionals;
  const encoding = textEncodingOption(flags.encoding, '--encoding');
  const outputEncoding = textEncodingOption(flags['output-encoding'], '--output-encoding');
  if (typeof flags.format === 'string' && flags.format !== 'csv' && flags.format !== 'jsonl')
    throw new BukejianError(
      'INVALID_OPTION',
      `"--format" expected csv|jsonl, got ${JSON.stringify(flags.format.slice(0, 20))}`,
    );
  const policy = loadPolicy(readFileSync(flags.policy, 'utf8'));
  checkPurpose(policy, flags.purpose, {
    pseudonym: typeof flags['pseudonym-key-file'] === 'string',
    fpe: typeof flags['fpe-key-file'] === 'string',
  });
  const keys: { pseudonym?: Uint8Array; fpe?: Uint8Array } = {};
  const pk = readKey(flags['pseudonym-key-file'], 'pseudonym-key-file');
  const fk = readKey(flags['fpe-key-file'], 'fpe-key-file');
  if (pk) keys.pseudonym = pk;
  if (fk) keys.fpe = fk;
  const accessLog =
    typeof flags['access-log'] === 'string' ? openOutput(flags['access-log']) : null;
  const stats: StreamStats = { rows: 0, rejected: 0 };
  const progress = flags.progress === true || process.stderr.isTTY === true;
  let last = Date.now();
  const opts = {
    purpose: flags.purpose,
    ...(typeof flags.actor === 'string' ? { actor: flags.actor } : {}),
    keys,
    onReject: (row: number, code: string, message: string) =>
      console.error(`bukejian mask: row ${row} rejected: ${code}: ${message}`),
    ...(accessLog
      ? {
          onAccess: (a: object, row: number) =>
            accessLog.write(JSON.stringify({ row, ...a }) + '\n'),
        }
      : {}),
  };
  const src = await input(inFile, encoding);
  const format = typeof flags.format === 'string' ? flags.format : sniffFormat(src.head);
  const t =
    format === 'csv'
      ? csvPolicyStream(policy, opts, stats)
      : jsonLinesPolicyStream(policy, opts, stats);
  await pump(src, t, openOutput(outFile), outputEncoding, () => {
    if (progress && Date.now() - last > 1000) {
      last = Date.now();
      process.stderr.write(`bukejian mask: ${stats.rows} rows, ${stats.rejected} rejected\n`);
    }
  });
  if (accessLog) await finish(accessLog);
  if (progress || stats.rejected)
    console.error(`bukejian mask: ${stats.rows} rows, ${stats.rejected} rejected`);
  return stats.rejected ? 1 : 0;
}

async function runDetect(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, ['types', 'encoding'], ['values']);
  if (positionals.length > 1)
    throw new BukejianError('INVALID_OPTION', '"IN" expected at most one file, got more');
  const t = types(flags.types);
  const d = createDetector(t ? { types: t } : undefined);
  const out = process.stdout;
  const print = async (spans: Span[]) => {
    for (const s of spans) {
      const rec: Record<string, unknown> = {
        type: s.type,
        start: s.start,
        end: s.end,
        masked: maskSpan(s),
      };
      if (flags.values) rec.value = s.value;
      await write(out, JSON.stringify(rec) + '\n');
    }
  };
  const src = await input(positionals[0], textEncodingOption(flags.encoding, '--encoding'));
  for await (const text of src.texts) await print(d.push(text));
  await print(d.end());
  return 0;
}

async function runRedact(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, ['types', 'mode', 'encoding', 'output-encoding']);
  if (positionals.length > 2)
    throw new BukejianError('INVALID_OPTION', '"IN OUT" expected at most two files, got more');
  const mode = flags.mode === undefined ? 'mask' : flags.mode;
  if (mode !== 'mask' && mode !== 'label')
    throw new BukejianError('INVALID_OPTION', '"--mode" expected mask|label, got other');
  const t = types(flags.types);
  await pump(
    await input(positionals[0], textEncodingOption(flags.encoding, '--encoding')),
    redactStream({ mode, ...(t ? { types: t } : {}) }),
    openOutput(positionals[1]),
    textEncodingOption(flags['output-encoding'], '--output-encoding'),
  );
  return 0;
}

/**
 * Runs `bukejian mask ...`; resolves to the exit code.
 * @example process.exitCode = await run(['redact', 'in.txt', 'out.txt'])
 */
export async function run(args: string[]): Promise<number> {
  if (args[0] === 'detect') return runDetect(args.slice(1));
  if (args[0] === 'redact') return runRedact(args.slice(1));
  return runPolicy(args);
}
