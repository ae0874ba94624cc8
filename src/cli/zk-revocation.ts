/**
 * `bukejian zk revoke` and `bukejian zk revocation publish | verify` — the issuer's revocation
 * registry for the rules circuit (see docs/zk.md, "Revocation"). The registry is a JSON file of
 * revoked ids (decimal); `publish` signs its current state with the issuer's SM2 key and writes the
 * state holders and verifiers fetch (the whole list: holders compute their witness locally).
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BukejianError } from '../errors.js';
import { sm2 } from '../sm2/index.js';
import { credentialFromJSON, revocation } from '../zk/index.js';
import { parseArgs } from './args.js';

/** Help text. @example console.log(usage) */
export const usage = `usage: bukejian zk revoke --registry FILE (CREDENTIAL.json | --id DECIMAL)
       bukejian zk revocation publish --registry FILE --key SM2_SECRET [--out state.json] [--at ISO_DATE]
       bukejian zk revocation verify STATE.json --key SM2_PUBLIC [--max-age HOURS=24]
  revoke      add a credential (its revocation id) to the registry file (created if missing)
  publish     sign the registry's state (root, count, time) with the issuer's SM2 key (hex or PEM file)
  verify      check a published state's SM2 signature and its age
exit status: 0 ok, 1 a check failed, 2 usage error`;

const REGISTRY_TYPE = 'bukejian/zk-revocation-registry';

function need(v: string | true | undefined, name: string): string {
  if (typeof v !== 'string' || !v)
    throw new BukejianError('INVALID_OPTION', `"--${name}" expected a value, got none`);
  return v;
}

function readRegistry(file: string): bigint[] {
  if (!existsSync(file)) return [];
  let o: unknown;
  try {
    o = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new BukejianError('INVALID_ENCODING', '"--registry" does not parse as JSON');
  }
  const r = o as { type?: unknown; ids?: unknown };
  if (!r || r.type !== REGISTRY_TYPE || !Array.isArray(r.ids))
    throw new BukejianError('INVALID_ENCODING', `"--registry" expected a ${REGISTRY_TYPE} file`);
  return r.ids.map((v) => {
    if (typeof v !== 'string' || !/^[1-9][0-9]{0,38}$/.test(v))
      throw new BukejianError('INVALID_ENCODING', '"--registry" ids expected decimal strings');
    return BigInt(v);
  });
}

function writeRegistry(file: string, ids: readonly bigint[]): void {
  const text = JSON.stringify({ type: REGISTRY_TYPE, version: 1, ids: ids.map(String) }, null, 2);
  writeFileSync(file, text + '\n');
}

function loadKey(spec: string, want: 'private' | 'public'): Uint8Array {
  let text = spec;
  if (!/^[0-9a-fA-F]+$/.test(spec)) {
    if (!existsSync(spec))
      throw new BukejianError('NOT_FOUND', '"--key" expected an existing file or hex key');
    text = readFileSync(spec, 'utf8');
  }
  if (text.includes('-----BEGIN')) {
    const k = sm2.keys.fromPem(text);
    if (want === 'private' && k.type !== 'private')
      throw new BukejianError('INVALID_KEY', '"--key" expected a private key, got a public key');
    return k.type === 'private' && want === 'private' ? k.secretKey : k.publicKey;
  }
  const b = sm2.keys.fromHex(text.trim());
  if (want === 'private' && b.length !== 32)
    throw new BukejianError('INVALID_KEY', '"--key" expected a 32-byte private key');
  return want === 'public' && b.length === 32 ? sm2.getPublicKey(b) : b;
}

/**
 * Runs `bukejian zk revoke …` / `bukejian zk revocation …`; resolves to the exit status.
 * @example await run(['revoke', '--registry', 'revoked.json', 'credential.json']) // 0
 */
export async function run(args: string[]): Promise<number> {
  const [group, ...rest0] = args;
  const step = group === 'revocation' ? rest0[0] : 'revoke';
  const rest = group === 'revocation' ? rest0.slice(1) : rest0;
  const { flags, positionals } = parseArgs(rest, ['registry', 'id', 'key', 'out', 'at', 'max-age']);
  switch (step) {
    case 'revoke': {
      const file = need(flags.registry, 'registry');
      const reg = revocation.createRegistry(readRegistry(file));
      let id: bigint;
      if (typeof flags.id === 'string') {
        if (!/^[1-9][0-9]{0,38}$/.test(flags.id))
          throw new BukejianError('INVALID_OPTION', '"--id" expected a decimal revocation id');
        id = BigInt(flags.id);
      } else {
        if (positionals.length !== 1)
          throw new BukejianError(
            'INVALID_OPTION',
            '"revoke" expected one credential file or --id',
          );
        id = await revocation.id(credentialFromJSON(readFileSync(positionals[0]!, 'utf8')));
      }
      const added = await reg.revoke(id);
      writeRegistry(file, reg.ids);
      console.log(
        `${added ? 'revoked' : 'already revoked'}: ${id} (${reg.ids.length} in registry)`,
      );
      return 0;
    }
    case 'publish': {
      const file = need(flags.registry, 'registry');
      if (!existsSync(file)) throw new BukejianError('NOT_FOUND', '"--registry" file not found');
      const sk = loadKey(need(flags.key, 'key'), 'private');
      const at = typeof flags.at === 'string' ? Date.parse(flags.at) : Date.now();
      if (!Number.isSafeInteger(at) || at < 0)
        throw new BukejianError('INVALID_OPTION', '"--at" expected an ISO date');
      const state = await revocation.createRegistry(readRegistry(file)).publish(sk, { at });
      sk.fill(0);
      const text = JSON.stringify(revocation.toJSON(state), null, 2) + '\n';
      if (typeof flags.out === 'string') writeFileSync(flags.out, text);
      else process.stdout.write(text);
      console.error(`published ${state.ids.length} revoked id(s), root ${state.root}`);
      return 0;
    }
    case 'verify': {
      if (positionals.length !== 1)
        throw new BukejianError('INVALID_OPTION', '"verify" expected one state file');
      const pk = loadKey(need(flags.key, 'key'), 'public');
      const hours = flags['max-age'] === undefined ? 24 : Number(flags['max-age']);
      if (!(hours >= 0))
        throw new BukejianError('INVALID_OPTION', '"--max-age" expected hours >= 0');
      let state;
      try {
        state = revocation.fromJSON(readFileSync(positionals[0]!, 'utf8'));
      } catch (e) {
        if (!(e instanceof BukejianError)) throw e;
        console.log(`FAILED: ${e.code}`);
        return 1;
      }
      if (!revocation.verifyState(state, pk)) {
        console.log('FAILED: the signature does not verify');
        return 1;
      }
      if (Date.now() - state.publishedAt > hours * 3600_000) {
        console.log(`FAILED: stale (published ${new Date(state.publishedAt).toISOString()})`);
        return 1;
      }
      console.log(
        `OK: ${state.ids.length} revoked id(s), published ${new Date(state.publishedAt).toISOString()}`,
      );
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}
