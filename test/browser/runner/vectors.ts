// test/helpers/vectors.ts for the browser: the same JSON files (bundled by esbuild), hex without
// Buffer. ./bundle.ts maps `./helpers/vectors.js` to this file.
import sm2 from '../../vectors/sm2.json';
import sm3 from '../../vectors/sm3.json';
import sm4 from '../../vectors/sm4.json';

export interface VectorCase {
  id: string;
  type: string;
  result: 'valid' | 'invalid';
  [field: string]: unknown;
}

const files = { sm2, sm3, sm4 } as unknown as Record<'sm2' | 'sm3' | 'sm4', VectorCase[]>;

export function loadVectors(file: 'sm2' | 'sm3' | 'sm4'): VectorCase[] {
  return structuredClone(files[file]);
}

export const hex = (s: unknown): Uint8Array => {
  const t = String(s ?? '');
  if (t.length % 2 !== 0 || /[^0-9a-fA-F]/.test(t)) throw new Error(`not hex: ${t.slice(0, 20)}`);
  return Uint8Array.from({ length: t.length / 2 }, (_, i) =>
    parseInt(t.slice(2 * i, 2 * i + 2), 16),
  );
};
export const toHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
