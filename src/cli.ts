#!/usr/bin/env node
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { StoreCorruptError } from './delivery/sqlite-open.js';
import { createLogger, parseLogLevel, type LoggerOptions } from './observability/logger.js';
import { installProcessSafetyNet } from './observability/process-safety-net.js';
import { startService } from './main.js';
import { VERSION } from './version.js';

const USAGE = `Usage:
  alertpipe [serve] [-f|--config FILE] [-l|--listen ADDR]   run the service
  alertpipe check-config FILE                              validate a config file and exit
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
    process.stdout.write(
      `${invocation.file}: OK (${Object.keys(config.actions).length} actions, ${config.routes?.length ?? 0} routes)\n`,
    );
    return 0;
  }
  const logOptions: LoggerOptions = {
    level: parseLogLevel(process.env.LOG_LEVEL),
    ...(process.env.LOG_FORMAT === 'json' || process.env.LOG_FORMAT === 'pretty' ? { format: process.env.LOG_FORMAT } : {}),
  };
  // Installed before anything starts, so that nothing can end the process without a word; then
  // moved to the service's logger, which masks the configured secrets.
  const uninstall = installProcessSafetyNet(createLogger(logOptions));
  const service = await startService(loaded, {
    logOptions,
    ...(invocation.listen ? { listen: invocation.listen } : {}),
  });
  uninstall();
  installProcessSafetyNet(service.logger);
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
    if (error instanceof StoreCorruptError) {
      process.stderr.write(`alertpipe: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`alertpipe: ${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`alertpipe: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
