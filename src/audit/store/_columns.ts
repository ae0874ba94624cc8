/**
 * The per-entry columns both stores keep in memory: leaf hash (32 bytes), kind code, 8-byte
 * subject tag, end of retention (ms since the epoch, 0: indefinitely) and whether the payload was
 * deleted under retention. The accessors implement the column half of {@link AuditStore}.
 * @module
 */
import { anumber } from '../../_assert.js';
import type { AuditStore, StoredEntry } from './types.js';

export class EntryColumns implements Pick<
  AuditStore,
  'leafHashes' | 'kind' | 'subjectTag' | 'retainUntil' | 'isPruned'
> {
  /** Number of entries. */
  count = 0;
  // Raw buffers, written directly by the file store's index loader (after `reserve`).
  hashes: Uint8Array;
  tags: Uint8Array;
  kinds: Uint8Array;
  until: Float64Array;
  readonly pruned = new Set<number>();

  constructor(capacity = 64) {
    const n = Math.max(capacity, 64);
    this.hashes = new Uint8Array(n * 32);
    this.tags = new Uint8Array(n * 8);
    this.kinds = new Uint8Array(n);
    this.until = new Float64Array(n);
  }

  /** Makes room for `n` entries in all. */
  reserve(n: number): void {
    if (n <= this.kinds.length) return;
    const cap = Math.max(n, this.kinds.length * 2);
    const grow = <T extends Uint8Array | Float64Array>(
      a: T,
      per: number,
      make: (l: number) => T,
    ) => {
      const b = make(cap * per);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes, 32, (l) => new Uint8Array(l));
    this.tags = grow(this.tags, 8, (l) => new Uint8Array(l));
    this.kinds = grow(this.kinds, 1, (l) => new Uint8Array(l));
    this.until = grow(this.until, 1, (l) => new Float64Array(l));
  }

  /** Appends the columns of a batch (already validated and durable). */
  push(entries: readonly StoredEntry[]): void {
    this.reserve(this.count + entries.length);
    for (const e of entries) {
      const i = this.count++;
      this.hashes.set(e.leafHash, i * 32);
      this.tags.set(e.subjectTag, i * 8);
      this.kinds[i] = e.kind;
      this.until[i] = e.retainUntil;
    }
  }

  #at(i: number): number {
    return anumber(i, 'index', 0, this.count - 1);
  }
  leafHashes(): Uint8Array {
    return this.hashes.subarray(0, this.count * 32);
  }
  kind(i: number): number {
    return this.kinds[this.#at(i)]!;
  }
  subjectTag(i: number): Uint8Array {
    return this.tags.subarray(this.#at(i) * 8, i * 8 + 8);
  }
  retainUntil(i: number): number {
    return this.until[this.#at(i)]!;
  }
  isPruned(i: number): boolean {
    return this.pruned.has(this.#at(i));
  }
}
