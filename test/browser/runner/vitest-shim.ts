import * as chai from 'chai';
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  ChaiStyleAssertions,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';
// vitest's test API for test code bundled into a page (esbuild maps `vitest` to this file, see
// ./bundle.ts): describe, it / test, it.each, beforeAll, and `expect` from @vitest/expect, vitest's
// own assertion library. Tests register while the module evaluates; `run()` executes them in order and
// returns one result per test. `selfCheck()` proves the matchers fail when they should (a runner
// whose assertions cannot fail would pass everything).

type Fn = () => unknown;
interface Case {
  readonly name: string;
  readonly fn: Fn;
}
export interface Result {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

const cases: Case[] = [];
const before: Fn[] = [];
const path: string[] = [];

export function describe(name: string, fn: () => void): void {
  path.push(name);
  try {
    fn();
  } finally {
    path.pop();
  }
}

function format(name: string, args: readonly unknown[]): string {
  let i = 0;
  return name.replace(/%[sdi]/g, () => String(args[i++]));
}

type It = ((name: string, fn: Fn) => void) & {
  each<T>(rows: readonly T[]): (name: string, fn: (...args: any[]) => unknown) => void;
};

export const it: It = Object.assign(
  (name: string, fn: Fn) => {
    cases.push({ name: [...path, name].join(' > '), fn });
  },
  {
    each<T>(rows: readonly T[]) {
      return (name: string, fn: (...args: any[]) => unknown) => {
        for (const row of rows) {
          const args = Array.isArray(row) ? row : [row];
          it(format(name, args), () => fn(...args));
        }
      };
    },
  },
);
export const test = it;

export function beforeAll(fn: Fn): void {
  before.push(fn);
}

// vitest's own assertion library (chai with vitest's matchers and asymmetric matchers), set up the
// way vitest's createExpect does, minus snapshots and test-context bookkeeping.
chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);
type Expect = typeof import('vitest').expect;
const expectImpl = ((value: unknown, message?: string) => {
  const { assertionCalls } = getState(expectImpl as never) as { assertionCalls: number };
  setState({ assertionCalls: assertionCalls + 1 }, expectImpl as never);
  return chai.expect(value, message);
}) as unknown as Expect;
Object.assign(expectImpl, chai.expect);
Object.assign(
  expectImpl,
  (globalThis as Record<symbol, unknown>)[ASYMMETRIC_MATCHERS_OBJECT as unknown as symbol],
);
setState(
  {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
  },
  expectImpl as never,
);
(expectImpl as { extend: unknown }).extend = (m: never) =>
  (chai.expect as unknown as { extend(e: unknown, m: unknown): void }).extend(expectImpl, m);
export const expect = expectImpl;

function thrown(f: () => unknown): boolean {
  try {
    f();
  } catch {
    return true;
  }
  return false;
}

/** Runs every registered test, in order (beforeAll hooks first). */
export async function run(): Promise<Result[]> {
  const out: Result[] = [];
  for (const f of before) await f();
  for (const c of cases) {
    try {
      await c.fn();
      out.push({ name: c.name, ok: true });
    } catch (e) {
      out.push({ name: c.name, ok: false, error: String((e as Error)?.stack ?? e).slice(0, 800) });
    }
  }
  return out;
}

/** Every matcher refuses a false statement (and accepts a true one). */
export function selfCheck(): boolean {
  const fails = (f: () => void) => thrown(f);
  const bad = [
    () => expect(1).toBe(2),
    () => expect([1, 2]).toEqual([1, 3]),
    () => expect(new Uint8Array([1])).toEqual(new Uint8Array([2])),
    () => expect({ a: 1n }).toEqual({ a: 2n }),
    () => expect(1).not.toBe(1),
    () => expect(() => 0).toThrow(),
    () =>
      expect(() => {
        throw new Error('x');
      }).not.toThrow(),
    () => expect('abc').toMatch(/d/),
    () => expect(new Error('x')).toBeInstanceOf(TypeError),
    () => expect(2).toBeLessThan(1),
    () => expect(1).toBeGreaterThan(2),
  ];
  const good = [
    () => expect(1).toBe(1),
    () => expect([1, { a: 2n }]).toEqual([1, { a: 2n }]),
    () => expect(new Uint8Array([1])).toEqual(new Uint8Array([1])),
    () =>
      expect(() => {
        throw new TypeError('boom');
      }).toThrow('boom'),
    () => expect('abc').toMatch(/b/),
  ];
  return bad.every(fails) && !good.some(fails);
}
