/**
 * Standard base64 (RFC 4648 §4, padded) without Node's Buffer, for the browser-safe modules.
 * @module
 */

/**
 * Base64 of bytes.
 * @example b64encode(new Uint8Array([1, 2])) // 'AQI='
 */
export function b64encode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return btoa(s);
}

/**
 * Bytes of a padded base64 string, or null when it has other characters or a length that is not
 * a multiple of 4 (the callers turn null into their own error or `false`).
 * @example b64decode('AQI=') // Uint8Array [1, 2]
 */
export function b64decode(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4) return null;
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
