// The circuit artifacts a citizen's browser downloads: both fetched in parallel, and kept in the
// Cache API (keyed by URL and pinned hash) so later visits do not download them again. They are
// hashed ONCE per load, by the library: `eligibility.prove` checks them against the SHA-256 hashes
// pinned in bukejian/zk (PINNED, the same as circuits/build/manifest.json; WebCrypto where the
// runtime has it) before any use and refuses a mismatch with ARTIFACT_MISMATCH. Downloaded bytes
// are only put in the cache after that check passed (`commit`), and a cached copy that fails it is
// dropped (`discard`), so a tampered file is never cached. Works in a window and in a Web Worker.
import { PINNED } from 'bukejian/zk';

export const CACHE_NAME = 'bukejian-zk-artifacts-v1';

/** Where the bytes came from, for the progress display and the tests. */
export type Source = 'network' | 'cache';

export interface LoadedArtifacts {
  readonly wasm: Uint8Array;
  readonly zkey: Uint8Array;
  readonly source: Source;
  /** After the library's check passed: stores downloaded copies in the Cache API. */
  commit(): Promise<void>;
  /** After the library refused them: drops cached copies. */
  discard(): Promise<void>;
}

interface One {
  bytes: Uint8Array;
  cached: boolean;
  key: string;
}

async function get(cache: Cache | null, url: string, sha256: string, file: string): Promise<One> {
  const key = `${url}#sha256=${sha256}`;
  const cached = await cache?.match(key);
  const res = cached ?? (await fetch(url, { cache: 'no-store' }));
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), cached: !!cached, key };
}

/** `{ wasm, zkey }` from `base` (e.g. '/artifacts/'), from the Cache API or the network. */
export async function loadArtifactFiles(base: string): Promise<LoadedArtifacts> {
  const cache = typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  const files = await Promise.all([
    get(cache, new URL('eligibility.wasm', base).href, PINNED.wasm, 'eligibility.wasm'),
    get(cache, new URL('eligibility.zkey', base).href, PINNED.zkey, 'eligibility.zkey'),
  ]);
  let committed: Promise<void> | undefined;
  return {
    wasm: files[0].bytes,
    zkey: files[1].bytes,
    source: files.every((f) => f.cached) ? 'cache' : 'network',
    commit() {
      // Once per load (the worker keeps these bytes for later proofs, which must not write 12 MB
      // to the cache again); a copy: the Response must not see later changes to the buffer.
      return (committed ??= (async () => {
        for (const f of files)
          if (!f.cached) await cache?.put(f.key, new Response(f.bytes.slice()));
      })());
    },
    async discard() {
      for (const f of files) if (f.cached) await cache?.delete(f.key);
    },
  };
}
