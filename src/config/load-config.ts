import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isScalar, parseDocument, visit, type Document } from 'yaml';
import { addCommandLineCommand, isAmExecutorConfig, translateAmExecutorConfig, type CommandLineCommand } from './am-executor-config.js';
import { looksLikeAmExecutor, parseAsYamlV2 } from './am-executor-yaml.js';
import { ConfigError, type ConfigProblem } from '../lib/config-error.js';
import { envConfigInput } from './env-config.js';
import { interpolateEnv } from './interpolate-env.js';
import { checkReferences } from './check-references.js';
import { parseCoercingScalars } from './coerce-scalars.js';
import { issuesToProblems } from '../lib/issue-problems.js';
import { configSchema, type Config } from './schema.js';
import { readSecretFiles } from './secret-files.js';
import { yamlProblems } from './yaml-problems.js';

export interface LoadedConfig {
  readonly config: Config;
  /** Where it came from: the environment alone, or a file. */
  readonly source: 'environment' | 'file';
  /** Directory that relative paths in the config (enricher modules, TLS files) are resolved against. */
  readonly baseDir: string;
  /** The file as it was named, for messages. */
  readonly file?: string;
}

/**
 * Loads the config: the file named by `CONFIG_FILE` (or given; a prometheus-am-executor
 * `executor.yml` is read as it is), or, with none, one made from the environment alone. Every problem is collected and thrown together as a `ConfigError`, so one run
 * of `alertpipe check-config` shows all of them.
 */
export async function loadConfig(options: {
  file?: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  commandLine?: CommandLineCommand;
}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? options.env.CONFIG_FILE;
  if (file === undefined || file === '') {
    if (options.commandLine) {
      // prometheus-am-executor's own usage: the command on the command line and no file.
      const problems: ConfigProblem[] = [];
      const input = translateAmExecutorConfig(addCommandLineCommand({ commands: [] }, options.commandLine), problems);
      return { config: validate(withEnvDefaults(input, options.env), 'command line'), source: 'environment', baseDir: cwd };
    }
    return { config: validate(envConfigInput(options.env), 'environment'), source: 'environment', baseDir: cwd };
  }
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }]);
  }
  const baseDir = path.dirname(absolute);
  const config = parseConfigText(text, file, options.env, {
    baseDir,
    ...(options.commandLine ? { commandLine: options.commandLine } : {}),
  });
  return { config, source: 'file', baseDir, file };
}

/**
 * Aliases a config may expand. A few anchors are normal; a "billion laughs" file (aliases of
 * aliases) would expand to gigabytes, so past this it is refused as a problem like any other.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses and validates config YAML; `source` names it in errors. A command from the command line
 * joins a prometheus-am-executor file's commands, as it did there. Secrets given as `<field>_file`
 * are read relative to `baseDir` (the config file's folder; the working directory when absent).
 */
export function parseConfigText(
  text: string,
  source: string,
  env: NodeJS.ProcessEnv,
  options: { readonly commandLine?: CommandLineCommand; readonly baseDir?: string } = {},
): Config {
  const { commandLine } = options;
  let document: Document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length === 0 && looksLikeAmExecutor(document)) document = parseAsYamlV2(text);
  if (document.errors.length > 0) throw new ConfigError(source, yamlProblems(document.errors, text));
  keepExplicitPlusSigns(document);
  let parsed: unknown;
  try {
    parsed = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError || error instanceof RangeError)) throw error;
    // The yaml package throws a ReferenceError past maxAliasCount; a RangeError is nesting too deep.
    const message =
      error instanceof ReferenceError
        ? `aliases expand past ${MAX_ALIAS_COUNT} (refused: such a file expands without bound)`
        : 'nested too deeply';
    throw new ConfigError(source, [{ path: '', message }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(source, [{ path: '', message: 'expected a YAML mapping at the top level' }]);
  }
  const problems: ConfigProblem[] = [];
  const interpolated = interpolateEnv(parsed, env, problems) as Record<string, unknown>;
  const amExecutor = isAmExecutorConfig(interpolated);
  if (commandLine && !amExecutor) {
    problems.push({
      path: '',
      message: 'a command on the command line needs a prometheus-am-executor file (commands:) or none; in this format, add an exec action',
    });
  }
  const translated = amExecutor ? translateAmExecutorConfig(addCommandLineCommand(interpolated, commandLine), problems) : interpolated;
  const input = readSecretFiles(configSchema, translated, options.baseDir ?? process.cwd(), problems) as Record<string, unknown>;
  if (problems.length > 0) throw new ConfigError(source, problems);
  return validate(withEnvDefaults(input, env), source);
}

/**
 * YAML reads `replicas: +1` as the number 1, which would make a relative change ("one more") an
 * absolute one ("scale to one"). A plain `+N` under `replicas` keeps its sign, as written.
 */
function keepExplicitPlusSigns(document: Document): void {
  visit(document, {
    Pair(_key, pair) {
      if (
        isScalar(pair.key) &&
        pair.key.value === 'replicas' &&
        isScalar(pair.value) &&
        pair.value.type === 'PLAIN' &&
        /^\+\d+$/.test(pair.value.source ?? '')
      ) {
        pair.value.value = pair.value.source;
      }
    },
  });
}

/**
 * Settings a platform passes as environment variables (the Helm chart does) fill what the file
 * leaves out; anything the file says wins.
 */
function withEnvDefaults(input: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const defaults = envConfigInput({
    PORT: env.PORT,
    PROMETHEUS_URL: env.PROMETHEUS_URL,
    ALERTMANAGER_URL: env.ALERTMANAGER_URL,
    DATA_DIR: env.DATA_DIR,
    DATABASE_URL: env.DATABASE_URL,
    AUTH_TOKEN: env.AUTH_TOKEN,
    AUTH_USER: env.AUTH_USER,
    AUTH_PASSWORD: env.AUTH_PASSWORD,
    EXTERNAL_URL: env.EXTERNAL_URL,
    DISABLE_ENRICHERS: env.DISABLE_ENRICHERS,
  });
  const merged: Record<string, unknown> = { ...input };
  for (const section of ['server', 'prometheus', 'alertmanager', 'delivery'] as const) {
    const fromEnv = defaults[section];
    const fromFile = input[section] ?? {};
    // A section of the wrong type is left for validation to report.
    if (isRecord(fromEnv) && isRecord(fromFile)) merged[section] = { ...fromEnv, ...fromFile, ...mergedPostgres(fromEnv, fromFile) };
  }
  // A file's own `enrichers:` list is the choice; DISABLE_ENRICHERS trims the defaults only.
  if (input.enrichers === undefined && defaults.enrichers !== undefined) merged.enrichers = defaults.enrichers;
  // A proxy in front of PagerDuty applies to every pagerduty action that names no URL of its own.
  if (env.PAGERDUTY_EVENTS_URL && isRecord(input.actions)) {
    merged.actions = Object.fromEntries(
      Object.entries(input.actions).map(([name, action]) =>
        isRecord(action) && action.type === 'pagerduty' && action.url === undefined
          ? [name, { ...action, url: env.PAGERDUTY_EVENTS_URL }]
          : [name, action],
      ),
    );
  }
  return merged;
}

/** DATABASE_URL fills in the url of a `delivery.postgres` section that the file writes without one. */
function mergedPostgres(fromEnv: Record<string, unknown>, fromFile: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(fromEnv.postgres) || !isRecord(fromFile.postgres)) return {};
  return { postgres: { ...fromEnv.postgres, ...fromFile.postgres } };
}

function validate(input: unknown, source: string): Config {
  const { result, input: coerced } = parseCoercingScalars(configSchema, input);
  if (!result.success) throw new ConfigError(source, issuesToProblems(result.error.issues, coerced));
  const problems = checkReferences(result.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return result.data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
