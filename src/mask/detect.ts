/**
 * Detection of personal identifiers in free text (Chinese and mixed), and redaction.
 *
 * One left-to-right scan with a single combined regular expression on the full-width-normalized
 * text; every candidate is then confirmed by its validator (ID check character and birth date,
 * Luhn for bank cards, GB 32100 check for USCCs, allocated mobile prefixes) or by a keyword
 * before it (names, addresses, passports, 15-digit legacy IDs, which have no check character).
 * A run of digits is only a candidate as a whole (a 20-digit order number never yields a
 * "bank card" inside it), and numbers right after order/waybill keywords are not bank cards or
 * phones.
 *
 * Separators and invisible characters: the scan runs on the text with format characters (Unicode
 * Cf: soft hyphen U+00AD, zero-width space/joiners U+200B–U+200D, word joiner U+2060, BOM U+FEFF,
 * bidi marks, …) removed, spaces (U+00A0, U+3000, the other Zs) read as a space and the dashes
 * U+2010–U+2013, U+2212 as `-`; ID numbers are also found in 6-8-4 groups and phones in 3-4-4,
 * 3-8 and 7-4 groups, separated by a space, `-` or `.`, and after `+86`, `0086` or `86`. Spans
 * still index the original text (an invisible character inside an identifier is inside its span).
 *
 * Streaming: every decision depends on at most {@link DETECT_WINDOW} characters after the
 * position being decided and {@link DETECT_CONTEXT} before it (counted without format characters),
 * so {@link createDetector} makes the same decisions as {@link detect} on the whole text wherever
 * the chunks are split: a decision is taken only once that much text after it has arrived.
 * @module
 */
import { aoptions, astring } from '../_assert.js';
import { BukejianError } from '../errors.js';
import { toHalfWidth } from './normalize.js';
import { validateIdCard } from './idcard.js';
import { validatePhone } from './phone.js';
import { validateBankCard, luhnValid } from './bankcard.js';
import { validateUscc } from './uscc.js';
import { validatePassport } from './passport.js';
import { validateEmail } from './email.js';
import { validatePlate, PLATE_SOURCE, PLATE_PROVINCES } from './plate.js';
import { validateName, COMPOUND_SURNAMES, SINGLE_SURNAMES } from './name.js';
import { splitAddress } from './address.js';
import { provinceCodes, regionName } from './regions.js';
import { mask } from './display.js';

/** Identifier types found by {@link detect}. */
export type PiiType =
  'idCard' | 'phone' | 'bankCard' | 'uscc' | 'email' | 'plate' | 'passport' | 'name' | 'address';

/** Every type {@link detect} can report. @example PII_TYPES.includes('phone') // true */
export const PII_TYPES: readonly PiiType[] = /* @__PURE__ */ Object.freeze([
  'idCard',
  'phone',
  'bankCard',
  'uscc',
  'email',
  'plate',
  'passport',
  'name',
  'address',
]);

/** A detected identifier: `text.slice(start, end)` of the input, and its normalized value. */
export interface Span {
  type: PiiType;
  start: number;
  end: number;
  /** The characters as they appear in the input. */
  text: string;
  /** The normalized value (half-width, separators removed, 15-digit IDs converted to 18). */
  value: string;
  /**
   * Set when the identifier is recognizable but fails its check: `'checksum'` for an 18-character
   * ID number with a real area code and birth date but a wrong check character (a mistyped ID).
   * It still identifies a person, so {@link redact} masks it (fully, as its display mask refuses it).
   */
  invalid?: 'checksum';
}

/** Longest stretch of text after a position that can influence the decision there. @example DETECT_WINDOW // 512 */
export const DETECT_WINDOW = 512;
/** Longest stretch of text before a position that can influence the decision there. @example DETECT_CONTEXT // 24 */
export const DETECT_CONTEXT = 24;

const NAME_KEYS =
  '姓名|联系人|收件人|收货人|患者|申请人|户主|法定代表人|法人代表|经办人|持卡人|被保险人|投保人|监护人|乘车人|乘客|借款人|当事人';
const ADDR_KEYS =
  '家庭住址|通讯地址|收货地址|联系地址|户籍地址|现住址|居住地址|住址|地址|住所|户籍地|居住地';
const DOC_KEYS = '护照|通行证|回乡证|台胞证|旅行证';
const DOC_KEYS_EN = 'Passport|passport|PASSPORT';
const NOT_ACCOUNT = /订单|单号|流水|编号|交易号|快递|运单|工单|批次/;
const ID_CONTEXT = /身份证|证件|公民身份|身份号/;
const CARD_CONTEXT = /卡号|银行卡|账号|帐号|信用卡|借记卡|储蓄卡/;
const USCC_CONTEXT = /统一社会信用|信用代码|税号|纳税人识别/;

let RE: { ascii: RegExp; han: RegExp; start: RegExp } | undefined;

/**
 * The candidate expressions, tried sticky at a start character: `ascii` for matches that start
 * with an ASCII character (slots 1–5), `han` for matches that start with a Chinese keyword,
 * province name or plate prefix (slots 5–9).
 */
function regex(): { ascii: RegExp; han: RegExp; start: RegExp } {
  if (RE) return RE;
  const compound = COMPOUND_SURNAMES.join('|');
  const stop = '(?!电话|手机|身份|性别|年龄|住址|地址|联系|先生|女士|证件|籍贯|民族|出生)';
  // An address runs over Chinese, ASCII alphanumerics and # ( ) - until punctuation, or until the
  // next field's keyword when the text has no punctuation.
  const addrChar = '[\\u4e00-\\u9fa5A-Za-z0-9#()（）-]';
  const addrStop = '(?!电话|手机|联系|邮箱|身份证|姓名|性别|Tel|TEL|电子邮件)';
  // Words after a name keyword that start with a surname character but are not names.
  // (Function words that are also rare surnames, 和 及 等…, only count as such after a colon.)
  const notName =
    '(?!关系|单位|应当|应该|管理|签字|签名|信息|名单|资料|须知|本人|情况)(?!(?<![:：]|[:：] )[和及等或的])';
  const provinces = provinceCodes()
    .map((c) => regionName(c)!)
    .filter((n) => n.length > 2)
    .join('|');
  const B = '(?<![0-9A-Za-z])';
  const A = '(?![0-9A-Za-z@])';
  // A separator between digit groups: one or two spaces, or `-` / `.` with optional spaces around.
  const S = '(?: ?[.-] ?| {1,2})';
  const CC = `(?:(?:\\+|00)86${S}?|86${S})`; // country code
  const doc = (keys: string) =>
    `(?:${keys})(?:号码|号|No\\.?)?[:： ]{0,2}([A-Za-z]{0,2}\\d{7,10})(?![0-9A-Za-z])`;
  // Every ASCII alternative refuses to start right after an ASCII letter or digit, so a failed
  // attempt at the start of an alphanumeric run lets the scan skip the whole run.
  const ascii = [
    // 1 e-mail
    `(?<![A-Za-z0-9._%+-])([A-Za-z0-9_%+-][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,4}\\.[A-Za-z]{2,24})(?![A-Za-z0-9-])`,
    // 2 phone with country code or separators (3-4-4, 3-8, 7-4)
    `(?<![0-9A-Za-z+])(${CC}?1[3-9]\\d(?:${S}\\d{4}${S}?\\d{4}|\\d{4}${S}\\d{4})|${CC}1[3-9]\\d{9})${A}`,
    // 3 bank card in groups of four
    `${B}(\\d{4}(?:[ -]\\d{4}){3}(?:[ -]?\\d{1,3})?)${A}`,
    // 10 ID number in 6-8-4 (or 6-12, 14-4) groups; before 4, which would take the 14 digits as a run
    `${B}(\\d{6}${S}\\d{8}${S}?\\d{3}[\\dXx]|\\d{14}${S}\\d{3}[\\dXx])${A}`,
    // 4 a whole alphanumeric run of 11–19 (phone, IDs, USCC, bank card)
    `${B}([0-9A-Za-z]{11,19})${A}`,
    // 5 passport / permit after an English keyword
    `${B}${doc(DOC_KEYS_EN)}`,
  ];
  const han = [
    // 5 passport / permit after a keyword
    doc(DOC_KEYS),
    // 6 name after a keyword
    `(?:${NAME_KEYS})[:： ]{0,2}(${notName}(?:${compound}|[${SINGLE_SURNAMES}])(?:${stop}[\\u4e00-\\u9fa5]){1,2}(?:·[\\u4e00-\\u9fa5]{1,10})?)`,
    // 7 address after a keyword
    `(?:${ADDR_KEYS})[:： ]{0,2}((?:${addrStop}${addrChar}){4,60})`,
    // 8 address starting with a full province name
    `((?:${provinces})(?:${addrStop}${addrChar}){2,58})`,
    // 9 licence plate
    `(?<![A-Za-z0-9])(${PLATE_SOURCE})(?![A-Za-z0-9])`,
  ];
  // Every match starts with one of these characters: ASCII alphanumerics and `+ _ % -` (numbers,
  // e-mail, +86), or the first character of a keyword, a full province name or a plate prefix.
  const firsts = new Set<string>();
  for (const list of [NAME_KEYS, ADDR_KEYS, DOC_KEYS, provinces])
    for (const w of list.split('|')) firsts.add(w[0]!);
  for (const ch of PLATE_PROVINCES) firsts.add(ch);
  const hanFirst = [...firsts].join('');
  return (RE = {
    ascii: new RegExp(ascii.join('|'), 'y'),
    han: new RegExp(han.join('|'), 'y'),
    start: new RegExp(`[0-9A-Za-z+_%\\-${hanFirst}]`, 'g'),
  });
}

const ALNUM_RUN = /[0-9A-Za-z]+/y;
/** Capture group → slot number (the comments in {@link regex}). */
const ASCII_SLOTS = [0, 1, 2, 3, 10, 4, 5];
const HAN_SLOTS = [0, 5, 6, 7, 8, 9];

/** Unicode format characters (Cf), ignored when matching. */
const FORMAT = /\p{Cf}/u;
const FORMAT_G = /\p{Cf}/gu;
/** Other spaces (Zs; U+3000 is mapped by toHalfWidth) and dashes, read as ' ' and '-' (one code unit each). */
const SPACE_DASH = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u2010-\u2013\u2212]/;
const SPACE_DASH_G = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u2010-\u2013\u2212]/g;
const spaceOrDash = (c: string): string =>
  (c >= '\u2010' && c <= '\u2013') || c === '\u2212' ? '-' : ' ';

/**
 * The text a scan works on: `orig`, the input from absolute offset `base`, and `norm`, its
 * normalized form without format characters. `at[k]`/`cum[k]`: before `norm[at[k]]`, `cum[k]`
 * code units of `orig` were removed in all (so `norm[i]` is `orig[i + cum[k]]` for the last
 * `at[k] <= i`). Empty arrays (no format characters) make the two index each other directly.
 */
interface Text {
  orig: string;
  norm: string;
  base: number;
  at: number[];
  cum: number[];
  /** A trailing high surrogate held back until the next chunk (it may start an astral Cf character). */
  held: string;
}

const newText = (): Text => ({ orig: '', norm: '', base: 0, at: [], cum: [], held: '' });

function feed(t: Text, chunk: string, final: boolean): void {
  let c = t.held + chunk;
  t.held = '';
  const last = c.charCodeAt(c.length - 1);
  if (!final && last >= 0xd800 && last <= 0xdbff) {
    t.held = c.slice(-1);
    c = c.slice(0, -1);
  }
  t.orig += c;
  let h = toHalfWidth(c);
  if (SPACE_DASH.test(h)) h = h.replace(SPACE_DASH_G, spaceOrDash);
  if (!FORMAT.test(h)) {
    t.norm += h;
    return;
  }
  let removed = t.cum.length ? t.cum[t.cum.length - 1]! : 0;
  let out = '',
    from = 0;
  for (const m of h.matchAll(FORMAT_G)) {
    out += h.slice(from, m.index);
    from = m.index + m[0].length;
    removed += m[0].length;
    const at = t.norm.length + out.length;
    if (t.at.length && t.at[t.at.length - 1] === at) t.cum[t.cum.length - 1] = removed;
    else {
      t.at.push(at);
      t.cum.push(removed);
    }
  }
  t.norm += out + h.slice(from);
}

/** Index in `t.orig` of `t.norm[i]` (for `i` = norm length: of the next one, after any format characters). */
function origAt(t: Text, i: number): number {
  const at = t.at;
  if (!at.length || at[0]! > i) return i;
  let lo = 0,
    hi = at.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return i + t.cum[lo]!;
}

/**
 * Drops the first `n` (≤ norm length) normalized characters and everything of `orig` before the
 * next one (so also format characters with no normalized character left before them: a stream of
 * nothing but format characters is not buffered).
 */
function cut(t: Text, n: number): void {
  if (n === 0 && !(t.at.length && t.at[0] === 0)) return;
  const o = origAt(t, n);
  const r = o - n;
  t.norm = t.norm.slice(n);
  t.orig = t.orig.slice(o);
  t.base += o;
  if (t.at.length) {
    let k = 0;
    while (k < t.at.length && t.at[k]! <= n) k++;
    t.at = t.at.slice(k).map((a) => a - n);
    t.cum = t.cum.slice(k).map((c) => c - r);
  }
}

type Classified = { type: PiiType; value: string; invalid?: 'checksum' } | null;

function classifyRun(run: string, norm: string, start: number): Classified {
  const digits = /^\d+$/.test(run);
  const before = norm.slice(Math.max(0, start - DETECT_CONTEXT), start);
  const len = run.length;
  if (len === 18) {
    const id = validateIdCard(run);
    if (id.valid) return { type: 'idCard', value: id.id };
    // Area and birth date of an ID with a wrong check character: a mistyped ID, not a card
    // (unless a card keyword precedes it). Still personal data: reported, flagged, redacted.
    // (A letter other than X in the check position is not taken for a mistyped ID: too unlike one.)
    if (id.reason === 'checksum' && /[\dX]$/.test(run) && !CARD_CONTEXT.test(before.slice(-6)))
      return { type: 'idCard', value: run, invalid: 'checksum' };
    const u = validateUscc(run);
    // An all-digit USCC is only taken as one after a USCC keyword (1 in 31 digit runs pass the check).
    if (u.valid && (/[A-Z]/.test(run) || USCC_CONTEXT.test(before)))
      return { type: 'uscc', value: u.code };
  }
  if (!digits) return null;
  if (len === 15 && ID_CONTEXT.test(before.slice(-10))) {
    const id = validateIdCard(run);
    if (id.valid) return { type: 'idCard', value: id.id };
  }
  if (NOT_ACCOUNT.test(before.slice(-8))) return null;
  if (
    len === 11 ||
    (len === 13 && run.startsWith('86')) ||
    (len === 15 && run.startsWith('0086'))
  ) {
    const p = validatePhone(run.slice(len - 11));
    return p.valid ? { type: 'phone', value: p.number } : null;
  }
  // A bare run is a card when Luhn-valid and it starts like the common networks (3 Amex/JCB, 4 Visa,
  // 5 Mastercard, 6 UnionPay), or, any first digit (UnionPay 81, Mastercard 2), after a card keyword.
  if (
    len >= 16 &&
    ((run.charCodeAt(0) >= 51 && run.charCodeAt(0) <= 54) || CARD_CONTEXT.test(before.slice(-6))) &&
    luhnValid(run)
  )
    return { type: 'bankCard', value: run };
  return null;
}

function classify(
  m: RegExpExecArray,
  norm: string,
  han: boolean,
): (NonNullable<Classified> & { group: string }) | null {
  let gi = 1;
  while (m[gi] === undefined) gi++;
  const g = m[gi]!;
  const slot = han ? HAN_SLOTS[gi]! : ASCII_SLOTS[gi]!;
  let c: Classified = null;
  if (slot === 10) {
    // An 18-character ID number in groups: the same checks as a whole run (a wrong check character
    // with a real area and birth date is a mistyped ID, unless a card keyword precedes it).
    const run = g.replace(/[ .-]/g, '').toUpperCase();
    const id = validateIdCard(run);
    c = id.valid
      ? { type: 'idCard', value: id.id }
      : id.reason === 'checksum' &&
          /[\dX]$/.test(run) &&
          !CARD_CONTEXT.test(norm.slice(Math.max(0, m.index - 6), m.index))
        ? { type: 'idCard', value: run, invalid: 'checksum' }
        : null;
  } else if (slot === 1) {
    const r = validateEmail(g);
    c = r.valid ? { type: 'email', value: r.email } : null;
  } else if (slot === 2) {
    const r = validatePhone(g.replace(/[ .-]/g, ''));
    c = r.valid ? { type: 'phone', value: r.number } : null;
  } else if (slot === 3) {
    const r = validateBankCard(g);
    c =
      r.valid && !NOT_ACCOUNT.test(norm.slice(Math.max(0, m.index - 8), m.index))
        ? { type: 'bankCard', value: r.number }
        : null;
  } else if (slot === 4) {
    c = classifyRun(g.toUpperCase(), norm, m.index);
  } else if (slot === 5) {
    const r = validatePassport(g);
    c = r.valid
      ? { type: 'passport', value: r.number }
      : /^\d{8}$/.test(g) && /台胞证/.test(m[0])
        ? { type: 'passport', value: g }
        : null;
  } else if (slot === 6) {
    const r = validateName(g);
    c = r.valid ? { type: 'name', value: r.name } : null;
  } else if (slot === 7 || slot === 8) {
    const r = splitAddress(g);
    c =
      r.province && (r.city || r.district) && (slot === 7 || r.district)
        ? { type: 'address', value: g }
        : null;
  } else {
    const r = validatePlate(g);
    c = r.valid ? { type: 'plate', value: r.plate } : null;
  }
  return c ? { ...c, group: g } : null;
}

/**
 * The scan core shared by whole-text and streaming detection. Scans `norm` from `pos`; when
 * `final` is false it stops before any decision that more text could change. Returns the next
 * position to scan from.
 */
function scan(t: Text, pos: number, final: boolean, out: Span[]): number {
  const { ascii, han, start } = regex();
  const { norm, orig, base } = t;
  const len = norm.length;
  for (;;) {
    // Jump to the next character that can start a match (nothing else can, whatever follows),
    // then try the sticky expression there: the same leftmost match a global search would find.
    start.lastIndex = pos;
    const s = start.exec(norm);
    if (!s) return len;
    const at = s.index;
    if (!final && at + DETECT_WINDOW > len) return at;
    const code = norm.charCodeAt(at);
    const isHan = code > 127;
    const re = isHan ? han : ascii;
    re.lastIndex = at;
    const m = re.exec(norm);
    const c = m ? classify(m, norm, isHan) : null;
    if (!m || !c) {
      pos = at + 1;
      // No ASCII alternative starts inside an alphanumeric run: skip to its end.
      if (!isHan && ((code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122))) {
        ALNUM_RUN.lastIndex = at;
        ALNUM_RUN.test(norm);
        pos = ALNUM_RUN.lastIndex;
      }
      continue;
    }
    const end = at + m[0].length;
    // Keyword alternatives capture the identifier at the end of the match.
    const from = end - c.group.length;
    const so = origAt(t, from),
      eo = origAt(t, end - 1) + 1;
    const span: Span = {
      type: c.type,
      start: base + so,
      end: base + eo,
      text: orig.slice(so, eo),
      value: c.value,
    };
    if (c.invalid) span.invalid = c.invalid;
    out.push(span);
    pos = end;
  }
}

/** Options of {@link detect}. */
export interface DetectOptions {
  /** Only report these types (default: all). */
  types?: readonly PiiType[];
}

function typeFilter(opts: DetectOptions | undefined): ((s: Span) => boolean) | null {
  const o = aoptions(opts, 'opts', ['types']);
  if (o.types === undefined) return null;
  if (!Array.isArray(o.types) || o.types.some((t) => !PII_TYPES.includes(t))) {
    throw new BukejianError(
      'INVALID_OPTION',
      `"types" expected an array of ${PII_TYPES.join('|')}, got other`,
    );
  }
  const set = new Set(o.types);
  return (s) => set.has(s.type);
}

/**
 * Finds identifiers in `text`. Spans are in order, never overlap, and index the input string.
 * @example detect('联系人：张三，手机 138 1234 5678') // [{ type: 'name', ... }, { type: 'phone', value: '13812345678', ... }]
 */
export function detect(text: string, opts?: DetectOptions): Span[] {
  astring(text, 'text');
  const keep = typeFilter(opts);
  const out: Span[] = [];
  const t = newText();
  feed(t, text, true);
  scan(t, 0, true, out);
  return keep ? out.filter(keep) : out;
}

/** A streaming detector: push chunks, get the spans decided so far (absolute offsets). */
export interface Detector {
  /**
   * Adds the next chunk and returns the spans decided so far that were not returned before (a span
   * is held back while the text after it, up to 512 characters, could still change it).
   * Throws BAD_STATE after `end`.
   */
  push(chunk: string): Span[];
  /** Ends the text and returns the remaining spans. Throws BAD_STATE when called twice. */
  end(): Span[];
}

/**
 * A detector for text arriving in chunks (a chunk may end anywhere, even inside an identifier).
 * The concatenation of everything `push` and `end` return equals `detect(whole text)`.
 * @example
 * const d = createDetector();
 * const spans = [...d.push('手机 13812'), ...d.push('345678'), ...d.end()];
 */
export function createDetector(opts?: DetectOptions): Detector {
  const keep = typeFilter(opts);
  const t = newText();
  let pos = 0,
    done = false;
  const step = (final: boolean): Span[] => {
    const out: Span[] = [];
    pos = scan(t, pos, final, out);
    const n = Math.max(0, pos - DETECT_CONTEXT);
    cut(t, n);
    pos -= n;
    return keep ? out.filter(keep) : out;
  };
  return {
    push(chunk: string): Span[] {
      astring(chunk, 'chunk');
      if (done)
        throw new BukejianError('BAD_STATE', '"detector" expected open stream, got push after end');
      feed(t, chunk, false);
      return step(false);
    },
    end(): Span[] {
      if (done)
        throw new BukejianError('BAD_STATE', '"detector" expected open stream, got end twice');
      done = true;
      feed(t, '', true);
      return step(true);
    },
  };
}

/** How {@link redact} replaces a span. */
export interface RedactOptions extends DetectOptions {
  /** `mask` (default): the display mask of the type; `label`: `[手机号]`-style labels; or a function. */
  mode?: 'mask' | 'label' | ((span: Span) => string);
}

/** The labels of `mode: 'label'`. @example PII_LABELS.phone // '[手机号]' */
export const PII_LABELS: Readonly<Record<PiiType, string>> = /* @__PURE__ */ Object.freeze({
  idCard: '[身份证号]',
  phone: '[手机号]',
  bankCard: '[银行卡号]',
  uscc: '[统一社会信用代码]',
  email: '[邮箱]',
  plate: '[车牌号]',
  passport: '[证件号]',
  name: '[姓名]',
  address: '[地址]',
});

function replacer(opts: RedactOptions | undefined): (s: Span) => string {
  const mode = opts?.mode ?? 'mask';
  if (typeof mode === 'function') return mode;
  if (mode === 'label') return (s) => PII_LABELS[s.type];
  if (mode !== 'mask')
    throw new BukejianError('INVALID_OPTION', '"mode" expected mask|label|function, got other');
  return maskSpan;
}

/**
 * The display mask of a detected span (what `redact` puts in its place by default): format
 * characters dropped, ID numbers and phones without their group separators, and a value its mask
 * refuses (a mistyped ID) replaced by mask characters only.
 * @example maskSpan(detect('手机 138.1234.5678')[0]) // '138****5678'
 */
export function maskSpan(s: Span): string {
  let text = s.text.replace(FORMAT_G, '');
  if (s.type === 'idCard' || s.type === 'phone')
    text = toHalfWidth(text).replace(/[\s.\-\u2010-\u2013\u2212]/g, '');
  return mask[s.type](text, { onInvalid: 'redact' });
}

function splitOpts(opts: RedactOptions | undefined): DetectOptions | undefined {
  const o = aoptions(opts, 'opts', ['types', 'mode']);
  return o.types === undefined ? undefined : { types: o.types };
}

function apply(
  orig: string,
  base: number,
  from: number,
  to: number,
  spans: Span[],
  rep: (s: Span) => string,
): string {
  let out = '';
  let at = from;
  for (const s of spans) {
    out += orig.slice(at - base, s.start - base) + rep(s);
    at = s.end;
  }
  return out + orig.slice(at - base, to - base);
}

/**
 * Replaces every detected identifier: by its display mask (default) or a label.
 * @example redact('电话13812345678') // '电话138****5678'
 */
export function redact(text: string, opts?: RedactOptions): string {
  const rep = replacer(opts);
  const spans = detect(text, splitOpts(opts));
  return apply(text, 0, 0, text.length, spans, rep);
}

/** A streaming redactor: push chunks, get redacted text as soon as it is decided. */
export interface Redactor {
  /**
   * Adds the next chunk and returns the redacted text decided so far that was not returned before
   * (possibly empty: text that may still belong to an identifier is held back). Throws BAD_STATE
   * after `end`.
   */
  push(chunk: string): string;
  /**
   * Ends the text and returns the rest of the redacted text. Throws BAD_STATE when called twice.
   */
  end(): string;
}

/**
 * Streaming {@link redact}: the concatenation of the outputs equals `redact(whole text)`.
 * @example const r = createRedactor(); const out = r.push('电话1381234') + r.push('5678') + r.end();
 */
export function createRedactor(opts?: RedactOptions): Redactor {
  const rep = replacer(opts);
  const keep = typeFilter(splitOpts(opts));
  const t = newText();
  let pos = 0,
    emitted = 0,
    done = false;
  const step = (final: boolean): string => {
    let spans: Span[] = [];
    pos = scan(t, pos, final, spans);
    if (keep) spans = spans.filter(keep);
    // Everything before `pos` is decided: no later span starts before it (nor before the format
    // characters in front of it, which no span starts with).
    const upTo = t.base + (pos < t.norm.length ? origAt(t, pos) : t.orig.length);
    const out = apply(t.orig, t.base, emitted, upTo, spans, rep);
    emitted = upTo;
    const n = Math.max(0, pos - DETECT_CONTEXT);
    cut(t, n);
    pos -= n;
    return out;
  };
  return {
    push(chunk: string): string {
      astring(chunk, 'chunk');
      if (done)
        throw new BukejianError('BAD_STATE', '"redactor" expected open stream, got push after end');
      feed(t, chunk, false);
      return step(false);
    },
    end(): string {
      if (done)
        throw new BukejianError('BAD_STATE', '"redactor" expected open stream, got end twice');
      done = true;
      feed(t, '', true);
      return step(true);
    },
  };
}
