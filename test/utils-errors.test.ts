import { describe, expect, it } from 'vitest';
import { isBukejianError } from '../src/errors.js';
import { abytes, astring } from '../src/_assert.js';

// Security review item 9: an error message never echoes a value from the data, including a
// constructor name an object parsed from JSON can carry.
describe('input assertions name the type, never a value', () => {
  const marker = '110105194912310029';
  const hostile = JSON.parse(`{"constructor":{"name":"${marker}"}}`);

  it.each([
    ['abytes', () => abytes(hostile, 'key')],
    ['astring', () => astring(hostile, 'value')],
  ])('%s with a JSON object carrying a constructor name', (_, call) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(isBukejianError(err, 'INVALID_TYPE')).toBe(true);
    expect((err as Error).message).not.toContain(marker);
    expect((err as Error).message).toContain('got object');
  });

  it('typed arrays and built-ins still say what they are', () => {
    expect(() => abytes(new Uint16Array(2), 'key')).toThrow(/got Uint16Array/);
    expect(() => abytes(new Map(), 'key')).toThrow(/got Map/);
    expect(() => abytes(null, 'key')).toThrow(/got null/);
    expect(() => abytes([1], 'key')).toThrow(/got Array/);
    expect(() => abytes(7, 'key')).toThrow(/got number/);
  });
});
