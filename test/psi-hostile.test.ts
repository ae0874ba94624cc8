// PSI against hostile peers: server-side limits (maxClientItems, maxChunk), the raw-tag cache,
// the window in which used session ids are refused, reveals bounded by the elements sent, and a
// chunked client that stops (state 'failed', key wiped) on any bad reply.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { psi } from '../src/psi/index.js';
import { decodeMessage, encodeMessage, UNKNOWN_COUNT } from '../src/psi/encoding.js';
import type { ChunkMessage, Mode, PsiMessage } from '../src/psi/encoding.js';
import { getGroup } from '../src/psi/groups/index.js';
import { rawTags } from '../src/psi/sets.js';
import { DEFAULT_MAX_CLIENT_ITEMS } from '../src/psi/sessions.js';
import { codeOf } from './helpers/errors.js';

// counts the raw-tag encodings the server computes
vi.mock('../src/psi/sets.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/psi/sets.js')>();
  return { ...m, rawTags: vi.fn(m.rawTags) };
});
// records every key a group draws, so a test can see the client's key wiped
const keys: Uint8Array[] = [];
vi.mock('../src/psi/groups/index.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/psi/groups/index.js')>();
  return {
    ...m,
    getGroup: (name: unknown, backend?: 'auto' | 'js') => {
      const g = m.getGroup(name, backend);
      return { ...g, randomKey: () => keys[keys.push(g.randomKey()) - 1]! };
    },
  };
});

afterEach(() => {
  vi.useRealTimers();
});

const G = 'x25519' as const;
const L = 32;
const a = getGroup(G).withKey(getGroup(G).randomKey());
const blind = (items: string[]) =>
  Uint8Array.from(items.flatMap((x) => [...a.hashMultiply(psi.canonicalize(x))]));
const tagOf = (el: Uint8Array, t: number) => psi.tagDigest(a.unblind(el)).subarray(0, t);

/** A hand-played client session against server `s`. */
function hand(s: ReturnType<typeof psi.server>, mode: Mode = 'intersection') {
  const base = { group: G, session: crypto.getRandomValues(new Uint8Array(16)) };
  const send = async (m: PsiMessage) => decodeMessage(await s.handle(encodeMessage(m)));
  return {
    base,
    hello: (clientCount: number) => send({ type: 'hello', ...base, mode, clientCount }),
    chunk: (index: number, last: boolean, items: string[]) =>
      send({ type: 'chunk', ...base, index, last, count: items.length, elements: blind(items) }),
    pull: (index: number, max: number) => send({ type: 'pull', ...base, index, max }),
    reveal: (tagLength: number, tags: Uint8Array) =>
      send({ type: 'reveal', ...base, tagLength, count: tags.length / tagLength, tags }),
  };
}
const items = (n: number, p = 's') => Array.from({ length: n }, (_, i) => `${p}${i}`);

describe('server limits: maxClientItems and maxChunk', () => {
  it('maxHeldItems bounds the elements all open cardinality sessions hold → RATE_LIMITED, freed by the pulls', async () => {
    const s = psi.server(items(6), { group: G, mode: 'cardinality', maxHeldItems: 10 });
    const c1 = hand(s, 'cardinality');
    const c2 = hand(s, 'cardinality');
    await c1.hello(UNKNOWN_COUNT);
    await c2.hello(UNKNOWN_COUNT);
    await c1.chunk(0, false, items(4, 'a'));
    await c2.chunk(0, false, items(4, 'b'));
    expect(s.held).toBe(8);
    // c2's next chunk would take the server over its budget: refused, and c2's session ends
    expect(await codeOf(() => c2.chunk(1, true, items(3, 'c')))).toBe('RATE_LIMITED');
    expect(s.held).toBe(4);
    expect(await codeOf(() => c2.chunk(1, true, ['c0']))).toBe('BAD_STATE');
    await c1.chunk(1, true, ['s0', 's1', 'a9']);
    expect(s.held).toBe(7);
    let got = 0;
    for (let i = 0, last = false; !last; i++) {
      const r = (await c1.pull(i, 3)) as ChunkMessage;
      got += r.count;
      last = r.last;
    }
    expect(got).toBe(7);
    expect(s.held).toBe(0); // all pulled: the budget is free again
    const c3 = hand(s, 'cardinality');
    await c3.hello(10);
    expect(await c3.chunk(0, true, items(10, 'e'))).toMatchObject({
      type: 'chunk-reply',
      count: 0,
    });
    expect(s.held).toBe(10);
  });

  it('a hello over the limit, a chunk over maxChunk and a running total over the limit → INVALID_LENGTH', async () => {
    const s = psi.server(items(4), { group: G, format: 'raw', maxClientItems: 5, maxChunk: 3 });
    expect(await codeOf(() => hand(s).hello(6))).toBe('INVALID_LENGTH');
    expect(s.sessions).toBe(0);
    // "unknown" is held to the limit, and the raw tags are sized for it
    const c = hand(s);
    const setup = await c.hello(UNKNOWN_COUNT);
    expect(setup).toMatchObject({ type: 'setup', tagLength: psi.rawTagLength(5, 4) });
    expect(await codeOf(() => c.chunk(0, false, items(4, 'c')))).toBe('INVALID_LENGTH'); // > maxChunk
    await c.chunk(0, false, items(3, 'c'));
    expect(await codeOf(() => c.chunk(1, true, items(3, 'd')))).toBe('INVALID_LENGTH'); // 6 > 5 in all
    expect(await c.chunk(1, true, ['s1', 'd1'])).toMatchObject({ type: 'chunk-reply', count: 2 });
    // an announced count is binding below the limit (more → INVALID_ENCODING, as before)
    const d = hand(s);
    await d.hello(2);
    expect(await codeOf(() => d.chunk(0, true, items(3)))).toBe('INVALID_ENCODING');
  });

  it('defaults (2^24 items per client, 2^16 per chunk), option checks, and the one-shot request', async () => {
    expect(DEFAULT_MAX_CLIENT_ITEMS).toBe(2 ** 24);
    const s = psi.server(items(3), { group: G });
    expect(await codeOf(() => hand(s).hello(2 ** 24 + 1))).toBe('INVALID_LENGTH');
    expect(await hand(s).hello(2 ** 24)).toMatchObject({ type: 'setup' });
    const big = hand(s);
    await big.hello(UNKNOWN_COUNT);
    const n = 2 ** 16 + 1; // refused before any element is looked at
    const huge = encodeMessage({
      type: 'chunk',
      ...big.base,
      index: 0,
      last: true,
      count: n,
      elements: new Uint8Array(n * L),
    });
    expect(await codeOf(() => s.handle(huge))).toBe('INVALID_LENGTH');
    expect(() => psi.server([], { maxChunk: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => psi.server([], { maxClientItems: UNKNOWN_COUNT })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => psi.server([], { maxClientItems: '5' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
    const one = psi.server(items(3), { group: G, maxClientItems: 2 });
    expect(
      await codeOf(async () => one.respond(await psi.client(items(3), { group: G }).request())),
    ).toBe('INVALID_LENGTH');
    const ok = psi.client(items(2), { group: G });
    expect((await ok.finish(await one.respond(await ok.request()))).intersection).toEqual([
      's0',
      's1',
    ]);
  }, 60_000);

  it('cardinality: pull replies are capped at maxChunk and carry every element once, read through the permutation', async () => {
    const theirs = ['k1', 'k4', 'k5', 'zz'];
    const s = psi.server(theirs, { group: G, mode: 'cardinality', format: 'raw', maxChunk: 3 });
    const c = hand(s, 'cardinality');
    const setup = await c.hello(6);
    if (setup.type !== 'setup') throw new Error('expected setup');
    // uneven chunks (3, 1, 2) so the read-through crosses part boundaries
    await c.chunk(0, false, ['k0', 'k1', 'k2']);
    await c.chunk(1, false, ['k3']);
    await c.chunk(2, true, ['k4', 'k5']);
    const got: Uint8Array[] = [];
    for (let j = 0; ; j++) {
      const r = await c.pull(j, 100);
      if (r.type !== 'pull-reply') throw new Error('expected pull-reply');
      expect(r.count).toBeLessThanOrEqual(3);
      for (let i = 0; i < r.count; i++) got.push(r.elements.slice(i * L, (i + 1) * L));
      if (r.last) break;
    }
    expect(got.length).toBe(6);
    const tags = got.map((e) => Buffer.from(tagOf(e, setup.tagLength)).toString('hex'));
    expect(new Set(tags).size).toBe(6); // no element twice, none missing
    const server = new Set(
      Array.from({ length: 4 }, (_, i) =>
        Buffer.from(setup.set.subarray(i * setup.tagLength, (i + 1) * setup.tagLength)).toString(
          'hex',
        ),
      ),
    );
    expect(tags.filter((t) => server.has(t)).length).toBe(3);
    expect(s.sessions).toBe(0);
    // an honest client whose chunks exceed the server's limit is told so and stops
    const big = psi.chunkedClient(items(5), { group: G, mode: 'cardinality', chunkSize: 4 });
    const bigSetup = await s.handle((await big.next())!);
    const chunk0 = (await big.next(bigSetup))!;
    expect(await codeOf(() => s.handle(chunk0))).toBe('INVALID_LENGTH');
  });

  it('raw tags are encoded once per tag length (hellos and one-shot requests share them)', async () => {
    const spy = vi.mocked(rawTags);
    spy.mockClear();
    const s = psi.server(items(50), { group: G, format: 'raw' });
    const first = await hand(s).hello(10);
    for (let i = 0; i < 4; i++)
      expect(await hand(s).hello(10)).toEqual({ ...first, session: expect.any(Uint8Array) });
    expect(spy).toHaveBeenCalledTimes(1);
    const c = psi.client(items(10, 'q'), { group: G });
    await s.respond(await c.request()); // the same tag length as a hello of 10
    expect(spy).toHaveBeenCalledTimes(1);
    expect(psi.rawTagLength(2 ** 24, 50)).not.toBe(psi.rawTagLength(10, 50));
    await hand(s).hello(2 ** 24);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe('used session ids are refused for sessionTimeout after their last message', () => {
  it('chunked: a replay is refused inside the window, an old finished session id is forgotten', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = psi.server(['x'], { group: G, sessionTimeout: 1000 });
    const c = hand(s);
    await c.hello(1);
    await c.chunk(0, true, []); // an empty last chunk ends the session at once
    expect(s.sessions).toBe(0);
    expect(await codeOf(() => c.hello(1))).toBe('BAD_STATE');
    vi.setSystemTime(Date.now() + 1001);
    expect(await c.hello(1)).toMatchObject({ type: 'setup' }); // documented: a new session
    await c.chunk(0, true, []);
    // the window runs from a session's last message, not from its hello
    const d = hand(s);
    await d.hello(2);
    vi.setSystemTime(Date.now() + 800);
    await d.chunk(0, false, ['x']);
    vi.setSystemTime(Date.now() + 800);
    expect(await codeOf(() => d.hello(2))).toBe('BAD_STATE'); // still open
    await d.chunk(1, true, ['y']);
    expect(s.sessions).toBe(0);
    vi.setSystemTime(Date.now() + 800);
    expect(await codeOf(() => d.hello(2))).toBe('BAD_STATE'); // hello 2400 ms ago, last message 800
    vi.setSystemTime(Date.now() + 201);
    expect(await d.hello(2)).toMatchObject({ type: 'setup' });
  });

  it('one-shot: replayed requests inside the window, and a reveal offer expires with it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = psi.server(['a', 'b'], { group: G, mode: 'both', sessionTimeout: 1000 });
    const c = psi.client(['a'], { group: G, mode: 'both' });
    const m1 = await c.request();
    const r = await c.finish(await s.respond(m1));
    expect(await codeOf(() => s.respond(m1))).toBe('BAD_STATE');
    vi.setSystemTime(Date.now() + 1001);
    expect(await codeOf(() => s.finish(r.reveal!))).toBe('BAD_STATE'); // offer forgotten
    await s.respond(m1); // documented: answered as a new session
    expect(await s.finish(r.reveal!)).toEqual(['a']);
  });
});

describe("mode 'both': a reveal cannot name more matches than elements sent", () => {
  it('chunked, raw tags: one element sent, every server tag revealed → INVALID_ENCODING, nothing reported', async () => {
    const revealed: string[][] = [];
    const s = psi.server(items(20), {
      group: G,
      mode: 'both',
      format: 'raw',
      onReveal: (x) => revealed.push(x),
    });
    const c = hand(s, 'both');
    const setup = await c.hello(1);
    if (setup.type !== 'setup') throw new Error('expected setup');
    const reply = await c.chunk(0, true, ['s7']);
    if (reply.type !== 'chunk-reply') throw new Error('expected chunk-reply');
    expect(await codeOf(() => c.reveal(setup.tagLength, setup.set))).toBe('INVALID_ENCODING');
    expect(revealed).toEqual([]);
    expect(await c.reveal(setup.tagLength, tagOf(reply.elements, setup.tagLength))).toMatchObject({
      type: 'done',
    });
    expect(revealed).toEqual([['s7']]);
  });

  it('one-shot server.finish: the same bound', async () => {
    const s = psi.server(items(20), { group: G, mode: 'both', format: 'raw' });
    const c = psi.client(['s3'], { group: G, mode: 'both' });
    const m2 = await s.respond(await c.request());
    const r = await c.finish(m2);
    const m = decodeMessage(m2);
    if (m.type !== 'response') throw new Error('expected response');
    const all = encodeMessage({
      type: 'reveal',
      group: G,
      session: m.session,
      tagLength: m.tagLength,
      count: 20,
      tags: m.set,
    });
    expect(await codeOf(() => s.finish(all))).toBe('INVALID_ENCODING');
    expect(await s.finish(r.reveal!)).toEqual(['s3']);
  });
});

describe('the chunked client stops at the first bad reply', () => {
  /** A cardinality run stopped at its first pull; the client's key is the last one drawn. */
  async function atPull() {
    const s = psi.server(['a', 'b'], { group: G, mode: 'cardinality' });
    const n = keys.length;
    const c = psi.chunkedClient(['a', 'b', 'c'], { group: G, mode: 'cardinality', chunkSize: 2 });
    const key = keys[n]!;
    let out = (await c.next())!;
    for (let i = 0; i < 3; i++) out = (await c.next(await s.handle(out)))!; // setup, 2 chunk replies
    expect(decodeMessage(out).type).toBe('pull');
    return { s, c, key, pull: out };
  }
  const pullReply = (pull: Uint8Array, fields: Partial<ChunkMessage>) => {
    const m = decodeMessage(pull);
    return encodeMessage({
      type: 'pull-reply',
      group: G,
      session: m.session,
      index: 0,
      last: false,
      count: 0,
      elements: new Uint8Array(0),
      ...fields,
    });
  };

  it('an empty pull reply that is not the last → INVALID_ENCODING (no endless pulling)', async () => {
    const { c, key, pull } = await atPull();
    expect(key.some((x) => x !== 0)).toBe(true);
    expect(await codeOf(() => c.next(pullReply(pull, {})))).toBe('INVALID_ENCODING');
    expect(c.state).toBe('failed');
    expect(key.every((x) => x === 0)).toBe(true);
  });

  it('decode, state and unblinding errors all end the run: failed, key wiped, later next() → BAD_STATE', async () => {
    const hostile: [string, (pull: Uint8Array, good: Uint8Array) => Uint8Array | undefined][] = [
      ['BAD_STATE', () => undefined], // no reply where one is required
      ['INVALID_ENCODING', (_, good) => good.subarray(0, 30)], // truncated
      ['INVALID_ENCODING', (_, good) => Uint8Array.from([...good, 0])], // trailing byte
      ['BAD_STATE', (pull) => pullReply(pull, { index: 1, count: 1, elements: blind(['a']) })], // out of order
      [
        'INVALID_ENCODING',
        (_, good) => encodeMessage({ ...decodeMessage(good), session: new Uint8Array(16) }),
      ], // foreign
      ['INVALID_POINT', (pull) => pullReply(pull, { count: 1, elements: new Uint8Array(32) })], // u = 0: fails in the unblinding
    ];
    for (const [code, make] of hostile) {
      const { s, c, key, pull } = await atPull();
      const good = await s.handle(pull);
      expect(await codeOf(() => c.next(make(pull, good)))).toBe(code);
      expect(c.state).toBe('failed');
      expect(key.every((x) => x === 0)).toBe(true);
      expect(await codeOf(() => c.next(good))).toBe('BAD_STATE');
      expect(await codeOf(async () => c.result())).toBe('BAD_STATE');
    }
  });
});

describe('hellos that never continue cannot lock real clients out', () => {
  const real = async (s: ReturnType<typeof psi.server>) => {
    const c = psi.chunkedClient(['s1', 's7', 'zz'], { group: G });
    let out = await c.next();
    while (out) out = await c.next(await s.handle(out));
    return c.result().intersection;
  };

  it('16 unauthenticated hellos (the default maxSessions) expire after the 30 s setup timeout, then a real client succeeds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = psi.server(items(10), { group: G });
    for (let i = 0; i < 16; i++) await hand(s).hello(1);
    expect(s.sessions).toBe(16);
    expect(await codeOf(() => real(s))).toBe('RATE_LIMITED'); // while they are fresh
    vi.setSystemTime(Date.now() + 30_001); // the setup timeout, not the 10-minute session timeout
    expect(await real(s)).toEqual(['s1', 's7']);
    expect(s.sessions).toBe(0);
  });

  it('setupTimeout (injectable clock): only sessions without a chunk expire early; a started session keeps sessionTimeout', async () => {
    let t = 0;
    const s = psi.server(items(10), {
      group: G,
      maxSessions: 2,
      setupTimeout: 50,
      sessionTimeout: 1000,
      now: () => t,
    });
    const started = hand(s);
    await started.hello(3);
    await started.chunk(0, false, ['s1']);
    await hand(s).hello(1); // never continues
    expect(await codeOf(() => real(s))).toBe('RATE_LIMITED');
    t = 51;
    expect(await real(s)).toEqual(['s1', 's7']); // the idle hello was dropped, the started session kept
    t = 900;
    expect(await started.chunk(1, true, ['s2'])).toMatchObject({ type: 'chunk-reply', count: 1 });
    const late = hand(s);
    await late.hello(1);
    t = 951;
    expect(await codeOf(() => late.chunk(0, true, ['s1']))).toBe('BAD_STATE'); // expired in setup
    expect(await codeOf(() => psi.server(['a'], { sessionTimeout: 10, setupTimeout: 11 }))).toBe(
      'INVALID_RANGE',
    );
  });

  it('one peer address holds at most maxSessionsPerPeer (default maxSessions / 4) sessions', async () => {
    const s = psi.server(items(10), { group: G });
    const hello = (peer?: string) =>
      s.handle(
        encodeMessage({
          type: 'hello',
          group: G,
          session: crypto.getRandomValues(new Uint8Array(16)),
          mode: 'intersection',
          clientCount: 1,
        }),
        peer,
      );
    for (let i = 0; i < 4; i++) await hello('10.0.0.66');
    expect(await codeOf(() => hello('10.0.0.66'))).toBe('RATE_LIMITED');
    await hello('10.0.0.7'); // another peer still gets a session
    await hello(); // so does a transport that names no peer
    expect(s.sessions).toBe(6);
    const t = psi.server(items(1), { group: G, maxSessions: 4, maxSessionsPerPeer: 1 });
    await t.handle(
      encodeMessage({
        type: 'hello',
        group: G,
        session: crypto.getRandomValues(new Uint8Array(16)),
        mode: 'intersection',
        clientCount: 1,
      }),
      'p',
    );
    expect(
      await codeOf(() =>
        t.handle(
          encodeMessage({
            type: 'hello',
            group: G,
            session: crypto.getRandomValues(new Uint8Array(16)),
            mode: 'intersection',
            clientCount: 1,
          }),
          'p',
        ),
      ),
    ).toBe('RATE_LIMITED');
    expect(await codeOf(() => psi.server(['a'], { maxSessions: 4, maxSessionsPerPeer: 5 }))).toBe(
      'INVALID_RANGE',
    );
  });
});
