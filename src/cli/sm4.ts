/**
 * `bukejian sm4 encrypt|decrypt --mode MODE --key HEX (--iv HEX | --nonce HEX) [--aad HEX] [IN] [OUT]`
 * (Node-only: reads files/stdin, writes files/stdout).
 *
 * Classic modes (ecb, cbc, ctr, cfb, ofb) stream through `sm4.stream` in constant memory.
 * GCM streams too: encryption in one pass; decryption in two passes, first copying the
 * ciphertext into a private temporary directory (mode 0700, removed afterwards) while computing
 * GHASH, then verifying the tag, and only then decrypting the spooled copy, so no plaintext is
 * written before the tag is verified and the input cannot change between the passes.
 * CCM needs the message length before it starts, so it reads the whole input into memory
 * (nothing is written until the tag is verified). A forged or truncated message produces no
 * output at all (exit 1, AUTH_FAILED). Output to a file goes to a temporary file in the same
 * directory that is renamed into place only on success (removed on failure), so OUT never holds
 * a partial result.
 * Exit codes: 0 success, 1 failure (bad tag, bad padding, I/O), 2 usage error.
 * @module
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { BukejianError } from '../errors.js';
import { sm4 } from '../sm4/index.js';
import type { GcmStream } from '../sm4/index.js';
import { hexToBytes, randomBytes } from '../utils.js';
import { parseArgs } from './args.js';
import { openInput } from './io.js';

export const usage = `usage: bukejian sm4 encrypt|decrypt --mode MODE (--key HEX | --key-file FILE) [options] [IN] [OUT]

  --mode gcm|ccm|cbc|ecb|ctr|cfb|ofb   (default gcm)
  --key HEX          16-byte key as 32 hex digits (or --key-file FILE holding the hex)
  --nonce HEX        gcm: 1+ bytes (12 recommended), ccm: 7..13 bytes. Without it (recommended)
                     encrypt draws a fresh 12-byte nonce and writes a header (magic BKJSM4,
                     version, mode, nonce, tag length; authenticated as AAD) that decrypt reads.
                     A given nonce writes/reads raw ciphertext‖tag (interop); never reuse one.
  --iv HEX           cbc/ctr/cfb/ofb: 16 bytes
  --aad HEX          gcm/ccm additional authenticated data
  --tag-length N     ccm tag bytes: 4,6,...,16 (default 16)
  --padding pkcs7|none   ecb/cbc (default pkcs7)

IN/OUT default to stdin/stdout ("-"). gcm/ccm output is [header‖]ciphertext‖tag. Nothing is written on
decryption until the tag is verified: gcm spools the ciphertext to a private temporary directory
(constant memory), ccm holds the whole message in memory. Classic modes stream.`;

/** Errors in the caller's own arguments (exit 2) as opposed to failed checks on the data (exit 1). */
const USAGE_CODES = new Set([
  'INVALID_OPTION',
  'INVALID_TYPE',
  'INVALID_HEX',
  'KEY_LENGTH',
  'IV_LENGTH',
  'NONCE_LENGTH',
  'TAG_LENGTH',
]);

const MODES = ['gcm', 'ccm', 'cbc', 'ecb', 'ctr', 'cfb', 'ofb'] as const;
type Mode = (typeof MODES)[number];

function usageError(msg: string): never {
  throw new BukejianError('INVALID_OPTION', msg);
}

/** `text` as a key of `bytes` bytes; a wrong length or non-hex is said in digits, as typed. */
function hexKey(text: string, name: string, bytes: number): Uint8Array {
  const t = text.trim();
  if (!/^[0-9a-fA-F]*$/.test(t))
    usageError(`"${name}" must be ${2 * bytes} hex digits (${bytes} bytes), got other characters`);
  if (t.length !== 2 * bytes)
    usageError(
      `"${name}" must be ${2 * bytes} hex digits (${bytes} bytes), got ${t.length} digit${t.length === 1 ? '' : 's'}`,
    );
  return hexToBytes(t);
}

function hexFlag(flags: Record<string, string | true>, name: string): Uint8Array | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  try {
    return hexToBytes(String(v).trim());
  } catch {
    return usageError(`"--${name}" expected hex, got non-hex`);
  }
}

/** Output sink: stdout, or a temp file renamed to OUT on success. */
function sink(out: string | undefined): {
  stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
  failure(): Error | null;
} {
  if (!out || out === '-')
    return {
      stream: process.stdout,
      commit: async () => {},
      abort: async () => {},
      failure: () => null,
    };
  let failed: Error | null = null;
  const tmp = path.join(
    path.dirname(out),
    `.${path.basename(out)}.${Buffer.from(nodeRandomBytes(6)).toString('hex')}.tmp`,
  );
  const stream = createWriteStream(tmp, { mode: 0o600 });
  stream.on('error', (e) => (failed ??= e)); // reported by run(); never an uncaught 'error'
  const closed = () =>
    new Promise<void>((res, rej) => {
      if (stream.closed) return res();
      stream.once('error', rej);
      stream.end(() => res());
    });
  return {
    stream,
    async commit() {
      await closed();
      await rename(tmp, out);
    },
    async abort() {
      await closed().catch(() => {});
      await unlink(tmp).catch(() => {});
    },
    failure: () => failed,
  };
}

function write(s: Writable, b: Uint8Array): Promise<void> {
  if (b.length === 0) return Promise.resolve();
  return new Promise((res, rej) => s.write(b, (e) => (e ? rej(e) : res())));
}

/** Two-pass GCM decryption through a spool file: absorb + copy, verify, then decrypt the copy. */
/** The header of an SM4 AEAD file: "BKJSM4" ‖ version 1 ‖ mode (1 gcm, 2 ccm) ‖ nonce length ‖ nonce ‖ tag length. */
const MAGIC = new TextEncoder().encode('BKJSM4');

function encodeHeader(mode: 'gcm' | 'ccm', nonce: Uint8Array, tagLength: number): Uint8Array {
  const h = new Uint8Array(MAGIC.length + 3 + nonce.length + 1);
  h.set(MAGIC);
  h[6] = 1;
  h[7] = mode === 'gcm' ? 1 : 2;
  h[8] = nonce.length;
  h.set(nonce, 9);
  h[9 + nonce.length] = tagLength;
  return h;
}

/** Reads the header from the start of `input`; the rest of the input follows `rest`. */
async function readHeader(input: AsyncIterable<unknown>): Promise<{
  header: Uint8Array;
  mode: 'gcm' | 'ccm';
  nonce: Uint8Array;
  tagLength: number;
  rest: AsyncIterable<Uint8Array>;
}> {
  const it = (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let buf = new Uint8Array(0);
  const need = async (n: number): Promise<void> => {
    while (buf.length < n) {
      const r = await it.next();
      if (r.done) break;
      const b = new Uint8Array(buf.length + r.value.length);
      b.set(buf);
      b.set(r.value, buf.length);
      buf = b;
    }
  };
  const bad = (): never => {
    throw new BukejianError(
      'INVALID_ENCODING',
      '"ciphertext" expected the bukejian SM4 header (written when encrypt draws the nonce); for raw ciphertext‖tag pass the --nonce used to encrypt',
    );
  };
  await need(9);
  if (buf.length < 9 || !MAGIC.every((b, i) => buf[i] === b)) bad();
  if (buf[6] !== 1)
    throw new BukejianError('VERSION', `SM4 file header version ${buf[6]} is not supported`);
  const mode = buf[7] === 1 ? 'gcm' : buf[7] === 2 ? 'ccm' : bad();
  const n = buf[8]!;
  await need(10 + n);
  if (buf.length < 10 + n) bad();
  const header = buf.slice(0, 10 + n);
  const first = buf.slice(10 + n);
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (first.length) yield first;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { header, mode, nonce: header.slice(9, 9 + n), tagLength: header[9 + n]!, rest: rest() };
}

const concat = (a: Uint8Array, b: Uint8Array | undefined): Uint8Array => {
  const r = new Uint8Array(a.length + (b?.length ?? 0));
  r.set(a);
  if (b) r.set(b, a.length);
  return r;
};

async function gcmDecrypt(
  g: GcmStream,
  input: AsyncIterable<unknown>,
  out: Writable,
): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bukejian-sm4-'));
  const spoolPath = path.join(dir, 'ciphertext');
  try {
    const spool = createWriteStream(spoolPath, { mode: 0o600 });
    spool.on('error', () => {}); // surfaces through the write callbacks
    let tail: Uint8Array = new Uint8Array(0); // the last 16 bytes seen: the tag candidate
    for await (const c of input) {
      const chunk = c as Uint8Array;
      const all = new Uint8Array(tail.length + chunk.length);
      all.set(tail);
      all.set(chunk, tail.length);
      const cut = Math.max(0, all.length - 16);
      const body = all.subarray(0, cut);
      tail = all.slice(cut);
      if (body.length) {
        g.absorb(body);
        await write(spool, body);
      }
    }
    await new Promise<void>((res, rej) => {
      spool.once('error', rej);
      spool.end(() => res());
    });
    if (tail.length < 16)
      throw new BukejianError(
        'DATA_LENGTH',
        `"ciphertext" expected at least 16 bytes (the tag), got fewer`,
      );
    if (!g.verify(tail))
      throw new BukejianError(
        'AUTH_FAILED',
        '"ciphertext" expected a valid authentication tag, got a mismatch',
      );
    for await (const c of createReadStream(spoolPath)) await write(out, g.decrypt(c as Uint8Array));
    g.destroy();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, [
    'mode',
    'key',
    'key-file',
    'nonce',
    'iv',
    'aad',
    'tag-length',
    'padding',
  ]);
  const [op, inFile, outFile, extra] = positionals;
  if (op !== 'encrypt' && op !== 'decrypt')
    usageError(
      '"command" expected encrypt|decrypt, got ' + (op ? JSON.stringify(op.slice(0, 20)) : 'none'),
    );
  if (extra !== undefined) usageError('"arguments" expected at most IN and OUT, got more');
  const mode = (flags.mode ?? 'gcm') as Mode;
  if (!MODES.includes(mode))
    usageError(
      `"--mode" expected one of ${MODES.join('|')}, got ${JSON.stringify(String(mode).slice(0, 20))}`,
    );
  if (flags.key !== undefined && flags['key-file'] !== undefined)
    usageError('"--key" expected alone, got both --key and --key-file');
  const key =
    flags['key-file'] !== undefined
      ? (() => {
          const file = String(flags['key-file']);
          let text: string;
          try {
            text = readFileSync(file, 'utf8');
          } catch (e) {
            throw new BukejianError(
              'IO',
              `"--key-file" ${JSON.stringify(file.slice(0, 200))} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'could not be read'}`,
            );
          }
          return hexKey(text, '--key-file', 16);
        })()
      : typeof flags.key === 'string'
        ? hexKey(flags.key, '--key', 16)
        : undefined;
  if (!key) usageError('"--key" must be 32 hex digits (16 bytes), got none');
  const aead = mode === 'gcm' || mode === 'ccm';
  const nonce = hexFlag(flags, 'nonce');
  const iv = hexFlag(flags, 'iv');
  const aad = hexFlag(flags, 'aad');
  if (aead && iv) usageError(`"--iv" expected --nonce for ${mode}, got --iv`);
  if (!aead && (nonce || aad || flags['tag-length'] !== undefined))
    usageError(`"--nonce/--aad/--tag-length" expected only with gcm|ccm, got mode ${mode}`);
  if (nonce && op === 'encrypt')
    process.stderr.write(
      'bukejian sm4: warning: --nonce given: never encrypt twice with the same key and nonce ' +
        '(with GCM that reveals the XOR of the plaintexts and lets tags be forged); without ' +
        '--nonce a fresh one is drawn and stored in the output\n',
    );
  if (mode === 'gcm' && flags['tag-length'] !== undefined)
    usageError('"--tag-length" expected only with ccm (gcm tags are 16 bytes), got mode gcm');
  if (!aead && mode !== 'ecb' && !iv) usageError(`"--iv" expected for ${mode}, got none`);
  if (mode === 'ecb' && iv) usageError('"--iv" expected no IV for ecb, got one');
  if (flags.padding !== undefined && mode !== 'ecb' && mode !== 'cbc')
    usageError(`"--padding" expected only with ecb|cbc, got mode ${mode}`);
  const decrypt = op === 'decrypt';

  let input: AsyncIterable<unknown> = openInput(inFile);
  let n = nonce;
  let a = aad;
  let header: Uint8Array | undefined;
  let tagFromHeader: number | undefined;
  if (aead && !nonce) {
    if (decrypt) {
      const h = await readHeader(input);
      if (h.mode !== mode)
        usageError(`"--mode" expected ${h.mode} (the file's header says so), got ${mode}`);
      ({ header, nonce: n, rest: input } = h);
      tagFromHeader = h.tagLength;
    } else {
      n = randomBytes(12);
      const t = flags['tag-length'] === undefined ? 16 : Number(flags['tag-length']);
      header = encodeHeader(mode, n, t);
    }
    a = concat(header, aad); // the header is authenticated with the data
  }
  const out = sink(outFile);
  try {
    if (header && !decrypt) await write(out.stream, header);
    if (mode === 'gcm') {
      if (tagFromHeader !== undefined && tagFromHeader !== 16)
        throw new BukejianError(
          'INVALID_ENCODING',
          '"ciphertext" header has a GCM tag length other than 16',
        );
      const g = sm4.gcmStream(key, n!, a);
      if (!decrypt) {
        for await (const chunk of input) await write(out.stream, g.encrypt(chunk as Uint8Array));
        await write(out.stream, g.tag());
      } else {
        await gcmDecrypt(g, input, out.stream);
      }
    } else if (aead) {
      // build the cipher first so that argument errors come before reading the input
      const tagLength =
        tagFromHeader ??
        (flags['tag-length'] === undefined ? undefined : Number(flags['tag-length']));
      const c = sm4.ccm(key, n!, a, tagLength === undefined ? undefined : { tagLength });
      const chunks: Uint8Array[] = [];
      for await (const chunk of input) chunks.push(chunk as Uint8Array);
      const data = Buffer.concat(chunks);
      const result = decrypt ? c.decrypt(data) : c.encrypt(data); // throws before anything is written
      await write(out.stream, result);
    } else {
      const padding =
        flags.padding === undefined ? undefined : (String(flags.padding) as 'pkcs7' | 'none');
      const s = sm4.stream(mode, key, mode === 'ecb' ? null : iv!, {
        decrypt,
        ...(padding ? { padding } : {}),
      });
      for await (const chunk of input) await write(out.stream, s.update(chunk as Uint8Array));
      await write(out.stream, s.final());
    }
    await out.commit();
    return 0;
  } catch (e) {
    await out.abort();
    if (e instanceof BukejianError) {
      console.error(`bukejian sm4: ${e.code}: ${e.message}`);
      return USAGE_CODES.has(e.code) ? 2 : 1;
    }
    const code = ((out.failure() ?? e) as NodeJS.ErrnoException).code;
    console.error(`bukejian sm4: ${code ?? (e as Error).message}`);
    return 1;
  } finally {
    key.fill(0);
  }
}
