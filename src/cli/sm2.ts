/**
 * `bukejian sm2 <keygen|sign|verify|encrypt|decrypt>`: SM2 (GB/T 32918) from the command line,
 * over files or stdin, with keys as PEM files (PKCS#8 / SPKI, OpenSSL-compatible) or hex.
 * Node-only by nature (reads files). Exit codes: 0 ok, 1 verification/decryption failed, 2 usage.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BukejianError } from '../errors.js';
import { sm2 } from '../sm2/index.js';
import { bytesToHex, hexToBytes } from '../utils.js';
import { parseArgs } from './args.js';
import { openInput, writeSecretFile } from './io.js';

/**
 * Help text of `bukejian sm2`.
 * @example console.log(usage)
 */
export const usage = `usage: bukejian sm2 <command> [options] [FILE]   (FILE or - = stdin)

  keygen  [--pem] [--out FILE [--force]] [--password-file F]
                                       new key pair: JSON hex, or PEM (private then public);
                                       --out creates FILE (mode 600) with the private key, public to
                                       stdout; an existing FILE is refused unless --force, which
                                       replaces it with a new mode-600 file; --password-file writes
                                       the private key as ENCRYPTED PRIVATE KEY (PBES2: PBKDF2-
                                       HMAC-SM3 x65536 + SM4-CBC, as GmSSL; implies --pem)
  sign    --key SK [FILE]              signature of FILE (DER by default) to stdout / --out
  verify  --key PK (--sig FILE | --sig-hex HEX) [FILE]   prints OK or FAIL (exit 1)
  encrypt --key PK [FILE]              ciphertext (GM/T 0009 DER by default) to stdout / --out
  decrypt --key SK [FILE]              plaintext to stdout / --out (a new mode-600 file, --force to
                                       replace an existing one; exit 1 if it does not decrypt)

options:
  --key K          PEM file (PRIVATE KEY / ENCRYPTED PRIVATE KEY / EC PRIVATE KEY / PUBLIC KEY),
                   file with hex, or hex itself
  --password-file F  the password of an ENCRYPTED PRIVATE KEY (first line of F; never on the
                   command line, where other users could read it)
  --user-id ID     signer ID for Z_A (default 1234567812345678; OpenSSL without distid uses "")
  --format F       der (default) | raw  (raw signature r‖s; raw ciphertext 04‖C1…)
  --mode M         c1c3c2 (default) | c1c2c3  (raw ciphertext order)
  --hex            sign/encrypt: print hex; decrypt: input is hex text
  --out FILE       write the result to FILE instead of stdout
  --force          keygen/decrypt: replace an existing --out FILE (atomically, by a new mode-600 file)`;

async function readAll(file: string | undefined): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of openInput(file)) chunks.push(c as Uint8Array);
  const b = Buffer.concat(chunks);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * The password in the first line of `--password-file` (a trailing CR/LF is not part of it).
 * @example const pw = readPassword(flags)
 */
export function readPassword(flags: Record<string, string | true>): string | undefined {
  const f = flags['password-file'];
  if (f === undefined) return undefined;
  if (typeof f !== 'string' || !existsSync(f))
    throw new BukejianError('INVALID_OPTION', '"--password-file" expected an existing file');
  const pw = readFileSync(f, 'utf8').split(/\r?\n/)[0]!;
  if (!pw)
    throw new BukejianError('INVALID_OPTION', '"--password-file" expected a non-empty first line');
  return pw;
}

/**
 * A key from --key: PEM (an encrypted one with `password`), a hex file, or hex.
 * @example const sk = await loadKey('key.pem', 'private', undefined)
 */
export async function loadKey(
  spec: string | true | undefined,
  want: 'private' | 'public',
  password?: string,
): Promise<Uint8Array> {
  if (typeof spec !== 'string')
    throw new BukejianError('INVALID_OPTION', '"--key" expected a key file or hex, got none');
  let text = spec;
  if (!/^[0-9a-fA-F]+$/.test(spec) || ![64, 66, 130].includes(spec.length)) {
    if (!existsSync(spec))
      throw /^[0-9a-fA-F]+$/.test(spec)
        ? new BukejianError(
            'INVALID_KEY',
            `"--key" hex has the wrong length: ${spec.length} digits; an SM2 ${want} key is ` +
              (want === 'private'
                ? '64 hex digits (32 bytes)'
                : '130 hex digits (04‖x‖y), 66 (compressed) or a 64-digit private key'),
          )
        : new BukejianError(
            'NOT_FOUND',
            `"--key" ${JSON.stringify(spec.slice(0, 200))} is neither an existing file nor a hex key`,
          );
    text = readFileSync(spec, 'utf8');
  }
  if (text.includes('-----BEGIN')) {
    const k =
      password === undefined ? sm2.keys.fromPem(text) : await sm2.keys.fromPem(text, { password });
    if (want === 'private') {
      if (k.type !== 'private')
        throw new BukejianError('INVALID_KEY', '"--key" expected a private key, got a public key');
      return k.secretKey;
    }
    return k.publicKey;
  }
  const b = sm2.keys.fromHex(text.trim());
  if (want === 'private' && b.length !== 32)
    throw new BukejianError(
      'INVALID_KEY',
      '"--key" expected a 32-byte private key, got a public key',
    );
  return want === 'public' && b.length === 32 ? sm2.getPublicKey(b) : b;
}

/**
 * Writes the result to --out or stdout. Plaintext goes only to a file created mode 600 (an existing
 * one is refused unless --force, see {@link writeSecretFile}).
 */
function output(
  flags: Record<string, string | true>,
  data: Uint8Array,
  hex: boolean,
  plaintext = false,
): void {
  const bytes = hex ? new TextEncoder().encode(bytesToHex(data) + '\n') : data;
  if (typeof flags.out !== 'string') process.stdout.write(bytes);
  else if (plaintext) writeSecretFile(flags.out, bytes, flags.force === true);
  else writeFileSync(flags.out, bytes);
}

/**
 * Runs `bukejian sm2 <command> …`; resolves to the exit code.
 * @example await run(['sign', '--key', 'key.pem', 'msg.txt'])
 */
export async function run(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  const { flags, positionals } = parseArgs(
    rest,
    ['key', 'user-id', 'format', 'mode', 'out', 'sig', 'sig-hex', 'password-file'],
    ['pem', 'hex', 'force'],
  );
  if (positionals.length > 1)
    throw new BukejianError(
      'INVALID_OPTION',
      `"FILE" expected at most one input, got ${positionals.length}`,
    );
  const file = positionals[0];
  const userId = typeof flags['user-id'] === 'string' ? flags['user-id'] : undefined;
  const format = (flags.format ?? 'der') as 'der' | 'raw';
  const mode = (flags.mode ?? 'c1c3c2') as 'c1c3c2' | 'c1c2c3';
  switch (cmd) {
    case 'keygen': {
      const { secretKey, publicKey } = sm2.keygen();
      const password = readPassword(flags);
      const pem = flags.pem === true || password !== undefined;
      const priv =
        password !== undefined
          ? await sm2.keys.toPem(secretKey, { password })
          : pem
            ? sm2.keys.toPem(secretKey)
            : bytesToHex(secretKey) + '\n';
      const pub = pem ? sm2.keys.toPem(publicKey) : bytesToHex(publicKey) + '\n';
      try {
        if (typeof flags.out === 'string') {
          writeSecretFile(flags.out, priv, flags.force === true);
          process.stdout.write(pub);
        } else if (pem) process.stdout.write(priv + pub);
        else
          process.stdout.write(
            JSON.stringify({ secretKey: priv.trim(), publicKey: pub.trim() }) + '\n',
          );
      } finally {
        secretKey.fill(0);
      }
      return 0;
    }
    case 'sign': {
      const sk = await loadKey(flags.key, 'private', readPassword(flags));
      output(flags, sm2.sign(await readAll(file), sk, { userId, format }), flags.hex === true);
      return 0;
    }
    case 'verify': {
      const pk = await loadKey(flags.key, 'public', readPassword(flags));
      let sig: Uint8Array;
      if (typeof flags['sig-hex'] === 'string') sig = hexToBytes(flags['sig-hex'].trim());
      else if (typeof flags.sig === 'string') sig = new Uint8Array(readFileSync(flags.sig));
      else
        throw new BukejianError(
          'INVALID_OPTION',
          '"--sig" expected a signature file (or --sig-hex), got none',
        );
      const ok = sm2.verify(sig, await readAll(file), pk, { userId, format });
      console.log(ok ? 'OK' : 'FAIL');
      return ok ? 0 : 1;
    }
    case 'encrypt': {
      const pk = await loadKey(flags.key, 'public', readPassword(flags));
      output(flags, sm2.encrypt(await readAll(file), pk, { mode, format }), flags.hex === true);
      return 0;
    }
    case 'decrypt': {
      const sk = await loadKey(flags.key, 'private', readPassword(flags));
      let ct = await readAll(file);
      if (flags.hex) ct = hexToBytes(new TextDecoder().decode(ct).trim());
      try {
        output(flags, sm2.decrypt(ct, sk, { mode, format }), false, true);
      } catch (e) {
        if (e instanceof BukejianError && e.code === 'DECRYPT_FAILED') {
          console.error(
            'bukejian sm2: DECRYPT_FAILED: the ciphertext does not decrypt with this key',
          );
          return 1;
        }
        throw e;
      }
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}
