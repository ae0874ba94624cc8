/**
 * `bukejian sm3 [FILE...]`: SM3 digests printed like `sha256sum` (`<hex>  <name>`), streaming,
 * stdin for `-` or when no file is given.
 * @module
 */
import { sm3 } from '../sm3.js';
import { bytesToHex } from '../utils.js';
import { parseArgs } from './args.js';
import { openInput } from './io.js';
import { BukejianError } from '../errors.js';

export const usage =
  'usage: bukejian sm3 [FILE...]   (reads stdin for - or no FILE; prints "<digest>  <name>")';

export async function run(args: string[]): Promise<number> {
  const { positionals } = parseArgs(args, []);
  const files = positionals.length ? positionals : ['-'];
  let status = 0;
  for (const f of files) {
    try {
      const h = sm3.create();
      for await (const chunk of openInput(f)) h.update(chunk as Uint8Array);
      process.stdout.write(`${bytesToHex(h.digest())}  ${f}\n`);
    } catch (e) {
      console.error(
        e instanceof BukejianError
          ? `bukejian sm3: ${e.message}`
          : `bukejian sm3: ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
      status = 1;
    }
  }
  return status;
}
