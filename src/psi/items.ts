/**
 * Item intake shared by the PSI parties: arrays or async iterables of strings / byte strings,
 * canonicalized (./canonicalize.ts) and de-duplicated by canonical form, keeping the first
 * spelling of each value for the output.
 * @module
 */
import { BukejianError } from '../errors.js';
import { canonicalString } from './canonicalize.js';
import { isBytes, utf8ToBytes } from '../utils.js';
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
 * Collects, canonicalizes and de-duplicates items.
 * @example
 * const { items, canonical } = await prepareItems(['a', ' a ', 'b'], 'text') // items: ['a', 'b']
 */
export async function prepareItems<T extends Item>(src: ItemSource<T>, form: Canonical): Promise<PreparedItems<T>> {
  if (src === null || typeof src !== 'object' || (!(Symbol.iterator in src) && !(Symbol.asyncIterator in src))) {
    throw new BukejianError('INVALID_TYPE', '"items" expected an array or (async) iterable of strings or Uint8Arrays');
  }
  const seen = new Set<string>();
  const items: T[] = [];
  const canonical: Uint8Array[] = [];
  for await (const it of src as AsyncIterable<T>) {
    // de-duplicate on the canonical string (bytes: their UTF-8 reading when valid, so equal
    // canonical bytes always meet; otherwise a binary-string key that no text can produce)
    let k: string;
    let c: Uint8Array;
    if (isBytes(it)) {
      c = it;
      const s = utf8(it);
      k = s ?? '\u0000' + key(it);
    } else if (typeof it === 'string') {
      k = canonicalString(it, form);
      c = utf8ToBytes(k);
    } else throw new BukejianError('INVALID_TYPE', `"items" expected strings or Uint8Arrays, got ${typeof it}`);
    if (seen.has(k)) continue;
    seen.add(k);
    items.push(it);
    canonical.push(c);
  }
  return { items, canonical };
}

/**
 * A binary-string map key for byte strings.
 * @example
 * new Set([bytesKey(a)]).has(bytesKey(b)) // a and b equal bytes
 */
export const bytesKey = key;
