// Loads the standard vectors copied into test/vectors (the project never reads the shared workspace folder).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface VectorCase {
  id: string;
  type: string;
  result: 'valid' | 'invalid';
  [field: string]: unknown;
}

export function loadVectors(file: 'sm2' | 'sm3' | 'sm4'): VectorCase[] {
  return JSON.parse(readFileSync(path.join(__dirname, '..', 'vectors', `${file}.json`), 'utf8'));
}

export const hex = (s: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(s ?? ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
