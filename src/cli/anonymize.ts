/**
 * `bukejian anonymize --config cfg.json [IN.csv] [OUT.csv] [--report FILE]`: de-identifies a CSV
 * file with `bukejian/anon`. The configuration is the JSON `AnonymizeConfig` of `anonymize()`;
 * hierarchies may also be `{ "type": "file", "path": "h.csv", "delimiter": ";" }` (ARX format,
 * resolved relative to the configuration file). Input is read as a stream (UTF-8, GBK or GB 18030
 * per --encoding, decoded across chunk boundaries, a BOM dropped; see ./_text.ts); the anonymized
 * CSV goes to OUT (stdout for `-` or none), the report to `--report FILE` (JSON, or a
 * self-contained HTML page when FILE ends in .html), and a readable summary plus a progress line
 * to stderr.
 * Node-only by nature (reads files).
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  anonymize,
  validateConfig,
  type AnonymizeConfig,
  type AnonymizeReport,
  recordsToRows,
} from '../anon/index.js';
// The incremental reader and writer under the public parseCsv / toCsv (the input is streamed).
import { createCsvParser, csvRecord } from '../_csv.js';
import { BukejianError } from '../errors.js';
import { parseArgs } from './args.js';
import { openInput, openOutput } from './io.js';
import { writeReport } from './_anon-report-file.js';
import { decodeInput, ENCODING_HELP, textEncodingOption, textSink } from './_text.js';

/** Usage text. @example console.log(usage) */
export const usage = `usage: bukejian anonymize --config cfg.json [IN.csv] [OUT.csv] [--report FILE] [--delimiter C] [--quiet]
  Anonymizes IN (stdin for - or none) into OUT (stdout for - or none) as configured in cfg.json:
  { "quasiIdentifiers": { "age": { "type": "intervals", "widths": [5, 10, 20] },
                          "county": { "type": "adminCode" },
                          "education": { "type": "file", "path": "education.csv" } },
    "sensitive": ["diagnosis"], "insensitive": ["weight"],
    "models": [{ "type": "k-anonymity", "k": 5 },
               { "type": "l-diversity", "attribute": "diagnosis", "l": 3 }],
    "suppressionLimit": 0.04, "suppressedRows": "remove" | "mask",
    "algorithm": "optimal" | "mondrian", "metric": "entropy" }
  Columns that are not listed are dropped. Suppressed records are removed (default) or, with
  "suppressedRows": "mask", written as a row of * in every column. --report writes the JSON report; a
  FILE ending in .html/.htm gets a self-contained page instead (no network) charting class sizes
  and prosecutor risk before and after, with the transformation and the lattice nodes checked.
  The summary and a progress line go to stderr (--quiet: none). --delimiter sets the CSV separator (default ,).
  ${ENCODING_HELP}.`;

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BukejianError(
      'IO',
      `"${what}" ${JSON.stringify(file.slice(0, 200))} ${code === 'ENOENT' ? 'does not exist (ENOENT)' : `could not be read (${code ?? 'error'})`}`,
    );
  }
}

/** Loads the config and turns `{ type: 'file' }` hierarchies into tables. */
function loadConfig(file: string): AnonymizeConfig {
  let cfg: unknown;
  try {
    cfg = JSON.parse(readText(file, '--config'));
  } catch (e) {
    if (e instanceof BukejianError) throw e;
    throw new BukejianError('INVALID_CONFIG', '"--config" expected a JSON file, got invalid JSON');
  }
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg))
    throw new BukejianError(
      'INVALID_CONFIG',
      '"--config" expected a JSON object, got another type',
    );
  const c = cfg as { quasiIdentifiers?: unknown };
  if (
    c.quasiIdentifiers &&
    typeof c.quasiIdentifiers === 'object' &&
    !Array.isArray(c.quasiIdentifiers)
  ) {
    const qis = c.quasiIdentifiers as Record<string, unknown>;
    for (const [name, spec] of Object.entries(qis)) {
      const s = spec as { type?: unknown; path?: unknown; delimiter?: unknown };
      if (s && typeof s === 'object' && s.type === 'file') {
        if (typeof s.path !== 'string')
          throw new BukejianError(
            'INVALID_CONFIG',
            `"quasiIdentifiers.${name.slice(0, 40)}.path" expected a string, got another type`,
          );
        const delimiter = s.delimiter === undefined ? ';' : String(s.delimiter);
        const text = readText(
          path.resolve(path.dirname(file), s.path),
          `quasiIdentifiers.${name.slice(0, 40)}.path`,
        );
        const p = createCsvParser({ delimiter }, true);
        const rows = [...p.push(text), ...p.end()].filter((r) => !(r.length === 1 && r[0] === ''));
        qis[name] = { type: 'table', rows };
      }
    }
  }
  return cfg as AnonymizeConfig;
}

const fmt = (x: number | null | undefined, d = 4) =>
  x == null || Number.isNaN(x) ? 'n/a' : Number.isInteger(x) ? String(x) : x.toFixed(d);

/** A readable summary of the report. @example console.error(summary(report)) */
export function summary(r: AnonymizeReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  const lines = [
    `bukejian anonymize: ${r.algorithm}${
      r.transformation
        ? ` — transformation ${Object.entries(r.transformation)
            .map(([k, v]) => `${k}:${v}`)
            .join(' ')}`
        : ''
    }`,
    `  records ${r.records}, released ${r.releasedRecords}, suppressed ${r.suppressed} (limit ${pct(r.suppressionLimit)}; ${r.suppressedRows === 'mask' ? 'rows of *' : 'removed'}), classes ${r.classes}`,
    ...r.models.map(
      (m) =>
        `  ${m.model.type}${'attribute' in m.model ? ` on ${m.model.attribute}` : ''}: achieved ${fmt(m.achieved)}`,
    ),
    `  information loss: non-uniform entropy ${fmt(r.utility.nonUniformEntropy, 1)} (${fmt(r.utility.nonUniformEntropyRelative)} of maximum), discernibility ${fmt(r.utility.discernibility)}${r.utility.ncp !== undefined ? `, NCP ${fmt(r.utility.ncp)}` : ''}`,
    `  utility: precision ${fmt(r.utility.precision)}, average class size ${fmt(r.utility.averageClassSize, 2)}`,
    `  risk before: prosecutor avg ${fmt(r.risk.before.prosecutor.average)} max ${fmt(r.risk.before.prosecutor.maximum)}, at risk ${r.risk.before.prosecutor.recordsAtRisk} (${pct(r.risk.before.prosecutor.recordsAtRiskShare)}), uniques ${pct(r.risk.before.sampleUniques)}`,
    `  risk after:  prosecutor avg ${fmt(r.risk.after.prosecutor.average)} max ${fmt(r.risk.after.prosecutor.maximum)}, at risk ${r.risk.after.prosecutor.recordsAtRisk} (${pct(r.risk.after.prosecutor.recordsAtRiskShare)}), uniques ${pct(r.risk.after.sampleUniques)}`,
    r.lattice
      ? `  lattice: ${r.lattice.checked} of ${r.lattice.nodes} transformations checked, ${fmt(r.timeMs, 1)} ms`
      : `  ${fmt(r.timeMs, 1)} ms`,
  ];
  return lines.join('\n');
}

/** Runs the command; returns the exit code. @example await run(['--config', 'cfg.json', 'in.csv', 'out.csv']) */
export async function run(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(
    args,
    ['config', 'report', 'delimiter', 'encoding', 'output-encoding'],
    ['quiet'],
  );
  if (typeof flags.config !== 'string' || positionals.length > 2) {
    console.error(usage);
    return 2;
  }
  const quiet = flags.quiet === true;
  const delimiter = typeof flags.delimiter === 'string' ? flags.delimiter : ',';
  const config = loadConfig(flags.config);
  const [inFile, outFile] = positionals;

  // stream the input through the incremental parser
  const parser = createCsvParser({ delimiter }, true);
  const records: string[][] = [];
  const src = await decodeInput(openInput(inFile) as AsyncIterable<Uint8Array>, {
    encoding: textEncodingOption(flags.encoding, '--encoding'),
    name: !inFile || inFile === '-' ? 'the input (stdin)' : JSON.stringify(inFile.slice(0, 200)),
  });
  const outputEncoding = textEncodingOption(flags['output-encoding'], '--output-encoding');
  for await (const text of src.texts) for (const r of parser.push(text)) records.push(r);
  for (const r of parser.end()) records.push(r);
  const header = records.find((r) => !(r.length === 1 && r[0] === ''));
  const rows = recordsToRows(records);

  // a progress line once a run takes longer than half a second, refreshed four times a second
  let last = Date.now() + 250;
  let shown = false;
  const progress = (checked: number, total: number) => {
    const now = Date.now();
    if (quiet || now - last < 250) return;
    last = now;
    shown = true;
    const line = `  checking transformations: ${checked} checked of ${total}`;
    // on a terminal one line rewritten in place; in a log file or pipe one line each
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  };
  const tty = process.stderr.isTTY === true;
  const { rows: out, report } = anonymize(rows, config, { onProgress: progress });
  if (shown && tty) process.stderr.write('\n');

  // with no output rows (empty input, or every record suppressed with suppressedRows: 'remove')
  // the header still names the released columns, in input order, as anonymize() would
  let columns: string[];
  if (out.length) columns = Object.keys(out[0]!);
  else {
    const c = validateConfig(config);
    const released = new Set([
      ...Object.keys(c.quasiIdentifiers),
      ...c.sensitive,
      ...c.insensitive,
    ]);
    columns = (header ?? []).filter((h) => released.has(h));
  }
  const sink = openOutput(outFile);
  // one drain/error listener pair per wait, removed again (the old `once` pair leaked the error
  // listener of every wait: MaxListenersExceededWarning from about 50k rows on)
  const text = textSink(sink, outputEncoding ?? src.encoding, src.bom && !outputEncoding);
  const write = (s: string) => text.write(s);
  await write(csvRecord(columns, { delimiter }) + '\r\n');
  let buf = '';
  for (const r of out) {
    buf +=
      csvRecord(
        columns.map((c) => r[c]!),
        { delimiter },
      ) + '\r\n';
    if (buf.length > 1 << 16) {
      await write(buf);
      buf = '';
    }
  }
  if (buf) await write(buf);
  if (sink !== process.stdout)
    await new Promise<void>((resolve, reject) => sink.end(() => resolve()).once('error', reject));
  if (typeof flags.report === 'string') writeReport(flags.report, report, config, rows, out);
  if (!quiet) console.error(summary(report));
  return 0;
}
