/**
 * The embedded, file-backed {@link AuditStore} (Node only). A log directory holds:
 *
 * - `payloads.bkj`: the canonical entry bytes, back to back (deleted payloads are zeroed in place);
 * - `index.bkj`: one checksummed frame per appended batch: first index, end offset in
 *   `payloads.bkj`, and per entry its leaf hash, payload length, kind, subject tag and end of
 *   retention;
 * - `checkpoints.bkj`: one frame per signed checkpoint note;
 * - `tombstones.bkj`: retention deletions (a tombstone frame, then a "done" frame once zeroed);
 * - `tree.bkj` (optional): a cache of the Merkle tree's interior nodes, one checksummed frame,
 *   replaced atomically (write, fsync, rename); it only speeds up opening;
 * - `LOCK`: the pid of the process that has the log open for writing (see `_lock.ts`: created
 *   exclusively, and a dead process's lock is taken over atomically).
 *
 * Durability: a batch's payloads are written and fsynced, then its index frame is written and
 * fsynced, and only then is the append acknowledged. The index frame is the commit record, so a
 * batch is atomic. At open, a torn index frame is discarded, payload bytes past the last committed
 * batch are truncated (the discarded bytes are kept as `<file>.<ms>.tail` beside the log), and an
 * interrupted retention deletion is completed. Damage anywhere other
 * than the torn tail throws `INTEGRITY`.
 *
 * `node:fs` is reached through src/_node.ts (`process.getBuiltinModule`), never a static import,
 * so importing `bukejian/audit` in a browser bundle does not pull in Node built-ins; calling this
 * there throws `UNSUPPORTED`.
 * @module
 */
import type * as NodeFs from 'node:fs';
import { needNodeModule } from '../../_node.js';
import { BukejianError } from '../../errors.js';
import { abytes, anumber, aoptions, astring } from '../../_assert.js';
import { encodeFrame, scanFrames } from './frames.js';
import { BATCH_HEADER, ENTRY_META, FILES, fsyncDir, recover, setU64 } from './_recovery.js';
import { releaseLock, takeLock } from './_lock.js';
import type { AuditStore, StoredEntry, Tombstone } from './types.js';
import { checkEntries } from './_check-entries.js';

/** Options of {@link openFileStore}. */
export interface FileStoreOptions {
  /** Create the directory and empty files when missing (default false). */
  create?: boolean;
  /** Open without taking the write lock and refuse writes (default false). */
  readOnly?: boolean;
}

/**
 * Opens (or with `create: true` creates) the log directory `dir`, recovering from any crash.
 * @example
 * const store = await openFileStore('/var/lib/agency-audit', { create: true });
 * const log = await openAuditLog({ store, origin: 'agency.example/audit', signer });
 */
export async function openFileStore(dir: string, opts?: FileStoreOptions): Promise<AuditStore> {
  astring(dir, 'dir');
  const o = aoptions(opts, 'opts', ['create', 'readOnly']);
  const fs = needNodeModule('node:fs', 'the file store is Node only');
  const path = needNodeModule('node:path', 'the file store is Node only');
  const p = (f: string) => path.join(dir, f);
  const readOnly = o.readOnly === true;

  if (!fs.existsSync(p(FILES.index))) {
    if (!o.create || readOnly)
      throw new BukejianError(
        'NOT_FOUND',
        `"dir" expected an audit log directory, got none at ${dir}`,
      );
    fs.mkdirSync(dir, { recursive: true });
    for (const f of Object.values(FILES)) fs.closeSync(fs.openSync(p(f), 'a'));
    fsyncDir(fs, dir);
  }
  const lockToken = readOnly ? null : takeLock(fs, p('LOCK'));
  // A failed open (INTEGRITY, I/O) must not leave our lock and file handles behind: the lock
  // names this live process, so every later open in it would be refused as "open for writing".
  const opened: NodeFs.promises.FileHandle[] = [];
  try {
    return await openLocked(fs, dir, p, readOnly, opened, lockToken);
  } catch (e) {
    for (const h of opened) await h.close().catch(() => undefined);
    if (lockToken !== null) releaseLock(fs, p('LOCK'), lockToken);
    throw e;
  }
}

async function openLocked(
  fs: typeof NodeFs,
  dir: string,
  p: (f: string) => string,
  readOnly: boolean,
  opened: NodeFs.promises.FileHandle[],
  lockToken: string | null,
): Promise<AuditStore> {
  const r = recover(fs, p, readOnly);
  const { recovery, cols, tombs, cps, done } = r;
  let { offsets, indexEnd, payloadEnd, cpEnd, tEnd } = r;

  // Long-lived handles for writing.
  const fsp = fs.promises;
  const openFile = async (f: string, flags: string) => {
    const h = await fsp.open(p(f), flags);
    opened.push(h);
    return h;
  };
  const handles = readOnly
    ? null
    : {
        payloads: await openFile(FILES.payloads, 'r+'),
        index: await openFile(FILES.index, 'r+'),
        checkpoints: await openFile(FILES.checkpoints, 'r+'),
        tombstones: await openFile(FILES.tombstones, 'r+'),
      };
  const reader = await openFile(FILES.payloads, 'r');
  let closed = false;
  let failed: unknown = null;
  let busy = false;

  const writable = () => {
    if (closed) throw new BukejianError('BAD_STATE', '"store" expected open, got closed');
    if (!handles) throw new BukejianError('BAD_STATE', '"store" expected writable, got read-only');
    if (failed)
      throw new BukejianError('IO', 'a previous write failed; reopen the store to recover', {
        cause: failed,
      });
    if (busy)
      throw new BukejianError(
        'BAD_STATE',
        'one write at a time: await the previous append/prune/checkpoint',
      );
  };
  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    writable();
    busy = true;
    try {
      return await fn();
    } catch (e) {
      failed = e;
      throw e instanceof BukejianError
        ? e
        : new BukejianError('IO', 'audit store write failed', { cause: e });
    } finally {
      busy = false;
    }
  }

  async function zeroPayloads(indexes: number[]): Promise<void> {
    for (const i of indexes) {
      const len = offsets[i + 1]! - offsets[i]!;
      if (len > 0) await handles!.payloads.write(new Uint8Array(len), 0, len, offsets[i]!);
    }
    await handles!.payloads.datasync();
  }
  async function appendTombFrame(body: Uint8Array): Promise<void> {
    const f = encodeFrame(body);
    await handles!.tombstones.write(f, 0, f.length, tEnd);
    await handles!.tombstones.datasync();
    tEnd += f.length;
  }
  const doneFrame = (ordinal: number) => {
    const b = new Uint8Array(5);
    b[0] = 2;
    new DataView(b.buffer).setUint32(1, ordinal);
    return b;
  };

  // Finish retention deletions interrupted by a crash (tombstone durable, zeroing maybe not).
  if (handles) {
    for (let k = 0; k < tombs.length; k++) {
      if (done.has(k)) continue;
      await zeroPayloads(tombs[k]!.indexes);
      await appendTombFrame(doneFrame(k));
      recovery.resumedPrunes++;
    }
  }

  const store: AuditStore = {
    get size() {
      return cols.count;
    },
    leafHashes: () => cols.leafHashes(),
    kind: (i) => cols.kind(i),
    subjectTag: (i) => cols.subjectTag(i),
    retainUntil: (i) => cols.retainUntil(i),
    isPruned: (i) => cols.isPruned(i),
    append: (entries: StoredEntry[]) =>
      guarded(async () => {
        const total = checkEntries(entries);
        if (entries.length === 0) return;
        const n = entries.length;
        const data = new Uint8Array(total);
        const body = new Uint8Array(BATCH_HEADER + n * ENTRY_META);
        const bv = new DataView(body.buffer);
        body[0] = 1;
        setU64(bv, 1, cols.count);
        setU64(bv, 9, payloadEnd + total);
        bv.setUint32(17, n);
        let q = 0;
        for (let j = 0; j < n; j++) {
          const e = entries[j]!;
          data.set(e.payload, q);
          q += e.payload.length;
          const m = BATCH_HEADER + j * ENTRY_META;
          body.set(e.leafHash, m);
          bv.setUint32(m + 32, e.payload.length);
          body[m + 36] = e.kind;
          body.set(e.subjectTag, m + 37);
          setU64(bv, m + 45, e.retainUntil);
        }
        const frame = encodeFrame(body);
        // 1. payloads, durable; 2. the commit record, durable; 3. acknowledge.
        if (total) await handles!.payloads.write(data, 0, total, payloadEnd);
        await handles!.payloads.datasync();
        await handles!.index.write(frame, 0, frame.length, indexEnd);
        await handles!.index.datasync();
        indexEnd += frame.length;
        const count = cols.count;
        if (offsets.length < count + n + 1) {
          const o2 = new Float64Array(Math.max(count + n + 1, offsets.length * 2));
          o2.set(offsets);
          offsets = o2;
        }
        for (let j = 0; j < n; j++)
          offsets[count + j + 1] = offsets[count + j]! + entries[j]!.payload.length;
        cols.push(entries);
        payloadEnd += total;
      }),
    async read(i) {
      if (closed) throw new BukejianError('BAD_STATE', '"store" expected open, got closed');
      anumber(i, 'index', 0, cols.count - 1);
      const len = offsets[i + 1]! - offsets[i]!;
      const out = new Uint8Array(len);
      if (len) {
        const { bytesRead } = await reader.read(out, 0, len, offsets[i]!);
        if (bytesRead !== len)
          throw new BukejianError('INTEGRITY', `payload of entry ${i} is truncated`);
      }
      if (cols.pruned.has(i)) {
        // A deleted payload must read back as zeros: anything else was written after deletion.
        for (let b = 0; b < len; b++)
          if (out[b] !== 0)
            throw new BukejianError('INTEGRITY', `deleted payload of entry ${i} is not erased`);
        return null;
      }
      return out;
    },
    prune: (t: Tombstone) =>
      guarded(async () => {
        const idx = [...new Set(t.indexes)].sort((a, b) => a - b);
        for (const i of idx) anumber(i, 'index', 0, cols.count - 1);
        abytes(t.note, 'note');
        const body = new Uint8Array(5 + 8 * idx.length + t.note.length);
        const v = new DataView(body.buffer);
        body[0] = 1;
        v.setUint32(1, idx.length);
        idx.forEach((x, j) => setU64(v, 5 + 8 * j, x));
        body.set(t.note, 5 + 8 * idx.length);
        await appendTombFrame(body); // the tombstone is durable before any byte is deleted
        tombs.push({ indexes: idx, note: t.note.slice() });
        for (const i of idx) cols.pruned.add(i);
        await zeroPayloads(idx);
        await appendTombFrame(doneFrame(tombs.length - 1));
      }),
    tombstones: () => tombs.map((t) => ({ indexes: [...t.indexes], note: t.note.slice() })),
    appendCheckpoint: (note: Uint8Array) =>
      guarded(async () => {
        const f = encodeFrame(abytes(note, 'note'));
        await handles!.checkpoints.write(f, 0, f.length, cpEnd);
        await handles!.checkpoints.datasync();
        cpEnd += f.length;
        cps.push(note.slice());
      }),
    checkpoints: () => cps.map((c) => c.slice()),
    loadTreeCache() {
      if (closed) throw new BukejianError('BAD_STATE', '"store" expected open, got closed');
      if (!fs.existsSync(p('tree.bkj'))) return null;
      const b = new Uint8Array(fs.readFileSync(p('tree.bkj')));
      let scan;
      try {
        scan = scanFrames(b);
      } catch {
        scan = null;
      }
      if (!scan || scan.bodies.length !== 1 || scan.end !== b.length)
        throw new BukejianError('INTEGRITY', 'the tree cache is damaged');
      return b.subarray(scan.bodies[0]![0], scan.bodies[0]![1]);
    },
    saveTreeCache: readOnly
      ? undefined
      : (body: Uint8Array) =>
          guarded(async () => {
            const f = encodeFrame(abytes(body, 'body'));
            const tmp = p('tree.bkj.tmp');
            const h = await fsp.open(tmp, 'w');
            try {
              await h.write(f, 0, f.length, 0);
              await h.sync();
            } finally {
              await h.close();
            }
            fs.renameSync(tmp, p('tree.bkj'));
            fsyncDir(fs, dir);
          }),
    recovery: Object.freeze(recovery),
    async close() {
      if (closed) return;
      closed = true;
      await reader.close();
      if (handles) {
        for (const h of Object.values(handles)) await h.close();
        if (lockToken !== null) releaseLock(fs, p('LOCK'), lockToken);
      }
    },
  };
  return Object.freeze(store);
}
