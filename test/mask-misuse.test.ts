// One matrix of wrong-type arguments run against every bukejian/mask export that takes input:
// each must throw a BukejianError with a stable code (never a bare TypeError, never a result).
import { describe, expect, it } from 'vitest';
import * as M from '../src/mask/index.js';
import { BukejianError } from '../src/errors.js';
import { idCard15to18, idCardCheckChar } from '../src/mask/idcard.js';
import { luhnValid, luhnCheckDigit } from '../src/mask/bankcard.js';
import { usccCheckChar, orgCodeCheckChar } from '../src/mask/uscc.js';
import { toHalfWidth } from '../src/mask/normalize.js';

/** The code a synchronous call throws with (a non-BukejianError is rethrown). */
const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof BukejianError)) throw e;
    return e.code;
  }
  return undefined;
};

const WRONG: unknown[] = [
  undefined,
  null,
  42,
  1n,
  true,
  {},
  [],
  new Uint8Array(3),
  () => 1,
  Symbol('s'),
];
const key16 = new Uint8Array(16).fill(1);
const plain = (w: unknown) =>
  typeof w === 'object' && w !== null && Object.getPrototypeOf(w) === Object.prototype; // {} is a valid options object
const policy = M.loadPolicy({
  version: 1,
  name: 'p',
  fields: { a: { type: 'text', level: 'general', sharing: 'unconditional', default: 'keep' } },
});

const stringFns: [string, (v: never) => unknown][] = [
  ['validateIdCard', M.validateIdCard],
  ['idCard15to18', idCard15to18],
  ['idCardCheckChar', idCardCheckChar],
  ['luhnValid', luhnValid],
  ['luhnCheckDigit', luhnCheckDigit],
  ['usccCheckChar', usccCheckChar],
  ['orgCodeCheckChar', orgCodeCheckChar],
  ['validatePhone', M.validatePhone],
  ['validateBankCard', M.validateBankCard],
  ['validateUscc', M.validateUscc],
  ['validatePassport', M.validatePassport],
  ['validateEmail', M.validateEmail],
  ['validatePlate', M.validatePlate],
  ['validateName', M.validateName],
  ['splitAddress', M.splitAddress],
  ['toHalfWidth', toHalfWidth],
  ['detect', M.detect],
  ['redact', M.redact],
  ...(Object.keys(M.mask) as (keyof typeof M.mask)[])
    .filter((k) => k !== 'middle')
    .map((k): [string, (v: never) => unknown] => [`mask.${k}`, M.mask[k] as (v: never) => unknown]),
  ['createDetector().push', (v) => M.createDetector().push(v)],
  ['createRedactor().push', (v) => M.createRedactor().push(v)],
  ['ff1Sm4().encrypt', (v) => M.ff1Sm4(key16).encrypt(v)],
  ['idCardFpe().encrypt', (v) => M.idCardFpe(key16).encrypt(v)],
  ['idCardFpe().decrypt', (v) => M.idCardFpe(key16).decrypt(v)],
];

describe('wrong-type matrix', () => {
  for (const [name, fn] of stringFns) {
    it(`${name} rejects non-strings with INVALID_TYPE`, () => {
      for (const w of WRONG) {
        expect(
          code(() => fn(w as never)),
          `${name}(${String(typeof w)})`,
        ).toBe('INVALID_TYPE');
      }
    });
  }
  it('keys, options and records', () => {
    for (const w of WRONG) {
      if (!(w instanceof Uint8Array)) {
        expect(() => M.pseudonymize('x', w as never, { domain: 'd' })).toThrow(
          expect.objectContaining({ code: 'INVALID_TYPE' }),
        );
        expect(() => M.ff1Sm4(w as never)).toThrow(
          expect.objectContaining({ code: 'INVALID_TYPE' }),
        );
        expect(() => M.idCardFpe(w as never)).toThrow(
          expect.objectContaining({ code: 'INVALID_TYPE' }),
        );
      }
      if (typeof w !== 'string' && !(w instanceof Uint8Array))
        expect(() => M.createPseudonymizer(key16, { domain: 'd' })(w as never)).toThrow(
          BukejianError,
        );
      expect(() => M.loadPolicy(w as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG' }),
      );
      if (w !== undefined && !plain(w))
        expect(() => M.validateIdCard('11010519491231002X', w as never)).toThrow(BukejianError);
      if (w !== undefined && w !== null)
        expect(() => M.validateIdCard('11010519491231002X', { now: w as never })).toThrow(
          BukejianError,
        );
      if (!plain(w))
        expect(() => M.applyPolicy(w as never, policy, { purpose: 'x' })).toThrow(
          expect.objectContaining({ code: 'INVALID_TYPE' }),
        );
      expect(() => M.applyPolicy({ a: 'x' }, policy, { purpose: w as never })).toThrow(
        BukejianError,
      );
      if (w !== undefined && typeof w !== 'number')
        expect(() => M.mask.phone('13812345678', { keepStart: w as never })).toThrow(
          expect.objectContaining({ code: 'INVALID_TYPE' }),
        );
      if (w !== undefined && !plain(w))
        expect(() => M.detect('x', w as never)).toThrow(BukejianError);
    }
  });
  it('a value of the wrong type inside a record is INVALID_DATA naming the field', () => {
    const p = M.loadPolicy({
      version: 1,
      name: 'p',
      fields: {
        phone: { type: 'phone', level: 'general', sharing: 'conditional', purposes: { x: 'mask' } },
      },
    });
    for (const w of [{}, [], true, 1n])
      expect(() => M.applyPolicy({ phone: w }, p, { purpose: 'x' })).toThrow(/field "phone"/);
  });
});
