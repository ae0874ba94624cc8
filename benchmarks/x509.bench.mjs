// Encrypted PKCS#8 and SM2 certificates side by side with node:crypto (OpenSSL 3.0):
// opening an encrypted key in GmSSL's format (PBKDF2-HMAC-SM3 x65,536 + SM4-CBC) against the same derivation and
// decryption done directly with crypto.pbkdf2Sync('sm3') + createDecipheriv('sm4-cbc'); parsing a
// certificate against `new X509Certificate(pem)`; one chain link (name, dates, constraints and the
// SM2-with-SM3 signature) against X509Certificate.verify(issuerKey) (node cannot set the SM2 distid,
// so OpenSSL checks with the empty ID and answers false: the work is the same).
// Run: npm run bench -- x509        (BENCH_ROUNDS=n: rounds per row, best kept; default 3)
import { X509Certificate, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { sm2 } from 'bukejian/sm2';
import { x509 } from 'bukejian/x509';
import { ROUNDS, bestOf, opsPerSec, opsPerSecAsync, report } from './_util.mjs';

const MS = Number(process.env.BENCH_MS ?? 500);

export default async function () {
  const password = 'bench pass';
  const root = sm2.keygen();
  const agency = sm2.keygen();
  const keyPem = await sm2.keys.toPem(agency.secretKey, { password });
  // the PBES2 fields, located by openssl asn1parse (offsets of salt, IV and ciphertext)
  const lines = execFileSync('openssl', ['asn1parse'], { input: keyPem }).toString().split('\n');
  const hexAt = (re) => Buffer.from(lines.find((l) => re.test(l)).split('[HEX DUMP]:')[1], 'hex');
  const octets = lines.filter((l) => l.includes('OCTET STRING'));
  const salt = hexAt(/d=5 .*OCTET STRING/);
  const iv = Buffer.from(octets[1].split('[HEX DUMP]:')[1], 'hex');
  const ct = Buffer.from(octets[2].split('[HEX DUMP]:')[1], 'hex');
  const nodeOpen = () => {
    const k = pbkdf2Sync(password, salt, 65_536, 16, 'sm3');
    const d = createDecipheriv('sm4-cbc', k, iv);
    return Buffer.concat([d.update(ct), d.final()]);
  };
  const groups = [];
  const rows = [
    ['bukejian (fromPem with password)', () => sm2.keys.fromPem(keyPem, { password })],
    ['node:crypto pbkdf2 + sm4-cbc', async () => nodeOpen()],
  ];
  const best = rows.map(() => 0);
  for (let r = 0; r < ROUNDS; r++)
    for (const [i, [, fn]] of rows.entries())
      best[i] = Math.max(best[i], await opsPerSecAsync(fn, Math.max(MS, 1500)));
  const open = rows.map(([name], i) => ({ name, value: best[i] }));
  groups.push(
    report(
      'open a GmSSL encrypted key (PBKDF2-HMAC-SM3 x65,536)',
      'ops/s',
      open,
      'node:crypto pbkdf2 + sm4-cbc',
    ),
  );
  const caCert = x509.createCertificate({
    subject: 'C=CN, O=Bench, CN=Root',
    publicKey: root.publicKey,
    issuerKey: root.secretKey,
    ca: true,
  });
  const caPem = x509.toPem(caCert);
  const leafPem = x509.toPem(
    x509.createCertificate({
      subject: 'C=CN, O=Bench, CN=agency-440300',
      publicKey: agency.publicKey,
      issuer: caCert,
      issuerKey: root.secretKey,
    }),
  );
  groups.push(
    report(
      'parse an SM2 certificate (PEM)',
      'ops/s',
      await bestOf(
        [
          ['bukejian x509.parseCertificate', () => x509.parseCertificate(leafPem)],
          ['node:crypto X509Certificate', () => new X509Certificate(leafPem)],
        ],
        ([, fn]) => opsPerSec(fn, MS),
      ),
      'node:crypto X509Certificate',
    ),
  );
  const leaf = x509.parseCertificate(leafPem);
  const ca = x509.parseCertificate(caPem);
  const nLeaf = new X509Certificate(leafPem);
  const nCaKey = new X509Certificate(caPem).publicKey;
  groups.push(
    report(
      'check one chain link (leaf under its CA, parsed certificates)',
      'ops/s',
      await bestOf(
        [
          ['bukejian x509.verifyChain', () => x509.verifyChain(leaf, { anchors: [ca] })],
          ['node:crypto X509Certificate.verify', () => nLeaf.verify(nCaKey)],
        ],
        ([, fn]) => opsPerSec(fn, MS),
      ),
      'node:crypto X509Certificate.verify',
    ),
  );
  return groups;
}
