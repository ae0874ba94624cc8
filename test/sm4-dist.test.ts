// The BUILT package (dist/, through its own exports map, ESM and CJS) computes SM4 correctly with
// the pure-TS backend: a bundler that drops table initialisation (tree-shaking a "pure" IIFE)
// would pass every src/ test and still ship a broken cipher. Runs after `npm run build`.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const node = (code: string, type: 'module' | 'commonjs') =>
  execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: root, encoding: 'utf8' }).trim();

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
  const want = '681edf34d206965e86b3e94f536e4246 ' +
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d83de3541e4c2b58177e065a9bf7b62ec';
  it('ESM import gives the standard answers (js backend)', () => {
    expect(node(`${body("await import('bukejian/sm4')")}`, 'module')).toBe(want);
  });
  it('CJS require gives the standard answers (js backend)', () => {
    expect(node(body("require('bukejian/sm4')"), 'commonjs')).toBe(want);
  });
});
