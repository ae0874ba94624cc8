/**
 * Item intake shared by the PSI parties: arrays or async iterables of strings / byte strings,
 * canonicalized (./canonicalize.ts) and de-duplicated by canonical form, keeping the first
 * spelling of each value for the output.
 * @module
 */
import { BukejianError } from '../errors.js';
import { canonicalString } from './canonicalize.js';
import { utf8ToBytes } from '../utils.js';
import { isBytes } from '../_assert.js';
import type { Canonical } from './canonicalize.js';

/** A PSI item: text (canonicalized) or raw bytes (used as given). */
export type Item = string | Uint8Array;
/** Items as an array or a (possibly async) iterable. */
export type ItemSource<T extends Item = Item> = Iterable<T> | AsyncIterable<T>;

/** De-duplicated items with their canonical bytes. */
export interface PreparedItems<T extends Item> {
  items: T[];
  canonical: Uint8Array[];
}

const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });
const utf8 = (b: Uint8Array): string | undefined => {
  try {
    return decoder.decode(b);
  } catch {
    return undefined;
  }
};

const key = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
};

/**
 * Checks that `src` is an array or (async) iterable and returns an async iterator over it.
 * @example
 * const it = itemIterator(['a', 'b']); await it.next() // { value: 'a', done: false }
 */
export function itemIterator<T extends Item>(src: ItemSource<T>): AsyncIterator<T> | Iterator<T> {
  if (
    src === null ||
    typeof src !== 'object' ||
    (!(Symbol.iterator in src) && !(Symbol.asyncIterator in src))
  ) {
    throw new BukejianError(
      'INVALID_TYPE',
      '"items" expected an array or (async) iterable of strings or Uint8Arrays',
    );
  }
  return Symbol.asyncIterator in src
    ? (src as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (src as Iterable<T>)[Symbol.iterator]();
}

/**
 * The de-duplication key and canonical bytes of one item: strings by their canonical string,
 * bytes by their UTF-8 reading when valid (so equal canonical bytes always meet), otherwise by a
 * binary-string key that no text can produce.
 * @example
 * canonicalItem(' a ', 'text') // { key: 'a', bytes: Uint8Array [0x61] }
 */
export function canonicalItem(it: Item, form: Canonical): { key: string; bytes: Uint8Array } {
  if (isBytes(it)) {
    const s = utf8(it);
    return { key: s ?? '\u0000' + key(it), bytes: it };
  }
  if (typeof it === 'string') {
    const k = canonicalString(it, form);
    return { key: k, bytes: utf8ToBytes(k) };
  }
  throw new BukejianError(
    'INVALID_TYPE',
    `"items" expected strings or Uint8Arrays, got ${typeof it}`,
  );
}

/**
 * Collects, canonicalizes and de-duplicates items.
 * @example
 * const { items, canonical } = await prepareItems(['a', ' a ', 'b'], 'text') // items: ['a', 'b']
 */
export async function prepareItems<T extends Item>(
  src: ItemSource<T>,
  form: Canonical,
): Promise<PreparedItems<T>> {
  const iter = itemIterator(src);
  const seen = new Set<string>();
  const items: T[] = [];
  const canonical: Uint8Array[] = [];
  for (;;) {
    const r = await iter.next();
    if (r.done) break;
    const c = canonicalItem(r.value, form);
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    items.push(r.value);
    canonical.push(c.bytes);
  }
  return { items, canonical };
}

/**
 * A binary-string map key for byte strings.
 * @example
 * new Set([bytesKey(a)]).has(bytesKey(b)) // a and b equal bytes
 */
export const bytesKey = key;
