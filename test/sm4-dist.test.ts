// The BUILT package (dist/, through its own exports map, ESM and CJS) computes SM4 correctly with
// the pure-TS backend: a bundler that drops table initialisation (tree-shaking a "pure" IIFE)
// would pass every src/ test and still ship a broken cipher. Runs after `npm run build`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const node = (code: string, type: 'module' | 'commonjs') =>
  execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd: root,
    encoding: 'utf8',
  }).trim();

// GB/T 32907 example 1 (ECB, js backend) and RFC 8998 A.1 (GCM) from test/vectors/sm4.json
const body = (req: string) => `
  const { sm4 } = ${req};
  const h = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
  const x = (b) => Buffer.from(b).toString('hex');
  const k = h('0123456789abcdeffedcba9876543210');
  const ecb = x(sm4.ecb(k, { padding: 'none', backend: 'js' }).encrypt(k));
  const gcm = x(sm4.gcm(h('0123456789abcdeffedcba9876543210'), h('00001234567800000000abcd'), h('feedfacedeadbeeffeedfacedeadbeefabaddad2'))
    .encrypt(h('aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa')));
  console.log(ecb + ' ' + gcm);`;

describe('built bukejian/sm4', () => {
  const want =
    '681edf34d206965e86b3e94f536e4246 ' +
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d83de3541e4c2b58177e065a9bf7b62ec';
  it('ESM import gives the standard answers (js backend)', () => {
    expect(node(`${body("await import('bukejian/sm4')")}`, 'module')).toBe(want);
  });
  it('CJS require gives the standard answers (js backend)', () => {
    expect(node(body("require('bukejian/sm4')"), 'commonjs')).toBe(want);
  });

  it('imports no node:* module statically (ESM graph of dist/sm4.js), so it bundles for browsers', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(path.join(root, 'dist', file), 'utf8');
      // `import … from '…'`, `export … from '…'` and bare side-effect imports `import '…'`
      for (const m of src.matchAll(
        /(?:^|[;\n])\s*(?:import|export)\s*(?:[^;'"]*?from\s*)?['"]([^'"]+)['"]/g,
      )) {
        const spec = m[1]!;
        expect(spec.startsWith('node:') ? spec : 'ok').toBe('ok');
        if (spec.startsWith('./')) visit(spec.slice(2));
      }
    };
    visit('sm4.js');
    // every chunk dist/sm4.js names was walked, side-effect imports included
    const direct = [
      ...readFileSync(path.join(root, 'dist', 'sm4.js'), 'utf8').matchAll(/['"]\.\/([^'"]+)['"]/g),
    ].map((m) => m[1]!);
    expect(direct.length).toBeGreaterThan(0);
    for (const f of direct) expect(seen.has(f)).toBe(true);
  });

  it('works unchanged without node:crypto (no process.getBuiltinModule): auto falls back to pure TS', () => {
    const code = `
      const { sm4 } = await import('bukejian/sm4');
      const key = new Uint8Array(16).fill(7), iv = new Uint8Array(16).fill(9);
      const d = new Uint8Array(5000).map((_, i) => i * 13);
      const x = (b) => Buffer.from(b).toString('hex');
      console.log(x(sm4.cbc(key, iv).encrypt(d)).slice(-64) + ' ' + x(sm4.ctr(key, iv).encrypt(d)).slice(-64));`;
    const withNative = node(code, 'module');
    const without = node(`delete process.getBuiltinModule; ${code}`, 'module');
    const { createCipheriv } = require('node:crypto') as typeof import('node:crypto');
    const key = Buffer.alloc(16, 7),
      iv = Buffer.alloc(16, 9);
    const d = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 255);
    const run = (name: string) => {
      const c = createCipheriv(name, key, iv);
      return Buffer.concat([c.update(d), c.final()])
        .toString('hex')
        .slice(-64);
    };
    expect(without).toBe(`${run('sm4-cbc')} ${run('sm4-ctr')}`);
    expect(withNative).toBe(without);
  });
});
