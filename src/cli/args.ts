/**
 * A tiny argument parser shared by the subcommands: `--flag`, `--key value`, `--key=value`,
 * and positionals. Unknown flags are a usage error (INVALID_OPTION).
 * @module
 */
import { BukejianError } from '../errors.js';

export interface Parsed {
  flags: Record<string, string | true>;
  positionals: string[];
}

/** Parses `args`; `valued` lists the options that take a value, `booleans` the plain switches. */
export function parseArgs(
  args: string[],
  valued: readonly string[],
  booleans: readonly string[] = [],
): Parsed {
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-' || !a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (valued.includes(key)) {
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined)
        throw new BukejianError('INVALID_OPTION', `"--${key}" expected a value, got none`);
      flags[key] = v;
    } else if (booleans.includes(key) && eq < 0) {
      flags[key] = true;
    } else {
      throw new BukejianError(
        'INVALID_OPTION',
        `"${a.slice(0, 40)}" expected a known option, got unknown`,
      );
    }
  }
  return { flags, positionals };
}
