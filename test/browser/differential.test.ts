// Browser suites whose expected values come from independent implementations run in Node:
// node:crypto's SM3 and HMAC-SM3 (the differential checks of test/sm3-hash.test.ts and
// test/mask-pseudonym.test.ts, on fixed inputs), plus the standard SM3 vectors; and the SM2 PSI
// group's batch operations (WebAssembly kernel and JavaScript path) against the reference group.
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSuite } from './runner/page';
import { startSession, type Session } from './runner/session';
import type { Sm3Fixtures } from './suites/sm3';
import type { PseudonymFixture } from './suites/mask-pseudonym';
import type { Sm2PsiFixtures } from './suites/sm2-psi';
import { sm2ReferenceGroup } from '../../src/psi/groups/sm2';

const pattern = (n: number, salt = 0): Buffer =>
  Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3 + salt * 101) & 0xff));

function sm3Fixtures(): Sm3Fixtures {
  const digests = Array.from({ length: 301 }, (_, n) =>
    createHash('sm3').update(pattern(n)).digest('hex'),
  );
  const hmacs: Sm3Fixtures['hmacs'] = [];
  for (let keyLen = 0; keyLen <= 150; keyLen += 7)
    for (const msgLen of [0, 1, 55, 64, 65, 300])
      hmacs.push({
        keyLen,
        msgLen,
        mac: createHmac('sm3', pattern(keyLen, 1)).update(pattern(msgLen, 2)).digest('hex'),
      });
  return { digests, hmacs };
}

function pseudonymFixtures(): PseudonymFixture[] {
  const out: PseudonymFixture[] = [];
  const values = ['11010519491231002X', '440305198806140325', '测试用户', ' 13812345678 ', ''];
  const domains = ['tax', 'health/2026', '民政'];
  for (let k = 0; k < 3; k++) {
    const key = pattern(16 + 16 * k, 3 + k);
    for (const domain of domains)
      for (const value of values) {
        const dk = createHmac('sm3', key)
          .update(Buffer.concat([Buffer.from('bukejian/pseudonym/v1\0'), Buffer.from(domain)]))
          .digest();
        out.push({
          keyHex: key.toString('hex'),
          domain,
          value,
          expected: createHmac('sm3', dk).update(Buffer.from(value)).digest('hex'),
        });
      }
  }
  return out;
}

function sm2PsiFixtures(): Sm2PsiFixtures {
  const ref = sm2ReferenceGroup(false); // noble bigint arithmetic, not the limb code
  const keys: [string, string] = ['1f', 'a3'].map((b) => b.repeat(32)) as [string, string];
  const msgs = Array.from({ length: 40 }, (_, i) => `44030519900307${String(i).padStart(4, '0')}`);
  const k1 = ref.withKey(Buffer.from(keys[0], 'hex'));
  const k2 = ref.withKey(Buffer.from(keys[1], 'hex'));
  const blinded = msgs.map((m) => k1.hashMultiply(new TextEncoder().encode(m)));
  return {
    keys,
    msgs,
    blinded: blinded.map((e) => Buffer.from(e).toString('hex')),
    both: blinded.map((e) => Buffer.from(k2.multiply(e)).toString('hex')),
  };
}

let s: Session;
beforeAll(async () => {
  const dir = path.join(import.meta.dirname, 'suites');
  s = await startSession({
    sm3: path.join(dir, 'sm3.ts'),
    'mask-pseudonym': path.join(dir, 'mask-pseudonym.ts'),
    'sm2-psi': path.join(dir, 'sm2-psi.ts'),
  });
});
afterAll(() => s?.close());

it.each([
  ['sm3', sm3Fixtures, 200],
  ['mask-pseudonym', pseudonymFixtures, 2],
  ['sm2-psi', sm2PsiFixtures, 3],
] as const)('%s in Chromium', async (name, fixtures, minTests) => {
  const r = await runSuite(s.browser, s.server.origin, name, fixtures());
  expect(r.selfCheck).toBe(true);
  expect(r.pageErrors).toEqual([]);
  expect(r.results.filter((x) => !x.ok).map((f) => `${f.name}: ${f.error}`)).toEqual([]);
  expect(r.results.length).toBeGreaterThanOrEqual(minTests);
});
