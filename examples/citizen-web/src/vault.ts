// The citizen's credential at rest: one IndexedDB record, SM4-GCM-encrypted under a 128-bit key
// derived from the passphrase with PBKDF2-HMAC-SM3 (random 16-byte salt, ITERATIONS iterations;
// the salt, nonce and iteration count are stored with the ciphertext). A wrong passphrase gives a
// GCM tag mismatch: bukejian/sm4 throws AUTH_FAILED and nothing is decrypted.
import { sm4 } from 'bukejian/sm4';
import { randomBytes, utf8ToBytes, bytesToUtf8 } from 'bukejian/utils';
import { pbkdf2HmacSm3 } from './pbkdf2.js';

export const ITERATIONS = 100_000;
const DB = 'bukejian-citizen-web';
const STORE = 'vault';
const KEY = 'credential';
const AAD = utf8ToBytes('bukejian citizen-web credential v1');

interface Sealed {
  readonly v: 1;
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
  readonly iterations: number;
  readonly ciphertext: Uint8Array;
  readonly label: string;
}

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function tx<T>(
  mode: IDBTransactionMode,
  f: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const d = await db();
  try {
    return await new Promise<T>((resolve, reject) => {
      const r = f(d.transaction(STORE, mode).objectStore(STORE));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  } finally {
    d.close();
  }
}

const keyFrom = (passphrase: string, salt: Uint8Array, iterations: number) =>
  pbkdf2HmacSm3(utf8ToBytes(passphrase.normalize('NFC')), salt, iterations, 16);

/** Encrypts and stores the wallet JSON (replacing any stored one). `label` is shown unencrypted. */
export async function saveCredential(
  json: string,
  passphrase: string,
  label: string,
): Promise<void> {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = keyFrom(passphrase, salt, ITERATIONS);
  const ciphertext = sm4.gcm(key, nonce, AAD).encrypt(utf8ToBytes(json));
  key.fill(0);
  const sealed: Sealed = { v: 1, salt, nonce, iterations: ITERATIONS, ciphertext, label };
  await tx('readwrite', (s) => s.put(sealed, KEY));
}

/** The label of the stored credential, or null when none is stored. */
export async function storedLabel(): Promise<string | null> {
  const s = (await tx('readonly', (st) => st.get(KEY))) as Sealed | undefined;
  return s ? s.label : null;
}

/** Decrypts the stored wallet JSON; throws AUTH_FAILED (BukejianError) for a wrong passphrase. */
export async function openCredential(passphrase: string): Promise<string> {
  const s = (await tx('readonly', (st) => st.get(KEY))) as Sealed | undefined;
  if (!s) throw new Error('no stored credential');
  const key = keyFrom(passphrase, s.salt, s.iterations);
  try {
    return bytesToUtf8(sm4.gcm(key, s.nonce, AAD).decrypt(s.ciphertext));
  } finally {
    key.fill(0);
  }
}

export async function forgetCredential(): Promise<void> {
  await tx('readwrite', (s) => s.delete(KEY));
}
