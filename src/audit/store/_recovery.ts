/**
 * Recovery of the file store at open: reads the commit records (`index.bkj`), the checkpoints and
 * the tombstones back into memory, discards torn tails (kept beside the log as
 * `<file>.<ms>.tail`) and truncates payload bytes past the last committed batch. Damage anywhere
 * other than a torn tail throws `INTEGRITY`. Completing an interrupted retention deletion needs
 * the write handles and is done by `file.ts` from what this returns (`tombs` not in `done`).
 *
 * File layout (all integers big-endian), every record in a checksummed frame (`frames.ts`):
 * - index frame: u8 version (1) ‖ u64 first index ‖ u64 payload end ‖ u32 count ‖ count × (leaf
 *   hash 32 ‖ u32 payload length ‖ u8 kind ‖ subject tag 8 ‖ u64 retain-until ms);
 * - tombstone frame: u8 1 ‖ u32 n ‖ n × u64 index ‖ note, or the "done" frame u8 2 ‖ u32 ordinal.
 * @module
 */
import type * as NodeFs from 'node:fs';
import { BukejianError } from '../../errors.js';
import { EntryColumns } from './_columns.js';
import { scanFrames } from './frames.js';
import type { RecoveryReport, Tombstone } from './types.js';

export const ENTRY_META = 32 + 4 + 1 + 8 + 8; // leaf hash, payload length, kind, subject tag, retain-until (ms)
export const BATCH_HEADER = 1 + 8 + 8 + 4; // version, first index, payload end, count
export const FILES = {
  payloads: 'payloads.bkj',
  index: 'index.bkj',
  checkpoints: 'checkpoints.bkj',
  tombstones: 'tombstones.bkj',
} as const;

/** The store's state as recovered from disk. */
export interface Recovered {
  recovery: RecoveryReport;
  cols: EntryColumns;
  /** Payload start offsets, `count + 1` of them (more capacity allowed). */
  offsets: Float64Array;
  indexEnd: number;
  payloadEnd: number;
  cps: Uint8Array[];
  cpEnd: number;
  tombs: Tombstone[];
  /** Ordinals of the tombstones whose payloads are known to be zeroed. */
  done: Set<number>;
  tEnd: number;
}

export function u64(v: DataView, p: number): number {
  const hi = v.getUint32(p);
  const lo = v.getUint32(p + 4);
  if (hi >= 1 << 21) throw new BukejianError('INTEGRITY', 'stored offset out of range');
  return hi * 2 ** 32 + lo;
}
export function setU64(v: DataView, p: number, x: number): void {
  v.setUint32(p, Math.floor(x / 2 ** 32));
  v.setUint32(p + 4, x >>> 0);
}

/** Reads the log directory back (see the module comment); `p` maps a file name to its path. */
export function recover(fs: typeof NodeFs, p: (f: string) => string, readOnly: boolean): Recovered {
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
  const cols = new EntryColumns(count + 32);
  const offsets = new Float64Array(count + 33);
  {
    let i = 0;
    const hb = cols.hashes,
      tb = cols.tags,
      kb = cols.kinds,
      until = cols.until;
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
  cols.count = count;
  truncate(FILES.index, scan.end, indexBytes.length);
  const indexEnd = scan.end;

  // ---- payloads: bytes past the last commit were never acknowledged ----
  const payloadSize = fs.statSync(p(FILES.payloads)).size;
  const payloadEnd = offsets[count]!;
  if (payloadSize < payloadEnd)
    throw new BukejianError('INTEGRITY', 'payload file is shorter than its committed index');
  truncate(FILES.payloads, payloadEnd, payloadSize);

  // ---- checkpoints ----
  const cpBytes = new Uint8Array(fs.readFileSync(p(FILES.checkpoints)));
  const cpScan = scanFrames(cpBytes);
  const cps = cpScan.bodies.map(([s, e]) => cpBytes.slice(s, e));
  truncate(FILES.checkpoints, cpScan.end, cpBytes.length);
  const cpEnd = cpScan.end;

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
  const tEnd = tScan.end;
  for (const t of tombs) for (const i of t.indexes) cols.pruned.add(i);
  return { recovery, cols, offsets, indexEnd, payloadEnd, cps, cpEnd, tombs, done, tEnd };
}

export function fsyncDir(fs: typeof NodeFs, dir: string): void {
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
