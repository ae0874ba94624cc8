/**
 * `bukejian zk ceremony init | contribute | beacon | verify | export` — multi-party Groth16 phase-2
 * ceremony tooling around snarkjs (Node-only CLI). A production ceremony for
 * circuits/eligibility.circom: one party runs `init` from the r1cs and a public powers-of-tau file;
 * each agency in turn runs `contribute` on the previous zkey (fresh entropy from
 * crypto.getRandomValues, printed contribution hash); a public random `beacon` closes it; anyone
 * re-checks the whole transcript with `verify` and derives the verification key with `export`.
 * See the README (zk section) for the step-by-step procedure.
 * @module
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { BukejianError } from '../errors.js';
import { bytesToHex, randomBytes } from '../utils.js';
import { eligibility } from '../zk/index.js';
import { loadSnarkjs } from '../zk/_snarkjs.js';
import { parseArgs } from './args.js';

/** Help text. @example console.log(usage) */
export const usage = `usage: bukejian zk ceremony <step> [options]
  init --r1cs FILE --ptau FILE OUT.zkey            Groth16 setup: initial phase-2 zkey (no contribution)
  contribute IN.zkey OUT.zkey --name NAME          add one contribution (entropy: crypto.getRandomValues)
  beacon IN.zkey OUT.zkey --beacon HEX [--iterations N=10, 10..63] [--name NAME]
                                                   final contribution from a public random beacon
  verify --r1cs FILE --ptau FILE ZKEY              check every contribution from the r1cs and ptau
  export ZKEY [--out vkey.json]                    write the verification key, print its SHA-256
       bukejian zk revoke --registry FILE (CREDENTIAL.json | --id N)      revoke a credential
       bukejian zk revocation publish --registry FILE --key SM2 [--out F] sign the revocation state
       bukejian zk revocation verify STATE.json --key SM2_PUBLIC [--max-age HOURS]
exit status: 0 ok, 1 a check failed, 2 usage error`;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function need(v: string | true | undefined, name: string): string {
  if (typeof v !== 'string' || !v)
    throw new BukejianError('INVALID_OPTION', `"--${name}" expected a value, got none`);
  return v;
}

function positional(p: string[], n: number, what: string): string[] {
  if (p.length !== n)
    throw new BukejianError(
      'INVALID_OPTION',
      `"${what}" expected ${n} file argument(s), got ${p.length}`,
    );
  return p;
}

/**
 * Runs `bukejian zk ...`; resolves to the exit status.
 * @example await run(['ceremony', 'export', 'final.zkey', '--out', 'vkey.json']) // 0
 */
export async function run(args: string[]): Promise<number> {
  const [group, step, ...rest] = args;
  if (group === 'revoke' || group === 'revocation')
    return (await import('./zk-revocation.js')).run(args);
  if (group !== 'ceremony' || !step) {
    console.error(usage);
    return 2;
  }
  const { flags, positionals } = parseArgs(rest, [
    'r1cs',
    'ptau',
    'name',
    'beacon',
    'iterations',
    'out',
  ]);
  try {
    const snarkjs = await loadSnarkjs();
    switch (step) {
      case 'init': {
        const [out] = positional(positionals, 1, 'init');
        await snarkjs.zKey.newZKey(need(flags.r1cs, 'r1cs'), need(flags.ptau, 'ptau'), out, quiet);
        console.log(`wrote ${out}`);
        return 0;
      }
      case 'contribute': {
        const [inp, out] = positional(positionals, 2, 'contribute');
        const entropy = bytesToHex(randomBytes(64));
        const hash: Uint8Array = await snarkjs.zKey.contribute(
          inp,
          out,
          need(flags.name, 'name'),
          entropy,
          quiet,
        );
        console.log(`contribution hash: ${bytesToHex(hash)}`);
        console.log('Publish this hash; keep nothing else (the entropy is never stored).');
        return 0;
      }
      case 'beacon': {
        const [inp, out] = positional(positionals, 2, 'beacon');
        const beacon = need(flags.beacon, 'beacon');
        if (!/^([0-9a-fA-F]{2})+$/.test(beacon))
          throw new BukejianError('INVALID_OPTION', '"--beacon" expected hex');
        const it = flags.iterations === undefined ? 10 : Number(flags.iterations);
        if (!Number.isInteger(it) || it < 10 || it > 63)
          throw new BukejianError('INVALID_OPTION', '"--iterations" expected integer in [10, 63]');
        const name = typeof flags.name === 'string' ? flags.name : 'final beacon';
        const hash: Uint8Array | false = await snarkjs.zKey.beacon(
          inp,
          out,
          name,
          beacon,
          it,
          quiet,
        );
        if (!hash)
          throw new BukejianError(
            'INVALID_OPTION',
            '"--beacon" rejected by snarkjs (at most 255 bytes of hex)',
          );
        console.log(`beacon contribution hash: ${bytesToHex(hash)}`);
        return 0;
      }
      case 'verify': {
        const [zkey] = positional(positionals, 1, 'verify');
        const ok: boolean = await snarkjs.zKey.verifyFromR1cs(
          need(flags.r1cs, 'r1cs'),
          need(flags.ptau, 'ptau'),
          zkey,
          quiet,
        );
        console.log(ok ? 'OK: every contribution verifies' : 'FAILED: the zkey does not verify');
        return ok ? 0 : 1;
      }
      case 'export': {
        const [zkey] = positional(positionals, 1, 'export');
        const vk = await snarkjs.zKey.exportVerificationKey(zkey, quiet);
        const text = JSON.stringify(vk, null, 2) + '\n';
        const out = typeof flags.out === 'string' ? flags.out : undefined;
        if (out) writeFileSync(out, text);
        else process.stdout.write(text);
        console.error(`vkey sha256: ${createHash('sha256').update(text).digest('hex')}`);
        return 0;
      }
      default:
        console.error(usage);
        return 2;
    }
  } finally {
    await eligibility.terminate();
  }
}
