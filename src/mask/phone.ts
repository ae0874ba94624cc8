/**
 * Mainland China mobile numbers (11 digits, 1xx prefixes of the MIIT numbering plan as allocated
 * in 2024, including 19x and the virtual-operator 162/165/167/170/171 ranges), with or without a
 * `+86` / `0086` / `86` country prefix and with optional `-` or space separators (3-4-4).
 * @module
 */
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { toHalfWidth } from './normalize.js';

/** Operator of an allocated prefix. */
export type PhoneOperator = 'mobile' | 'unicom' | 'telecom' | 'broadnet' | 'virtual';

// 3-digit prefixes → operator (MIIT allocations; 140–144 are 13-digit IoT numbers, not mobile).
const OPERATORS: Record<string, PhoneOperator> = /* @__PURE__ */ (() => {
  const table: Record<string, PhoneOperator> = {};
  const assign = (op: PhoneOperator, list: string) => {
    for (const p of list.split(' ')) table[p] = op;
  };
  assign(
    'mobile',
    '134 135 136 137 138 139 147 148 150 151 152 157 158 159 172 178 182 183 184 187 188 195 197 198',
  );
  assign('unicom', '130 131 132 145 146 155 156 166 175 176 185 186 196');
  assign('telecom', '133 149 153 173 174 177 180 181 189 190 191 193 199');
  assign('broadnet', '192');
  assign('virtual', '162 165 167 170 171');
  return table;
})();

/** Every allocated mobile prefix (3 digits). @example PHONE_PREFIXES.includes('199') // true */
export const PHONE_PREFIXES: readonly string[] = /* @__PURE__ */ Object.freeze(
  Object.keys(OPERATORS).sort(),
);

/**
 * What {@link validatePhone} returns: the 11 digits and the operator of their prefix, or why the
 * input is not a mobile number (`format`: not 11 digits with an optional `+86`/`0086` and
 * separators; `prefix`: a 3-digit prefix that is not allocated to mobile use).
 */
export type PhoneResult =
  | { valid: true; /** the 11 digits */ number: string; operator: PhoneOperator }
  | { valid: false; reason: 'format' | 'prefix' };

/**
 * Validates a mainland mobile number (full-width normalized; `+86`, separators accepted).
 * @example validatePhone('+86 138-1234-5678') // { valid: true, number: '13812345678', operator: 'mobile' }
 */
export function validatePhone(input: string): PhoneResult {
  astring(input, 'input');
  let s = toHalfWidth(input).trim();
  const m = /^(?:(?:\+|00)?86[ -]?)?(1\d{2})[ -]?(\d{4})[ -]?(\d{4})$/.exec(s);
  if (!m) return { valid: false, reason: 'format' };
  s = m[1]! + m[2]! + m[3]!;
  const operator = OPERATORS[m[1]!];
  return operator ? { valid: true, number: s, operator } : { valid: false, reason: 'prefix' };
}

/**
 * A random synthetic mobile number with an allocated prefix (for tests).
 * @example validatePhone(generatePhone()).valid // true
 */
export function generatePhone(random: (n: number) => Uint8Array = randomBytes): string {
  const b = random(10);
  let s = PHONE_PREFIXES[((b[0]! << 8) | b[1]!) % PHONE_PREFIXES.length]!;
  for (let i = 2; i < 10; i++) s += String(b[i]! % 10); // 8 digits from bytes 2–9 (the last one used to reuse byte 0)
  return s;
}
