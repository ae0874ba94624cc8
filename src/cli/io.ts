/**
 * Stream helpers for the CLI: open an input (`-` or nothing = stdin) or output (`-` or nothing =
 * stdout) as a Node stream.
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

/** A readable stream for `file` (stdin for `-` or undefined). */
export function openInput(file: string | undefined): Readable {
  return !file || file === '-' ? process.stdin : createReadStream(file);
}

/** A writable stream for `file` (stdout for `-` or undefined). */
export function openOutput(file: string | undefined): Writable {
  return !file || file === '-' ? process.stdout : createWriteStream(file);
}
