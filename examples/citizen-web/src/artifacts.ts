// The circuit artifacts a citizen's browser downloads: fetched once, checked against the SHA-256
// hashes pinned in bukejian/zk (PINNED, the same hashes as circuits/build/manifest.json) BEFORE
// any use, and kept in the Cache API (keyed by URL and hash) so later visits do not download them
// again. A cached copy is hashed again on every load; a mismatch anywhere refuses the artifact
// (and drops the cached copy). Works in a window and in a (module) Web Worker.
import { PINNED } from 'bukejian/zk';

export const CACHE_NAME = 'bukejian-zk-artifacts-v1';

export class ArtifactMismatch extends Error {
  readonly code = 'ARTIFACT_MISMATCH';
  constructor(readonly file: string) {
    super(`${file}: SHA-256 differs from the pinned hash`);
  }
}

const hex = (b: ArrayBuffer) =>
  Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

/** Where the bytes came from, for the progress display and the tests. */
export type Source = 'network' | 'cache';

async function pinned(url: string, sha256: string, file: string): Promise<[Uint8Array, Source]> {
  const cache = typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  const key = `${url}#sha256=${sha256}`;
  const cached = await cache?.match(key);
  const res = cached ?? (await fetch(url, { cache: 'no-store' }));
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (hex(await crypto.subtle.digest('SHA-256', bytes)) !== sha256) {
    if (cached) await cache!.delete(key);
    throw new ArtifactMismatch(file);
  }
  if (!cached) await cache?.put(key, new Response(bytes.slice()));
  return [bytes, cached ? 'cache' : 'network'];
}

/** `{ wasm, zkey }` from `base` (e.g. '/artifacts/'), each checked against PINNED. */
export async function loadPinnedArtifacts(
  base: string,
): Promise<{ wasm: Uint8Array; zkey: Uint8Array; source: Source }> {
  const [[wasm, s1], [zkey, s2]] = await Promise.all([
    pinned(new URL('eligibility.wasm', base).href, PINNED.wasm, 'eligibility.wasm'),
    pinned(new URL('eligibility.zkey', base).href, PINNED.zkey, 'eligibility.zkey'),
  ]);
  return { wasm, zkey, source: s1 === 'cache' && s2 === 'cache' ? 'cache' : 'network' };
}
