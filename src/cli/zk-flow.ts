/**
 * `bukejian zk keygen | holder | issue | request | prove | verify`: the eligibility flow of
 * `bukejian/zk` on the command line, JSON in and out, so an agency can try it without writing
 * code. Credentials and proofs are the API's JSON forms; the request, the issuer's public key and
 * the nullifier file are described in ./_zk-json.ts. Secrets (the issuer key, the holder secret)
 * are read from files only, never from the command line, and written mode 600.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BukejianError } from '../errors.js';
import { bytesToHex, hexToBytes } from '../utils.js';
import {
  credentialFromJSON,
  credentialToJSON,
  dateOf,
  eligibility,
  eligibilityProofToJSON,
  holder,
  issuer,
  loadArtifacts,
  type Artifacts,
  type ArtifactHashes,
  type CredentialRecord,
} from '../zk/index.js';
import { parseArgs } from './args.js';
import { writeSecretFile } from './io.js';
import { loadKey, readPassword } from './sm2.js';
import {
  fileRegistry,
  issuerKeyFromJSON,
  issuerKeyToJSON,
  parseJSON,
  readText,
  requestFromJSON,
  requestToJSON,
} from './_zk-json.js';

/** Help text. @example console.log(usage) */
export const usage = `usage: bukejian zk <step> [options]        (the eligibility flow, JSON in and out)
  keygen --out ISSUER.key [--force]        issuer: new Baby Jubjub key; the secret goes to a new
                                           mode-600 file, the public key (JSON) to stdout
  holder --out HOLDER.secret [--force]     holder: new secret (mode-600 file); prints the commitment
                                           the issuer puts in the record as "holderCommitment"
  issue RECORD.json|- --key ISSUER.key [--sm2-key SM2 [--password-file F]] [--out CRED.json]
                                           issuer: sign a record into a credential
  request --rule RULE.json|JSON --program NAME [--period N] [--today YYYYMMDD] [--out REQ.json]
                                           verifier: a request with a fresh challenge
  prove --credential CRED.json --secret-file HOLDER.secret --request REQ.json [--out PROOF.json]
        [--zkey F --zkey-sha256 HEX] [--wasm F --wasm-sha256 HEX] [--quiet]
                                           holder: Groth16 proof (progress on stderr)
  verify PROOF.json|- --request REQ.json --issuer ISSUER.json (--vkey VKEY.json | --allow-development-key)
        [--nullifiers FILE]                verifier: prints {"ok":true,"nullifier":…} or
                                           {"ok":false,"reason":…}; exit 0 only when ok
  ceremony … | revoke … | revocation …     see \`bukejian zk ceremony --help\`
Files: RECORD.json = the "record" of a credential ({"holderCommitment":"…","birthDate":19550505,…});
RULE.json = {"minAge":60,"maxIncome":30000,"regions":[110101],"requiredFlags":1} (omit any);
REQ.json = {"type":"bukejian/zk-request","version":1,"rule":{…},"today":20261125,
"programId":"高龄津贴","period":202611,"challenge":"…"}. "-" = stdin (one input) or stdout.
--allow-development-key verifies against the committed development key (tests and demos only:
whoever ran that setup can forge proofs); production verifiers pass their ceremony's --vkey.
exit status: 0 ok, 1 not eligible / a check failed, 2 usage error`;

const VALUED = [
  'out',
  'key',
  'sm2-key',
  'password-file',
  'rule',
  'program',
  'period',
  'today',
  'credential',
  'secret-file',
  'request',
  'zkey',
  'zkey-sha256',
  'wasm',
  'wasm-sha256',
  'issuer',
  'vkey',
  'nullifiers',
];
const BOOLEANS = ['force', 'quiet', 'allow-development-key'];

function need(flags: Record<string, string | true>, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || !v)
    throw new BukejianError('INVALID_OPTION', `"--${name}" expected a value, got none`);
  return v;
}

function one(positionals: string[], step: string, what: string): string {
  if (positionals.length !== 1)
    throw new BukejianError(
      'INVALID_OPTION',
      `"zk ${step}" expected one ${what} (or - for stdin), got ${positionals.length}`,
    );
  return positionals[0]!;
}

/** Reads a JSON file (or stdin) for option `what`, naming it in every error. */
async function readJSON(file: string, what: string): Promise<Record<string, unknown>> {
  return parseJSON(await readText(file), `${what} ${JSON.stringify(file.slice(0, 200))}`);
}

/** Reads and compiles a request file (`--request`), naming it in every error. */
async function readRequest(file: string) {
  const what = `--request ${JSON.stringify(file.slice(0, 200))}`;
  return requestFromJSON(parseJSON(await readText(file), what), what);
}

/** Adds the file's name to a decoder's error. */
async function named<T>(what: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof BukejianError)
      throw new BukejianError(e.code, `${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

function writeOut(flags: Record<string, string | true>, text: string): void {
  const out = flags.out;
  if (typeof out === 'string' && out !== '-') writeFileSync(out, text);
  else process.stdout.write(text);
}

const json = (o: unknown) => JSON.stringify(o, null, 2) + '\n';

function secretFile(file: string, name: string, pattern: RegExp, want: string): string {
  let text: string;
  if (pattern.test(file) && !existsSync(file))
    throw new BukejianError(
      'INVALID_OPTION',
      `"--${name}" expected a file holding ${want}, got what looks like the secret itself (never put a secret on the command line: it shows in the process list and the shell history)`,
    );
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new BukejianError(
      'IO',
      `"--${name}" ${JSON.stringify(file.slice(0, 200))} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (!pattern.test(text))
    throw new BukejianError('INVALID_KEY', `"--${name}" expected a file holding ${want}`);
  return text;
}

const issuerSecret = (file: string) =>
  hexToBytes(secretFile(file, 'key', /^[0-9a-fA-F]{64}$/, '64 hex digits (from `zk keygen`)'));

async function loadProverArtifacts(
  flags: Record<string, string | true>,
): Promise<{ artifacts?: Artifacts; expectedHashes?: ArtifactHashes }> {
  if (flags.zkey === undefined && flags.wasm === undefined) return {};
  const dev = await loadArtifacts();
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const pick = (name: 'zkey' | 'wasm') => {
    if (flags[name] === undefined) return { bytes: dev[name], hash: sha(dev[name]) };
    const hash = flags[`${name}-sha256`];
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
      throw new BukejianError(
        'INVALID_OPTION',
        `"--${name}" needs "--${name}-sha256" (64 lowercase hex digits: the hash the ceremony's coordinator published)`,
      );
    const file = need(flags, name);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new BukejianError(
        'IO',
        `"--${name}" ${JSON.stringify(file.slice(0, 200))} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    return { bytes, hash };
  };
  const z = pick('zkey');
  const w = pick('wasm');
  return {
    artifacts: { wasm: w.bytes, zkey: z.bytes },
    expectedHashes: { wasm: w.hash, zkey: z.hash },
  };
}

const REASONS: Record<string, string> = {
  malformed: 'the proof file is not a well-formed bukejian/zk-proof',
  invalid:
    'the proof does not verify for this request, issuer and verification key (altered, made for another request or key, or forged)',
  'already-claimed':
    'this holder already claimed this programme in this period (the nullifier is in --nullifiers)',
};

/**
 * Runs `bukejian zk keygen | holder | issue | request | prove | verify`; resolves to the exit status.
 * @example await run(['verify', 'proof.json', '--request', 'req.json', '--issuer', 'issuer.json', '--vkey', 'vkey.json'])
 */
export async function run(args: string[]): Promise<number> {
  const [step, ...rest] = args;
  const { flags, positionals } = parseArgs(rest, VALUED, BOOLEANS);
  const force = flags.force === true;
  switch (step) {
    case 'keygen': {
      const kp = await issuer.keygen();
      writeSecretFile(need(flags, 'out'), bytesToHex(kp.secretKey) + '\n', force);
      kp.secretKey.fill(0);
      process.stdout.write(json(issuerKeyToJSON(kp.publicKey)));
      return 0;
    }
    case 'holder': {
      const h = await holder.create();
      writeSecretFile(need(flags, 'out'), `${h.secret}\n`, force);
      process.stdout.write(json({ holderCommitment: String(h.commitment) }));
      return 0;
    }
    case 'issue': {
      const file = one(positionals, 'issue', 'record file');
      const what = `record ${JSON.stringify(file.slice(0, 200))}`;
      const o = await readJSON(file, 'record');
      const hc = o.holderCommitment;
      if (typeof hc !== 'string' || !/^[1-9][0-9]{0,77}$/.test(hc))
        throw new BukejianError(
          'INVALID_ENCODING',
          `${what}: "holderCommitment" expected a decimal string (from \`bukejian zk holder\`)`,
        );
      const record = { ...o, holderCommitment: BigInt(hc) } as unknown as CredentialRecord;
      const sk = issuerSecret(need(flags, 'key'));
      const sm2SecretKey =
        flags['sm2-key'] !== undefined
          ? await loadKey(flags['sm2-key'], 'private', readPassword(flags))
          : undefined;
      try {
        const cred = await named(what, () =>
          issuer.issue(record, sk, sm2SecretKey ? { sm2SecretKey } : undefined),
        );
        writeOut(flags, json(credentialToJSON(cred)));
      } finally {
        sk.fill(0);
        sm2SecretKey?.fill(0);
      }
      return 0;
    }
    case 'request': {
      const spec = need(flags, 'rule');
      const rule = spec.trimStart().startsWith('{')
        ? parseJSON(spec, '--rule')
        : await readJSON(spec, '--rule');
      const today = flags.today === undefined ? dateOf(new Date()) : Number(need(flags, 'today'));
      const period =
        flags.period === undefined ? Math.floor(today / 100) : Number(need(flags, 'period'));
      const req = requestToJSON({
        rule: rule as never,
        today,
        programId: need(flags, 'program'),
        period,
        challenge: String(eligibility.challenge()),
      });
      await requestFromJSON(req as unknown as Record<string, unknown>, '--rule'); // validates the rule and values
      writeOut(flags, json(req));
      return 0;
    }
    case 'prove':
      return prove(flags, positionals);
    case 'verify': {
      const file = one(positionals, 'verify', 'proof file');
      const request = await readRequest(need(flags, 'request'));
      const issuerKey = issuerKeyFromJSON(
        await readJSON(need(flags, 'issuer'), '--issuer'),
        '--issuer',
      );
      const vkey =
        flags.vkey !== undefined ? await readJSON(need(flags, 'vkey'), '--vkey') : undefined;
      if (!vkey && flags['allow-development-key'] !== true)
        throw new BukejianError(
          'INVALID_OPTION',
          '"zk verify" expected "--vkey VKEY.json" (the verification key of your ceremony, from `bukejian zk ceremony export`) or "--allow-development-key" (tests and demos only)',
        );
      const registry =
        typeof flags.nullifiers === 'string' ? fileRegistry(flags.nullifiers) : undefined;
      const proofText = await readText(file);
      try {
        const res = await eligibility.verify(
          proofText,
          { ...request, issuerPublicKey: issuerKey },
          {
            ...(vkey ? { vkey: vkey as never } : { allowDevelopmentKey: true }),
            ...(registry ? { registry } : {}),
          },
        );
        if (res.ok) {
          process.stdout.write(json({ ok: true, nullifier: String(res.nullifier) }));
          return 0;
        }
        process.stdout.write(json({ ok: false, reason: res.reason }));
        console.error(`bukejian: proof rejected (${res.reason}): ${REASONS[res.reason]}`);
        return 1;
      } finally {
        await eligibility.terminate();
      }
    }
    default:
      console.error(usage);
      return 2;
  }
}

async function prove(flags: Record<string, string | true>, positionals: string[]): Promise<number> {
  if (positionals.length)
    throw new BukejianError('INVALID_OPTION', '"zk prove" takes options only, got a file argument');
  const t0 = performance.now();
  const quiet = flags.quiet === true;
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  // one line per phase, always newline-terminated (a log file or a pipe reads them as they come)
  const phase = (msg: string) => {
    if (!quiet) process.stderr.write(`zk prove [${secs()} s] ${msg}\n`);
  };
  const inputs = [flags.credential, flags.request].filter((f) => f === '-');
  if (inputs.length > 1)
    throw new BukejianError(
      'INVALID_OPTION',
      'only one of --credential / --request may be - (stdin)',
    );
  const credFile = need(flags, 'credential');
  phase('reading the credential, the holder secret and the request');
  const credWhat = `--credential ${JSON.stringify(credFile.slice(0, 200))}`;
  const credText = await readText(credFile);
  const credential = await named(credWhat, () => credentialFromJSON(credText));
  const secret = BigInt(
    secretFile(
      need(flags, 'secret-file'),
      'secret-file',
      /^[0-9]{1,78}$/,
      'the holder secret (a decimal number, from `zk holder`)',
    ),
  );
  const request = await readRequest(need(flags, 'request'));
  const verdict = eligibility.check(credential, request);
  if (verdict.eligible) phase('the credential satisfies the rule (checked in plain JS)');
  else phase(`the credential fails the rule: ${verdict.failed.join(', ')}; nothing is proved`);
  const opts = verdict.eligible ? await loadProverArtifacts(flags) : {};
  if (verdict.eligible) {
    phase('loading the circuit artifacts (witness generator and proving key, SHA-256 checked)');
    if (!opts.artifacts) opts.artifacts = await loadArtifacts();
  }
  // the prover's own phases: the witness, then Groth16 (a line at each quarter of the proving work)
  let quarter = -1;
  const onProgress = ({ phase: p, fraction }: { phase: string; fraction?: number }) => {
    if (p === 'witness') phase('computing the witness');
    else if (p === 'proving') {
      const q = Math.floor((fraction ?? 0) * 4);
      if (q > quarter && q < 4) phase(`proving (Groth16): ${q * 25} % done`);
      quarter = Math.max(quarter, q);
    }
  };
  try {
    // a failed predicate throws NOT_ELIGIBLE here, naming it, before any proving work
    const proof = await eligibility.prove(
      { ...request, credential, holderSecret: secret },
      { ...opts, onProgress },
    );
    writeOut(flags, json(eligibilityProofToJSON(proof)));
    phase(
      `done: proof written${typeof flags.out === 'string' && flags.out !== '-' ? ` to ${flags.out}` : ''}`,
    );
    return 0;
  } finally {
    await eligibility.terminate();
  }
}
