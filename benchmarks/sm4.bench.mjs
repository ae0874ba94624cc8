// SM4 throughput, ours (pure TS `js` and `auto` = node:crypto above a threshold) against
// sm-crypto, sm-crypto-v2, gm-crypto and node:crypto: MiB/s on 1 MiB and ops/s on 64 bytes,
// for ECB, CBC (PKCS#7), CTR, GCM and CCM (each library where it has the mode).
// Run: npm run bench -- sm4
import { createCipheriv } from 'node:crypto';
import { sm4 } from 'bukejian/sm4';
import { bestOf, opsPerSec, report, thirdParty } from './_util.mjs';

const smc = thirdParty('sm-crypto');
const smc2 = thirdParty('sm-crypto-v2');
const gm = thirdParty('gm-crypto');

const key = new Uint8Array(16).map((_, i) => i * 17 + 3);
const iv = new Uint8Array(16).map((_, i) => 255 - i * 7);
const nonce = iv.subarray(0, 12);
const keyHex = Buffer.from(key).toString('hex');
const ivHex = Buffer.from(iv).toString('hex');
const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 255);
const small = big.subarray(0, 64);
const MiB = big.length / 2 ** 20;

function node(name, data, withIv = true) {
  const c = createCipheriv(name, key, withIv ? iv : null);
  c.update(data);
  return c.final();
}

/** [label, (data) => void] per competitor for one mode; null entries are skipped. */
function contenders(mode) {
  const rows = [];
  const ours = (backend) => {
    switch (mode) {
      case 'ecb':
        return (d) => sm4.ecb(key, { backend }).encrypt(d);
      case 'cbc':
        return (d) => sm4.cbc(key, iv, { backend }).encrypt(d);
      case 'ctr':
        return (d) => sm4.ctr(key, iv, { backend }).encrypt(d);
      case 'gcm':
        return backend === 'js' ? (d) => sm4.gcm(key, nonce).encrypt(d) : null;
      case 'ccm':
        return backend === 'js' ? (d) => sm4.ccm(key, nonce).encrypt(d) : null;
    }
  };
  rows.push(['bukejian (js)', ours('js')]);
  if (mode !== 'gcm' && mode !== 'ccm') rows.push(['bukejian (auto)', ours('auto')]);
  if (smc && (mode === 'ecb' || mode === 'cbc')) {
    rows.push([
      'sm-crypto',
      (d) => smc.sm4.encrypt(d, keyHex, { mode, iv: ivHex, output: 'array' }),
    ]);
  }
  if (smc2 && (mode === 'ecb' || mode === 'cbc' || mode === 'gcm')) {
    const opts =
      mode === 'gcm'
        ? { mode, iv: nonce, output: 'array', outputTag: true }
        : { mode, iv, output: 'array' };
    rows.push(['sm-crypto-v2', (d) => smc2.sm4.encrypt(d, key, opts)]);
  }
  if (gm && (mode === 'ecb' || mode === 'cbc')) {
    const opts = { mode: mode === 'ecb' ? gm.SM4.constants.ECB : gm.SM4.constants.CBC, iv: ivHex };
    rows.push([
      'gm-crypto',
      (d) => gm.SM4.encrypt(Buffer.from(d.buffer, d.byteOffset, d.length), keyHex, opts),
    ]);
  }
  if (mode === 'ecb' || mode === 'cbc' || mode === 'ctr') {
    rows.push(['node:crypto (OpenSSL)', (d) => node(`sm4-${mode}`, d, mode !== 'ecb')]);
  }
  return rows.filter(([, f]) => f);
}

export default async function () {
  const groups = [];
  for (const mode of ['ecb', 'cbc', 'ctr', 'gcm', 'ccm']) {
    const rows = contenders(mode);
    const baseline =
      mode === 'gcm' || mode === 'ccm'
        ? mode === 'gcm'
          ? 'sm-crypto-v2'
          : 'bukejian (js)'
        : 'sm-crypto-v2';
    const title = `SM4-${mode.toUpperCase()} encrypt`;
    const slow = new Set(['sm-crypto', 'gm-crypto']); // ~10 MiB/s: shorter runs
    groups.push(
      report(
        `${title}, 1 MiB`,
        'MiB/s',
        bestOf(rows, ([name, f]) => opsPerSec(() => f(big), slow.has(name) ? 400 : 700) * MiB),
        baseline,
      ),
    );
    groups.push(
      report(
        `${title}, 64 bytes`,
        'ops/s',
        bestOf(rows, ([, f]) => opsPerSec(() => f(small), 300)),
        baseline,
      ),
    );
  }
  return groups;
}
