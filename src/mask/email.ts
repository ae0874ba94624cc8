/**
 * E-mail addresses, the practical subset of RFC 5321 §4.1.2 used in forms: an ASCII local part
 * of `A-Z a-z 0-9 . _ % + -` (1–64, no leading/trailing/double dot) and a domain of LDH labels
 * with an alphabetic TLD of 2–24 letters (253 characters at most).
 * @module
 */
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { toHalfWidth } from './normalize.js';

/**
 * What {@link validateEmail} returns: the address (`email`, domain lower-cased) split into its
 * `local` part (at most 64 characters) and `domain` (at most 253), or `format` when it is not an
 * address.
 */
export type EmailResult =
  | { valid: true; email: string; local: string; domain: string }
  | { valid: false; reason: 'format' };

const EMAIL =
  /^([A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})$/;

/**
 * Validates an e-mail address (full-width normalized; the domain is lower-cased).
 * @example validateEmail('zhang.san@example.cn') // { valid: true, local: 'zhang.san', domain: 'example.cn', ... }
 */
export function validateEmail(input: string): EmailResult {
  astring(input, 'input');
  const s = toHalfWidth(input).trim();
  const m = EMAIL.exec(s);
  if (!m || m[1]!.length > 64 || m[2]!.length > 253) return { valid: false, reason: 'format' };
  const local = m[1]!,
    domain = m[2]!.toLowerCase();
  return { valid: true, email: `${local}@${domain}`, local, domain };
}

/**
 * A random synthetic address at a reserved example domain (RFC 2606) for tests.
 * @example validateEmail(generateEmail()).valid // true
 */
export function generateEmail(random: (n: number) => Uint8Array = randomBytes): string {
  const b = random(9);
  let local = '';
  for (let i = 0; i < 8; i++) local += 'abcdefghijklmnopqrstuvwxyz0123456789'[b[i]! % 36];
  return `u${local}@${['example.cn', 'example.com', 'example.org'][b[8]! % 3]}`;
}
