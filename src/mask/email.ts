/**
 * E-mail addresses, the practical subset of RFC 5321 §4.1.2 used in forms: an ASCII local part
 * of `A-Z a-z 0-9 . _ % + -` (1–64, no leading/trailing/double dot) and a domain of LDH labels
 * with an alphabetic TLD of 2–24 letters (253 characters at most).
 * @module
 */
import { astring } from '../utils.js';
import { toHalfWidth } from './normalize.js';

export type EmailResult = { valid: true; email: string; local: string; domain: string } | { valid: false; reason: 'format' };

const LOCAL = /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Validates an e-mail address (full-width normalized; the domain is lower-cased).
 * @example validateEmail('zhang.san@example.cn') // { valid: true, local: 'zhang.san', domain: 'example.cn', ... }
 */
export function validateEmail(input: string): EmailResult {
  astring(input, 'input');
  const s = toHalfWidth(input).trim();
  const at = s.lastIndexOf('@');
  if (at < 1 || at > 64 || s.length - at - 1 > 253) return { valid: false, reason: 'format' };
  const local = s.slice(0, at), domain = s.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  if (!LOCAL.test(local) || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return { valid: false, reason: 'format' };
  if (!/^[a-z]{2,24}$/.test(labels[labels.length - 1]!)) return { valid: false, reason: 'format' };
  return { valid: true, email: `${local}@${domain}`, local, domain };
}

/**
 * The e-mail API as one frozen object.
 * @example email.validate('a@b.cn').valid // true
 */
export const email = Object.freeze({ validate: validateEmail });
