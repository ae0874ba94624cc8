#!/usr/bin/env node
/**
 * The `bukejian` command. Each subcommand lives in its own file and is loaded on demand.
 * Exit codes: 0 success, 1 a check failed or an operation was refused, 2 usage error.
 * @module
 */
import { BukejianError } from '../errors.js';

type Command = {
  run(args: string[]): Promise<number>;
  usage: string;
  /** A subcommand's own help (`bukejian audit append --help`); default: `usage`. */
  help?(args: string[]): string;
};

const commands: Record<string, () => Promise<Command>> = {
  sm3: () => import('./sm3.js'),
  sm4: () => import('./sm4.js'),
  mask: () => import('./mask.js'),
  detect: () =>
    import('./mask.js').then((m) => ({
      usage: m.usage,
      run: (a: string[]) => m.run(['detect', ...a]),
    })),
  redact: () =>
    import('./mask.js').then((m) => ({
      usage: m.usage,
      run: (a: string[]) => m.run(['redact', ...a]),
    })),
  anonymize: () => import('./anonymize.js'),
  audit: () => import('./audit.js'),
  psi: () => import('./psi.js'),
  jobs: () => import('./jobs.js'),
  bench: () => import('./bench.js'),
  sm2: () => import('./sm2.js'),
  zk: () => import('./zk.js'),
  x509: () => import('./x509.js'),
};

function usage(): string {
  return [
    'usage: bukejian <command> [options]',
    '',
    'commands:',
    ...Object.keys(commands).map((c) => `  ${c}`),
    '',
    'Run `bukejian <command> --help` for the options of one command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`bukejian: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.help ? cmd.help(rest) : cmd.usage);
    return 0;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof BukejianError) console.error(`bukejian: ${err.code}: ${err.message}`);
    else console.error(`bukejian: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = err instanceof BukejianError && err.code === 'INVALID_OPTION' ? 2 : 1;
  },
);
