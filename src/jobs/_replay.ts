/**
 * Makes a PSI endpoint's replies idempotent: the last message of each chunked-protocol session
 * (hello, chunk i, pull j, reveal) is kept with its reply, keyed by (job, bucket, session id), and
 * the same message sent again (a client retrying after a connection reset, ./_http.ts) gets the
 * same reply bytes: no second evaluation, no second count against the evaluation budget, no
 * second reveal. It joins the first run when that is still in progress. Only a byte-identical
 * message matches (compared by its SM3 digest); any other message of the session, e.g. the same
 * chunk index with other elements, goes to `server.handle`, which refuses replays and skips as
 * before (BAD_STATE). A repeated reply tells the sender nothing it was not told the first time.
 *
 * Bounded: at most {@link MAX_SESSIONS} sessions and {@link MAX_BYTES} of replies are kept, the
 * least recently used dropped first (a client only ever repeats its latest message).
 * @module
 */
import { sm3 } from '../sm3.js';
import { bytesToHex } from '../utils.js';
import { HEADER_LENGTH, SESSION_LENGTH } from '../psi/encoding.js';

/** Sessions whose last reply is kept. */
export const MAX_SESSIONS = 256;
/** Bytes of replies kept at most (a reply larger than this is not kept). */
export const MAX_BYTES = 64 * 2 ** 20;

interface Entry {
  digest: string;
  reply: Promise<Uint8Array>;
  size: number;
}

/** A replay cache: `run(scope, message, handle)` → handle's reply, or the kept one. */
export interface ReplayCache {
  run(scope: string, message: Uint8Array, handle: () => Promise<Uint8Array>): Promise<Uint8Array>;
}

/**
 * A replay cache for one endpoint process.
 * @example
 * const replay = replayCache()
 * const reply = await replay.run(`${job}/${bucket}`, body, () => server.handle(body))
 */
export function replayCache(maxSessions = MAX_SESSIONS, maxBytes = MAX_BYTES): ReplayCache {
  const entries = new Map<string, Entry>(); // insertion order = least recently used first
  let bytes = 0;
  const drop = (k: string) => {
    const e = entries.get(k);
    if (!e) return;
    bytes -= e.size;
    entries.delete(k);
  };
  return {
    run(scope, message, handle) {
      // the session id sits at a fixed place of every message; shorter: not ours, handle refuses
      if (message.length < HEADER_LENGTH) return handle();
      const sid = message.subarray(HEADER_LENGTH - SESSION_LENGTH, HEADER_LENGTH);
      const key = `${scope}/${bytesToHex(sid)}`;
      const digest = bytesToHex(sm3(message));
      const hit = entries.get(key);
      if (hit && hit.digest === digest) {
        entries.delete(key); // most recently used
        entries.set(key, hit);
        return hit.reply;
      }
      drop(key);
      const entry: Entry = { digest, reply: handle(), size: 0 };
      entries.set(key, entry);
      while (entries.size > maxSessions) drop(entries.keys().next().value!);
      entry.reply.then(
        (r) => {
          if (entries.get(key) !== entry) return;
          if (r.length > maxBytes) return drop(key);
          entry.size = r.length;
          bytes += r.length;
          for (const k of entries.keys()) {
            if (bytes <= maxBytes) break;
            if (k !== key) drop(k);
          }
        },
        () => undefined, // a refused message is refused again the same way
      );
      return entry.reply;
    },
  };
}
