#!/usr/bin/env node
import { parseRenderArgs, renderCommand, RenderUsageError } from './commands/render-command.js';
import { importCommand, ImportUsageError, parseImportArgs } from './commands/import-command.js';
import { oncallCommand, OnCallUsageError, parseOnCallArgs } from './commands/oncall-command.js';
import { UnknownScheduleError } from '../oncall/create-on-call-lookup.js';
import { ConfigError } from '../lib/config-error.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { preflight } from './preflight.js';
import { StoreCorruptError } from '../store/sqlite/sqlite-open.js';
import { createLogger, createSilentLogger, parseLogFormat, parseLogLevel, type LoggerOptions } from '../observability/logger.js';
import { installProcessSafetyNet } from '../observability/process-safety-net.js';
import { startService } from './main.js';
import { VERSION } from '../lib/version.js';
import { parseArgs, UsageError } from './cli-args.js';
import { createChartRenderer } from '../charts/render-chart-png.js';

const USAGE = `Usage:
  alertpipe [serve] [-f|--config FILE] [-l|--listen ADDR] [-v]   run the service
  alertpipe check-config FILE                                   validate a config file and exit
  alertpipe render -f FILE PAYLOAD.json [--action NAME]         print what each action would send
  alertpipe import ALERTMANAGER.yml [--url URL]                 print the alertpipe config an alertmanager.yml
                                                                becomes, and (commented, at the end) the
                                                                alertmanager.yml that sends to alertpipe at URL
                                                                (default http://alertpipe:8080/alert)
  alertpipe oncall -f FILE [SCHEDULE] [--at RFC3339]            print who is on call (now, or at that moment)
  alertpipe --version | --help

With no config file, the environment alone configures alertpipe: PORT (8080), PROMETHEUS_URL,
SLACK_WEBHOOK_URL, AUTH_TOKEN, AUTH_USER, AUTH_PASSWORD, LOG_LEVEL, LOG_FORMAT (json|human), DATA_DIR;
the Slack app: SLACK_BOT_TOKEN and SLACK_CHANNEL, SLACK_SIGNING_SECRET, ALERTMANAGER_URL, SLACK_API_URL;
email: SMTP_URL (smtp:// or smtps://user:pass@host:port) and EMAIL_TO, EMAIL_FROM.
Telegram: TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID, TELEGRAM_API_URL.
a Mattermost incoming webhook: MATTERMOST_WEBHOOK_URL.
NTFY_URL (an ntfy topic's URL).
CONFIG_FILE names a file as -f does.

As prometheus-am-executor:
  alertpipe [options] script [args..]
  -f FILE   its YAML config (executor.yml); the script, if given, is added to its commands
  -l ADDR   address to listen on (default ":8080"); wins over the file's listen_address
  -v        debug logging (-v=false: off)
Flags are read as Go reads them: -l ADDR, -l=ADDR, --l ADDR and --l=ADDR are the same. The first
argument that is not a flag (or everything after --) is the script and its arguments; it runs,
without a shell, for every notification, with the group in AMX_* environment variables.`;

async function main(): Promise<number> {
  if (process.argv[2] === 'render')
    return renderCommand(parseRenderArgs(process.argv.slice(3), process.env, (text) => process.stdout.write(text)));
  if (process.argv[2] === 'oncall')
    return oncallCommand(parseOnCallArgs(process.argv.slice(3), process.env, (text) => process.stdout.write(text)));
  if (process.argv[2] === 'import') return importCommand(parseImportArgs(process.argv.slice(3), (text) => process.stdout.write(text)));
  const invocation = parseArgs(process.argv.slice(2));
  if (invocation.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (invocation.command === 'version') {
    process.stdout.write(`alertpipe ${VERSION}\n`);
    return 0;
  }
  if (invocation.verbose) process.env.LOG_LEVEL = 'debug';
  // The working directory is read once: a reload finds the same file whatever it is by then.
  const cwd = process.cwd();
  const load = (): Promise<LoadedConfig> =>
    loadConfig({
      env: process.env,
      cwd,
      ...(invocation.file ? { file: invocation.file } : {}),
      ...(invocation.run ? { commandLine: invocation.run } : {}),
    });
  const loaded = await load();
  if (invocation.command === 'check-config') {
    // The checks start-up makes (actions, templates rendered against the example notifications,
    // enricher modules, TLS files, the queue's directory); every problem in one list.
    const checked = await preflight(loaded, { logger: createSilentLogger(), charts: createChartRenderer(), occasion: 'check-config' });
    // Slack not answering is worth saying, not a reason to refuse the file.
    for (const warning of checked.warnings) process.stderr.write(`warning: ${warning}\n`);
    const { config } = loaded;
    process.stdout.write(`${invocation.file}: OK (${Object.keys(config.actions).length} actions, ${config.routes?.length ?? 0} routes)\n`);
    return 0;
  }
  const format = parseLogFormat(process.env.LOG_FORMAT);
  const logOptions: LoggerOptions = { level: parseLogLevel(process.env.LOG_LEVEL), ...(format ? { format } : {}) };
  // Installed before anything starts, so that nothing can end the process without a word; then
  // moved to the service's logger, which masks the configured secrets.
  const uninstall = installProcessSafetyNet(createLogger(logOptions));
  const service = await startService(loaded, {
    logOptions,
    loadConfig: load,
    ...(invocation.listen ? { listen: invocation.listen } : {}),
  });
  uninstall();
  installProcessSafetyNet(service.logger);
  // SIGHUP reloads the config, as it does Alertmanager's; the outcome is logged and in the metrics.
  const onHangup = (): void => {
    service.logger.info('signal received; reloading the config', { signal: 'SIGHUP' });
    void service.reload();
  };
  process.on('SIGHUP', onHangup);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      service.logger.info('signal received; shutting down', { signal });
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  process.off('SIGHUP', onHangup);
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
    if (
      error instanceof ConfigError ||
      error instanceof UsageError ||
      error instanceof RenderUsageError ||
      error instanceof ImportUsageError ||
      error instanceof OnCallUsageError ||
      error instanceof UnknownScheduleError
    ) {
      process.stderr.write(`alertpipe: ${error.message}\n`);
      if (error instanceof UsageError || error instanceof ImportUsageError || error instanceof OnCallUsageError)
        process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`alertpipe: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
