import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { isAmExecutorConfig, translateAmExecutorConfig } from './am-executor-config.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { envConfigInput } from './env-config.js';
import { interpolateEnv } from './interpolate-env.js';
import { checkReferences } from './check-references.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  readonly config: Config;
  /** Where it came from: the environment alone, or a file. */
  readonly source: 'environment' | 'file';
  /** Directory that relative paths in the config (enricher modules, TLS files) are resolved against. */
  readonly baseDir: string;
}

/**
 * Loads the config: the file named by `CONFIG_FILE` (or given; a prometheus-am-executor
 * `executor.yml` is read as it is), or, with none, one made from the environment alone. Every problem is collected and thrown together as a `ConfigError`, so one run
 * of `alertpipe check-config` shows all of them.
 */
export async function loadConfig(options: { file?: string; env: NodeJS.ProcessEnv; cwd?: string }): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? options.env.CONFIG_FILE;
  if (file === undefined || file === '') {
    return { config: validate(envConfigInput(options.env), 'environment'), source: 'environment', baseDir: cwd };
  }
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }]);
  }
  return { config: parseConfigText(text, file, options.env), source: 'file', baseDir: path.dirname(absolute) };
}

/** Parses and validates config YAML; `source` names it in errors. */
export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv): Config {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => ({
        path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    );
  }
  keepExplicitPlusSigns(document);
  const parsed: unknown = document.toJS() ?? {};
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(source, [{ path: '', message: 'expected a YAML mapping at the top level' }]);
  }
  const problems: ConfigProblem[] = [];
  const interpolated = interpolateEnv(parsed, env, problems) as Record<string, unknown>;
  const input = isAmExecutorConfig(interpolated) ? translateAmExecutorConfig(interpolated, problems) : interpolated;
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
      if (isScalar(pair.key) && pair.key.value === 'replicas' && isScalar(pair.value) && pair.value.type === 'PLAIN' && /^\+\d+$/.test(pair.value.source ?? '')) {
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
    DATA_DIR: env.DATA_DIR,
    DATABASE_URL: env.DATABASE_URL,
    AUTH_TOKEN: env.AUTH_TOKEN,
    AUTH_USER: env.AUTH_USER,
    AUTH_PASSWORD: env.AUTH_PASSWORD,
  });
  const merged: Record<string, unknown> = { ...input };
  for (const section of ['server', 'prometheus', 'delivery'] as const) {
    const fromEnv = defaults[section];
    const fromFile = input[section] ?? {};
    // A section of the wrong type is left for validation to report.
    if (isRecord(fromEnv) && isRecord(fromFile)) merged[section] = { ...fromEnv, ...fromFile, ...mergedPostgres(fromEnv, fromFile) };
  }
  // A proxy in front of PagerDuty applies to every pagerduty action that names no URL of its own.
  if (env.PAGERDUTY_EVENTS_URL && isRecord(input.actions)) {
    merged.actions = Object.fromEntries(
      Object.entries(input.actions).map(([name, action]) =>
        isRecord(action) && action.type === 'pagerduty' && action.url === undefined ? [name, { ...action, url: env.PAGERDUTY_EVENTS_URL }] : [name, action],
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
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(source, toProblems(result.error));
  const problems = checkReferences(result.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return result.data;
}

function toProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
