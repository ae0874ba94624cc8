/**
 * Stream helpers for the CLI: open an input (`-` or nothing = stdin) or output (`-` or nothing =
 * stdout) as a Node stream, and write secret material (private keys, decrypted plaintext) to a
 * file only its owner can read.
 * @module
 */
import {
  accessSync,
  constants as fsConstants,
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { BukejianError } from '../errors.js';
import { bytesToHex, randomBytes } from '../utils.js';

/**
 * A readable stream for `file` (stdin for `-` or undefined). A file that does not exist or cannot
 * be read is an IO error naming it, before anything is read.
 */
export function openInput(file: string | undefined): Readable {
  if (!file || file === '-') return process.stdin;
  try {
    accessSync(file, fsConstants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BukejianError(
      'IO',
      `${JSON.stringify(file.slice(0, 200))} ${code === 'ENOENT' ? 'does not exist (ENOENT)' : code === 'EACCES' ? 'may not be read by this user (EACCES)' : `could not be read (${code ?? 'error'})`}`,
    );
  }
  return createReadStream(file);
}

/** A writable stream for `file` (stdout for `-` or undefined). */
export function openOutput(file: string | undefined): Writable {
  return !file || file === '-' ? process.stdout : createWriteStream(file);
}

function createExclusive(file: string, bytes: Uint8Array): void {
  // 'wx' = O_CREAT | O_EXCL: fails on any existing entry, a symlink included (never followed);
  // the mode applies at creation, so the bytes never sit in a file others can read.
  const fd = openSync(file, 'wx', 0o600);
  try {
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(file);
    throw e;
  }
  closeSync(fd);
}

/**
 * Writes secret material to `file`, readable by its owner only (mode 0600 from creation on, never
 * chmod after the write). Without `force` the file must not exist: an existing file or symlink is
 * refused with BAD_STATE and left untouched. With `force` a new 0600 file is written next to it
 * and renamed over it (atomic; a symlink is replaced, not followed; the old file's mode and
 * owner do not carry over). Other failures throw IO. `name` is what error messages call the file.
 * @example writeSecretFile('k.hex', bytesToHex(secretKey) + '\n', flags.force === true)
 */
export function writeSecretFile(
  file: string,
  data: string | Uint8Array,
  force = false,
  name = '--out',
): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (!force) {
    try {
      createExclusive(file, bytes);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new BukejianError(
          'BAD_STATE',
          `"${name}" expected a new file, got an existing one${name === '--out' ? ' (pass --force to replace it with a new mode-600 file)' : ''}`,
        );
      }
      throw new BukejianError(
        'IO',
        `"${name}" could not be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: e },
      );
    }
    return;
  }
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${bytesToHex(randomBytes(6))}.tmp`,
  );
  try {
    createExclusive(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already renamed
    }
    throw new BukejianError(
      'IO',
      `"${name}" could not be replaced (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: e },
    );
  }
}
