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
 * `node:fs` is reached through `process.getBuiltinModule`, never a static import, so importing
 * `bukejian/audit` in a browser bundle does not pull in Node built-ins; calling this there throws
 * `UNSUPPORTED`.
 * @module
 */
import type * as NodeFs from 'node:fs';
import type * as NodePath from 'node:path';
import { BukejianError } from '../../errors.js';
import { abytes, anumber, aoptions, astring } from '../../_assert.js';
import { encodeFrame, scanFrames } from './frames.js';
import { releaseLock, takeLock } from './_lock.js';
import type { AuditStore, RecoveryReport, StoredEntry, Tombstone } from './types.js';

const ENTRY_META = 32 + 4 + 1 + 8 + 8; // leaf hash, payload length, kind, subject tag, retain-until (ms)
const BATCH_HEADER = 1 + 8 + 8 + 4; // version, first index, payload end, count
const FILES = {
  payloads: 'payloads.bkj',
  index: 'index.bkj',
  checkpoints: 'checkpoints.bkj',
  tombstones: 'tombstones.bkj',
} as const;

function builtin<T>(id: string): T {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  const m = typeof get === 'function' ? (get(id) as T | undefined) : undefined;
  if (!m)
    throw new BukejianError(
      'UNSUPPORTED',
      `"${id}" expected in this environment (the file store is Node only), got none`,
    );
  return m;
}

/** Options of {@link openFileStore}. */
export interface FileStoreOptions {
  /** Create the directory and empty files when missing (default false). */
  create?: boolean;
  /** Open without taking the write lock and refuse writes (default false). */
  readOnly?: boolean;
}

class Growable {
  buf: Uint8Array;
  constructor(cap: number) {
    this.buf = new Uint8Array(Math.max(cap, 64));
  }
  ensure(n: number): void {
    if (n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(n, this.buf.length * 2));
    b.set(this.buf);
    this.buf = b;
  }
}

function u64(v: DataView, p: number): number {
  const hi = v.getUint32(p);
  const lo = v.getUint32(p + 4);
  if (hi >= 1 << 21) throw new BukejianError('INTEGRITY', 'stored offset out of range');
  return hi * 2 ** 32 + lo;
}
function setU64(v: DataView, p: number, x: number): void {
  v.setUint32(p, Math.floor(x / 2 ** 32));
  v.setUint32(p + 4, x >>> 0);
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
  const fs = builtin<typeof NodeFs>('node:fs');
  const path = builtin<typeof NodePath>('node:path');
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
  const recovery: RecoveryReport = { truncated: {}, resumedPrunes: 0 };
  const truncate = (f: string, end: number, size: number) => {
    if (end >= size) return;
    if (readOnly)
      throw new BukejianError(
        'BAD_STATE',
        `"${f}" has an unrecovered torn tail; open it for writing once first`,
      );
    const fd = fs.openSync(p(f), 'r+');
    try {
      // Keep the discarded bytes beside the log (a torn write is junk, but damage that only looks
      // like one is evidence): `<file>.<ms>.tail`, then truncate.
      const tail = new Uint8Array(size - end);
      fs.readSync(fd, tail, 0, tail.length, end);
      const keep = p(`${f}.${Date.now()}.tail`);
      fs.writeFileSync(keep, tail);
      const kfd = fs.openSync(keep, 'r');
      fs.fsyncSync(kfd);
      fs.closeSync(kfd);
      fs.ftruncateSync(fd, end);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    recovery.truncated[f] = size - end;
  };

  // ---- index: the commit records ----
  const indexBytes = new Uint8Array(fs.readFileSync(p(FILES.index)));
  const scan = scanFrames(indexBytes);
  let count = 0;
  for (const [s, e] of scan.bodies) {
    const v = new DataView(indexBytes.buffer, indexBytes.byteOffset + s, e - s);
    if (e - s < BATCH_HEADER || v.getUint8(0) !== 1)
      throw new BukejianError('INTEGRITY', 'index frame of unknown version');
    const n = v.getUint32(17);
    if (u64(v, 1) !== count || e - s !== BATCH_HEADER + n * ENTRY_META) {
      throw new BukejianError('INTEGRITY', `index frame at entry ${count} is out of sequence`);
    }
    count += n;
  }
  const hashes = new Growable(count * 32 + 1024);
  const tags = new Growable(count * 8 + 256);
  const kinds = new Growable(count + 32);
  let until = new Float64Array(count + 32);
  let offsets = new Float64Array(count + 33);
  {
    let i = 0;
    const hb = hashes.buf,
      tb = tags.buf,
      kb = kinds.buf;
    for (const [s, e] of scan.bodies) {
      const v = new DataView(indexBytes.buffer, indexBytes.byteOffset + s, e - s);
      const n = v.getUint32(17);
      let q = s + BATCH_HEADER;
      for (let j = 0; j < n; j++, i++, q += ENTRY_META) {
        for (let b = 0; b < 32; b++) hb[i * 32 + b] = indexBytes[q + b]!;
        offsets[i + 1] =
          offsets[i]! +
          (((indexBytes[q + 32]! << 24) |
            (indexBytes[q + 33]! << 16) |
            (indexBytes[q + 34]! << 8) |
            indexBytes[q + 35]!) >>>
            0);
        kb[i] = indexBytes[q + 36]!;
        for (let b = 0; b < 8; b++) tb[i * 8 + b] = indexBytes[q + 37 + b]!;
        const hi =
          ((indexBytes[q + 45]! << 24) |
            (indexBytes[q + 46]! << 16) |
            (indexBytes[q + 47]! << 8) |
            indexBytes[q + 48]!) >>>
          0;
        const lo =
          ((indexBytes[q + 49]! << 24) |
            (indexBytes[q + 50]! << 16) |
            (indexBytes[q + 51]! << 8) |
            indexBytes[q + 52]!) >>>
          0;
        if (hi >= 1 << 21)
          throw new BukejianError('INTEGRITY', 'stored retention time out of range');
        until[i] = hi * 2 ** 32 + lo;
      }
      if (u64(v, 9) !== offsets[i])
        throw new BukejianError(
          'INTEGRITY',
          `index frame ending at entry ${i} has inconsistent offsets`,
        );
    }
  }
  truncate(FILES.index, scan.end, indexBytes.length);
  let indexEnd = scan.end;

  // ---- payloads: bytes past the last commit were never acknowledged ----
  const payloadSize = fs.statSync(p(FILES.payloads)).size;
  let payloadEnd = offsets[count]!;
  if (payloadSize < payloadEnd)
    throw new BukejianError('INTEGRITY', 'payload file is shorter than its committed index');
  truncate(FILES.payloads, payloadEnd, payloadSize);

  // ---- checkpoints ----
  const cpBytes = new Uint8Array(fs.readFileSync(p(FILES.checkpoints)));
  const cpScan = scanFrames(cpBytes);
  const cps = cpScan.bodies.map(([s, e]) => cpBytes.slice(s, e));
  truncate(FILES.checkpoints, cpScan.end, cpBytes.length);
  let cpEnd = cpScan.end;

  // ---- tombstones ----
  const tBytes = new Uint8Array(fs.readFileSync(p(FILES.tombstones)));
  const tScan = scanFrames(tBytes);
  const tombs: Tombstone[] = [];
  const done = new Set<number>();
  for (const [s, e] of tScan.bodies) {
    const v = new DataView(tBytes.buffer, tBytes.byteOffset + s, e - s);
    // lengths are checked before any read: a malformed frame is INTEGRITY, never a RangeError
    if (e - s < 5) throw new BukejianError('INTEGRITY', 'tombstone frame is too short');
    const type = v.getUint8(0);
    if (type === 1) {
      const n = v.getUint32(1);
      if (e - s < 5 + 8 * n)
        throw new BukejianError('INTEGRITY', 'tombstone frame is shorter than its entry list');
      const indexes: number[] = [];
      for (let j = 0; j < n; j++) {
        const x = u64(v, 5 + 8 * j);
        if (x >= count)
          throw new BukejianError('INTEGRITY', 'tombstone names an entry that does not exist');
        indexes.push(x);
      }
      tombs.push({ indexes, note: tBytes.slice(s + 5 + 8 * n, e) });
    } else if (type === 2) {
      if (e - s !== 5)
        throw new BukejianError('INTEGRITY', 'tombstone "done" frame has the wrong length');
      done.add(v.getUint32(1));
    } else throw new BukejianError('INTEGRITY', 'tombstone frame of unknown type');
  }
  truncate(FILES.tombstones, tScan.end, tBytes.length);
  let tEnd = tScan.end;
  const pruned = new Set<number>();
  for (const t of tombs) for (const i of t.indexes) pruned.add(i);

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
      return count;
    },
    leafHashes: () => hashes.buf.subarray(0, count * 32),
    kind: (i) => kinds.buf[anumber(i, 'index', 0, count - 1)]!,
    subjectTag: (i) => tags.buf.subarray(anumber(i, 'index', 0, count - 1) * 8, i * 8 + 8),
    retainUntil: (i) => until[anumber(i, 'index', 0, count - 1)]!,
    isPruned: (i) => pruned.has(anumber(i, 'index', 0, count - 1)),
    append: (entries: StoredEntry[]) =>
      guarded(async () => {
        if (!Array.isArray(entries))
          throw new BukejianError('INVALID_TYPE', '"entries" expected Array, got other');
        if (entries.length === 0) return;
        const n = entries.length;
        let total = 0;
        for (let j = 0; j < n; j++) {
          const e = entries[j]!;
          abytes(e.payload, `entries[${j}].payload`);
          abytes(e.leafHash, `entries[${j}].leafHash`, 32);
          abytes(e.subjectTag, `entries[${j}].subjectTag`, 8);
          anumber(e.kind, `entries[${j}].kind`, 0, 255);
          anumber(e.retainUntil, `entries[${j}].retainUntil`, 0, 2 ** 53 - 1);
          total += e.payload.length;
        }
        const data = new Uint8Array(total);
        const body = new Uint8Array(BATCH_HEADER + n * ENTRY_META);
        const bv = new DataView(body.buffer);
        body[0] = 1;
        setU64(bv, 1, count);
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
        hashes.ensure((count + n) * 32);
        tags.ensure((count + n) * 8);
        kinds.ensure(count + n);
        if (offsets.length < count + n + 1) {
          const o2 = new Float64Array(Math.max(count + n + 1, offsets.length * 2));
          o2.set(offsets);
          offsets = o2;
          const u2 = new Float64Array(o2.length);
          u2.set(until);
          until = u2;
        }
        for (let j = 0; j < n; j++) {
          const e = entries[j]!;
          hashes.buf.set(e.leafHash, (count + j) * 32);
          tags.buf.set(e.subjectTag, (count + j) * 8);
          kinds.buf[count + j] = e.kind;
          until[count + j] = e.retainUntil;
          offsets[count + j + 1] = offsets[count + j]! + e.payload.length;
        }
        count += n;
        payloadEnd += total;
      }),
    async read(i) {
      if (closed) throw new BukejianError('BAD_STATE', '"store" expected open, got closed');
      anumber(i, 'index', 0, count - 1);
      const len = offsets[i + 1]! - offsets[i]!;
      const out = new Uint8Array(len);
      if (len) {
        const { bytesRead } = await reader.read(out, 0, len, offsets[i]!);
        if (bytesRead !== len)
          throw new BukejianError('INTEGRITY', `payload of entry ${i} is truncated`);
      }
      if (pruned.has(i)) {
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
        for (const i of idx) anumber(i, 'index', 0, count - 1);
        abytes(t.note, 'note');
        const body = new Uint8Array(5 + 8 * idx.length + t.note.length);
        const v = new DataView(body.buffer);
        body[0] = 1;
        v.setUint32(1, idx.length);
        idx.forEach((x, j) => setU64(v, 5 + 8 * j, x));
        body.set(t.note, 5 + 8 * idx.length);
        await appendTombFrame(body); // the tombstone is durable before any byte is deleted
        tombs.push({ indexes: idx, note: t.note.slice() });
        for (const i of idx) pruned.add(i);
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

function fsyncDir(fs: typeof NodeFs, dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}
