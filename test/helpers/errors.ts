// The error code a (possibly async) call fails with: undefined when it succeeds; anything that
// is not a BukejianError is rethrown (so a crash never passes for an expected rejection).
import { BukejianError } from '../../src/errors.js';

export async function codeOf(f: () => unknown): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof BukejianError)) throw e;
    return e.code;
  }
  return undefined;
}
