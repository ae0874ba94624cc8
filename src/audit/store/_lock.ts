/**
 * The file store's write lock: a `LOCK` file naming the process that has the log open for writing
 * (`<pid> <random nonce>`), with an atomic takeover of a lock left by a dead process.
 *
 * - Every lock or claim file is created whole and exclusively: written under a unique temporary
 *   name, then hard-linked to its name (`link` fails if the name exists). A reader never sees an
 *   empty or half-written lock.
 * - Taking over a stale lock is compare-and-swap, not check-then-act: only the one process that
 *   exclusively creates the claim file `LOCK.claim-<digest of the stale content>` may replace
 *   `LOCK`, and it does so (rename of a temporary file over `LOCK`) only after re-reading `LOCK`
 *   and finding the same stale content. Two processes racing for the same stale lock cannot both
 *   win; the loser re-reads, sees a live owner and gets `BAD_STATE`. A claim left by a process
 *   that died while holding it is taken over the same way (a claim on the claim).
 * - A process whose pid is alive (or not ours to signal, EPERM) owns its lock. A dead pid whose
 *   number was reused by another process makes the lock look alive: opening is refused until the
 *   file is removed by hand (the safe direction).
 * @module
 */
import type * as NodeFs from 'node:fs';
import { BukejianError } from '../../errors.js';
import { sm3 } from '../../sm3.js';
import { bytesToHex, randomBytes } from '../../utils.js';

const TRIES = 16;
const MAX_DEPTH = 8;

const nonce = () => bytesToHex(randomBytes(12));

/** The lock content naming this process: `<pid> <nonce>`. */
function lockContent(): string {
  return `${process.pid} ${nonce()}`;
}

/** The file's content (bytes as latin1, so that any two different contents compare different), or `null` when it is gone. */
function readLock(fs: typeof NodeFs, file: string): string | null {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BukejianError('IO', 'cannot read the log lock file', { cause: e });
  }
}

/** The pid a lock content names, when that process is still running (ours included). */
function liveOwner(content: string): number | null {
  const pid = Number(content.split(' ')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return null; // garbage: nobody owns it
  if (pid === process.pid) return pid;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** Writes `content` to a fresh, uniquely named file next to `file` and returns its name. */
function writeTemp(fs: typeof NodeFs, file: string, content: string): string {
  const tmp = `${file}.${process.pid}.${nonce()}.tmp`;
  try {
    fs.writeFileSync(tmp, content, { encoding: 'latin1', flag: 'wx' });
  } catch (e) {
    throw new BukejianError('IO', 'cannot create the log lock file', { cause: e });
  }
  return tmp;
}

/** Creates `file` holding `content`, whole, only if no such file exists. */
function createExclusive(fs: typeof NodeFs, file: string, content: string): boolean {
  const tmp = writeTemp(fs, file, content);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new BukejianError('IO', 'cannot create the log lock file', { cause: e });
  } finally {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Replaces `file` (holding `stale`, whose process is dead) with `mine`, atomically: true when
 * done, false when `file` changed meanwhile (the caller starts over).
 */
function replaceStale(
  fs: typeof NodeFs,
  lockFile: string,
  file: string,
  stale: string,
  mine: string,
  depth: number,
): boolean {
  if (depth > MAX_DEPTH) throw new BukejianError('BAD_STATE', 'cannot take the log lock');
  const claim = `${lockFile}.claim-${bytesToHex(sm3(new TextEncoder().encode(stale))).slice(0, 32)}`;
  if (!createExclusive(fs, claim, mine)) {
    const c = readLock(fs, claim);
    if (c === null) return false; // the claim's winner finished: start over
    const pid = liveOwner(c);
    if (pid !== null)
      throw new BukejianError('BAD_STATE', `the log is being opened for writing by process ${pid}`);
    if (!replaceStale(fs, lockFile, claim, c, mine, depth + 1)) return false;
  }
  // We hold the claim on `stale`: nobody else may replace `file` while it still holds `stale`.
  try {
    if (readLock(fs, file) !== stale) return false;
    const tmp = writeTemp(fs, file, mine);
    try {
      fs.renameSync(tmp, file);
    } catch (e) {
      throw new BukejianError('IO', 'cannot take over the log lock file', { cause: e });
    }
    return true;
  } finally {
    // A late racer that creates this claim again re-reads `file`, finds it changed and backs off.
    try {
      fs.unlinkSync(claim);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Takes the write lock `file`, taking over a lock left by a dead process; returns the lock's
 * content (pass it to {@link releaseLock}). `BAD_STATE` when a live process holds it.
 */
export function takeLock(fs: typeof NodeFs, file: string): string {
  const mine = lockContent();
  for (let attempt = 0; attempt < TRIES; attempt++) {
    if (createExclusive(fs, file, mine)) return mine;
    const cur = readLock(fs, file);
    if (cur === null) continue; // released meanwhile
    const pid = liveOwner(cur);
    if (pid !== null)
      throw new BukejianError('BAD_STATE', `the log is open for writing by process ${pid}`);
    if (replaceStale(fs, file, file, cur, mine, 0)) return mine;
  }
  throw new BukejianError('BAD_STATE', 'cannot take the log lock');
}

/** Removes the lock `file` if it still holds `mine` (never another process's lock). */
export function releaseLock(fs: typeof NodeFs, file: string, mine: string): void {
  try {
    if (readLock(fs, file) === mine) fs.unlinkSync(file);
  } catch {
    /* already gone */
  }
}
