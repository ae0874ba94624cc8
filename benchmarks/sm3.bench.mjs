// SM3 throughput, ours (pure TS `js` and `auto` = node:crypto from 1 KiB up) against sm-crypto,
// sm-crypto-v2, gm-crypto and node:crypto: MiB/s on 1 MiB and ops/s on 64 bytes; HMAC-SM3 too.
// Run: npm run bench -- sm3
import { createHash, createHmac } from 'node:crypto';
import { sm3, hmacSm3 } from 'bukejian/sm3';
import { bestOf, opsPerSec, report, thirdParty } from './_util.mjs';

const smc = thirdParty('sm-crypto');
const smc2 = thirdParty('sm-crypto-v2');
const gm = thirdParty('gm-crypto');

const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 255);
const small = big.subarray(0, 64);
const MiB = big.length / 2 ** 20;
const key = new Uint8Array(32).map((_, i) => i + 1);
const keyHex = Buffer.from(key).toString('hex');

function hashRows() {
  const rows = [
    ['bukejian (js)', (d) => sm3(d, { backend: 'js' })],
    ['bukejian (auto)', (d) => sm3(d)],
  ];
  if (smc) rows.push(['sm-crypto', (d) => smc.sm3(d)]);
  if (smc2) rows.push(['sm-crypto-v2', (d) => smc2.sm3(d)]);
  if (gm)
    rows.push(['gm-crypto', (d) => gm.SM3.digest(Buffer.from(d.buffer, d.byteOffset, d.length))]);
  rows.push(['node:crypto (OpenSSL)', (d) => createHash('sm3').update(d).digest()]);
  return rows;
}

function hmacRows() {
  const rows = [
    ['bukejian (js)', (d) => hmacSm3(d, key, { backend: 'js' })],
    ['bukejian (auto)', (d) => hmacSm3(d, key)],
  ];
  if (smc) rows.push(['sm-crypto', (d) => smc.sm3(d, { key: keyHex })]);
  if (smc2) rows.push(['sm-crypto-v2', (d) => smc2.sm3(d, { key })]);
  rows.push(['node:crypto (OpenSSL)', (d) => createHmac('sm3', key).update(d).digest()]);
  return rows;
}

export default async function () {
  const groups = [];
  for (const [title, rows] of [
    ['SM3', hashRows()],
    ['HMAC-SM3', hmacRows()],
  ]) {
    const slow = new Set(['sm-crypto', 'gm-crypto']); // very slow on 1 MiB: shorter run
    groups.push(
      report(
        `${title}, 1 MiB`,
        'MiB/s',
        bestOf(rows, ([name, f]) => opsPerSec(() => f(big), slow.has(name) ? 400 : 700) * MiB),
        'sm-crypto-v2',
      ),
    );
    groups.push(
      report(
        `${title}, 64 bytes`,
        'ops/s',
        bestOf(rows, ([, f]) => opsPerSec(() => f(small), 300)),
        'sm-crypto-v2',
      ),
    );
  }
  return groups;
}
