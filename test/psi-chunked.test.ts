// Chunked ECDH-PSI (psi.chunkedClient ↔ server.handle): results equal the naive intersection for
// every group, mode and chunk size; hostile, replayed and out-of-order messages are rejected;
// the client reads its items lazily and holds at most one chunk; cardinality output is unordered.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { psi } from '../src/psi/index.js';
import { canonicalString } from '../src/psi/canonicalize.js';
import type { Canonical } from '../src/psi/canonicalize.js';
import type { GroupName } from '../src/psi/groups/index.js';
import { decodeMessage, encodeMessage, HEADER_LENGTH, UNKNOWN_COUNT } from '../src/psi/encoding.js';
import type { PsiMessage } from '../src/psi/encoding.js';
import { getGroup } from '../src/psi/groups/index.js';
import { BukejianError } from '../src/errors.js';
import { codeOf } from './helpers/errors.js';

const MODES = ['intersection', 'both', 'cardinality'] as const;
const FORMATS = ['raw', 'gcs', 'bloom'] as const;
type Mode = (typeof MODES)[number];
type Format = (typeof FORMATS)[number];

async function* lazy<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

async function run(
  mine: string[],
  theirs: string[],
  o: {
    group: GroupName;
    mode: Mode;
    format: Format;
    chunkSize: number;
    canonical?: Canonical;
    iterable?: boolean;
  },
) {
  let serverSide: string[] | undefined;
  const s = psi.server(theirs, {
    group: o.group,
    mode: o.mode,
    format: o.format,
    canonical: o.canonical,
    onReveal: (items) => (serverSide = items),
  });
  const c = psi.chunkedClient(o.iterable ? lazy(mine) : mine, {
    group: o.group,
    mode: o.mode,
    chunkSize: o.chunkSize,
    canonical: o.canonical,
  });
  let out = await c.next();
  let maxPending = 0;
  while (out) {
    maxPending = Math.max(maxPending, c.stats.pending);
    out = await c.next(await s.handle(out));
  }
  expect(s.sessions).toBe(0);
  return { ...c.result(), serverSide, maxPending };
}

function naive(mine: string[], theirs: string[], form: Canonical = 'text'): Set<string> {
  const t = new Set(theirs.map((x) => canonicalString(x, form)));
  return new Set(mine.map((x) => canonicalString(x, form)).filter((x) => t.has(x)));
}
const canonSet = (xs: string[] | undefined) => new Set((xs ?? []).map((x) => canonicalString(x)));

const itemArb = fc.oneof(
  fc.constantFrom(
    '张三',
    '李四',
    'ＡＢＣ',
    'ABC',
    ' 王五 ',
    '王五',
    'e\u0301',
    '\u00e9',
    '110101199003071234',
    '１１０１０１１９９００３０７１２３４',
    '',
  ),
  fc.string({ maxLength: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 2 }),
);
const setsArb = (max: number) =>
  fc.oneof(
    fc.tuple(fc.array(itemArb, { maxLength: max }), fc.array(itemArb, { maxLength: max })),
    fc
      .array(itemArb, { maxLength: max })
      .chain((a) =>
        fc
          .tuple(fc.constant(a), fc.shuffledSubarray(a))
          .map(([x, y]) => [y, x] as [string[], string[]]),
      ),
    fc
      .array(itemArb, { maxLength: max })
      .chain((a) => fc.tuple(fc.shuffledSubarray(a), fc.constant(a))),
  );

describe('chunked PSI = naive intersection', () => {
  const cases: [GroupName, number, number][] = [
    ['x25519', 24, 40],
    ['p256', 16, 15],
    ['sm2', 10, 10],
    ['ristretto255', 6, 10],
  ];
  for (const [group, max, runs] of cases) {
    it(`${group}: every mode, set encoding and chunk size 1..7, arrays and async iterables`, async () => {
      await fc.assert(
        fc.asyncProperty(
          setsArb(max),
          fc.constantFrom(...MODES),
          fc.constantFrom(...FORMATS),
          fc.integer({ min: 1, max: 7 }),
          fc.boolean(),
          async ([mine, theirs], mode, format, chunkSize, iterable) => {
            const r = await run(mine, theirs, { group, mode, format, chunkSize, iterable });
            const want = naive(mine, theirs);
            expect(r.cardinality).toBe(want.size);
            expect(r.serverCount).toBe(new Set(theirs.map((x) => canonicalString(x))).size);
            if (mode === 'cardinality') expect(r.intersection).toBeUndefined();
            else {
              expect(canonSet(r.intersection)).toEqual(want);
              expect(r.intersection!.length).toBe(want.size); // duplicates across chunks count once
            }
            if (mode === 'both') expect(canonSet(r.serverSide)).toEqual(want);
            expect(r.maxPending).toBeLessThanOrEqual(chunkSize + 1);
          },
        ),
        { numRuns: runs },
      );
    }, 120_000);
  }

  it('sizes crossing chunk boundaries, duplicates spread over chunks, empty sets', async () => {
    for (const n of [0, 1, 6, 7, 8, 13, 14, 15]) {
      const mine = Array.from({ length: n }, (_, i) => `k${i % 5}`).concat(
        Array.from({ length: n }, (_, i) => `m${i}`),
      );
      const theirs = Array.from({ length: 9 }, (_, i) => (i % 2 ? `k${i}` : `m${i}`));
      for (const mode of MODES) {
        const r = await run(mine, theirs, {
          group: 'x25519',
          mode,
          format: 'gcs',
          chunkSize: 7,
          iterable: n % 2 === 0,
        });
        expect(r.cardinality).toBe(naive(mine, theirs).size);
      }
    }
    const e = await run([], [], { group: 'x25519', mode: 'both', format: 'raw', chunkSize: 3 });
    expect(e).toMatchObject({ cardinality: 0, intersection: [], serverSide: [] });
  });

  it("canonical 'cn-id': a 15-digit legacy ID meets its 18-digit form; invalid ones stay as they are", async () => {
    expect(canonicalString('110105491231002', 'cn-id')).toBe('11010519491231002X');
    expect(canonicalString('１１０１０５ ４９１２３１００２', 'cn-id')).toBe('11010519491231002X');
    expect(canonicalString('11010519491231002x', 'cn-id')).toBe('11010519491231002X');
    expect(canonicalString('110105491331002', 'cn-id')).toBe('110105491331002'); // month 13
    expect(canonicalString('000000491231002', 'cn-id')).toBe('000000491231002'); // no such area
    expect(canonicalString('110105491231002', 'id')).toBe('110105491231002'); // 'id' never rewrites 15 digits
    const r = await run(
      ['110105491231002', '110105491331002', '440301851231123'],
      ['11010519491231002X', '11010519491331002X'],
      {
        group: 'x25519',
        mode: 'intersection',
        format: 'raw',
        chunkSize: 2,
        canonical: 'cn-id',
      },
    );
    expect(r.intersection).toEqual(['110105491231002']);
    const id = await run(['110105491231002'], ['11010519491231002X'], {
      group: 'x25519',
      mode: 'intersection',
      format: 'raw',
      chunkSize: 2,
      canonical: 'id',
    });
    expect(id.cardinality).toBe(0);
    const empty = psi.server([], { canonical: 'cn-id' });
    await empty.prepare();
    expect(empty.size).toBe(0);
  });

  it('worker_threads per chunk and onProgress per chunk', async () => {
    const mine = Array.from({ length: 300 }, (_, i) => `w${i * 3}`);
    const theirs = Array.from({ length: 300 }, (_, i) => `w${i * 2}`);
    const progress: [number, number][] = [];
    const s = psi.server(theirs, { group: 'x25519', workers: 2 });
    const c = psi.chunkedClient(lazy(mine), {
      group: 'x25519',
      workers: 2,
      chunkSize: 100,
      onProgress: (d, t) => progress.push([d, t]),
    });
    let out = await c.next();
    while (out) out = await c.next(await s.handle(out));
    expect(new Set(c.result().intersection)).toEqual(naive(mine, theirs));
    expect(progress.map(([d]) => d)).toEqual([100, 200, 300]);
    expect(progress.every(([, t]) => Number.isNaN(t))).toBe(true); // total unknown for an async iterable
  }, 60_000);

  it('a bad point inside a worker slice is rejected and does not poison the pooled workers', async () => {
    const g = getGroup('x25519');
    const a = g.withKey(g.randomKey());
    const session = crypto.getRandomValues(new Uint8Array(16));
    const base = { group: 'x25519' as const, session };
    const s = psi.server(['i1', 'i5'], { group: 'x25519', workers: 2 });
    await s.handle(encodeMessage({ type: 'hello', ...base, mode: 'intersection', clientCount: 6 }));
    const elements = Uint8Array.from(
      Array.from({ length: 6 }, (_, i) => [...a.hashMultiply(psi.canonicalize(`i${i}`))]).flat(),
    );
    const bad = elements.slice();
    bad.fill(0, 5 * 32, 6 * 32); // the last element (second worker's slice): u = 0
    const chunk = (el: Uint8Array) =>
      encodeMessage({ type: 'chunk', ...base, index: 0, last: true, count: 6, elements: el });
    expect(await codeOf(() => s.handle(chunk(bad)))).toBe('INVALID_POINT');
    expect(decodeMessage(await s.handle(chunk(elements)))).toMatchObject({
      type: 'chunk-reply',
      count: 6,
      last: true,
    });
    // the pool still computes correct results for the next session
    const c = psi.chunkedClient(['i0', 'i1', 'i2', 'i5', 'i7'], {
      group: 'x25519',
      workers: 2,
      chunkSize: 4,
    });
    let out = await c.next();
    while (out) out = await c.next(await s.handle(out));
    expect(c.result().intersection).toEqual(['i1', 'i5']);
  }, 60_000);
});

describe('bounded memory and lazy reading', () => {
  it('the source is not read before the setup reply, and at most one chunk + 1 ahead of the replies', async () => {
    let pulled = 0;
    function* source() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield `v${i}`;
      }
    }
    const s = psi.server(['v3', 'v50', 'v99'], { group: 'x25519' });
    const c = psi.chunkedClient(source(), { group: 'x25519', chunkSize: 8 });
    const hello = await c.next();
    expect(pulled).toBe(0);
    let out = await c.next(await s.handle(hello!));
    expect(pulled).toBe(9); // the first chunk and one item of look-ahead, before any chunk reply
    let answered = 0;
    while (out) {
      expect(pulled - c.stats.done).toBeLessThanOrEqual(9);
      expect(c.stats.pending).toBeLessThanOrEqual(9);
      out = await c.next(await s.handle(out));
      answered++;
    }
    expect(answered).toBe(13); // 100 / 8 → 13 chunks
    expect(c.result().intersection).toEqual(['v3', 'v50', 'v99']);
    expect(c.stats).toMatchObject({ read: 100, pending: 0, done: 100 });
  });

  it('cardinality: per-chunk replies are empty acks, the pulled elements are the whole set', async () => {
    const s = psi.server(['a', 'b'], { group: 'x25519', mode: 'cardinality' });
    const c = psi.chunkedClient(['a', 'b', 'c', 'd', 'e'], {
      group: 'x25519',
      mode: 'cardinality',
      chunkSize: 2,
    });
    let out = await c.next();
    const types: string[] = [];
    while (out) {
      const reply = await s.handle(out);
      const m = decodeMessage(reply);
      types.push(m.type + ('count' in m ? `:${m.count}` : ''));
      out = await c.next(reply);
    }
    expect(types).toEqual([
      'setup',
      'chunk-reply:0',
      'chunk-reply:0',
      'chunk-reply:0',
      'pull-reply:2',
      'pull-reply:2',
      'pull-reply:1',
    ]);
    expect(c.result()).toEqual({ mode: 'cardinality', cardinality: 2, serverCount: 2 });
  });
});

describe('cardinality output carries no order', () => {
  // The test plays the client by hand (it knows a) so it can see where the one match lands among
  // the pulled elements: chunk size 1 would reveal it exactly if the server shuffled per chunk.
  async function matchPosition(): Promise<number> {
    const items = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const g = getGroup('x25519');
    const a = g.withKey(g.randomKey());
    const session = crypto.getRandomValues(new Uint8Array(16));
    const base = { group: 'x25519' as const, session };
    const s = psi.server([items[0]!], { group: 'x25519', mode: 'cardinality', format: 'raw' });
    const setup = decodeMessage(
      await s.handle(
        encodeMessage({ type: 'hello', ...base, mode: 'cardinality', clientCount: 12 }),
      ),
    );
    if (setup.type !== 'setup') throw new Error('expected setup');
    for (let i = 0; i < 12; i++) {
      const ack = decodeMessage(
        await s.handle(
          encodeMessage({
            type: 'chunk',
            ...base,
            index: i,
            last: i === 11,
            count: 1,
            elements: a.hashMultiply(psi.canonicalize(items[i]!)),
          }),
        ),
      );
      expect(ack).toMatchObject({ type: 'chunk-reply', count: 0 });
    }
    const all = decodeMessage(
      await s.handle(encodeMessage({ type: 'pull', ...base, index: 0, max: 100 })),
    );
    if (all.type !== 'pull-reply') throw new Error('expected pull-reply');
    expect(all).toMatchObject({ last: true, count: 12 });
    const hits: number[] = [];
    for (let j = 0; j < 12; j++) {
      const tag = psi
        .tagDigest(a.unblind(all.elements.subarray(j * 32, j * 32 + 32)))
        .subarray(0, setup.tagLength);
      if (tag.every((x, i) => x === setup.set[i])) hits.push(j);
    }
    expect(hits.length).toBe(1);
    return hits[0]!;
  }

  it('the one match lands at a random position of the whole client set', async () => {
    const pos: number[] = [];
    for (let t = 0; t < 6; t++) pos.push(await matchPosition());
    expect(new Set(pos).size).toBeGreaterThan(1); // fails with probability 12^-5
  });
});

/** A hand-driven session: hello + setup done, chunk messages built by the test. */
async function opened(mode: Mode = 'intersection', clientCount = 3) {
  const g = getGroup('x25519');
  const a = g.withKey(g.randomKey());
  const session = crypto.getRandomValues(new Uint8Array(16));
  const base = { group: 'x25519' as const, session };
  const s = psi.server(['x', 'y'], { group: 'x25519', mode, maxSessions: 2 });
  await s.handle(encodeMessage({ type: 'hello', ...base, mode, clientCount }));
  const chunk = (index: number, last: boolean, items: string[]) =>
    encodeMessage({
      type: 'chunk',
      ...base,
      index,
      last,
      count: items.length,
      elements: items.length
        ? Uint8Array.from(items.flatMap((x) => [...a.hashMultiply(psi.canonicalize(x))]))
        : new Uint8Array(0),
    });
  return { s, base, chunk };
}

describe('misuse and hostile messages (server.handle)', () => {
  it('replayed, out-of-order and wrong-phase messages → BAD_STATE; the session survives', async () => {
    const { s, base, chunk } = await opened('intersection', 3);
    expect(await codeOf(() => s.handle(chunk(1, false, ['x'])))).toBe('BAD_STATE'); // out of order
    await s.handle(chunk(0, false, ['x']));
    expect(await codeOf(() => s.handle(chunk(0, false, ['x'])))).toBe('BAD_STATE'); // replayed
    expect(
      await codeOf(() => s.handle(encodeMessage({ type: 'pull', ...base, index: 0, max: 5 }))),
    ).toBe('BAD_STATE'); // not this mode
    expect(
      await codeOf(() =>
        s.handle(
          encodeMessage({
            type: 'reveal',
            ...base,
            tagLength: 16,
            count: 0,
            tags: new Uint8Array(0),
          }),
        ),
      ),
    ).toBe('BAD_STATE');
    expect(await codeOf(() => s.handle(chunk(1, false, ['y', 'z', 'w'])))).toBe('INVALID_ENCODING'); // more than announced
    await s.handle(chunk(1, true, ['y', 'z']));
    expect(s.sessions).toBe(0);
    expect(await codeOf(() => s.handle(chunk(2, true, ['q'])))).toBe('BAD_STATE'); // after the end
    expect(
      await codeOf(() =>
        s.handle(encodeMessage({ type: 'hello', ...base, mode: 'intersection', clientCount: 1 })),
      ),
    ).toBe('BAD_STATE'); // replayed hello
  });

  it('wrong session, group, mode, message type; session bound → RATE_LIMITED', async () => {
    const { s, chunk } = await opened('intersection', UNKNOWN_COUNT);
    const other = { group: 'x25519' as const, session: crypto.getRandomValues(new Uint8Array(16)) };
    expect(
      await codeOf(() => s.handle(encodeMessage({ type: 'pull', ...other, index: 0, max: 1 }))),
    ).toBe('BAD_STATE'); // unknown session
    expect(
      await codeOf(() =>
        s.handle(encodeMessage({ type: 'hello', ...other, mode: 'both', clientCount: 1 })),
      ),
    ).toBe('INVALID_ENCODING');
    expect(
      await codeOf(() =>
        s.handle(
          encodeMessage({
            type: 'hello',
            ...other,
            group: 'p256',
            mode: 'intersection',
            clientCount: 1,
          }),
        ),
      ),
    ).toBe('INVALID_ENCODING');
    expect(await codeOf(() => s.handle(encodeMessage({ type: 'done', ...other })))).toBe(
      'INVALID_ENCODING',
    );
    expect(await codeOf(() => s.handle(chunk(0, false, [])))).toBe('INVALID_ENCODING'); // an empty chunk must be the last
    await s.handle(
      encodeMessage({ type: 'hello', ...other, mode: 'intersection', clientCount: 1 }),
    );
    const third = { group: 'x25519' as const, session: crypto.getRandomValues(new Uint8Array(16)) };
    expect(
      await codeOf(() =>
        s.handle(encodeMessage({ type: 'hello', ...third, mode: 'intersection', clientCount: 1 })),
      ),
    ).toBe('RATE_LIMITED');
    expect(s.sessions).toBe(2);
  });

  it('idle sessions expire', async () => {
    const s = psi.server(['x'], { group: 'x25519', sessionTimeout: 1 });
    const c = psi.chunkedClient(['x'], { group: 'x25519' });
    const first = await s.handle((await c.next())!);
    const m = await c.next(first);
    await new Promise((r) => setTimeout(r, 10));
    expect(await codeOf(() => s.handle(m!))).toBe('BAD_STATE');
    expect(s.sessions).toBe(0);
  });

  it('truncated, trailing, tampered and bad-point messages → INVALID_ENCODING / VERSION / INVALID_POINT', async () => {
    const { s, chunk } = await opened('intersection', 3);
    const m = chunk(0, false, ['x', 'y']);
    for (let n = 0; n < m.length; n += 5)
      expect(await codeOf(() => s.handle(m.subarray(0, n)))).toBe('INVALID_ENCODING');
    expect(await codeOf(() => s.handle(Uint8Array.from([...m, 0])))).toBe('INVALID_ENCODING');
    const v = m.slice();
    v[6] = 2;
    expect(await codeOf(() => s.handle(v))).toBe('VERSION');
    const flag = m.slice();
    flag[HEADER_LENGTH + 4] = 2; // 'last' must be 0 or 1
    expect(await codeOf(() => s.handle(flag))).toBe('INVALID_ENCODING');
    const count = m.slice();
    count[HEADER_LENGTH + 8] = 3; // count disagrees with the bytes
    expect(await codeOf(() => s.handle(count))).toBe('INVALID_ENCODING');
    const point = m.slice();
    point.fill(0, HEADER_LENGTH + 9, HEADER_LENGTH + 9 + 32); // u = 0: small order
    expect(await codeOf(() => s.handle(point))).toBe('INVALID_POINT');
    expect(decodeMessage(await s.handle(m))).toMatchObject({
      type: 'chunk-reply',
      index: 0,
      count: 2,
    }); // still usable
  });

  it('every new message type round-trips and rejects each truncation and a trailing byte', () => {
    const session = crypto.getRandomValues(new Uint8Array(16));
    const g = getGroup('ristretto255');
    const el = g.withKey(g.randomKey()).hashMultiply(new Uint8Array([1]));
    const base = { group: 'ristretto255' as const, session };
    const msgs: PsiMessage[] = [
      { type: 'hello', ...base, mode: 'both', clientCount: 7 },
      {
        type: 'setup',
        ...base,
        mode: 'both',
        format: 'raw',
        serverCount: 2,
        tagLength: 9,
        set: new Uint8Array(18),
      },
      { type: 'chunk', ...base, index: 3, last: true, count: 1, elements: el },
      { type: 'chunk-reply', ...base, index: 3, last: false, count: 1, elements: el },
      { type: 'pull', ...base, index: 2, max: 9 },
      { type: 'pull-reply', ...base, index: 2, last: true, count: 0, elements: new Uint8Array(0) },
      { type: 'done', ...base },
    ];
    for (const m of msgs) {
      const b = encodeMessage(m);
      expect(encodeMessage(decodeMessage(b))).toEqual(b);
      for (let n = 0; n < b.length; n++)
        expect(() => decodeMessage(b.subarray(0, n))).toThrow(
          expect.objectContaining({ code: 'INVALID_ENCODING' }),
        );
      expect(() => decodeMessage(Uint8Array.from([...b, 0]))).toThrow(
        expect.objectContaining({ code: 'INVALID_ENCODING' }),
      );
    }
    const pull = encodeMessage(msgs[4]!).slice();
    pull.fill(0, pull.length - 4); // max 0
    expect(() => decodeMessage(pull)).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    );
    const setup = encodeMessage(msgs[1]!).slice();
    setup[HEADER_LENGTH + 6] = 10; // tag length ≠ set size / count
    expect(() => decodeMessage(setup)).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    );
  });
});

describe('misuse and hostile replies (chunkedClient)', () => {
  async function started(mode: Mode = 'intersection') {
    const s = psi.server(['a', 'b'], { group: 'x25519', mode });
    const c = psi.chunkedClient(['a', 'b', 'c'], { group: 'x25519', mode, chunkSize: 2 });
    const hello = (await c.next())!;
    const setup = await s.handle(hello);
    return { s, c, hello, setup };
  }

  /** `reply` ends the run with `code`; the good reply is refused afterwards (BAD_STATE). */
  async function ends(
    c: ReturnType<typeof psi.chunkedClient>,
    reply: Uint8Array | undefined,
    code: string,
    good: Uint8Array,
  ) {
    expect(await codeOf(() => c.next(reply))).toBe(code);
    expect(c.state).toBe('failed');
    expect(await codeOf(() => c.next(good))).toBe('BAD_STATE');
  }

  it('steps out of order, replayed and reordered replies → BAD_STATE, and the run is over', async () => {
    let r = await started();
    await ends(r.c, undefined, 'BAD_STATE', r.setup); // a reply is required now
    r = await started();
    let chunk0 = (await r.c.next(r.setup))!;
    await ends(r.c, r.setup, 'BAD_STATE', await r.s.handle(chunk0)); // replayed setup
    r = await started();
    chunk0 = (await r.c.next(r.setup))!;
    const r0 = await r.s.handle(chunk0);
    const chunk1 = (await r.c.next(r0))!;
    expect(r.c.state).toBe('chunks');
    await ends(r.c, r0, 'BAD_STATE', await r.s.handle(chunk1)); // replayed chunk reply (index 0, expected 1)
    // the honest run to its end
    const { s, c, setup } = await started();
    let out = await c.next(setup);
    let last = setup;
    while (out) out = await c.next((last = await s.handle(out)));
    expect(c.result().intersection).toEqual(['a', 'b']);
    expect(await codeOf(() => c.next(last))).toBe('BAD_STATE'); // after the end
    expect(c.state).toBe('finished');
    expect(await codeOf(async () => psi.chunkedClient(['a']).result())).toBe('BAD_STATE');
  });

  it('a reply from another session, truncated or tampered replies are rejected and end the run', async () => {
    const other = await started();
    let r = await started();
    await ends(r.c, other.setup, 'INVALID_ENCODING', r.setup);
    for (let n = 0; n < r.setup.length; n += 3) {
      r = await started();
      await ends(r.c, r.setup.subarray(0, n), 'INVALID_ENCODING', r.setup);
    }
    const tampered: [string, (r0: Uint8Array) => Uint8Array][] = [
      ['INVALID_POINT', (r0) => r0.map((x, i) => (i === r0.length - 1 ? x ^ 0x80 : x))], // u ≥ 2^255: not a canonical X25519 u-coordinate
      ['INVALID_ENCODING', (r0) => Uint8Array.from([...r0, 1])],
      ['INVALID_ENCODING', (r0) => r0.map((x, i) => (i === HEADER_LENGTH + 4 ? 1 : x))], // 'last' flag disagrees
    ];
    for (const [code, tamper] of tampered) {
      const { s, c, setup } = await started();
      const r0 = await s.handle((await c.next(setup))!);
      await ends(c, tamper(r0), code, r0);
    }
  });

  it('cardinality: a pull reply that ends early or carries too much is rejected', async () => {
    const atPull = async () => {
      const { s, c, setup } = await started('cardinality');
      let out = await c.next(setup);
      for (let i = 0; i < 2; i++) out = await c.next(await s.handle(out!));
      const good = await s.handle(out!);
      const m = decodeMessage(good);
      if (m.type !== 'pull-reply') throw new Error('expected pull-reply');
      return { s, c, good, m };
    };
    let p = await atPull();
    await ends(p.c, encodeMessage({ ...p.m, last: !p.m.last }), 'INVALID_ENCODING', p.good); // ends early
    p = await atPull();
    const three = Uint8Array.from([...p.m.elements, ...p.m.elements.subarray(0, 32)]);
    await ends(
      p.c,
      encodeMessage({ ...p.m, count: 3, elements: three }),
      'INVALID_ENCODING',
      p.good,
    ); // > chunkSize 2
    p = await atPull();
    let next = await p.c.next(p.good);
    while (next) next = await p.c.next(await p.s.handle(next));
    expect(p.c.result().cardinality).toBe(2);
  });

  it('a failing item source ends the run in state "failed"', async () => {
    async function* broken() {
      yield 'a';
      throw new BukejianError('IO', 'disk gone');
    }
    const s = psi.server(['a'], { group: 'x25519' });
    const c = psi.chunkedClient(broken(), { group: 'x25519', chunkSize: 1 });
    const setup = await s.handle((await c.next())!);
    expect(await codeOf(() => c.next(setup))).toBe('IO');
    expect(c.state).toBe('failed');
    expect(await codeOf(() => c.next(setup))).toBe('BAD_STATE');
    expect(() => psi.chunkedClient(42 as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
    expect(() => psi.chunkedClient([], { chunkSize: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
  });
});
