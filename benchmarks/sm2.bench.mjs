// SM2 side by side: keygen, sign, verify (cold key / cached key), verifyBatch (workers 0/1/2),
// encrypt and decrypt of 32 bytes — ours against sm-crypto, sm-crypto-v2 (with and without its
// precomputed public key), gm-crypto (encryption only: it has no signatures) and native OpenSSL
// through node:crypto (an SM2 key loaded from our PEM; node cannot set the SM2 distid, so OpenSSL
// signs with the EMPTY user ID — Z_A is still computed, the work is the same) plus `openssl speed sm2`.
// Run: npm run bench -- sm2        (BENCH_ROUNDS=n: rounds per row, best kept; default 3)
import { performance } from 'node:perf_hooks';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { sm2 } from 'bukejian/sm2';
import { bestOf, opsPerSec, opsPerSecAsync, report, thirdParty, ROUNDS } from './_util.mjs';

const MS = Number(process.env.BENCH_MS ?? 500);
const smc = thirdParty('sm-crypto')?.sm2;
const smc2 = thirdParty('sm-crypto-v2')?.sm2;
const gm = thirdParty('gm-crypto')?.SM2;
const hex = (b) => Buffer.from(b).toString('hex');

/** Interleaved best-of-ROUNDS ops/s for rows [name, fn] (fn null → n/a). */
const bestOps = (rows) => bestOf(rows, ([, fn]) => opsPerSec(fn, MS));

/**
 * Calls per second of CPU user time (what `openssl speed` divides by, unless -elapsed): on a shared
 * machine this compares the work, not the share of the CPU each side happened to get.
 */
function cpuOpsPerSec(fn, ms = MS) {
  const warm = performance.now();
  while (performance.now() - warm < ms / 4) fn();
  let n = 0;
  const u0 = process.cpuUsage().user;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    fn();
    n++;
  }
  return (n * 1e6) / (process.cpuUsage().user - u0);
}

function opensslSpeed() {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '1', 'sm2'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const m = /SM2 \(CurveSM2\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/.exec(out);
    return m ? { sign: Number(m[1]), verify: Number(m[2]) } : null;
  } catch {
    return null;
  }
}

export default async function () {
  const msg = new Uint8Array(32).map((_, i) => i * 7 + 1);
  const msgHex = hex(msg);
  const K = sm2.keygen();
  const skHex = hex(K.secretKey),
    pkHex = hex(K.publicKey);
  const nodeSk = createPrivateKey(sm2.keys.toPem(K.secretKey));
  const nodePk = createPublicKey(sm2.keys.toPem(K.publicKey));
  const v2Pre = smc2?.precomputePublicKey(pkHex);
  const speed = opensslSpeed();
  const groups = [];

  groups.push(
    report(
      'SM2 keygen',
      'ops/s',
      bestOps([
        ['bukejian', () => sm2.keygen()],
        ['node:crypto (OpenSSL)', () => generateKeyPairSync('ec', { namedCurve: 'SM2' })],
        ['sm-crypto', smc && (() => smc.generateKeyPairHex())],
        ['sm-crypto-v2', smc2 && (() => smc2.generateKeyPairHex())],
        ['gm-crypto', gm && (() => gm.generateKeyPair())],
      ]),
      'sm-crypto-v2',
    ),
  );

  const sign = bestOps([
    ['bukejian', () => sm2.sign(msg, K.secretKey)],
    ['node:crypto (OpenSSL)', () => nodeSign(null, msg, nodeSk)],
    ['sm-crypto', smc && (() => smc.doSignature(msgHex, skHex, { hash: true, publicKey: pkHex }))],
    [
      'sm-crypto-v2',
      smc2 && (() => smc2.doSignature(msg, skHex, { hash: true, publicKey: pkHex })),
    ],
  ]);
  if (speed) sign.push({ name: 'openssl speed sm2 (CLI)', value: speed.sign });
  groups.push(
    report('SM2 sign (32-byte message, Z_A with user ID)', 'ops/s', sign, 'node:crypto (OpenSSL)'),
  );

  // cold: 256 distinct keys in rotation (more than our 32-key LRU holds, so every verify is a miss)
  const cold = Array.from({ length: 256 }, () => {
    const k = sm2.keygen();
    const sig = sm2.sign(msg, k.secretKey, { userId: '' });
    return {
      pk: k.publicKey,
      pkHex: hex(k.publicKey),
      sig,
      raw: hex(sm2.sign(msg, k.secretKey, { format: 'raw' })),
      node: createPublicKey(sm2.keys.toPem(k.publicKey)),
    };
  });
  let i = 0;
  const next = () => cold[i++ & 255];
  groups.push(
    report(
      'SM2 verify, cold key (a different signer each time)',
      'ops/s',
      bestOps([
        [
          'bukejian',
          () => {
            const c = next();
            sm2.verify(c.sig, msg, c.pk, { userId: '' });
          },
        ],
        [
          'node:crypto (OpenSSL)',
          () => {
            const c = next();
            nodeVerify(null, msg, c.node, c.sig);
          },
        ],
        [
          'sm-crypto',
          smc &&
            (() => {
              const c = next();
              smc.doVerifySignature(msgHex, c.raw, c.pkHex, { hash: true });
            }),
        ],
        [
          'sm-crypto-v2',
          smc2 &&
            (() => {
              const c = next();
              smc2.doVerifySignature(msg, c.raw, c.pkHex, { hash: true });
            }),
        ],
      ]),
      'sm-crypto-v2',
    ),
  );

  const sigDer = sm2.sign(msg, K.secretKey, { userId: '' });
  const sigRaw = hex(sm2.sign(msg, K.secretKey, { format: 'raw' }));
  const verify = bestOps([
    ['bukejian', () => sm2.verify(sigDer, msg, K.publicKey, { userId: '' })],
    ['node:crypto (OpenSSL)', () => nodeVerify(null, msg, nodePk, sigDer)],
    ['sm-crypto', smc && (() => smc.doVerifySignature(msgHex, sigRaw, pkHex, { hash: true }))],
    ['sm-crypto-v2', smc2 && (() => smc2.doVerifySignature(msg, sigRaw, pkHex, { hash: true }))],
    [
      'sm-crypto-v2 (precomputed)',
      smc2 && (() => smc2.doVerifySignature(msg, sigRaw, v2Pre, { hash: true })),
    ],
  ]);
  if (speed) verify.push({ name: 'openssl speed sm2 (CLI)', value: speed.verify });
  groups.push(
    report('SM2 verify, cached key (same signer)', 'ops/s', verify, 'node:crypto (OpenSSL)'),
  );
  if (speed) {
    // the same operations per second of CPU user time, next to `openssl speed sm2` (CPU user time)
    const cpu = bestOf(
      [
        ['bukejian sign', () => sm2.sign(msg, K.secretKey)],
        ['bukejian verify, cached key', () => sm2.verify(sigDer, msg, K.publicKey, { userId: '' })],
        ['node:crypto sign', () => nodeSign(null, msg, nodeSk)],
        ['node:crypto verify', () => nodeVerify(null, msg, nodePk, sigDer)],
      ],
      ([, fn]) => cpuOpsPerSec(fn),
    );
    cpu.push(
      { name: 'openssl speed sm2 sign', value: speed.sign },
      { name: 'openssl speed sm2 verify', value: speed.verify },
    );
    groups.push(
      report(
        'SM2 sign / verify per second of CPU user time (openssl speed divides by CPU user time)',
        'ops/s',
        cpu,
        'openssl speed sm2 verify',
      ),
    );
  }

  // verifyBatch: 4,000 signatures from 20 signers; workers are warmed up once
  const signers = cold.slice(0, 20);
  const items = Array.from({ length: 4000 }, (_, j) => {
    const c = signers[j % 20];
    return { signature: c.sig, message: msg, publicKey: c.pk, userId: '' };
  });
  const batchRows = [];
  for (const workers of [0, 1, 2]) {
    await sm2.verifyBatch(items.slice(0, 400), { workers });
    let best = 0;
    for (let r = 0; r < ROUNDS; r++)
      best = Math.max(
        best,
        items.length * (await opsPerSecAsync(() => sm2.verifyBatch(items, { workers }), MS)),
      );
    batchRows.push({
      name: workers === 0 ? 'in-thread (workers: 0)' : `workers: ${workers}`,
      value: best,
    });
  }
  await sm2.verifyBatch.close();
  groups.push(
    report('SM2 verifyBatch (4,000 signatures, 20 signers)', 'sigs/s', batchRows, 'workers: 1'),
  );

  const pt = msg;
  const ct = sm2.encrypt(pt, K.publicKey, { format: 'raw' });
  const ctSmc = smc?.doEncrypt(Array.from(pt), pkHex, 1);
  const ctV2 = smc2?.doEncrypt(pt, pkHex, 1);
  const ctGm = gm?.encrypt(Buffer.from(pt), pkHex, { mode: 1 });
  groups.push(
    report(
      'SM2 encrypt 32 bytes (C1C3C2)',
      'ops/s',
      bestOps([
        ['bukejian (raw)', () => sm2.encrypt(pt, K.publicKey, { format: 'raw' })],
        ['bukejian (DER)', () => sm2.encrypt(pt, K.publicKey)],
        ['sm-crypto', smc && (() => smc.doEncrypt(Array.from(pt), pkHex, 1))],
        ['sm-crypto-v2', smc2 && (() => smc2.doEncrypt(pt, pkHex, 1))],
        ['sm-crypto-v2 (precomputed)', smc2 && (() => smc2.doEncrypt(pt, v2Pre, 1))],
        ['gm-crypto', gm && (() => gm.encrypt(Buffer.from(pt), pkHex, { mode: 1 }))],
      ]),
      'sm-crypto-v2',
    ),
  );
  groups.push(
    report(
      'SM2 decrypt 32 bytes (C1C3C2)',
      'ops/s',
      bestOps([
        ['bukejian (raw)', () => sm2.decrypt(ct, K.secretKey, { format: 'raw' })],
        ['sm-crypto', smc && (() => smc.doDecrypt(ctSmc, skHex, 1, { output: 'array' }))],
        ['sm-crypto-v2', smc2 && (() => smc2.doDecrypt(ctV2, skHex, 1, { output: 'array' }))],
        ['gm-crypto', gm && (() => gm.decrypt(ctGm, skHex, { mode: 1 }))],
      ]),
      'sm-crypto-v2',
    ),
  );
  return groups;
}
