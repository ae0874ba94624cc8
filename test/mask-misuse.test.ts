// One matrix of wrong-type arguments run against every bukejian/mask export that takes input:
// each must throw a BukejianError with a stable code (never a bare TypeError, never a result).
import { describe, expect, it } from 'vitest';
import * as M from '../src/mask/index.js';
import { BukejianError } from '../src/errors.js';

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
  ['idCard15to18', M.idCard15to18],
  ['idCardCheckChar', M.idCardCheckChar],
  ['luhnValid', M.luhnValid],
  ['luhnCheckDigit', M.luhnCheckDigit],
  ['usccCheckChar', M.usccCheckChar],
  ['orgCodeCheckChar', M.orgCodeCheckChar],
  ['validatePhone', M.validatePhone],
  ['validateBankCard', M.validateBankCard],
  ['validateUscc', M.validateUscc],
  ['validatePassport', M.validatePassport],
  ['validateEmail', M.validateEmail],
  ['validatePlate', M.validatePlate],
  ['validateName', M.validateName],
  ['splitAddress', M.splitAddress],
  ['toHalfWidth', M.toHalfWidth],
  ['detect', M.detect],
  ['redact', M.redact],
  ...(Object.keys(M.mask) as (keyof typeof M.mask)[])
    .filter((k) => k !== 'middle')
    .map((k): [string, (v: never) => unknown] => [`mask.${k}`, M.mask[k] as (v: never) => unknown]),
  ['createDetector().push', (v) => M.createDetector().push(v)],
  ['createRedactor().push', (v) => M.createRedactor().push(v)],
  ['fpe.ff1().encrypt', (v) => M.fpe.ff1(key16).encrypt(v)],
  ['fpe.idCard().encrypt', (v) => M.fpe.idCard(key16).encrypt(v)],
  ['fpe.idCard().decrypt', (v) => M.fpe.idCard(key16).decrypt(v)],
];

describe('wrong-type matrix', () => {
  for (const [name, fn] of stringFns) {
    it(`${name} rejects non-strings with BukejianError`, () => {
      for (const w of WRONG) {
        expect(() => fn(w as never), `${name}(${String(typeof w)})`).toThrow(BukejianError);
      }
    });
  }
  it('keys, options and records', () => {
    for (const w of WRONG) {
      if (!(w instanceof Uint8Array)) {
        expect(() => M.pseudonymize('x', w as never, { domain: 'd' })).toThrow(BukejianError);
        expect(() => M.fpe.ff1(w as never)).toThrow(BukejianError);
        expect(() => M.fpe.idCard(w as never)).toThrow(BukejianError);
      }
      if (typeof w !== 'string' && !(w instanceof Uint8Array))
        expect(() => M.createPseudonymizer(key16, { domain: 'd' })(w as never)).toThrow(
          BukejianError,
        );
      expect(() => M.loadPolicy(w as never)).toThrow(BukejianError);
      if (w !== undefined && !plain(w))
        expect(() => M.validateIdCard('11010519491231002X', w as never)).toThrow(BukejianError);
      if (w !== undefined && w !== null)
        expect(() => M.validateIdCard('11010519491231002X', { now: w as never })).toThrow(
          BukejianError,
        );
      if (!plain(w))
        expect(() => M.applyPolicy(w as never, policy, { purpose: 'x' })).toThrow(BukejianError);
      expect(() => M.applyPolicy({ a: 'x' }, policy, { purpose: w as never })).toThrow(
        BukejianError,
      );
      if (w !== undefined && typeof w !== 'number')
        expect(() => M.mask.phone('13812345678', { keepStart: w as never })).toThrow(BukejianError);
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
