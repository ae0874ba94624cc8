// Slow suite (npm run test:slow): the enumeration attack of test/psi-budget.test.ts against the
// OPRF server with its default budget, in full (16,384 pure-JS ristretto255 evaluations: minutes).
// A table of 40 labeled phone numbers out of a 20,000-value domain; the client asks for the whole
// domain in five requests of 4,096: the fifth is RATE_LIMITED and 7 of the 40 stay unknown.
import { describe, expect, it } from 'vitest';
import { psi } from '../../src/psi/index.js';
import { codeOf } from '../helpers/errors.js';

const domain = Array.from({ length: 20_000 }, (_, i) => `138001${String(i).padStart(5, '0')}`);
const held = Array.from({ length: 40 }, (_, k) => domain[k * 500 + 250]!);
const reachable = held.filter((x) => domain.indexOf(x) < 4 * 4096);

describe('OPRF budget against enumeration', () => {
  it(
    'five requests of 4,096 queries with the default budget: the fifth is RATE_LIMITED, 33 of 40 recovered',
    async () => {
      const srv = psi.oprf.server();
      const table = await srv.table(held.map((x, i) => [x, `level-${i % 3}`] as [string, string]));
      const recovered = new Set<string>();
      const codes: (string | undefined)[] = [];
      for (let s = 0; s < 5; s++) {
        const q = psi.oprf.client(domain.slice(s * 4096, (s + 1) * 4096));
        const m = await q.request();
        codes.push(
          await codeOf(async () => {
            for (const r of await q.finish(await srv.evaluate(m), table))
              if (r.member) recovered.add(r.item);
          }),
        );
      }
      expect(codes).toEqual([undefined, undefined, undefined, undefined, 'RATE_LIMITED']);
      expect([...recovered].sort()).toEqual([...reachable].sort());
      expect(recovered.size).toBe(33);
    },
    30 * 60_000,
  );
});
