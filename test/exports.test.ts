// Smoke test of the *built* package through its own exports map (ESM and CJS): a broken
// `exports` entry, a missing dist file or a CJS build that cannot load fails here.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');

function node(code: string, type: 'module' | 'commonjs'): string {
  // Self-reference by package name resolves through the package's own "exports".
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('built package exports', () => {
  it('the exports map lists the primitives (the per-subpath tests below iterate over it)', () => {
    expect(subpaths).toEqual(expect.arrayContaining(['.', './utils', './sm3', './sm4', './sm2']));
  });

  it.each(subpaths)('ESM import of bukejian%s', (sub) => {
    const spec = sub === '.' ? 'bukejian' : `bukejian/${sub.slice(2)}`;
    const out = node(
      `const m = await import(${JSON.stringify(spec)}); console.log(Object.keys(m).length)`,
      'module',
    );
    expect(Number(out.trim())).toBeGreaterThan(0);
  });

  it.each(subpaths)('CJS require of bukejian%s', (sub) => {
    const spec = sub === '.' ? 'bukejian' : `bukejian/${sub.slice(2)}`;
    const out = node(
      `const m = require(${JSON.stringify(spec)}); console.log(Object.keys(m).length)`,
      'commonjs',
    );
    expect(Number(out.trim())).toBeGreaterThan(0);
  });

  it('ESM and CJS builds compute the same SM3 digest', () => {
    const esm = node(
      `import { sm3 } from 'bukejian/sm3'; import { bytesToHex } from 'bukejian/utils'; console.log(bytesToHex(sm3('abc')))`,
      'module',
    );
    const cjs = node(
      `const { sm3 } = require('bukejian/sm3'); const { bytesToHex } = require('bukejian/utils'); console.log(bytesToHex(sm3('abc')))`,
      'commonjs',
    );
    expect(esm.trim()).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(cjs.trim()).toBe(esm.trim());
  });

  it('ESM-signed SM2 signature verifies in the CJS build, and vice versa', () => {
    const sk = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8'; // GB/T 32918.2 example key
    const sign = (
      req: string,
    ) => `const { sm2 } = ${req}; const sig = sm2.sign('可用不可见', Buffer.from('${sk}', 'hex'));
      console.log(Buffer.from(sig).toString('hex') + ' ' + Buffer.from(sm2.getPublicKey(Buffer.from('${sk}', 'hex'))).toString('hex'))`;
    const verify = (req: string, sig: string, pub: string) => `const { sm2 } = ${req};
      console.log(sm2.verify(Buffer.from('${sig}', 'hex'), '可用不可见', Buffer.from('${pub}', 'hex')), sm2.verify(Buffer.from('${sig}', 'hex'), '可用不可见!', Buffer.from('${pub}', 'hex')))`;
    const [sigE, pub] = node(sign("await import('bukejian/sm2')"), 'module').trim().split(' ') as [
      string,
      string,
    ];
    const [sigC] = node(sign("require('bukejian/sm2')"), 'commonjs').trim().split(' ') as [string];
    expect(pub).toBe(
      '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
    );
    expect(node(verify("require('bukejian/sm2')", sigE, pub), 'commonjs').trim()).toBe(
      'true false',
    );
    expect(node(verify("await import('bukejian/sm2')", sigC, pub), 'module').trim()).toBe(
      'true false',
    );
  });

  it('every exported subpath ships type declarations', () => {
    for (const sub of subpaths) {
      const name = sub === '.' ? 'index' : sub.slice(2);
      expect(() => readFileSync(path.join(root, 'dist', `${name}.d.ts`))).not.toThrow();
      expect(() => readFileSync(path.join(root, 'dist', `${name}.d.cts`))).not.toThrow();
    }
  });
});
