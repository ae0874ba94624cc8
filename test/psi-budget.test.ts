// The per-period evaluation budget of the PSI servers (src/psi/_budget.ts) and key rotation per
// period. The attack: a server holds 40 phone numbers out of a 20,000-value domain; a client
// asks for the whole domain in five sessions of 4,096 queries. With the default budget
// (2^14 evaluations per period, all sessions together) the fifth session is refused with
// RATE_LIMITED and the client cannot recover all 40 items.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { psi } from '../src/psi/index.js';
import type { EvaluationBudget } from '../src/psi/index.js';
import { decodeMessage, encodeMessage } from '../src/psi/encoding.js';
import type { PsiMessage, SetupMessage } from '../src/psi/encoding.js';
import { getGroup } from '../src/psi/groups/index.js';
import { codeOf } from './helpers/errors.js';

const { maxEvaluations: DEFAULT_MAX_EVALUATIONS, setupTimeout: DEFAULT_SETUP_TIMEOUT } =
  psi.SERVER_DEFAULTS;
const { memoryBudget } = psi;

afterEach(() => {
  vi.useRealTimers();
});

const G = 'x25519' as const;
// 20,000 eleven-digit phone numbers of one prefix: a low-entropy domain
const domain = Array.from({ length: 20_000 }, (_, i) => `138001${String(i).padStart(5, '0')}`);
// the server's 40 items, spread over the whole domain
const held = Array.from({ length: 40 }, (_, k) => domain[k * 500 + 250]!);
// five sessions of (at most) 4,096 queries cover the domain
const sessionsOf = Array.from({ length: 5 }, (_, s) => domain.slice(s * 4096, (s + 1) * 4096));
// what the first four sessions (the default budget: 16,384 queries) can find
const reachable = held.filter((x) => domain.indexOf(x) < 4 * 4096);

describe('the enumeration attack against the default budget', () => {
  it('the defaults are 2^14 evaluations per period and a 30 s setup timeout', () => {
    expect(DEFAULT_MAX_EVALUATIONS).toBe(16_384);
    expect(DEFAULT_SETUP_TIMEOUT).toBe(30_000);
    expect(reachable.length).toBe(33); // k·500 + 250 < 16,384 ⇔ k ≤ 32
  });

  it('one-shot: five sessions of 4,096 queries → the fifth is RATE_LIMITED, 33 of 40 items recovered', async () => {
    const server = psi.server(held, { group: G });
    const recovered = new Set<string>();
    const codes: (string | undefined)[] = [];
    for (const queries of sessionsOf) {
      const c = psi.client(queries, { group: G });
      const m1 = await c.request();
      codes.push(
        await codeOf(async () => {
          for (const x of (await c.finish(await server.respond(m1))).intersection!)
            recovered.add(x);
        }),
      );
    }
    expect(codes).toEqual([undefined, undefined, undefined, undefined, 'RATE_LIMITED']);
    expect([...recovered].sort()).toEqual([...reachable].sort());
    expect(recovered.size).toBeLessThan(40);
  }, 300_000);

  it('chunked: five sessions of 4,096 queries (chunks of 1,024) → the fifth is RATE_LIMITED, 33 of 40 recovered', async () => {
    const server = psi.server(held, { group: G });
    const recovered = new Set<string>();
    const codes: (string | undefined)[] = [];
    for (const queries of sessionsOf) {
      const c = psi.chunkedClient(queries, { group: G, chunkSize: 1024 });
      codes.push(
        await codeOf(async () => {
          let out = await c.next();
          while (out) out = await c.next(await server.handle(out));
          for (const x of c.result().intersection!) recovered.add(x);
        }),
      );
    }
    expect(codes).toEqual([undefined, undefined, undefined, undefined, 'RATE_LIMITED']);
    expect([...recovered].sort()).toEqual([...reachable].sort());
    expect(server.sessions).toBe(0); // the refused session was ended
  }, 300_000);

  it('OPRF: the default budget is the same 2^14 per epoch; a request beyond it is refused before any evaluation', async () => {
    const srv = psi.oprf.server();
    expect(await srv.remaining()).toBe(DEFAULT_MAX_EVALUATIONS);
    // 4,097 copies of one valid blinded element after 12,288 counted → RATE_LIMITED
    const spent = psi.oprf.server({
      budget: { limit: DEFAULT_MAX_EVALUATIONS, take: () => false, used: () => 12_288 },
    });
    const one = decodeMessage(await psi.oprf.client(['13800100000']).request());
    const big = encodeMessage({
      ...one,
      count: 4097,
      elements: new Uint8Array(4097 * 32).map(
        (_, i) => (one as { elements: Uint8Array }).elements[i % 32]!,
      ),
    } as PsiMessage);
    expect(await codeOf(() => spent.evaluate(big))).toBe('RATE_LIMITED');
    expect(await spent.remaining()).toBe(4096);
  });
});

describe('one budget across sessions, protocols and server instances', () => {
  const run = async (
    s: ReturnType<typeof psi.server>,
    xs: string[],
    chunked: boolean,
    chunkSize = 4096,
  ) => {
    if (!chunked) {
      const c = psi.client(xs, { group: G });
      return (await c.finish(await s.respond(await c.request()))).intersection!;
    }
    const c = psi.chunkedClient(xs, { group: G, chunkSize });
    let out = await c.next();
    while (out) out = await c.next(await s.handle(out));
    return c.result().intersection!;
  };

  it('one-shot and chunked sessions draw on the same maxEvaluations', async () => {
    const s = psi.server(['a', 'b', 'c'], { group: G, maxEvaluations: 10 });
    expect(await run(s, ['a', 'x', 'y', 'z', 'w', 'v'], false)).toEqual(['a']); // 6
    expect(await codeOf(() => run(s, ['b', 'q', 'r', 's', 't'], true))).toBe('RATE_LIMITED'); // 6 + 5 > 10
    expect(await run(s, ['b', 'q'], true)).toEqual(['b']); // 8 (the refused chunk counted nothing)
    expect(await run(s, ['c', 'p'], false)).toEqual(['c']); // 10
    expect(await codeOf(() => run(s, ['c'], false))).toBe('RATE_LIMITED');
    expect(await codeOf(() => run(s, ['c'], true))).toBe('RATE_LIMITED');
  });

  it('a pluggable store is shared by two server instances and sees the key periods', async () => {
    const inner = memoryBudget(5);
    const calls: [number, number][] = [];
    const shared: EvaluationBudget = {
      limit: 5,
      take: async (period, n) => (calls.push([period, n]), inner.take(period, n)),
      used: async (period) => inner.used(period),
    };
    const t = 3 * 60_000 + 5;
    const one = psi.server(['a'], { group: G, budget: shared, period: 60_000, now: () => t });
    const two = psi.server(['a'], { group: G, budget: shared, period: 60_000, now: () => t });
    expect(await run(one, ['a', 'b', 'c'], false)).toEqual(['a']); // 3
    // chunks of 2: the first fits (5), the second does not
    expect(await codeOf(() => run(two, ['a', 'b', 'c'], true, 2))).toBe('RATE_LIMITED');
    expect(await codeOf(() => run(one, ['a'], false))).toBe('RATE_LIMITED'); // spent by instance two
    expect(calls).toEqual([
      [3, 3],
      [3, 2],
      [3, 1],
      [3, 1],
    ]);
  });

  it('options: budget and maxEvaluations are exclusive, Infinity means no limit, bad values are refused', async () => {
    expect(
      await codeOf(() => psi.server(['a'], { budget: memoryBudget(3), maxEvaluations: 3 })),
    ).toBe('INVALID_OPTION');
    expect(
      await codeOf(() => psi.oprf.server({ budget: memoryBudget(3), maxEvaluations: 3 })),
    ).toBe('INVALID_OPTION');
    expect(await codeOf(() => psi.server(['a'], { budget: {} as EvaluationBudget }))).toBe(
      'INVALID_OPTION',
    );
    expect(await codeOf(() => psi.server(['a'], { maxEvaluations: -1 }))).toBe('INVALID_RANGE');
    expect(await codeOf(() => psi.server(['a'], { period: 0 }))).toBe('INVALID_RANGE');
    expect(await codeOf(() => psi.server(['a'], { now: 5 as never }))).toBe('INVALID_OPTION');
    expect(await codeOf(() => psi.oprf.server({ period: 1000, epoch: 3 }))).toBe('INVALID_OPTION');
    const s = psi.server(['a'], { group: G, maxEvaluations: Infinity });
    expect(await run(s, Array.from({ length: 20 }, (_, i) => `z${i}`).concat('a'), false)).toEqual([
      'a',
    ]);
  });

  it('memoryBudget grants a take exactly when it fits in the newest period; older periods are exhausted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 20 })), {
          maxLength: 40,
        }),
        (limit, ops) => {
          const b = memoryBudget(limit);
          let newest = -1;
          let used = 0;
          for (const [period, n] of ops) {
            if (period > newest) [newest, used] = [period, 0];
            const fits = period === newest && used + n <= limit;
            expect(b.take(period, n)).toBe(fits);
            if (fits) used += n;
            expect(b.used(newest)).toBe(used);
            expect(used).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

describe('key rotation per period (injectable clock)', () => {
  const a = getGroup(G).withKey(getGroup(G).randomKey());
  const hand = (s: ReturnType<typeof psi.server>) => {
    const base = { group: G, session: crypto.getRandomValues(new Uint8Array(16)) };
    const send = async (m: PsiMessage) => decodeMessage(await s.handle(encodeMessage(m)));
    return {
      hello: () =>
        send({
          type: 'hello',
          ...base,
          mode: 'intersection',
          clientCount: 1,
        }) as Promise<SetupMessage>,
      chunk: (x: string) =>
        send({
          type: 'chunk',
          ...base,
          index: 0,
          last: true,
          count: 1,
          elements: a.hashMultiply(psi.canonicalize(x)),
        }),
    };
  };
  const tagsOf = (m: SetupMessage) =>
    new Set(
      Array.from({ length: m.serverCount }, (_, i) =>
        Buffer.from(m.set.subarray(i * m.tagLength, (i + 1) * m.tagLength)).toString('hex'),
      ),
    );

  it('a new period renews the budget and the key: answers of two periods cannot be joined', async () => {
    let t = 5_000;
    const s = psi.server(['a', 'b'], {
      group: G,
      format: 'raw',
      maxEvaluations: 1,
      period: 1000,
      now: () => t,
    });
    const c0 = hand(s);
    const set0 = await c0.hello();
    const r0 = (await c0.chunk('a')) as { elements: Uint8Array };
    const tag0 = Buffer.from(
      psi.tagDigest(a.unblind(r0.elements)).subarray(0, set0.tagLength),
    ).toString('hex');
    expect(tagsOf(set0).has(tag0)).toBe(true); // a member under this period's key
    const c1 = hand(s);
    await c1.hello();
    expect(await codeOf(() => c1.chunk('b'))).toBe('RATE_LIMITED'); // budget of 1 spent
    t = 6_000; // next period
    const c2 = hand(s);
    const set1 = await c2.hello();
    expect(set1.tagLength).toBe(set0.tagLength);
    const both = [...tagsOf(set1)].filter((x) => tagsOf(set0).has(x));
    expect(both).toEqual([]); // a new key: no tag in common with the last period's set
    expect(tagsOf(set1).has(tag0)).toBe(false); // last period's answer is useless now
    const r1 = (await c2.chunk('a')) as { elements: Uint8Array }; // fresh budget
    expect(
      tagsOf(set1).has(
        Buffer.from(psi.tagDigest(a.unblind(r1.elements)).subarray(0, set1.tagLength)).toString(
          'hex',
        ),
      ),
    ).toBe(true);
  });

  it('a chunked session that spans a period boundary fails cleanly (BAD_STATE) and is dropped', async () => {
    let t = 900;
    const s = psi.server(['a'], { group: G, period: 1000, now: () => t });
    const c = hand(s);
    await c.hello();
    expect(s.sessions).toBe(1);
    t = 1000;
    expect(await codeOf(() => c.chunk('a'))).toBe('BAD_STATE');
    expect(s.sessions).toBe(0);
    const d = psi.chunkedClient(['a', 'z'], { group: G });
    let out = await d.next();
    while (out) out = await d.next(await s.handle(out));
    expect(d.result().intersection).toEqual(['a']);
  });

  it("one-shot mode 'both': a reveal after the period ended is refused (BAD_STATE)", async () => {
    let t = 1999;
    const s = psi.server(['a', 'b'], { group: G, mode: 'both', period: 1000, now: () => t });
    const c = psi.client(['a', 'x'], { group: G, mode: 'both' });
    const r = await c.finish(await s.respond(await c.request()));
    t = 2000;
    expect(await codeOf(() => s.finish(r.reveal!))).toBe('BAD_STATE');
  });

  it('OPRF with period: the epoch and key follow the clock, the budget renews, old tables stop matching, rotate() is refused', async () => {
    let t = 10_500;
    const srv = psi.oprf.server({ period: 1000, now: () => t, maxEvaluations: 2 });
    expect(srv.epoch).toBe(10);
    const t10 = await srv.table([['13800100000', '一级']]);
    const q = psi.oprf.client(['13800100000', '13800100001']);
    const r10 = await srv.evaluate(await q.request());
    expect((await q.finish(r10, t10)).map((r) => r.member)).toEqual([true, false]);
    const q2 = psi.oprf.client(['13800100002']);
    expect(await codeOf(async () => srv.evaluate(await q2.request()))).toBe('RATE_LIMITED');
    t = 11_000;
    expect(srv.epoch).toBe(11);
    expect(await srv.remaining()).toBe(2);
    // last period's table relabelled with the new epoch: the new key finds nothing in it
    const relabelled = encodeMessage({ ...decodeMessage(t10), epoch: 11 } as PsiMessage);
    const q3 = psi.oprf.client(['13800100000']);
    expect((await q3.finish(await srv.evaluate(await q3.request()), relabelled))[0]!.member).toBe(
      false,
    );
    const q4 = psi.oprf.client(['13800100000']);
    expect(
      (
        await q4.finish(
          await srv.evaluate(await q4.request()),
          await srv.table([['13800100000', '一级']]),
        )
      )[0]!.member,
    ).toBe(true);
    expect(await codeOf(() => srv.rotate())).toBe('BAD_STATE');
  });
});
