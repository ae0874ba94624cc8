/**
 * `bukejian audit <init|append|checkpoint|prove|verify|query|prune|check> --dir DIR`: the
 * tamper-evident audit log on a log directory (file store + `log.json` + the SM2 signing key
 * `signing-key.pem`, PKCS#8, mode 0600). Output is JSON on stdout; exit 0 success, 1 a check
 * failed, 2 usage error.
 *
 * `--anchor FILE` (outside the log directory) keeps the latest checkpoint this CLI made: it is
 * checked at every open (a log rolled back behind it is refused with `INTEGRITY`) and replaced
 * atomically after every checkpoint; `init` and `checkpoint` create it when missing.
 * @module
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BukejianError } from '../errors.js';
import { sm2 } from '../sm2/index.js';
import { bytesToHex, hexToBytes } from '../utils.js';
import {
  openAuditLog,
  openFileStore,
  auditProofToJSON,
  sm2CheckpointSigner,
  sm2CheckpointVerifier,
  verifyCheckpoint,
  verifySubjectEvents,
  type AuditLog,
  type TreeHashName,
} from '../audit/index.js';
import { parseArgs } from './args.js';
import { openInput, writeSecretFile } from './io.js';
import { auditAnswerHtml } from './_audit-html.js';

export const usage = `usage: bukejian audit <command> --dir DIR [--anchor FILE] [options]

  init        --dir DIR --origin ORIGIN [--hash sm3|sha256] [--key-name NAME] [--user-id ID] [--key PEM]
              create a log directory; generates an SM2 signing key unless --key is given
  append      --dir DIR [FILE|-]          append entries, one JSON object per line; prints
                                          {"appended", "rejected", "size"} (see audit append --help)
  checkpoint  --dir DIR                   sign and store a checkpoint of the current tree; prints it
  prove       --dir DIR --index I [--size N]     inclusion proof, JSON form (default: against the latest checkpoint)
              --dir DIR --from M [--to N]         consistency proof, JSON form
  verify      --dir DIR                   full audit of the stored data (exit 1 on any problem)
              --dir DIR --note FILE       verify a checkpoint note with the log's public key
              --dir DIR --answer FILE --subject S [--previous NOTE] [--html PAGE]   verify a "who used my
                                          data" answer with the log's public key (and that it extends an
                                          earlier checkpoint)
  query       --dir DIR --subject S [--since SIZE] [--html PAGE]   a subject's events with inclusion proofs (JSON)
  check       --dir DIR --subject S --purpose P --fields a,b [--at TIME]   consent/legal-basis check
  prune       --dir DIR [--now TIME]      delete payloads whose retention has ended

  --html PAGE     also write the answer as a self-contained HTML page (no network): each event with
                  who, what, when and its proof status (proven / not yet provable / failed)
  --anchor FILE   the latest checkpoint, kept outside DIR: every command refuses a log rolled back
                  behind it (INTEGRITY); init and checkpoint write it (init signs the empty log)`;

/** Help of `audit append`: what it reads, what it prints, its exit status. @example console.log(appendUsage) */
export const appendUsage = `usage: bukejian audit append --dir DIR [--anchor FILE] [FILE|-]

Appends entries to the audit log in DIR: one JSON object per line of FILE, or of standard input
when FILE is - or absent. Blank lines are skipped. A line that is not JSON or not a valid entry is
reported on stderr as "bukejian audit append: line L: ..." and skipped; the other lines are still
appended.

Prints on stdout, once every line is stored, one JSON object:
  {
    "appended": N,   entries this run stored
    "rejected": R,   lines this run refused (each reported on stderr)
    "size": S        entries in the log now; this run's entries have indexes S-N .. S-1
  }
Exit status: 0 every line appended, 1 some line rejected, 2 usage error.
New entries are covered by a signed checkpoint only after \`bukejian audit checkpoint\`.`;

/**
 * Help for `bukejian audit [SUBCOMMAND] --help`: the subcommand's own help when it has one, else
 * the group's usage.
 * @example console.log(help(['append', '--help']))
 */
export function help(args: string[]): string {
  return args[0] === 'append' ? appendUsage : usage;
}

interface Config {
  origin: string;
  hash: TreeHashName;
  keyName: string;
  userId?: string;
  publicKey: string;
}

const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');

function readConfig(dir: string): Config {
  const file = path.join(dir, 'log.json');
  if (!existsSync(file))
    throw new BukejianError(
      'NOT_FOUND',
      `"dir" expected an audit log (log.json), got none at ${dir}`,
    );
  const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (
    typeof c.origin !== 'string' ||
    (c.hash !== 'sm3' && c.hash !== 'sha256') ||
    typeof c.keyName !== 'string' ||
    typeof c.publicKey !== 'string'
  ) {
    throw new BukejianError(
      'INVALID_CONFIG',
      'log.json expected { origin, hash, keyName, publicKey }, got other',
    );
  }
  if (c.userId !== undefined && typeof c.userId !== 'string')
    throw new BukejianError('INVALID_CONFIG', 'log.json "userId" expected string');
  return c as unknown as Config;
}

function verifierOf(c: Config) {
  return sm2CheckpointVerifier(hexToBytes(c.publicKey), {
    name: c.keyName,
    ...(c.userId ? { userId: c.userId } : {}),
  });
}

/**
 * The `--anchor` file: must lie outside the log directory (someone who can roll the log back can
 * rewrite anything inside it). Returns its resolved path, or undefined without the option.
 */
function anchorPath(dir: string, v: string | true | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v === true || v === '')
    throw new BukejianError('INVALID_OPTION', '"--anchor" expected a file, got none');
  const real = (p: string): string => {
    // the file itself may not exist yet: resolve its nearest existing ancestor (symlinks included)
    try {
      return realpathSync(p);
    } catch {
      const parent = path.dirname(p);
      return parent === p ? p : path.join(real(parent), path.basename(p));
    }
  };
  const file = real(path.resolve(v));
  const rel = path.relative(real(path.resolve(dir)), file);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw new BukejianError(
      'INVALID_OPTION',
      '"--anchor" expected a file outside the log directory, got one inside it',
    );
  }
  return file;
}

/** Atomically replaces the anchor file with `note` (temporary file, fsync, rename, fsync dir). */
function writeAnchor(file: string, note: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, note);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const d = openSync(path.dirname(file), 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}

/** The anchor note to check at open: none without `--anchor`; a missing file only where `create` allows it. */
function readAnchor(file: string | undefined, create: boolean): string | undefined {
  if (file === undefined) return undefined;
  if (!existsSync(file)) {
    if (create) return undefined;
    throw new BukejianError(
      'NOT_FOUND',
      '"--anchor" expected an existing anchor file (init or checkpoint with --anchor writes it), got none',
    );
  }
  return readFileSync(file, 'utf8');
}

async function openLog(
  dir: string,
  write: boolean,
  anchor?: string,
): Promise<{ log: AuditLog; config: Config }> {
  const config = readConfig(dir);
  const keyFile = path.join(dir, 'signing-key.pem');
  let signer;
  if (write && existsSync(keyFile)) {
    const k = sm2.keys.fromPem(readFileSync(keyFile, 'utf8'));
    if (k.type !== 'private')
      throw new BukejianError('INVALID_KEY', 'signing-key.pem expected a private key');
    signer = sm2CheckpointSigner(k.secretKey, {
      name: config.keyName,
      ...(config.userId ? { userId: config.userId } : {}),
    });
  }
  const store = await openFileStore(dir, { readOnly: !write });
  // The node cache makes each invocation I/O-bound; `verify` still recomputes the whole tree.
  let log: AuditLog;
  try {
    log = await openAuditLog({
      store,
      origin: config.origin,
      hash: config.hash,
      signer,
      verifier: verifierOf(config),
      treeCache: true,
      ...(anchor === undefined ? {} : { anchor }),
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  const t = store.recovery.truncated;
  if (Object.keys(t).length)
    console.error(`bukejian audit: recovered: discarded torn tails ${JSON.stringify(t)}`);
  return { log, config };
}

function num(v: string | true | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isSafeInteger(n) || n < 0)
    throw new BukejianError(
      'INVALID_OPTION',
      `"--${name}" expected a non-negative integer, got ${String(v).slice(0, 20)}`,
    );
  return n;
}

function time(v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v === true ? NaN : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t))
    throw new BukejianError('INVALID_OPTION', '"time" expected ISO 8601 or epoch ms, got other');
  return t;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { flags, positionals } = parseArgs(
    rest,
    [
      'dir',
      'origin',
      'hash',
      'key-name',
      'user-id',
      'key',
      'index',
      'size',
      'from',
      'to',
      'note',
      'answer',
      'previous',
      'subject',
      'purpose',
      'fields',
      'at',
      'now',
      'since',
      'anchor',
      'html',
    ],
    [],
  );
  const dir = typeof flags.dir === 'string' ? flags.dir : undefined;
  if (!sub || !dir) {
    console.error(usage);
    return 2;
  }
  const anchorFile = anchorPath(dir, flags.anchor);
  const anchor = () => readAnchor(anchorFile, sub === 'checkpoint');
  switch (sub) {
    case 'init': {
      if (typeof flags.origin !== 'string')
        throw new BukejianError('INVALID_OPTION', '"--origin" expected a value, got none');
      if (existsSync(path.join(dir, 'log.json')))
        throw new BukejianError('BAD_STATE', `an audit log already exists at ${dir}`);
      const hash = (flags.hash ?? 'sm3') as TreeHashName;
      if (hash !== 'sm3' && hash !== 'sha256')
        throw new BukejianError('INVALID_OPTION', '"--hash" expected sm3|sha256');
      let secretKey: Uint8Array;
      if (typeof flags.key === 'string') {
        const k = sm2.keys.fromPem(readFileSync(flags.key, 'utf8'));
        if (k.type !== 'private')
          throw new BukejianError('INVALID_KEY', '"--key" expected a private key PEM');
        secretKey = k.secretKey;
      } else secretKey = sm2.keygen().secretKey;
      const keyName =
        typeof flags['key-name'] === 'string'
          ? flags['key-name']
          : `${flags.origin.replace(/\s+/g, '_')}-key`;
      const userId = typeof flags['user-id'] === 'string' ? flags['user-id'] : undefined;
      const signer = sm2CheckpointSigner(secretKey, {
        name: keyName,
        ...(userId ? { userId } : {}),
      });
      if (anchorFile && existsSync(anchorFile))
        throw new BukejianError(
          'BAD_STATE',
          '"--anchor" expected a new file for a new log, got an existing one',
        );
      const store = await openFileStore(dir, { create: true });
      if (anchorFile) {
        // the signed empty checkpoint starts the anchor chain; later checkpoints replace it
        const log = await openAuditLog({ store, origin: flags.origin, hash, signer });
        try {
          writeAnchor(anchorFile, await log.checkpoint());
        } finally {
          await log.close();
        }
      } else await store.close();
      const config: Config = {
        origin: flags.origin,
        hash,
        keyName,
        ...(userId ? { userId } : {}),
        publicKey: bytesToHex(signer.publicKey),
      };
      // created mode 0600 and exclusively: an existing signing-key.pem (or symlink) is refused with
      // BAD_STATE and left as it is
      writeSecretFile(
        path.join(dir, 'signing-key.pem'),
        sm2.keys.privateKeyToPem(secretKey),
        false,
        'signing-key.pem',
      );
      writeFileSync(path.join(dir, 'log.json'), JSON.stringify(config, null, 2) + '\n');
      out(config);
      return 0;
    }
    case 'append': {
      const { log } = await openLog(dir, true, anchor());
      try {
        const rl = createInterface({ input: openInput(positionals[0]), crlfDelay: Infinity });
        const pending: Promise<number>[] = [];
        let line = 0;
        let bad = 0;
        for await (const text of rl) {
          line++;
          if (!text.trim()) continue;
          try {
            const p = log.append(JSON.parse(text));
            // a batch that fails while lines are still being read must not be an unhandled
            // rejection (that kills the process); Promise.all below reports it
            p.catch(() => undefined);
            pending.push(p);
          } catch (e) {
            bad++;
            console.error(
              `bukejian audit append: line ${line}: ${e instanceof BukejianError ? `${e.code}: ${e.message}` : 'not JSON'}`,
            );
          }
          if (pending.length >= 10_000) await Promise.all(pending.splice(0));
        }
        const idx = (await Promise.all(pending)).length;
        out({ appended: idx + 0, rejected: bad, size: log.size });
        return bad ? 1 : 0;
      } finally {
        await log.close();
      }
    }
    case 'checkpoint': {
      const { log } = await openLog(dir, true, anchor());
      try {
        const note = await log.checkpoint();
        if (anchorFile) writeAnchor(anchorFile, note);
        process.stdout.write(note);
        return 0;
      } finally {
        await log.close();
      }
    }
    case 'prove': {
      const { log } = await openLog(dir, false, anchor());
      try {
        const latest = log.latestCheckpoint();
        const index = num(flags.index, 'index');
        if (index !== undefined) {
          const size = num(flags.size, 'size') ?? latest?.checkpoint.size ?? log.size;
          const p = log.inclusionProof(index, size);
          out({
            proof: auditProofToJSON({ type: 'inclusion', hash: log.hash, proof: p }),
            leafHash: bytesToHex(log.leafHash(index)),
            checkpoint: latest && latest.checkpoint.size === size ? latest.note : null,
          });
          return 0;
        }
        const from = num(flags.from, 'from');
        if (from === undefined)
          throw new BukejianError('INVALID_OPTION', '"prove" expected --index or --from');
        const to = num(flags.to, 'to') ?? latest?.checkpoint.size ?? log.size;
        const p = log.consistencyProof(from, to);
        out({
          proof: auditProofToJSON({ type: 'consistency', hash: log.hash, proof: p }),
          oldRoot: bytesToHex(log.root(from)),
          newRoot: bytesToHex(log.root(to)),
        });
        return 0;
      } finally {
        await log.close();
      }
    }
    case 'verify': {
      if (typeof flags.note === 'string' || typeof flags.answer === 'string') {
        const config = readConfig(dir);
        const v = verifierOf(config);
        if (typeof flags.note === 'string') {
          const cp = verifyCheckpoint(readFileSync(flags.note, 'utf8'), v, {
            origin: config.origin,
            hash: config.hash,
          });
          out(
            cp
              ? {
                  valid: true,
                  origin: cp.origin,
                  size: cp.size,
                  root: bytesToHex(cp.root),
                  time: cp.time,
                }
              : { valid: false },
          );
          return cp ? 0 : 1;
        }
        let answer;
        try {
          answer = JSON.parse(readFileSync(flags.answer as string, 'utf8'));
        } catch {
          out({ ok: false, error: 'not JSON' });
          return 1;
        }
        let previous;
        if (typeof flags.previous === 'string') {
          previous =
            verifyCheckpoint(readFileSync(flags.previous, 'utf8'), v, {
              origin: config.origin,
              hash: config.hash,
            }) ?? undefined;
          if (!previous) {
            out({ ok: false, error: 'the previous checkpoint does not verify' });
            return 1;
          }
        }
        if (typeof flags.subject !== 'string') {
          throw new BukejianError(
            'INVALID_OPTION',
            '"verify --answer" expected --subject (the pseudonym asked about)',
          );
        }
        const r = verifySubjectEvents(answer, v, {
          origin: config.origin,
          subject: flags.subject,
          ...(previous ? { previous } : {}),
        });
        if (typeof flags.html === 'string') writeFileSync(flags.html, auditAnswerHtml(answer, r));
        out({
          ok: r.ok,
          size: r.checkpoint?.size ?? null,
          proven: r.proven,
          unproven: r.unproven,
          failed: r.failed,
          ...(previous ? { consistent: r.consistent, fork: r.fork } : {}),
        });
        return r.ok ? 0 : 1;
      }
      let log: AuditLog;
      try {
        ({ log } = await openLog(dir, false, anchor()));
      } catch (e) {
        if (e instanceof BukejianError && e.code === 'INTEGRITY') {
          out({ ok: false, problems: [e.message] });
          return 1;
        }
        throw e;
      }
      try {
        const r = await log.verify();
        out({ ...r, size: log.size, root: bytesToHex(log.root()) });
        return r.ok ? 0 : 1;
      } finally {
        await log.close();
      }
    }
    case 'query': {
      if (typeof flags.subject !== 'string')
        throw new BukejianError('INVALID_OPTION', '"--subject" expected a value');
      const { log, config } = await openLog(dir, false, anchor());
      try {
        const since = num(flags.since, 'since');
        const answer = await log.eventsFor(flags.subject, since === undefined ? {} : { since });
        if (typeof flags.html === 'string') {
          // the page shows each event's status as the citizen's own check finds it
          const check = verifySubjectEvents(answer, verifierOf(config), {
            origin: config.origin,
            subject: flags.subject,
          });
          writeFileSync(flags.html, auditAnswerHtml(answer, check));
        }
        out(answer);
        return 0;
      } finally {
        await log.close();
      }
    }
    case 'check': {
      if (
        typeof flags.subject !== 'string' ||
        typeof flags.purpose !== 'string' ||
        typeof flags.fields !== 'string'
      ) {
        throw new BukejianError(
          'INVALID_OPTION',
          '"check" expected --subject, --purpose and --fields',
        );
      }
      const { log } = await openLog(dir, false, anchor());
      try {
        const d = log.checkAccess({
          subject: flags.subject,
          purpose: flags.purpose,
          fields: flags.fields.split(','),
          at: time(flags.at),
        });
        out(d);
        return d.allowed ? 0 : 1;
      } finally {
        await log.close();
      }
    }
    case 'prune': {
      const { log } = await openLog(dir, true, anchor());
      try {
        const r = await log.prune(time(flags.now) ?? Date.now());
        out({
          pruned: r.pruned,
          deletions: r.deletions.map((d) => ({
            rule: d.rule,
            time: d.time,
            logIndex: d.logIndex,
            count: d.indexes.length,
          })),
        });
        return 0;
      } finally {
        await log.close();
      }
    }
    default:
      console.error(`bukejian audit: unknown command "${sub}"\n\n${usage}`);
      return 2;
  }
}
