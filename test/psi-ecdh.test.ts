// ECDH-PSI protocol: results equal the naive set intersection for every group, mode and set
// encoding; canonicalization; cardinality order hiding; misuse (replay, out of order, tamper).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { psi } from '../src/psi/index.js';
import { canonicalString } from '../src/psi/canonicalize.js';
import type { Canonical } from '../src/psi/canonicalize.js';
import type { GroupName } from '../src/psi/groups/index.js';
import { decodeMessage, encodeMessage, HEADER_LENGTH } from '../src/psi/encoding.js';
import type { ResponseMessage } from '../src/psi/encoding.js';
import { getGroup } from '../src/psi/groups/index.js';
import { BukejianError } from '../src/errors.js';
import { codeOf } from './helpers/errors.js';

const GROUPS: GroupName[] = ['ristretto255', 'p256', 'x25519', 'sm2'];
const MODES = ['intersection', 'both', 'cardinality'] as const;
const FORMATS = ['raw', 'gcs', 'bloom'] as const;

async function run(
  mine: string[],
  theirs: string[],
  opts: {
    group: GroupName;
    mode: (typeof MODES)[number];
    format: (typeof FORMATS)[number];
    canonical?: Canonical;
  },
) {
  const c = psi.client(mine, { group: opts.group, mode: opts.mode, canonical: opts.canonical });
  const s = psi.server(theirs, {
    group: opts.group,
    mode: opts.mode,
    format: opts.format,
    canonical: opts.canonical,
    fpr: 1e-9,
  });
  const r = await c.finish(await s.respond(await c.request()));
  const serverSide = r.reveal ? await s.finish(r.reveal) : undefined;
  return { ...r, serverSide };
}

/** The naive reference: canonical forms of the client items that occur among the server's. */
function naive(mine: string[], theirs: string[], form: Canonical = 'text'): Set<string> {
  const t = new Set(theirs.map((x) => canonicalString(x, form)));
  return new Set(mine.map((x) => canonicalString(x, form)).filter((x) => t.has(x)));
}
const canonSet = (xs: string[] | undefined, form: Canonical = 'text') =>
  new Set((xs ?? []).map((x) => canonicalString(x, form)));

// Items: small alphabet so sets overlap; unicode, full-width forms, spaces, duplicates.
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
const setsArb = fc.oneof(
  fc.tuple(fc.array(itemArb, { maxLength: 8 }), fc.array(itemArb, { maxLength: 8 })),
  // one set contained in the other
  fc
    .array(itemArb, { maxLength: 8 })
    .chain((a) =>
      fc
        .tuple(fc.constant(a), fc.shuffledSubarray(a))
        .map(([x, y]) => [y, x] as [string[], string[]]),
    ),
);

describe('ECDH-PSI = naive intersection', () => {
  for (const group of GROUPS) {
    it(`${group}: every mode and set encoding`, async () => {
      await fc.assert(
        fc.asyncProperty(
          setsArb,
          fc.constantFrom(...MODES),
          fc.constantFrom(...FORMATS),
          async ([mine, theirs], mode, format) => {
            const r = await run(mine, theirs, { group, mode, format });
            const want = naive(mine, theirs);
            expect(r.cardinality).toBe(want.size);
            if (mode === 'cardinality') expect(r.intersection).toBeUndefined();
            else expect(canonSet(r.intersection)).toEqual(want);
            if (mode === 'both') expect(canonSet(r.serverSide)).toEqual(want);
          },
        ),
        { numRuns: group === 'ristretto255' ? 12 : 20 },
      );
    });
  }

  it('empty sets on either side', async () => {
    for (const [a, b] of [
      [[], ['x']],
      [['x'], []],
      [[], []],
    ] as [string[], string[]][]) {
      for (const format of FORMATS) {
        const r = await run(a, b, { group: 'x25519', mode: 'both', format });
        expect(r.cardinality).toBe(0);
        expect(r.intersection).toEqual([]);
        expect(r.serverSide).toEqual([]);
      }
    }
  });

  it('larger sets, every format, async-iterable inputs, chunked', async () => {
    const mine = Array.from({ length: 300 }, (_, i) => `客户${i * 3}`);
    const theirs = Array.from({ length: 450 }, (_, i) => `客户${i * 2}`);
    async function* gen(xs: string[]) {
      yield* xs;
    }
    for (const format of FORMATS) {
      const c = psi.client(gen(mine), { group: 'x25519', chunkSize: 64 });
      const s = psi.server(gen(theirs), { group: 'x25519', format, chunkSize: 100 });
      const r = await c.finish(await s.respond(await c.request()));
      expect(new Set(r.intersection)).toEqual(naive(mine, theirs));
      expect(r.cardinality).toBe(150);
    }
  });

  it('worker_threads fan-out gives the same result', async () => {
    const mine = Array.from({ length: 300 }, (_, i) => `w${i * 3}`);
    const theirs = Array.from({ length: 300 }, (_, i) => `w${i * 2}`);
    const c = psi.client(mine, { group: 'x25519', workers: 2, chunkSize: 50 });
    const s = psi.server(theirs, { group: 'x25519', workers: 2, chunkSize: 50 });
    const r = await c.finish(await s.respond(await c.request()));
    expect(new Set(r.intersection)).toEqual(naive(mine, theirs));
  }, 60_000);
});

describe('canonicalization', () => {
  it("'11010119900307123x' and 'X' (and full-width, spaced forms) match as identifiers", async () => {
    const r = await run(
      ['11010119900307123x', '１１０１０５１９８５０１０１００２ｘ'],
      ['11010119900307123X', '110105 19850101002X'],
      {
        group: 'ristretto255',
        mode: 'intersection',
        format: 'raw',
        canonical: 'id',
      },
    );
    expect(r.intersection).toEqual(['11010119900307123x', '１１０１０５１９８５０１０１００２ｘ']);
    // under the default 'text' form the case differs, so they do not match
    const t = await run(['11010119900307123x'], ['11010119900307123X'], {
      group: 'x25519',
      mode: 'intersection',
      format: 'raw',
    });
    expect(t.cardinality).toBe(0);
  });

  it('text form: NFC, full-width ASCII, trimming, inner spaces', () => {
    expect(canonicalString('e\u0301')).toBe('\u00e9');
    expect(canonicalString('ＡＢＣ１２３')).toBe('ABC123');
    expect(canonicalString('\u3000张　三  ')).toBe('张 三');
    expect(canonicalString('a\t\n b')).toBe('a b');
    expect(canonicalString(' x ', 'none')).toBe(' x ');
    expect(canonicalString('110101-1990 0307123x', 'id')).toBe('11010119900307123X');
  });
});

describe('cardinality mode', () => {
  // The test plays the client by hand (it knows the key a) so it can see where the one matching
  // value lands: position 0 in intersection mode, a uniformly random position in cardinality mode.
  async function matchPosition(mode: 'intersection' | 'cardinality'): Promise<number> {
    const items = Array.from({ length: 16 }, (_, i) => `p${i}`);
    const g = getGroup('x25519');
    const key = g.randomKey();
    const a = g.withKey(key);
    const elements = new Uint8Array(16 * 32);
    items.forEach((x, i) => elements.set(a.hashMultiply(psi.canonicalize(x)), i * 32));
    const session = crypto.getRandomValues(new Uint8Array(16));
    const req = encodeMessage({
      type: 'request',
      group: 'x25519',
      session,
      mode,
      count: 16,
      elements,
    });
    const s = psi.server([items[0]!], { group: 'x25519', mode, format: 'raw' });
    const res = decodeMessage(await s.respond(req)) as ResponseMessage;
    const t = res.tagLength;
    const hits: number[] = [];
    for (let j = 0; j < 16; j++) {
      const tag = psi
        .tagDigest(a.unblind(res.elements.subarray(j * 32, j * 32 + 32)))
        .subarray(0, t);
      if (tag.every((x, i) => x === res.set[i])) hits.push(j);
    }
    expect(hits.length).toBe(1);
    return hits[0]!;
  }

  it('the returned values carry no item order (server-side shuffle)', async () => {
    const inter: number[] = [];
    const card: number[] = [];
    for (let t = 0; t < 6; t++) {
      inter.push(await matchPosition('intersection'));
      card.push(await matchPosition('cardinality'));
    }
    expect(inter).toEqual([0, 0, 0, 0, 0, 0]);
    expect(card.some((j) => j !== 0)).toBe(true); // fails with probability 16^-6
    expect(new Set(card).size).toBeGreaterThan(1);
  });

  it('the client result holds only the count', async () => {
    const r = await run(['a', 'b', 'c'], ['b', 'c', 'd'], {
      group: 'x25519',
      mode: 'cardinality',
      format: 'gcs',
    });
    expect(r).toEqual({ mode: 'cardinality', cardinality: 2, serverSide: undefined });
  });
});

describe('misuse and hostile messages', () => {
  it('out-of-order steps throw BAD_STATE', async () => {
    const c = psi.client(['a'], { group: 'x25519' });
    const s = psi.server(['a'], { group: 'x25519' });
    expect(await codeOf(() => c.finish(new Uint8Array(10)))).toBe('BAD_STATE');
    const m1 = await c.request();
    expect(await codeOf(() => c.request())).toBe('BAD_STATE');
    expect(await codeOf(() => s.finish(new Uint8Array(10)))).toBe('BAD_STATE'); // not mode 'both'
    const m2 = await s.respond(m1);
    await c.finish(m2);
    expect(c.state).toBe('finished');
    expect(await codeOf(() => c.finish(m2))).toBe('BAD_STATE'); // replayed response
    const b = psi.server(['a'], { group: 'x25519', mode: 'both' });
    const cb = psi.client(['a'], { group: 'x25519', mode: 'both' });
    const rb = await cb.finish(await b.respond(await cb.request()));
    expect(await b.finish(rb.reveal!)).toEqual(['a']);
    expect(await codeOf(() => b.finish(rb.reveal!))).toBe('BAD_STATE'); // replayed reveal
  });

  it('a replayed request is refused; a response from another session is rejected', async () => {
    const s = psi.server(['a', 'b'], { group: 'x25519' });
    const c1 = psi.client(['a'], { group: 'x25519' });
    const c2 = psi.client(['b'], { group: 'x25519' });
    const m1 = await c1.request();
    await c2.request();
    const r1 = await s.respond(m1);
    expect(await codeOf(() => s.respond(m1))).toBe('BAD_STATE');
    expect(await codeOf(() => c2.finish(r1))).toBe('INVALID_ENCODING');
    expect((await c1.finish(r1)).intersection).toEqual(['a']);
  });

  it('group and mode mismatches are rejected', async () => {
    const s = psi.server(['a'], { group: 'p256' });
    expect(
      await codeOf(async () => s.respond(await psi.client(['a'], { group: 'x25519' }).request())),
    ).toBe('INVALID_ENCODING');
    expect(
      await codeOf(async () =>
        s.respond(await psi.client(['a'], { group: 'p256', mode: 'cardinality' }).request()),
      ),
    ).toBe('INVALID_ENCODING');
  });

  it('truncated messages are rejected at every length', async () => {
    const c = psi.client(['a', 'b'], { group: 'x25519' });
    const s = psi.server(['a'], { group: 'x25519' });
    const m1 = await c.request();
    for (let n = 0; n < m1.length; n += 7)
      expect(await codeOf(() => s.respond(m1.subarray(0, n)))).toMatch(/INVALID_ENCODING/);
    const m2 = await s.respond(m1);
    for (let n = 0; n < m2.length; n += 5)
      expect(await codeOf(() => c.finish(m2.subarray(0, n)))).toMatch(/INVALID_ENCODING/);
    expect(c.state).toBe('requested'); // a rejected message leaves the run usable
    expect((await c.finish(m2)).intersection).toEqual(['a']);
  });

  it('a tampered response is rejected or changes nothing into a false match', async () => {
    const mine = ['a', 'b', 'c', 'd'];
    const theirs = ['b', 'x', 'y'];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.nat(7),
        fc.constantFrom(...FORMATS),
        async (pos, bit, format) => {
          const c = psi.client(mine, { group: 'ristretto255' });
          const s = psi.server(theirs, { group: 'ristretto255', format });
          const m2 = (await s.respond(await c.request())).slice();
          const i = HEADER_LENGTH + (pos % (m2.length - HEADER_LENGTH));
          m2[i]! ^= 1 << bit;
          let r;
          try {
            r = await c.finish(m2);
          } catch (e) {
            expect(e).toBeInstanceOf(BukejianError);
            expect(['INVALID_ENCODING', 'INVALID_POINT', 'VERSION']).toContain(
              (e as BukejianError).code,
            );
            return;
          }
          // never a false match: anything found is in the true intersection
          for (const x of r.intersection!) expect(theirs).toContain(x);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('options are validated', () => {
    expect(() => psi.client(['a'], { group: 'p384' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => psi.server(['a'], { fpr: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => psi.client(['a'], { colour: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('bucketing', () => {
  it('per-bucket runs union to the whole intersection', async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const mine = Array.from({ length: 200 }, (_, i) => `id${i * 5}`);
    const theirs = Array.from({ length: 200 }, (_, i) => `id${i * 3}`);
    const A = await psi.partition(mine, { key, buckets: 4 });
    const B = await psi.partition(theirs, { key, buckets: 4 });
    const all = new Set<string>();
    for (let i = 0; i < 4; i++) {
      for (const x of A[i]!) expect(psi.bucketOf(x, { key, buckets: 4 })).toBe(i);
      const r = await run(A[i]!, B[i]!, { group: 'x25519', mode: 'intersection', format: 'gcs' });
      for (const x of r.intersection!) all.add(x);
    }
    expect(all).toEqual(naive(mine, theirs));
  });
});
