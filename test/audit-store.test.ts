// The file store: persistence across reopen, the frame format (CRC-32 check value), the write
// lock, and tamper detection: changing any stored byte is caught by opening (checksums, the
// latest signed checkpoint) or by the full verification, or at the very least reported by
// recovery (a damaged final frame is indistinguishable from a torn write and is reported).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sm2 } from '../src/sm2/index.js';
import { utf8ToBytes } from '../src/utils.js';
import { crc32, encodeFrame, scanFrames } from '../src/audit/store/frames.js';
import { buildLog, ev, ORIGIN, tamperSweep } from './fixtures/audit-tamper.js';
import {
  createMemoryStore,
  encodeEntry,
  entryLeafHash,
  openAuditLog,
  openFileStore,
  sm2CheckpointSigner,
} from '../src/audit/index.js';

const signer = sm2CheckpointSigner(sm2.keygen().secretKey, { name: 'store-test-key' });
const T0 = Date.UTC(2026, 2, 1);

describe('frames', () => {
  it('CRC-32 check value and agreement with zlib', () => {
    expect(crc32(utf8ToBytes('123456789'))).toBe(0xcbf43926);
    // node:zlib's crc32 when this Node has it (20.15+)
    const z = (
      globalThis as {
        process?: { getBuiltinModule?: (id: string) => { crc32?: (b: Uint8Array) => number } };
      }
    ).process?.getBuiltinModule?.('node:zlib');
    // and always against a bitwise (table-free) CRC-32 written here, so the check never silently
    // disappears on a Node without zlib.crc32
    const bitwise = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(crc32(b)).toBe(bitwise(b));
        if (z?.crc32) expect(crc32(b)).toBe(z.crc32(b));
      }),
      { numRuns: 100 },
    );
  });
  it('scan finds all frames and the torn tail; mid-file damage throws INTEGRITY', () => {
    const f = [
      encodeFrame(utf8ToBytes('a')),
      encodeFrame(utf8ToBytes('bb')),
      encodeFrame(utf8ToBytes('ccc')),
    ];
    const all = new Uint8Array(Buffer.concat(f));
    expect(scanFrames(all)).toEqual({
      bodies: [
        [12, 13],
        [25, 27],
        [39, 42],
      ],
      end: 42,
    });
    expect(scanFrames(all.subarray(0, 40)).end).toBe(27);
    const mid = all.slice();
    mid[26] ^= 1;
    expect(() => scanFrames(mid)).toThrow(expect.objectContaining({ code: 'INTEGRITY' }));
    const len = all.slice();
    len[20] ^= 0x40; // the middle frame's length field: its declared end no longer meets the next frame
    expect(() => scanFrames(len)).toThrow(expect.objectContaining({ code: 'INTEGRITY' }));
    const last = all.slice();
    last[41] ^= 1;
    expect(scanFrames(last).end).toBe(27);
  });
});

describe('file store', () => {
  it('a malformed tombstone frame with a valid checksum is INTEGRITY, not a RangeError, and the failed open leaves no lock', async () => {
    for (const body of [
      new Uint8Array(0),
      Uint8Array.of(2, 0, 0),
      Uint8Array.of(2, 0, 0, 0, 0, 0),
      Uint8Array.of(1, 0, 0, 0, 1, 0, 0),
    ]) {
      const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-tomb-'));
      try {
        const log = await openAuditLog({
          store: await openFileStore(dir, { create: true }),
          origin: ORIGIN,
        });
        await log.append(ev(0));
        await log.close();
        writeFileSync(path.join(dir, 'tombstones.bkj'), encodeFrame(body));
        await expect(openFileStore(dir)).rejects.toMatchObject({ code: 'INTEGRITY' });
        // the failed open released its lock: once repaired, this same process can open the log
        writeFileSync(path.join(dir, 'tombstones.bkj'), new Uint8Array(0));
        const s = await openFileStore(dir);
        expect(s.size).toBe(1);
        await s.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
  it('persists entries, checkpoints and deletions across reopen; memory and file stores agree', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-store-'));
    try {
      await buildLog(dir, signer);
      const s = await openFileStore(dir);
      const log = await openAuditLog({ store: s, origin: ORIGIN });
      expect(log.size).toBe(38);
      expect(s.recovery).toEqual({ truncated: {}, resumedPrunes: 0 });
      expect(await log.read(2)).toMatchObject({ deleted: { rule: 'r-30d' } });
      expect(await log.read(7)).toMatchObject({ entry: { time: new Date(T0 + 7).toISOString() } });
      expect(await log.verify()).toMatchObject({ ok: true, checked: 32 });
      expect(s.checkpoints().length).toBe(2);
      // the same operations on a memory store give the same tree
      const m = await openAuditLog({
        store: createMemoryStore(),
        origin: ORIGIN,
        signer,
        maxBatch: 3,
      });
      for (let i = 0; i < 30; i++)
        await m.append(ev(i, i < 6 ? { rule: 'r-30d', until: T0 + 100 } : undefined));
      await m.prune(T0 + 1000);
      for (let i = 30; i < 37; i++) await m.append(ev(i));
      expect(Buffer.from(m.root()).equals(Buffer.from(log.root()))).toBe(true);
      await log.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one writer at a time; read-only opens and missing logs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-lock-'));
    try {
      await expect(openFileStore(dir)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const a = await openFileStore(dir, { create: true });
      await expect(openFileStore(dir)).rejects.toMatchObject({ code: 'BAD_STATE' });
      const r = await openFileStore(dir, { readOnly: true });
      await expect(r.append([])).rejects.toMatchObject({ code: 'BAD_STATE' });
      await r.close();
      await a.close();
      const b = await openFileStore(dir);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('changing any stored byte is detected (sampled; the exhaustive sweep is in test/slow)', async () => {
    const r = await tamperSweep(25);
    expect(r.cases).toBeGreaterThan(80);
    expect(r.seen.open).toBeGreaterThan(0);
    expect(r.seen.verify).toBeGreaterThan(0);
  }, 60_000);

  it('with the tree cache: changing any stored byte (the cache included) is detected', async () => {
    const r = await tamperSweep(12, true);
    expect(r.cases).toBeGreaterThan(60);
    expect(r.seen.verify).toBeGreaterThan(0);
  }, 60_000);

  it('the tree cache opens the same tree, follows appends, and a forged cache is caught by verify()', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-cache-'));
    try {
      await buildLog(dir, signer, true);
      expect(readFileSync(path.join(dir, 'tree.bkj')).length).toBeGreaterThan(12);
      const full = await openAuditLog({ store: await openFileStore(dir), origin: ORIGIN });
      const root = Buffer.from(full.root());
      await full.close();
      let log = await openAuditLog({
        store: await openFileStore(dir),
        origin: ORIGIN,
        signer,
        treeCache: true,
      });
      expect(Buffer.from(log.root()).equals(root)).toBe(true);
      for (let i = 37; i < 45; i++) await log.append(ev(i));
      await log.checkpoint();
      await log.close(); // saves the cache for 46 entries
      log = await openAuditLog({
        store: await openFileStore(dir),
        origin: ORIGIN,
        treeCache: true,
      });
      expect(log.size).toBe(46);
      expect((await log.verify()).ok).toBe(true);
      await log.close();
      // Forge the cache: change the first interior node and re-checksum the frame. That node does
      // not enter the root directly, so opening from the cache succeeds; verify() recomputes.
      const tp = path.join(dir, 'tree.bkj');
      const t = readFileSync(tp);
      const body = Buffer.from(t.subarray(12));
      body[10]! ^= 0x80;
      writeFileSync(tp, encodeFrame(body));
      log = await openAuditLog({
        store: await openFileStore(dir),
        origin: ORIGIN,
        treeCache: true,
      });
      const report = await log.verify();
      expect(report.ok).toBe(false);
      expect(report.problems).toContain('the tree cache differs from the stored leaf hashes');
      await log.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a forger who rewrites an entry AND its leaf hash and checksums is caught by the signed checkpoint', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bkj-audit-forge-'));
    try {
      await buildLog(dir, signer);
      // Rewrite entry 7's purpose in place (same length), recompute its leaf hash and the frame CRC.
      const payPath = path.join(dir, 'payloads.bkj');
      const idxPath = path.join(dir, 'index.bkj');
      const pay = readFileSync(payPath);
      const orig = Buffer.from(encodeEntry(ev(7)));
      const at = pay.indexOf(orig);
      expect(at).toBeGreaterThan(0);
      const forged = Buffer.from(
        orig.toString().replace('vaccination-record', 'vaccination-RECORD'),
      );
      forged.copy(pay, at);
      writeFileSync(payPath, pay);
      const idx = readFileSync(idxPath);
      const { bodies } = scanFrames(idx);
      const oldLeaf = Buffer.from(entryLeafHash(orig, ev(7).subject));
      const newLeaf = Buffer.from(entryLeafHash(forged, ev(7).subject));
      const [s, e] = bodies.find(([s2, e2]) => idx.subarray(s2, e2).indexOf(oldLeaf) >= 0)!;
      const body = Buffer.from(idx.subarray(s, e));
      newLeaf.copy(body, body.indexOf(oldLeaf));
      Buffer.from(encodeFrame(body)).copy(idx, s - 12);
      writeFileSync(idxPath, idx);
      await expect(
        openAuditLog({ store: await openFileStore(dir), origin: ORIGIN }),
      ).rejects.toMatchObject({ code: 'INTEGRITY' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
