// `bukejian zk revoke` and `bukejian zk revocation publish | verify` through the built CLI
// (dist/cli.js): a credential file revoked into a registry file, the state published with an SM2
// key (hex file), its signature checked by the library (sm2 verify over the documented message)
// and by the CLI, a wrong key and a stale state refused (exit 1), a usage error (exit 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm2 } from '../src/sm2/index.js';
import { bytesToHex } from '../src/utils.js';
import { credentialToJSON, holder, issuer, revocation } from '../src/zk/index.js';

const cli = process.env.BUKEJIAN_CLI ?? path.resolve(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-cli-zk-rev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, 'zk', ...args]);
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
};

const f = (n: string) => path.join(dir, n);
let sk: Uint8Array;
let pk: Uint8Array;
let id: bigint;

beforeAll(async () => {
  const kp = sm2.keygen();
  sk = kp.secretKey;
  pk = kp.publicKey;
  writeFileSync(f('sm2.hex'), bytesToHex(sk) + '\n');
  writeFileSync(f('sm2.pub'), bytesToHex(pk) + '\n');
  const ik = await issuer.keygen();
  const h = await holder.create();
  const cred = await issuer.issue(
    {
      holderCommitment: h.commitment,
      birthDate: 19500101,
      sex: 1,
      regionCode: 110101,
      income: 1000,
      householdSize: 1,
      flags: 0,
      issuedAt: 20260101,
      expiresAt: 20270101,
    },
    ik.secretKey,
  );
  writeFileSync(f('cred.json'), JSON.stringify(credentialToJSON(cred)));
  id = await revocation.id(cred);
});

describe('bukejian zk revoke / revocation', () => {
  it('revokes a credential file and an id; a second revoke says so', () => {
    const r1 = run(['revoke', '--registry', f('reg.json'), f('cred.json')]);
    expect(r1.code).toBe(0);
    expect(r1.out).toContain(`revoked: ${id}`);
    expect(run(['revoke', '--registry', f('reg.json'), '--id', '12345']).code).toBe(0);
    const again = run(['revoke', '--registry', f('reg.json'), f('cred.json')]);
    expect(again.out).toContain('already revoked');
    const reg = JSON.parse(readFileSync(f('reg.json'), 'utf8'));
    expect(reg.ids.map(BigInt).sort((a: bigint, b: bigint) => (a < b ? -1 : 1))).toEqual(
      [12345n, id].sort((a, b) => (a < b ? -1 : 1)),
    );
  });

  it('publishes an SM2-signed state that the library and the CLI accept', () => {
    const r = run([
      'revocation',
      'publish',
      '--registry',
      f('reg.json'),
      '--key',
      f('sm2.hex'),
      '--out',
      f('state.json'),
    ]);
    expect(r.code).toBe(0);
    const state = revocation.fromJSON(readFileSync(f('state.json'), 'utf8'));
    expect(state.ids).toContain(id);
    // the documented message: "BKZR" ‖ 0x01 ‖ root ‖ count u32 ‖ publishedAt u64, SM2 raw
    const msg = new Uint8Array(4 + 1 + 32 + 12);
    msg.set(new TextEncoder().encode('BKZR'));
    msg[4] = 1;
    msg.set(Buffer.from(state.root.toString(16).padStart(64, '0'), 'hex'), 5);
    const dv = new DataView(msg.buffer);
    dv.setUint32(37, state.ids.length);
    dv.setBigUint64(41, BigInt(state.publishedAt));
    expect(sm2.verify(state.signature, msg, pk, { format: 'raw' })).toBe(true);
    expect(run(['revocation', 'verify', f('state.json'), '--key', f('sm2.pub')])).toMatchObject({
      code: 0,
    });
    const other = sm2.keygen();
    writeFileSync(f('other.pub'), bytesToHex(other.publicKey));
    expect(run(['revocation', 'verify', f('state.json'), '--key', f('other.pub')]).code).toBe(1);
  });

  it('a state older than --max-age is refused; usage errors exit 2', () => {
    const old = run([
      'revocation',
      'publish',
      '--registry',
      f('reg.json'),
      '--key',
      f('sm2.hex'),
      '--at',
      '2020-01-01T00:00:00Z',
      '--out',
      f('old.json'),
    ]);
    expect(old.code).toBe(0);
    const v = run([
      'revocation',
      'verify',
      f('old.json'),
      '--key',
      f('sm2.pub'),
      '--max-age',
      '24',
    ]);
    expect(v.code).toBe(1);
    expect(v.out).toContain('stale');
    expect(run(['revoke', '--registry', f('reg.json'), '--bogus']).code).toBe(2);
  });
});
