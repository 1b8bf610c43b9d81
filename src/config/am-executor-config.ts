import type { ConfigProblem } from '../lib/config-error.js';

const TOP_LEVEL = new Set(['listen_address', 'verbose', 'tls_key', 'tls_crt', 'commands']);
const COMMAND_KEYS = new Set(['cmd', 'args', 'match_labels', 'max', 'notify_on_failure', 'ignore_resolved', 'resolved_signal']);

/** prometheus-am-executor's positional `script [args..]`. */
export interface CommandLineCommand {
  readonly cmd: string;
  readonly args: readonly string[];
}

/**
 * Adds the command given on the command line to the file's, unless the file already has the same
 * one (same `cmd` and `args`, no `match_labels`), as am-executor merged them.
 */
export function addCommandLineCommand(
  parsed: Readonly<Record<string, unknown>>,
  command: CommandLineCommand | undefined,
): Record<string, unknown> {
  if (command === undefined) return { ...parsed };
  const commands = Array.isArray(parsed.commands) ? (parsed.commands as unknown[]) : [];
  const same = commands.some((c) => {
    if (c === null || typeof c !== 'object') return false;
    const { cmd, args, match_labels: labels } = c as { cmd?: unknown; args?: unknown; match_labels?: unknown };
    const fileArgs = Array.isArray(args) ? args : [];
    const noLabels = labels === undefined || labels === null || (typeof labels === 'object' && Object.keys(labels).length === 0);
    return cmd === command.cmd && noLabels && fileArgs.length === command.args.length && fileArgs.every((a, i) => a === command.args[i]);
  });
  return { ...parsed, commands: same ? commands : [...commands, { cmd: command.cmd, args: [...command.args] }] };
}

/** A prometheus-am-executor `executor.yml`: a top-level `commands:` list. */
export function isAmExecutorConfig(parsed: Readonly<Record<string, unknown>>): boolean {
  return Array.isArray(parsed.commands);
}

/**
 * Reads an am-executor config as it is, into alertpipe's: one `exec` action per command (which
 * checks `match_labels` against the group's common labels itself, as am-executor did: routes match
 * each alert's own labels, which is not the same), one route giving every alert to all of them and
 * the log, `listen_address` as `server.listen`, `tls_crt`/`tls_key` as `server.tls`, and no
 * enrichment (am-executor had none, and its commands run before the answer).
 */
export function translateAmExecutorConfig(parsed: Readonly<Record<string, unknown>>, problems: ConfigProblem[]): Record<string, unknown> {
  for (const key of Object.keys(parsed)) {
    if (!TOP_LEVEL.has(key))
      problems.push({ path: key, message: `not a prometheus-am-executor setting (expected ${[...TOP_LEVEL].join(', ')})` });
  }
  const actions: Record<string, unknown> = {};
  (parsed.commands as unknown[]).forEach((command, index) => {
    if (command === null || typeof command !== 'object' || Array.isArray(command)) {
      problems.push({ path: `commands.${index}`, message: 'expected a command with at least `cmd`' });
      return;
    }
    for (const key of Object.keys(command)) {
      if (!COMMAND_KEYS.has(key))
        problems.push({ path: `commands.${index}.${key}`, message: `not a command setting (expected ${[...COMMAND_KEYS].join(', ')})` });
    }
    const { cmd } = command as { cmd?: unknown };
    const base =
      typeof cmd === 'string'
        ? cmd
            .split('/')
            .pop()
            ?.replace(/[^A-Za-z0-9_.-]/g, '') || 'cmd'
        : 'cmd';
    const fields = Object.fromEntries(Object.entries(command).filter(([key]) => COMMAND_KEYS.has(key)));
    actions[`command-${index + 1}-${base}`] = { type: 'exec', ...fields };
  });

  const config: Record<string, unknown> = {
    actions,
    routes: [{ actions: [...Object.keys(actions), 'log'] }],
    enrichers: [],
  };
  // am-executor answered on every path and method; its senders may use any of them.
  const server: Record<string, unknown> = { any_path: true };
  if (typeof parsed.listen_address === 'string') server.listen = parsed.listen_address;
  if (parsed.tls_crt !== undefined || parsed.tls_key !== undefined) server.tls = { cert_file: parsed.tls_crt, key_file: parsed.tls_key };
  config.server = server;
  return config;
}
