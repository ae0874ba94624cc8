/**
 * Full-width (全角) to half-width (半角) normalization, applied before every validation and
 * detection in bukejian/mask. Maps U+FF01–U+FF5E to U+0021–U+007E and the ideographic space
 * U+3000 to U+0020 (the Halfwidth and Fullwidth Forms block of Unicode / GB 18030).
 *
 * The mapping is one UTF-16 code unit to one, so offsets in the normalized string are offsets in
 * the original string: detection spans computed on the normalized text index the input directly.
 * @module
 */
import { astring } from '../_assert.js';

const FULLWIDTH = /[\uFF01-\uFF5E\u3000]/;
const FULLWIDTH_G = /[\uFF01-\uFF5E\u3000]/g;

function half(c: string): string {
  const code = c.charCodeAt(0);
  return code === 0x3000 ? ' ' : String.fromCharCode(code - 0xfee0);
}

/**
 * Returns `s` with full-width ASCII letters, digits, punctuation and the ideographic space
 * replaced by their half-width forms. Same length as `s`.
 * @example toHalfWidth('１１０１０５') // '110105'
 */
export function toHalfWidth(s: string): string {
  astring(s, 's');
  return FULLWIDTH.test(s) ? s.replace(FULLWIDTH_G, half) : s;
}

/**
 * The canonical form of an identifier before validation: half-width, surrounding whitespace
 * removed, letters upper-cased (the `x` check character of an ID number becomes `X`).
 * @example normalizeId(' １１０１０５１９４９１２３１００２ｘ ') // '11010519491231002X'
 */
export function normalizeId(s: string): string {
  return toHalfWidth(s).trim().toUpperCase();
}
