#!/usr/bin/env node
import { checkTemplates } from './commands/check-templates.js';
import { parseRenderArgs, renderCommand, RenderUsageError } from './commands/render-command.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { parseLogLevel } from './observability/logger.js';
import { startService } from './main.js';
import { VERSION } from './version.js';

const USAGE = `Usage:
  alertpipe [serve] [-f|--config FILE] [-l|--listen ADDR]   run the service
  alertpipe check-config FILE                              validate a config file and exit
  alertpipe render -f FILE PAYLOAD.json [--action NAME]    print what each action would send
  alertpipe --version | --help

With no config file, the environment alone configures alertpipe: PORT (8080), PROMETHEUS_URL,
SLACK_WEBHOOK_URL, AUTH_TOKEN, AUTH_USER, AUTH_PASSWORD, LOG_LEVEL, LOG_FORMAT (json|pretty), DATA_DIR.
CONFIG_FILE names a file as -f does.`;

interface Invocation {
  command: 'serve' | 'check-config' | 'help' | 'version';
  file?: string;
  listen?: string;
}

/** Reads argv; `-f` and `-l` are prometheus-am-executor's flags, kept so its unit files work unchanged. */
function parseArgs(argv: readonly string[]): Invocation {
  const invocation: Invocation = { command: 'serve' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === 'serve') invocation.command = 'serve';
    else if (arg === 'check-config') {
      invocation.command = 'check-config';
      invocation.file = value();
    } else if (arg === '-f' || arg === '--config' || arg === '-config') invocation.file = value();
    else if (arg === '-l' || arg === '--listen' || arg === '-listen') invocation.listen = value();
    else if (arg === '-h' || arg === '--help' || arg === 'help') invocation.command = 'help';
    else if (arg === '--version' || arg === 'version') invocation.command = 'version';
    else if (arg === '-v' || arg === '-verbose') process.env.LOG_LEVEL = 'debug';
    else throw new UsageError(`unknown argument ${arg}`);
  }
  return invocation;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  if (process.argv[2] === 'render') return renderCommand(parseRenderArgs(process.argv.slice(3), process.env, (text) => process.stdout.write(text)));
  const invocation = parseArgs(process.argv.slice(2));
  if (invocation.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (invocation.command === 'version') {
    process.stdout.write(`alertpipe ${VERSION}\n`);
    return 0;
  }
  const loaded = await loadConfig({ env: process.env, ...(invocation.file ? { file: invocation.file } : {}) });
  if (invocation.command === 'check-config') {
    const { config } = loaded;
    checkTemplates(loaded);
    process.stdout.write(
      `${invocation.file}: OK (${Object.keys(config.actions).length} actions, ${config.routes?.length ?? 0} routes)\n`,
    );
    return 0;
  }
  const service = await startService(loaded, {
    logOptions: {
      level: parseLogLevel(process.env.LOG_LEVEL),
      ...(process.env.LOG_FORMAT === 'json' || process.env.LOG_FORMAT === 'pretty' ? { format: process.env.LOG_FORMAT } : {}),
    },
    ...(invocation.listen ? { listen: invocation.listen } : {}),
  });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      service.logger.info('signal received; shutting down', { signal });
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await service.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof RenderUsageError) {
      process.stderr.write(`alertpipe: ${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`alertpipe: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
