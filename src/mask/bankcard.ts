/**
 * Bank card numbers (ISO/IEC 7812 PAN as issued in China: 16–19 digits, Luhn check digit),
 * with optional space or `-` separators. The network is read from the IIN prefix.
 * @module
 */
import { BukejianError } from '../errors.js';
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { toHalfWidth } from './normalize.js';

/**
 * Card network guessed from the number's leading digits (IIN ranges): `unionpay` 62/81, `visa` 4,
 * `mastercard` 51–55 and 2221–2720, `amex` 34/37, `jcb` 3528–3589, anything else `other`.
 */
export type CardNetwork = 'unionpay' | 'visa' | 'mastercard' | 'amex' | 'jcb' | 'other';

/**
 * What {@link validateBankCard} returns: the digits without separators and the network, or why the
 * input is not a card number (`format`: not 16–19 digits; `checksum`: the Luhn check fails).
 */
export type BankCardResult =
  | { valid: true; number: string; network: CardNetwork }
  | { valid: false; reason: 'format' | 'checksum' };

/**
 * True when `digits` is a non-empty string of ASCII digits that passes the Luhn (mod 10) check
 * (anything else, the empty string included, is false).
 * @example luhnValid('6222021234567890127')
 */
export function luhnValid(digits: string): boolean {
  astring(digits, 'digits');
  if (digits.length === 0) return false;
  let sum = 0;
  for (let i = digits.length - 1, dbl = false; i >= 0; i--, dbl = !dbl) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The Luhn check digit that completes `body` (one or more digits; anything else throws INVALID_DATA).
 * @example luhnCheckDigit('7992739871') // '3'
 */
export function luhnCheckDigit(body: string): string {
  astring(body, 'body');
  let sum = 0;
  // The check digit will be the rightmost, undoubled: the body's last digit is doubled.
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = body.charCodeAt(i) - 48;
    if (d < 0 || d > 9)
      throw new BukejianError('INVALID_DATA', '"body" expected digits, got other');
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  if (body.length === 0)
    throw new BukejianError('INVALID_DATA', '"body" expected digits, got empty');
  return String((10 - (sum % 10)) % 10);
}

function network(n: string): CardNetwork {
  if (n.startsWith('62') || n.startsWith('81')) return 'unionpay';
  if (n[0] === '4') return 'visa';
  const two = +n.slice(0, 2),
    four = +n.slice(0, 4);
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  if (four >= 3528 && four <= 3589) return 'jcb';
  return 'other';
}

/**
 * Validates a bank card number: 16–19 digits (separators `space`/`-` allowed) and Luhn.
 * @example validateBankCard('6222 0212 3456 7890 127')
 */
export function validateBankCard(input: string): BankCardResult {
  astring(input, 'input');
  const s = toHalfWidth(input).trim().replace(/[ -]/g, '');
  if (!/^\d{16,19}$/.test(s)) return { valid: false, reason: 'format' };
  if (!luhnValid(s)) return { valid: false, reason: 'checksum' };
  return { valid: true, number: s, network: network(s) };
}

/**
 * A random synthetic UnionPay-style card (prefix 62, Luhn-valid) of the given length (for tests).
 * @example validateBankCard(generateBankCard(19)).valid // true
 */
export function generateBankCard(
  length = 19,
  random: (n: number) => Uint8Array = randomBytes,
): string {
  const b = random(length);
  let s = '62';
  for (let i = 2; i < length - 1; i++) s += String(b[i]! % 10);
  return s + luhnCheckDigit(s);
}
