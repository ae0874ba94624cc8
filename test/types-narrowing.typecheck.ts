// Type test (issue 20), checked by `tsc --noEmit` (npm run typecheck, part of npm test; this file is
// in tsconfig's `include` and is never run): results narrow the way a user reads them. Each
// `@ts-expect-error` line must be an error, and each `expectType` must name the exact type.
import { anonymize } from '../src/anon/index.js';
import { psi } from '../src/psi/index.js';
import { eligibility } from '../src/zk/index.js';
import type { VerifyResult } from '../src/zk/index.js';

type Equal<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

// zk: `ok` discriminates; the nullifier is a bigint when accepted, the reason is known when not
export async function zkVerify(proof: Uint8Array, context: never): Promise<void> {
  const r = await eligibility.verify(proof, context, { allowDevelopmentKey: true });
  if (r.ok) {
    expectType<Equal<typeof r.nullifier, bigint>>();
    const n: bigint = r.nullifier;
    void n;
  } else {
    expectType<Equal<typeof r.reason, 'malformed' | 'invalid' | 'already-claimed'>>();
    // @ts-expect-error a rejected proof has no nullifier
    const n: bigint = r.nullifier;
    void n;
  }
  // @ts-expect-error before narrowing the nullifier may be absent
  const m: bigint = r.nullifier;
  void m;
  const batch = await eligibility.verifyBatch([proof], context, { allowDevelopmentKey: true });
  for (const b of batch) if (b.ok) expectType<Equal<typeof b.nullifier, bigint>>();
  expectType<Equal<(typeof batch)[number], VerifyResult>>();
}

// PSI: the intersection is there in intersection mode (the default) and 'both', not in cardinality
export async function psiModes(response: Uint8Array, ids: string[]): Promise<void> {
  const plain = await psi.client(ids).finish(response);
  expectType<Equal<typeof plain.intersection, string[]>>();
  const both = await psi.client(ids, { group: 'x25519', mode: 'both' }).finish(response);
  const first: string | undefined = both.intersection[0];
  void first;
  const card = await psi.client(ids, { mode: 'cardinality' }).finish(response);
  expectType<Equal<typeof card.cardinality, number>>();
  // @ts-expect-error cardinality mode has no intersection
  card.intersection.length;
  const chunked = psi.chunkedClient(ids, { canonical: 'id' }).result();
  expectType<Equal<typeof chunked.intersection, string[]>>();
  const mode = Math.random() < 2 ? ('intersection' as const) : ('cardinality' as const);
  const either = await psi.client(ids, { mode }).finish(response);
  // @ts-expect-error the mode is only known at run time: check it (or the field) first
  either.intersection.length;
  if (either.mode === 'intersection') expectType<Equal<typeof either.intersection, string[]>>();
}

// anon: a config in a variable, without an annotation, type-checks; the optimal search's report
// has its transformation and lattice (not null), Mondrian's has none
export function anonConfigInAVariable(): void {
  const rows = [{ age: 34, county: '110105' }];
  const config = {
    quasiIdentifiers: {
      age: { type: 'intervals', widths: [5, 10] },
      county: { type: 'adminCode' },
    },
    models: [{ type: 'k-anonymity', k: 5 }],
    suppressedRows: 'remove',
  };
  const { report } = anonymize(rows, config);
  expectType<Equal<typeof report.transformation, Record<string, number>>>();
  const levels: number = report.transformation.age! + report.lattice.checked;
  void levels;
  const m = anonymize(rows, { ...config, algorithm: 'mondrian' }).report;
  expectType<Equal<typeof m.transformation, null>>();
  const direct = anonymize(rows, {
    quasiIdentifiers: { age: { type: 'intervals', widths: [5, 10] } },
    models: [{ type: 'k-anonymity', k: 2 }],
  });
  expectType<Equal<typeof direct.report.algorithm, 'optimal'>>();
  // @ts-expect-error a misspelled key is still an error
  anonymize(rows, { quasiIdentifier: {}, models: [] });
}
