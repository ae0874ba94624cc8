// PBKDF2 (RFC 8018 §5.2) with HMAC-SM3 as the PRF, from bukejian's own hmacSm3 (bukejian exports no
// PBKDF2). The keyed HMAC state is built once and cloned per iteration. Checked against OpenSSL's
// PBKDF2-HMAC-SM3 (node:crypto pbkdf2Sync(…, 'sm3')) in test/citizen-web-pbkdf2.test.ts.
import { hmacSm3 } from 'bukejian/sm3';

export function pbkdf2HmacSm3(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError('iterations');
  if (!Number.isSafeInteger(length) || length < 1 || length > 1024) throw new RangeError('length');
  const prf = hmacSm3.create(password);
  const out = new Uint8Array(Math.ceil(length / 32) * 32);
  const block = new Uint8Array(salt.length + 4);
  block.set(salt);
  for (let i = 1; i * 32 <= out.length; i++) {
    new DataView(block.buffer).setUint32(salt.length, i);
    let u = prf.clone().update(block).digest();
    const t = u.slice();
    for (let j = 1; j < iterations; j++) {
      u = prf.clone().update(u).digest();
      for (let k = 0; k < 32; k++) t[k]! ^= u[k]!;
    }
    out.set(t, (i - 1) * 32);
  }
  prf.destroy();
  return out.slice(0, length);
}
