/**
 * `bukejian zk …`: dispatch to the eligibility flow (./zk-flow.ts: keygen, holder, issue, request,
 * prove, verify), the revocation registry (./zk-revocation.ts), and here
 * `bukejian zk ceremony init | contribute | beacon | verify | export | r1cs` — multi-party Groth16
 * phase-2 ceremony tooling around snarkjs (Node-only CLI). A production ceremony for
 * circuits/eligibility.circom (or rules.circom): one party runs `init` from the r1cs that ships
 * with the package (circuits/build/*.r1cs.gz) and a public powers-of-tau file;
 * each agency in turn runs `contribute` on the previous zkey (fresh entropy from
 * crypto.getRandomValues, printed contribution hash); a public random `beacon` closes it; anyone
 * re-checks the whole transcript with `verify` (which lists every contribution's name and hash) and derives the verification key with `export`.
 * See the README (zk section) for the step-by-step procedure.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BukejianError } from '../errors.js';
import { bytesToHex, randomBytes } from '../utils.js';
import { eligibility } from '../zk/index.js';
import { loadSnarkjs } from '../zk/_snarkjs.js';
import { parseArgs } from './args.js';
import { circuitName, extractR1cs } from './_zk-circuits.js';
import { usage as flowUsage } from './zk-flow.js';
import { usage as revocationUsage } from './zk-revocation.js';

/** Help text. @example console.log(ceremonyUsage) */
export const ceremonyUsage = `usage: bukejian zk ceremony <step> [options]
  init [--circuit eligibility|rules | --r1cs FILE] --ptau FILE OUT.zkey
                                                   Groth16 setup: initial phase-2 zkey (no contribution);
                                                   the circuit's r1cs ships with the package
  contribute IN.zkey OUT.zkey --name NAME          add one contribution (entropy: crypto.getRandomValues)
  beacon IN.zkey OUT.zkey --beacon HEX [--iterations N=10, 10..63] [--name NAME]
                                                   final contribution from a public random beacon
  verify [--circuit C | --r1cs FILE] --ptau FILE ZKEY
                                                   check every contribution; lists each one's name and
                                                   hash (participants check theirs is there)
  export ZKEY [--out vkey.json]                    write the verification key, print its SHA-256
  r1cs [--circuit eligibility|rules] [--out FILE]  write the shipped r1cs, print its SHA-256
Long steps print progress lines on stderr (--quiet: none).
exit status: 0 ok, 1 a check failed, 2 usage error`;

/** Help text. @example console.log(usage) */
export const usage = `${flowUsage}

${ceremonyUsage}

${revocationUsage}`;

/**
 * `bukejian zk <step> --help`: the help of that step's group.
 * @example help(['ceremony', '--help'])
 */
export function help(args: string[]): string {
  const g = args[0];
  if (g === 'ceremony') return ceremonyUsage;
  if (g === 'revoke' || g === 'revocation') return revocationUsage;
  if (g && FLOW.includes(g)) return flowUsage;
  return usage;
}

const FLOW = ['keygen', 'holder', 'issue', 'request', 'prove', 'verify'];

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

/** An input file that must exist, named in the user's terms before snarkjs opens it. */
function existing(file: string, name: string): string {
  if (!existsSync(file))
    throw new BukejianError(
      'NOT_FOUND',
      `"${name}" ${JSON.stringify(file.slice(0, 200))} does not exist`,
    );
  return file;
}

const hashHex = (formatted: string) => formatted.split('\n').slice(1).join('').replace(/\s+/g, '');

/**
 * The snarkjs logger of one ceremony step: progress lines on stderr (one per phase, and at most
 * every 2 s within a phase; rewritten in place on a terminal, one line each otherwise), the
 * contributions listed by `verify` collected, errors kept for the failure message.
 */
function ceremonyLogger(step: string, quiet: boolean) {
  const t0 = performance.now();
  const tty = process.stderr.isTTY === true;
  let phase = '';
  let last = 0;
  let open = false;
  const contributions: { n: number; name: string; hash: string; beacon?: string }[] = [];
  const errors: string[] = [];
  const line = (msg: string, samePhase: boolean) => {
    if (quiet) return;
    const text = `zk ceremony ${step} [${((performance.now() - t0) / 1000).toFixed(1)} s] ${msg}`;
    if (tty && samePhase && open) process.stderr.write(`\r\x1b[K${text}`);
    else process.stderr.write(`${open ? '\n' : ''}${text}${tty ? '' : '\n'}`);
    open = tty;
    last = performance.now();
  };
  const progress = (msg: string) => {
    const p = msg.replace(/:?\s*\d+\/\d+\s*$/, '').trim();
    const same = p === phase;
    if (same && performance.now() - last < 2000) return;
    phase = p;
    line(msg.replace(/\s+/g, ' '), same);
  };
  return {
    contributions,
    errors,
    line: (msg: string) => line(msg, false),
    done() {
      if (open && !quiet) process.stderr.write('\n');
      open = false;
    },
    logger: {
      debug: progress,
      info(msg: string) {
        const m = /^contribution #(\d+) ?(.*):\n/.exec(msg);
        if (m) {
          contributions.unshift({ n: Number(m[1]), name: m[2]!, hash: hashHex(msg) });
          return;
        }
        const b = /^Beacon generator: ([0-9a-f]*)/.exec(msg);
        if (b && contributions[0]) contributions[0].beacon = b[1];
        else if (/^Circuit hash: /i.test(msg)) line(`circuit hash: ${hashHex(msg)}`, false);
        else if (!/^(-+|ZKey Ok!|Contribution Hash: [\s\S]*|Beacon iterations Exp: .*)$/.test(msg))
          progress(msg);
      },
      warn: (msg: string) => line(`warning: ${msg}`, false),
      error: (msg: string) => errors.push(String(msg).replace(/^INVALID:\s*/, '')),
    },
  };
}

/**
 * Runs `bukejian zk ...`; resolves to the exit status.
 * @example await run(['ceremony', 'export', 'final.zkey', '--out', 'vkey.json']) // 0
 */
export async function run(args: string[]): Promise<number> {
  const [group, step, ...rest] = args;
  if (group === 'revoke' || group === 'revocation')
    return (await import('./zk-revocation.js')).run(args);
  if (group && FLOW.includes(group)) return (await import('./zk-flow.js')).run(args);
  if (group !== 'ceremony' || !step) {
    console.error(usage);
    return 2;
  }
  const { flags, positionals } = parseArgs(
    rest,
    ['r1cs', 'ptau', 'name', 'beacon', 'iterations', 'out', 'circuit'],
    ['quiet'],
  );
  const log = ceremonyLogger(step, flags.quiet === true);
  let r1cs: ReturnType<typeof extractR1cs> | undefined;
  const circuitR1cs = (): string => {
    if (typeof flags.r1cs === 'string') {
      if (flags.circuit !== undefined)
        throw new BukejianError('INVALID_OPTION', 'pass "--circuit" or "--r1cs", not both');
      return existing(flags.r1cs, '--r1cs');
    }
    r1cs = extractR1cs(circuitName(flags.circuit));
    log.line(`using the shipped ${r1cs.label} (sha256 ${r1cs.sha256})`);
    return r1cs.file;
  };
  try {
    const snarkjs = await loadSnarkjs();
    switch (step) {
      case 'init': {
        const [out] = positional(positionals, 1, 'init');
        const file = circuitR1cs();
        const ptau = existing(need(flags.ptau, 'ptau'), '--ptau');
        const res: unknown = await snarkjs.zKey.newZKey(file, ptau, out, log.logger);
        log.done();
        // snarkjs returns the circuit hash, or -1 after logging why (too small a ptau, not prepared)
        if (!(res instanceof Uint8Array) || log.errors.length) {
          rmSync(out, { force: true });
          const m = /circuit too big .* > 2\*\*(\d+)/.exec(log.errors.join(' '));
          if (m)
            throw new BukejianError(
              'INVALID_DATA',
              `init failed, nothing written: the powers-of-tau file holds 2^${m[1]} points, too few for this circuit (the eligibility circuit needs 2^13, the rules circuit 2^14)`,
            );
          throw new BukejianError(
            'INVALID_DATA',
            `init failed, nothing written: ${log.errors.join('; ') || 'snarkjs refused the inputs'}`,
          );
        }
        console.log(`wrote ${out}`);
        return 0;
      }
      case 'contribute': {
        const [inp, out] = positional(positionals, 2, 'contribute');
        const entropy = bytesToHex(randomBytes(64));
        const hash: Uint8Array = await snarkjs.zKey.contribute(
          existing(inp, 'IN.zkey'),
          out,
          need(flags.name, 'name'),
          entropy,
          log.logger,
        );
        log.done();
        console.log(`contribution hash: ${bytesToHex(hash)}`);
        console.log(
          'Publish this hash (`ceremony verify` lists it); keep nothing else (the entropy is never stored).',
        );
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
          existing(inp, 'IN.zkey'),
          out,
          name,
          beacon,
          it,
          log.logger,
        );
        log.done();
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
        const file = circuitR1cs();
        const ok: boolean = await snarkjs.zKey.verifyFromR1cs(
          file,
          existing(need(flags.ptau, 'ptau'), '--ptau'),
          existing(zkey, 'ZKEY'),
          log.logger,
        );
        log.done();
        if (!ok) {
          const why = log.errors.length ? `: ${log.errors.join('; ')}` : '';
          console.log(`FAILED: the zkey does not verify${why}`);
          return 1;
        }
        console.log(
          `contributions (${log.contributions.length}; each participant checks that the hash \`contribute\` printed is listed):`,
        );
        for (const c of log.contributions) {
          const beacon = c.beacon ? ` (beacon ${c.beacon})` : '';
          console.log(`  #${c.n} ${c.name || '(no name)'}${beacon}\n     hash: ${c.hash}`);
        }
        console.log('OK: every contribution verifies');
        return 0;
      }
      case 'export': {
        const [zkey] = positional(positionals, 1, 'export');
        const vk = await snarkjs.zKey.exportVerificationKey(existing(zkey, 'ZKEY'), log.logger);
        log.done();
        const text = JSON.stringify(vk, null, 2) + '\n';
        const out = typeof flags.out === 'string' ? flags.out : undefined;
        if (out) writeFileSync(out, text);
        else process.stdout.write(text);
        console.error(`vkey sha256: ${createHash('sha256').update(text).digest('hex')}`);
        return 0;
      }
      case 'r1cs': {
        positional(positionals, 0, 'r1cs');
        const r = extractR1cs(circuitName(flags.circuit));
        try {
          const bytes = readFileSync(r.file);
          if (typeof flags.out === 'string' && flags.out !== '-') writeFileSync(flags.out, bytes);
          else process.stdout.write(bytes);
        } finally {
          r.cleanup();
        }
        console.error(`${r.label} sha256: ${r.sha256}`);
        return 0;
      }
      default:
        console.error(ceremonyUsage);
        return 2;
    }
  } finally {
    log.done();
    r1cs?.cleanup();
    await eligibility.terminate();
  }
}
