/**
 * Files of `bukejian/jobs`: input files cut into line-aligned byte ranges (a part's job data is a
 * path and a range, never the records), lines of one range read as a stream, and results written
 * atomically (temporary file in the same directory, fsync, rename), so a part that is run twice
 * leaves one complete file and a reader never sees half of one. Node only.
 * @module
 */
import { BukejianError } from '../errors.js';
import { needNodeModule } from '../_node.js';
import { randomBytes, bytesToHex } from '../utils.js';

const WHY = 'bukejian/jobs reads and writes files';
const fs = () => needNodeModule('node:fs', WHY);
const path = () => needNodeModule('node:path', WHY);

/** A line-aligned byte range of a file and the index of its first line. */
export interface LineRange {
  start: number;
  end: number;
  first: number;
  lines: number;
}

/** An IO error with the file's base name only (paths may name people or agencies' layouts). */
export function ioError(what: string, file: string, e: unknown): BukejianError {
  const code = (e as { code?: string })?.code;
  return new BukejianError(
    'IO',
    `${what} ${path().basename(file)} failed${code ? ` (${code})` : ''}`,
    { cause: e },
  );
}

/**
 * Cuts `file` into ranges of `perPart` non-empty lines (the last may be shorter), skipping the
 * first `skip` lines (a CSV header); one sequential read of the file.
 */
export async function planRanges(file: string, perPart: number, skip = 0): Promise<LineRange[]> {
  const ranges: LineRange[] = [];
  let offset = 0;
  let lineStart = 0;
  let lineHasText = false;
  let skipped = 0;
  let start = -1;
  let count = 0;
  let index = 0;
  const endLine = (at: number) => {
    // the line [lineStart, at) ended (at = offset after its '\n')
    if (skipped < skip) {
      skipped++;
    } else if (lineHasText) {
      if (start < 0) start = lineStart;
      count++;
      if (count === perPart) {
        ranges.push({ start, end: at, first: index, lines: count });
        index += count;
        start = -1;
        count = 0;
      }
    }
    lineStart = at;
    lineHasText = false;
  };
  try {
    for await (const chunk of fs().createReadStream(file) as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b === 10) endLine(offset + i + 1);
        else if (b !== 13 && b !== 32 && b !== 9) lineHasText = true;
      }
      offset += chunk.length;
    }
  } catch (e) {
    throw ioError('reading', file, e);
  }
  if (lineStart < offset) endLine(offset);
  if (count > 0) ranges.push({ start, end: offset, first: index, lines: count });
  return ranges;
}

/** The non-empty lines of `[start, end)` of `file` (line ends and a trailing CR removed). */
export async function* readLines(file: string, start = 0, end = Infinity): AsyncGenerator<string> {
  const opts: { encoding: 'utf8'; start: number; end?: number } = { encoding: 'utf8', start };
  if (Number.isFinite(end)) {
    if (end <= start) return;
    opts.end = end - 1; // inclusive
  }
  let rest = '';
  try {
    for await (const chunk of fs().createReadStream(file, opts) as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        const t = l.endsWith('\r') ? l.slice(0, -1) : l;
        if (t.trim() !== '') yield t;
      }
    }
  } catch (e) {
    throw ioError('reading', file, e);
  }
  const t = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  if (t.trim() !== '') yield t;
}

/** Writes `data` to `file` atomically (temporary file, fsync, rename); creates the directory. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const f = fs();
  const dir = path().dirname(file);
  const tmp = path().join(dir, `.${path().basename(file)}.${bytesToHex(randomBytes(6))}.tmp`);
  let renaming = false;
  try {
    f.mkdirSync(dir, { recursive: true });
    const fd = f.openSync(tmp, 'w');
    try {
      f.writeFileSync(fd, data);
      f.fsyncSync(fd);
    } finally {
      f.closeSync(fd);
    }
    renaming = true;
    f.renameSync(tmp, file);
  } catch (e) {
    try {
      f.rmSync(tmp, { force: true });
    } catch {
      /* nothing left to clean */
    }
    // another writer of the same (idempotent) file committed it and swept our temporary
    if (renaming && (e as { code?: string }).code === 'ENOENT' && f.existsSync(file)) return;
    throw ioError('writing', file, e);
  }
  sweepTemporaries(dir, path().basename(file));
}

/**
 * Removes the temporaries of `name` left in `dir` by writers killed before their rename (a
 * SIGKILLed worker mid-bucket): once `name` is committed they can only be stale copies of it.
 */
function sweepTemporaries(dir: string, name: string): void {
  const prefix = `.${name}.`;
  try {
    for (const n of fs().readdirSync(dir))
      if (n.startsWith(prefix) && n.endsWith('.tmp'))
        fs().rmSync(path().join(dir, n), { force: true });
  } catch {
    /* best effort: the file is committed, and a leftover temporary is harmless */
  }
}

/** The text of `file`, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs().readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw ioError('reading', file, e);
  }
}

/** `path.join`, for the modules that must not import node:path statically. */
export function join(...parts: string[]): string {
  return path().join(...parts);
}

/** The names in `dir` (empty when it does not exist). */
export function list(dir: string): string[] {
  try {
    return fs().readdirSync(dir);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw ioError('listing', dir, e);
  }
}
