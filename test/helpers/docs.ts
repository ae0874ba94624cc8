// Code blocks of the markdown docs, shared by test/docs-examples.test.ts (README, executed) and
// test/docs-typecheck.test.ts (docs/*.md, type-checked).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

/** A fenced code block: its language (`''` when the fence names none) and first code line. */
export interface Block {
  lang: string;
  line: number;
  code: string;
}

/** Every fenced block of a markdown file (path relative to the repository root). */
export function blocks(file: string): Block[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j]!.trim() !== '```') j++;
    out.push({ lang: open[1]!, line: start + 1, code: lines.slice(start, j).join('\n') });
    i = j;
  }
  return out;
}

/** The ```ts blocks of a markdown file with the line each starts on. */
export function tsBlocks(file: string): { line: number; code: string }[] {
  return blocks(file).filter((b) => b.lang === 'ts');
}
