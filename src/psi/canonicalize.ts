/**
 * Canonical forms of PSI items, applied by both parties before hashing so that spellings of the
 * same value meet. Byte items (`Uint8Array`) are used as given; strings follow one of:
 *
 * - `'text'` (default): Unicode NFC (UAX #15), full-width ASCII forms U+FF01–U+FF5E folded to
 *   ASCII and U+3000 (ideographic space) to a space, leading/trailing white space removed, inner
 *   runs of white space collapsed to one U+0020. Letter case is kept.
 * - `'id'`: identifiers (居民身份证号 GB 11643, phone and account numbers, USCC): NFKC, then
 *   `bukejian/mask`'s `normalizeId` (half-width, trimmed, upper-cased), then every white space,
 *   `-` and `_` removed — so `'11010119900307123x'`,
 *   `'11010119900307123X'` and `'１１０１０１ 19900307123Ｘ'` are one item. No checksum is
 *   verified here (that is `bukejian/mask`'s job); a wrong number stays a (different) item.
 * - `'cn-id'`: the `'id'` rules, then a valid 15-digit legacy 居民身份证号 (GB 11643: known area
 *   code, real 19YYMMDD birth date) becomes its 18-character form (`bukejian/mask`'s
 *   `idCard15to18`: `19` inserted, check character appended), so `'110105491231002'` and
 *   `'11010519491231002X'` meet. Any other 15-digit string stays as it is. Use it for columns of
 *   resident ID numbers only: under `'id'` a 15-digit business registration number (工商注册号)
 *   is never rewritten, under `'cn-id'` one that happens to look like a valid legacy ID would be.
 * - `'none'`: the UTF-8 bytes of the string exactly.
 * @module
 */
import { BukejianError } from '../errors.js';
import { utf8ToBytes } from '../utils.js';
import { aoneOf, isBytes } from '../_assert.js';
import { normalizeId } from '../mask/normalize.js';
import { validateIdCard } from '../mask/idcard.js';

/** Canonicalization presets (see the module comment). */
export type Canonical = 'text' | 'id' | 'cn-id' | 'none';
/**
 * The accepted preset names.
 * @example
 * CANONICAL_FORMS.includes('id') // true
 */
export const CANONICAL_FORMS: readonly Canonical[] = /* @__PURE__ */ Object.freeze([
  'text',
  'id',
  'cn-id',
  'none',
] as Canonical[]);

const FULLWIDTH = /[\uff01-\uff5e\u3000]/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const DOUBLE_SPACE = /  /;
const fold = (c: string): string =>
  c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0);

const LEGACY = /^\d{15}$/;
const canonicalId = (item: string): string =>
  normalizeId(item.normalize('NFKC')).replace(/[\s\-_]+/gu, '');

/**
 * The canonical string form of `item` (strings only).
 * @example
 * canonicalString('11010119900307123x', 'id') // '11010119900307123X'
 * canonicalString('110105491231002', 'cn-id')   // '11010519491231002X'
 * canonicalString('  张　三  ', 'text')         // '张 三'
 */
export function canonicalString(item: string, form: Canonical = 'text'): string {
  if (typeof item !== 'string')
    throw new BukejianError('INVALID_TYPE', `"item" expected string, got ${typeof item}`);
  switch (form) {
    case 'none':
      return item;
    case 'id':
      return canonicalId(item);
    case 'cn-id': {
      const s = canonicalId(item);
      if (s.length !== 15 || !LEGACY.test(s)) return s;
      const r = validateIdCard(s, { now: null });
      return r.valid && r.legacy ? r.id : s;
    }
    default:
      // printable ASCII is already NFC and has no full-width forms
      if (PRINTABLE_ASCII.test(item))
        return DOUBLE_SPACE.test(item) || item.trim() !== item
          ? item.trim().replace(/ +/g, ' ')
          : item;
      return item.normalize('NFC').replace(FULLWIDTH, fold).trim().replace(/\s+/gu, ' ');
  }
}

/**
 * The canonical bytes of one PSI item: a `Uint8Array` as is, a string per `form`, UTF-8 encoded.
 * @example
 * bytesToHex(canonicalize('11010119900307123x', 'id')) === bytesToHex(canonicalize('11010119900307123X', 'id')) // true
 */
export function canonicalize(item: string | Uint8Array, form: Canonical = 'text'): Uint8Array {
  if (isBytes(item)) return item;
  if (typeof item !== 'string')
    throw new BukejianError(
      'INVALID_TYPE',
      `"item" expected string or Uint8Array, got ${typeof item}`,
    );
  return utf8ToBytes(canonicalString(item, form));
}

/**
 * Validates a `canonical` option (default `'text'`).
 * @example
 * canonicalOption(undefined) // 'text'
 */
export function canonicalOption(v: unknown): Canonical {
  return v === undefined ? 'text' : aoneOf(v, 'canonical', CANONICAL_FORMS);
}
