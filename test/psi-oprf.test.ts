// Labeled OPRF membership queries: RFC 9497 A.1.1 vectors (ristretto255-SHA512, mode 0x00),
// exact labels for matching items, SM4-GCM authentication, rate limits, rotation, misuse.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { psi } from '../src/psi/index.js';
import { evaluate } from '../src/psi/oprf.js';
import { canonicalString } from '../src/psi/canonicalize.js';
import { decodeMessage, encodeMessage } from '../src/psi/encoding.js';
import type { OprfTableMessage } from '../src/psi/encoding.js';
import { sm4 } from '../src/sm4/index.js';
import { bytesToUtf8, randomBytes } from '../src/utils.js';
import { hex, toHex } from './helpers/vectors.js';
import { codeOf } from './helpers/errors.js';

const V = JSON.parse(
  readFileSync(path.join(__dirname, 'vectors', 'oprf-ristretto255-sha512.json'), 'utf8'),
);

describe('RFC 9497 A.1.1 ristretto255-SHA512 OPRF mode', () => {
  it('DeriveKeyPair, BlindEvaluate, Finalize and our direct Evaluate reproduce the vectors', () => {
    const { secretKey } = ristretto255_oprf.oprf.deriveKeyPair(hex(V.Seed), hex(V.KeyInfo));
    expect(toHex(secretKey)).toBe(V.skSm);
    for (const v of V.vectors) {
      expect(toHex(ristretto255_oprf.oprf.blindEvaluate(hex(V.skSm), hex(v.BlindedElement)))).toBe(
        v.EvaluationElement,
      );
      expect(
        toHex(
          ristretto255_oprf.oprf.finalize(hex(v.Input), hex(v.Blind), hex(v.EvaluationElement)),
        ),
      ).toBe(v.Output);
      expect(toHex(evaluate(hex(v.Input), hex(V.skSm)))).toBe(v.Output);
    }
  });

  it('direct Evaluate equals the interactive protocol output for random inputs and keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (input) => {
        const { secretKey } = ristretto255_oprf.oprf.deriveKeyPair(
          randomBytes(32),
          new Uint8Array(0),
        );
        const b = ristretto255_oprf.oprf.blind(input);
        const out = ristretto255_oprf.oprf.finalize(
          input,
          b.blind,
          ristretto255_oprf.oprf.blindEvaluate(secretKey, b.blinded),
        );
        expect(toHex(evaluate(input, secretKey))).toBe(toHex(out));
      }),
      { numRuns: 8 },
    );
  });
});

describe('labeled membership queries', () => {
  const people: [string, string][] = [
    ['110101199003071234', '一级'],
    ['11010519850101002X', '二级'],
    ['440301200001011238', '三级'],
    ['王小明', 'level-4'],
  ];

  it('returns exactly the labels of matching items', async () => {
    const srv = psi.oprf.server({ canonical: 'id' });
    const table = await srv.table(people);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constantFrom(
              ...people.map((p) => p[0]),
              '11010519850101002x',
              '１１０１０１１９９００３０７１２３４',
            ),
            fc.string({ maxLength: 4 }),
          ),
          { maxLength: 6 },
        ),
        async (query) => {
          const c = psi.oprf.client(query, { canonical: 'id' });
          const res = await c.finish(await srv.evaluate(await c.request()), table);
          const want = new Map(people.map(([k, v]) => [canonicalString(k, 'id'), v]));
          expect(res.map((r) => r.item)).toEqual(query);
          for (const r of res) {
            const label = want.get(canonicalString(r.item, 'id'));
            expect(r.member).toBe(label !== undefined);
            if (label !== undefined) expect(bytesToUtf8(r.label!)).toBe(label);
            else expect(r.label).toBeUndefined();
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it('a label sealed under a wrong key fails authentication', async () => {
    const srv = psi.oprf.server();
    const table = decodeMessage(await srv.table(people)) as OprfTableMessage;
    // replace every sealed label by one sealed under a random key (same tags)
    const forged: OprfTableMessage = {
      ...table,
      entries: table.entries.map((e) => ({
        tag: e.tag,
        sealed: sm4.gcm(randomBytes(16), randomBytes(12)).encrypt(new TextEncoder().encode('一级')),
      })),
    };
    const c = psi.oprf.client([people[0]![0]]);
    const resp = await srv.evaluate(await c.request());
    expect(await codeOf(() => c.finish(resp, encodeMessage(forged)))).toBe('AUTH_FAILED');
    // and a flipped bit in a genuine sealed label too
    const c2 = psi.oprf.client([people[1]![0]]);
    const resp2 = await srv.evaluate(await c2.request());
    const flipped: OprfTableMessage = {
      ...table,
      entries: table.entries.map((e) => ({
        tag: e.tag,
        sealed: e.sealed.map((x, i) => (i === 0 ? x ^ 1 : x)),
      })),
    };
    expect(await codeOf(() => c2.finish(resp2, encodeMessage(flipped)))).toBe('AUTH_FAILED');
  });

  it('rate limit per epoch; rotation invalidates old tables', async () => {
    const srv = psi.oprf.server({ maxEvaluations: 3 });
    const t0 = await srv.table(people);
    const c1 = psi.oprf.client(['a', 'b']);
    await srv.evaluate(await c1.request());
    const c2 = psi.oprf.client(['c', 'd']);
    const m2 = await c2.request();
    expect(await codeOf(() => srv.evaluate(m2))).toBe('RATE_LIMITED');
    expect(srv.rotate()).toBe(1);
    expect(await srv.remaining()).toBe(3);
    const c3 = psi.oprf.client([people[0]![0]]);
    const r3 = await srv.evaluate(await c3.request());
    expect(await codeOf(() => c3.finish(r3, t0))).toBe('INVALID_ENCODING'); // epoch 1 response, epoch 0 table
    const c4 = psi.oprf.client([people[0]![0]]);
    const res = await c4.finish(await srv.evaluate(await c4.request()), await srv.table(people));
    expect(res[0]!.member).toBe(true);
  });

  it('out-of-order steps throw BAD_STATE; foreign responses are rejected', async () => {
    const srv = psi.oprf.server();
    const table = await srv.table(people);
    const c = psi.oprf.client(['x']);
    expect(await codeOf(() => c.finish(new Uint8Array(0), table))).toBe('BAD_STATE');
    const m = await c.request();
    expect(await codeOf(() => c.request())).toBe('BAD_STATE');
    const other = psi.oprf.client(['x']);
    const foreign = await srv.evaluate(await other.request());
    expect(await codeOf(() => c.finish(foreign, table))).toBe('INVALID_ENCODING');
    const r = await srv.evaluate(m);
    await c.finish(r, table);
    expect(await codeOf(() => c.finish(r, table))).toBe('BAD_STATE');
  });

  it('the server refuses invalid blinded elements and duplicate table items', async () => {
    const srv = psi.oprf.server();
    const c = psi.oprf.client(['x']);
    const m = (await c.request()).slice();
    m.fill(0, m.length - 32);
    expect(await codeOf(() => srv.evaluate(m))).toBe('INVALID_POINT');
    expect(
      await codeOf(() =>
        srv.table([
          ['a', '1'],
          [' a ', '2'],
        ]),
      ),
    ).toBe('INVALID_DATA');
  });
});
