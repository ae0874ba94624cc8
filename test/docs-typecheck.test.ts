/**
 * Every ```ts block of the module guides (docs/*.md) is a complete program: each is written as a
 * module of its own, and all are type-checked in one strict TypeScript program, with `bukejian` and
 * `bukejian/*` mapped to src/ through the exports map (no build needed). A failure is reported as
 * `docs/<file>.md:<line>`. Text that is not a program goes in a ```text (or ```sh, ```json) block.
 * README.md's blocks are run by test/docs-examples.test.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { blocks, root } from './helpers/docs.js';

const dir = path.join(root, '.docs-typecheck');
const docs = readdirSync(path.join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** `bukejian` and each `bukejian/<sub>` of the exports map → its source file (as tsup.config.ts). */
function paths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(pkg.exports)) {
    if (key === './package.json') continue;
    const name = key === '.' ? 'index' : key.slice(2);
    const file = [`src/${name}.ts`, `src/${name}/index.ts`].find((f) =>
      existsSync(path.join(root, f)),
    );
    if (file) out[key === '.' ? 'bukejian' : `bukejian/${name}`] = [path.join(root, file)];
  }
  return out;
}

/** Type errors per docs file, each as `docs/<file>.md:<line>: <message>`. */
function check(): Map<string, string[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const mapped = paths();
  const origin = new Map<string, { doc: string; line: number }>();
  for (const doc of docs) {
    for (const b of blocks(doc).filter((x) => x.lang === 'ts')) {
      const file = path.join(dir, `${path.basename(doc, '.md')}-${b.line}.ts`);
      writeFileSync(file, b.code + '\n');
      origin.set(file, { doc, line: b.line });
    }
  }
  const program = ts.createProgram([...origin.keys()], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules/@types')],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
    paths: mapped,
  });
  const errors = new Map<string, string[]>(docs.map((d) => [d, []]));
  // A module's guide shows that module: each of its programs imports from `bukejian/<module>`.
  for (const { doc, line } of origin.values()) {
    const spec = `bukejian/${path.basename(doc, '.md')}`;
    const code = blocks(doc).find((b) => b.line === line)!.code;
    if (spec in mapped && !code.includes(`'${spec}'`))
      errors.get(doc)!.push(`${doc}:${line}: does not import from '${spec}'`);
  }
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const src = d.file && origin.get(path.resolve(d.file.fileName));
    if (!src) {
      // An error outside the blocks (in src/, or a global one) belongs to no guide: fail loudly.
      const at = d.file ? `${path.relative(root, d.file.fileName)}: ` : '';
      throw new Error(`docs type-check: ${at}${text}`);
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    errors.get(src.doc)!.push(`${src.doc}:${src.line + line}: ${text}`);
  }
  return errors;
}

describe('docs/*.md code blocks', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const errors = check();

  it.each(docs)('%s: every code fence names its language (```ts, ```text, ```sh, ...)', (doc) => {
    const bare = blocks(doc)
      .filter((b) => b.lang === '')
      .map((b) => `${doc}:${b.line - 1}`);
    expect(bare).toEqual([]);
  });

  it.each(docs)('%s: every ```ts block type-checks as a program', (doc) => {
    expect(errors.get(doc)).toEqual([]);
  });
});
