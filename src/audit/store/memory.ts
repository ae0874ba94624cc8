/**
 * An in-memory {@link AuditStore}: the same contract as the file store without durability, for
 * tests and short-lived logs.
 * @module
 */
import { BukejianError } from '../../errors.js';
import { anumber } from '../../_assert.js';
import type { AuditStore, StoredEntry, Tombstone } from './types.js';

/**
 * A new, empty memory store.
 * @example const log = await openAuditLog({ store: createMemoryStore(), origin: 'test/log', signer })
 */
export function createMemoryStore(): AuditStore {
  let hashes = new Uint8Array(32 * 64);
  let tags = new Uint8Array(8 * 64);
  const kinds: number[] = [];
  const until: number[] = [];
  const payloads: (Uint8Array | null)[] = [];
  const tombs: Tombstone[] = [];
  const cps: Uint8Array[] = [];
  let closed = false;
  const open = () => {
    if (closed) throw new BukejianError('BAD_STATE', '"store" expected open, got closed');
  };
  const store: AuditStore = {
    get size() {
      return payloads.length;
    },
    leafHashes: () => hashes.subarray(0, payloads.length * 32),
    kind: (i) => kinds[anumber(i, 'index', 0, payloads.length - 1)]!,
    subjectTag: (i) => tags.subarray(anumber(i, 'index', 0, payloads.length - 1) * 8, i * 8 + 8),
    retainUntil: (i) => until[anumber(i, 'index', 0, payloads.length - 1)]!,
    isPruned: (i) => payloads[anumber(i, 'index', 0, payloads.length - 1)] === null,
    async append(entries: StoredEntry[]) {
      open();
      const n = payloads.length + entries.length;
      if (n * 32 > hashes.length) {
        const h = new Uint8Array(Math.max(n, payloads.length * 2) * 32);
        h.set(hashes);
        hashes = h;
        const t = new Uint8Array(Math.max(n, payloads.length * 2) * 8);
        t.set(tags);
        tags = t;
      }
      for (const e of entries) {
        hashes.set(e.leafHash, payloads.length * 32);
        tags.set(e.subjectTag, payloads.length * 8);
        kinds.push(e.kind);
        until.push(e.retainUntil);
        payloads.push(e.payload.slice());
      }
    },
    async read(i) {
      open();
      anumber(i, 'index', 0, payloads.length - 1);
      return payloads[i] ? payloads[i]!.slice() : null;
    },
    async prune(t) {
      open();
      for (const i of t.indexes) anumber(i, 'index', 0, payloads.length - 1);
      tombs.push({ indexes: [...t.indexes], note: t.note.slice() });
      for (const i of t.indexes) payloads[i] = null;
    },
    tombstones: () => tombs.map((t) => ({ indexes: [...t.indexes], note: t.note.slice() })),
    async appendCheckpoint(note) {
      open();
      cps.push(note.slice());
    },
    checkpoints: () => cps.map((c) => c.slice()),
    recovery: Object.freeze({ truncated: {}, resumedPrunes: 0 }),
    async close() {
      closed = true;
    },
  };
  return Object.freeze(store);
}
