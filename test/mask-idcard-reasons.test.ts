// validateIdCard's reasons as the README and docs/mask.md state them (issue 20): an 18-character
// number with a wrong check character (a letter other than X included) is a checksum error, not
// a format error. GB 11643 check characters computed by hand for the synthetic 110105 19491231 002.
import { describe, expect, it } from 'vitest';
import { validateIdCard } from '../src/mask/index.js';

describe('validateIdCard reasons', () => {
  it('wrong check character → checksum; wrong shape → format', () => {
    expect(validateIdCard('11010519491231002X').valid).toBe(true);
    expect(validateIdCard('11010519491231002Y')).toEqual({ valid: false, reason: 'checksum' });
    expect(validateIdCard('110105194912310021')).toEqual({ valid: false, reason: 'checksum' });
    expect(validateIdCard('1101051949123100')).toEqual({ valid: false, reason: 'format' });
    expect(validateIdCard('11010519491231002XX')).toEqual({ valid: false, reason: 'format' });
    expect(validateIdCard('1101051949123100YX')).toEqual({ valid: false, reason: 'format' });
  });
});
