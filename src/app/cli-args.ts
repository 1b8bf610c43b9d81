/** What the command line asks for. */
export interface Invocation {
  command: 'serve' | 'check-config' | 'help' | 'version';
  file?: string;
  listen?: string;
  /** `-v` / `-verbose`: debug logging. */
  verbose?: boolean;
  /** prometheus-am-executor's positional `script [args..]`: the command to run for every notification. */
  run?: { cmd: string; args: string[] };
}

export class UsageError extends Error {}

interface FlagSpec {
  readonly kind: 'string' | 'bool';
  readonly apply: (invocation: Invocation, value: string | boolean) => void;
}

// prometheus-am-executor's flags (-f, -l, -v) beside alertpipe's long names, one table for both.
const FLAGS: Readonly<Record<string, FlagSpec>> = {
  f: { kind: 'string', apply: (inv, v) => (inv.file = String(v)) },
  config: { kind: 'string', apply: (inv, v) => (inv.file = String(v)) },
  l: { kind: 'string', apply: (inv, v) => (inv.listen = String(v)) },
  listen: { kind: 'string', apply: (inv, v) => (inv.listen = String(v)) },
  v: { kind: 'bool', apply: (inv, v) => (inv.verbose = v === true) },
  verbose: { kind: 'bool', apply: (inv, v) => (inv.verbose = v === true) },
  h: { kind: 'bool', apply: (inv, v) => v === true && (inv.command = 'help') },
  help: { kind: 'bool', apply: (inv, v) => v === true && (inv.command = 'help') },
  version: { kind: 'bool', apply: (inv, v) => v === true && (inv.command = 'version') },
};

const SUBCOMMANDS = new Set(['serve', 'check-config', 'help', 'version']);

/**
 * Reads argv the way Go's `flag` package reads prometheus-am-executor's, so its unit files work
 * unchanged: `-name value`, `--name value`, `-name=value` and `--name=value`; a bool flag alone
 * is true and takes a value only after `=` (`-v=false`); the first argument that is not a flag
 * (or everything after `--`) is the command and its arguments, passed on as they are even when
 * they start with `-`. alertpipe's own words (`serve`, `check-config FILE`, `help`, `version`)
 * are recognised in that first position; a script with one of those names is run as `./serve`
 * or after `--`.
 */
export function parseArgs(argv: readonly string[]): Invocation {
  const invocation: Invocation = { command: 'serve' };
  let i = 0;
  let subcommandSeen = false;
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (subcommandSeen || !SUBCOMMANDS.has(arg)) break; // the command to run starts here
      subcommandSeen = true;
      invocation.command = arg as Invocation['command'];
      if (arg === 'check-config') {
        const file = argv[i + 1];
        if (file === undefined) throw new UsageError('check-config needs a FILE');
        invocation.file = file;
        i++;
      }
      i++;
      continue;
    }
    i = readFlag(argv, i, invocation);
  }
  const rest = argv.slice(i);
  if (rest.length > 0) {
    if (invocation.command === 'check-config') throw new UsageError(`unexpected argument ${rest[0]} after check-config FILE`);
    invocation.run = { cmd: rest[0] as string, args: rest.slice(1) };
  }
  return invocation;
}

/** Reads the flag at `argv[i]` into the invocation; returns the index of the next argument. */
function readFlag(argv: readonly string[], i: number, invocation: Invocation): number {
  const arg = argv[i] as string;
  const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
  if (body === '' || body.startsWith('-') || body.startsWith('=')) throw new UsageError(`bad flag syntax: ${arg}`);
  const equals = body.indexOf('=');
  const name = equals === -1 ? body : body.slice(0, equals);
  const inline = equals === -1 ? undefined : body.slice(equals + 1);
  const spec = FLAGS[name];
  if (spec === undefined) throw new UsageError(`unknown argument ${arg}`);
  if (spec.kind === 'bool') {
    spec.apply(invocation, inline === undefined ? true : parseGoBool(inline, arg));
    return i + 1;
  }
  if (inline !== undefined) {
    spec.apply(invocation, inline);
    return i + 1;
  }
  const next = argv[i + 1];
  if (next === undefined) throw new UsageError(`${arg} needs a value`);
  spec.apply(invocation, next);
  return i + 2;
}

// What Go's strconv.ParseBool accepts, and nothing else.
function parseGoBool(text: string, arg: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  throw new UsageError(`invalid boolean value ${JSON.stringify(text)} for ${arg}`);
}
