/**
 * An in-memory {@link AuditStore}: the same contract as the file store without durability, for
 * tests and short-lived logs.
 * @module
 */
import { BukejianError } from '../../errors.js';
import { anumber } from '../../_assert.js';
import { EntryColumns } from './_columns.js';
import type { AuditStore, StoredEntry, Tombstone } from './types.js';

/**
 * A new, empty memory store.
 * @example const log = await openAuditLog({ store: createMemoryStore(), origin: 'test/log', signer })
 */
export function createMemoryStore(): AuditStore {
  const cols = new EntryColumns();
  const payloads: (Uint8Array | null)[] = [];
  const tombs: Tombstone[] = [];
  const cps: Uint8Array[] = [];
  let closed = false;
  const open = () => {
    if (closed) throw new BukejianError('BAD_STATE', '"store" expected open, got closed');
  };
  const store: AuditStore = {
    get size() {
      return cols.count;
    },
    leafHashes: () => cols.leafHashes(),
    kind: (i) => cols.kind(i),
    subjectTag: (i) => cols.subjectTag(i),
    retainUntil: (i) => cols.retainUntil(i),
    isPruned: (i) => cols.isPruned(i),
    async append(entries: StoredEntry[]) {
      open();
      const copies = entries.map((e) => e.payload.slice());
      cols.push(entries);
      for (const c of copies) payloads.push(c);
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
      for (const i of t.indexes) {
        payloads[i] = null;
        cols.pruned.add(i);
      }
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
