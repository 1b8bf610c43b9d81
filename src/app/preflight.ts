import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Action } from '../integrations/action.js';
import { buildActions, buildEnricherSteps } from './build-pipeline.js';
import type { ChartRenderer } from '../charts/render-chart-png.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EnricherStep } from '../pipeline/enrich-chain.js';
import { dataDirProblem } from '../config/check-data-dir.js';
import { checkActions, type CheckOccasion } from '../integrations/action-checks.js';
import { checkTemplates } from './commands/check-templates.js';
import { postgresProblems } from '../config/check-postgres.js';
import { ConfigError, type ConfigProblem } from '../lib/config-error.js';
import { parseListenAddress, type ListenAddress } from '../config/listen-address.js';
import type { LoadedConfig } from '../config/load-config.js';
import { createOnCallLookup, type ScheduleLookup } from '../oncall/create-on-call-lookup.js';

/** What start-up needs beyond the validated config, each part already known to work. */
export interface Prepared {
  readonly actions: Map<string, Action>;
  readonly enrichers: EnricherStep[];
  readonly listen: ListenAddress;
  /** Who is on call, from `schedules:` and `people:` (their iCalendar files already read). */
  readonly onCall: ScheduleLookup;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** What works for now but deserves a look (Slack not answering at start). */
  readonly warnings: readonly string[];
}

/**
 * Every check start-up makes before it listens, in one place, so that `alertpipe check-config`
 * makes exactly the same ones: the listen address (the `-l` flag included), the actions built,
 * enricher modules loaded, the schedules' iCalendar files read, the TLS certificate and key read
 * and paired, the queue's directory usable (or PostgreSQL's URL well formed), each Slack app's token
 * and channel asked of Slack (and, at start only, each mail server greeted). Every problem is
 * collected and thrown together as a `ConfigError`, each at its path, so
 * a file that passes `check-config` does not then fail to start (short of what only the moment of
 * starting can tell: a port already taken, a disk filled since).
 */
export async function preflight(
  loaded: LoadedConfig,
  options: { logger: Logger; metrics?: Metrics; charts: ChartRenderer; listen?: string; occasion?: CheckOccasion },
): Promise<Prepared> {
  const { config, baseDir } = loaded;
  const problems: ConfigProblem[] = [];
  const attempt = async <T>(where: string, work: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      // A part that reports its own problems (an action's templates) keeps their paths.
      if (error instanceof ConfigError) problems.push(...error.problems);
      else problems.push({ path: where, message: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };

  const listen = parseListenAddress(options.listen ?? config.server.listen);
  if ('problem' in listen) problems.push({ path: options.listen === undefined ? 'server.listen' : '-l', message: listen.problem });
  const actions = await attempt('actions', () =>
    buildActions(config, options.logger, {
      baseDir,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      charts: options.charts,
    }),
  );
  // The templates rendered against the example notifications, as check-config does: a template
  // that fails on them (a typo, a loop past the limits) stops start-up rather than the first alert.
  await attempt('templates', () => checkTemplates(loaded));
  const enrichers = await buildEnrichers(loaded, attempt);
  const onCall = await attempt('schedules', () => createOnCallLookup(config, { baseDir, logger: options.logger }));
  const tls = config.server.tls ? await readTls(config.server.tls, baseDir, problems) : undefined;
  if (config.delivery.queue === 'sqlite') {
    const problem = await attempt('delivery.data_dir', () => dataDirProblem(path.resolve(baseDir, config.delivery.data_dir)));
    if (problem !== undefined) problems.push({ path: 'delivery.data_dir', message: `the queue's directory ${problem}` });
  }
  if (config.delivery.queue === 'postgres' && config.delivery.postgres !== undefined)
    problems.push(...postgresProblems(config.delivery.postgres, baseDir));

  const checked = actions === undefined ? { problems: [], warnings: [] } : await checkActions(actions, options.occasion);
  problems.push(...checked.problems);
  for (const warning of checked.warnings) options.logger.warn('start-up check', { warning });

  if (problems.length > 0 || actions === undefined || onCall === undefined || 'problem' in listen) {
    // A template's problem is found both building its action and rendering the examples: said once.
    const unique = problems.filter((p, i) => problems.findIndex((q) => q.path === p.path && q.message === p.message) === i);
    throw new ConfigError(loaded.file ?? 'environment', unique);
  }
  return { actions, enrichers, listen, onCall, warnings: checked.warnings, ...(tls ? { tls } : {}) };
}

type Attempt = <T>(where: string, work: () => T | Promise<T>) => Promise<T | undefined>;

/** Each entry on its own, so a module that fails to load is reported at its own path. */
async function buildEnrichers({ config, baseDir }: LoadedConfig, attempt: Attempt): Promise<EnricherStep[]> {
  if (config.enrichers === undefined) return (await attempt('enrichers', () => buildEnricherSteps(config, baseDir))) ?? [];
  const steps = await Promise.all(
    config.enrichers.map((entry, index) =>
      attempt(`enrichers.${index}`, () => buildEnricherSteps({ ...config, enrichers: [entry] }, baseDir)),
    ),
  );
  return steps.flatMap((step) => step ?? []);
}

async function readTls(
  files: { cert_file: string; key_file: string },
  baseDir: string,
  problems: ConfigProblem[],
): Promise<Prepared['tls']> {
  const read = async (field: 'cert_file' | 'key_file'): Promise<Buffer | undefined> => {
    try {
      return await readFile(path.resolve(baseDir, files[field]));
    } catch (error) {
      problems.push({
        path: `server.tls.${field}`,
        message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      return undefined;
    }
  };
  const [cert, key] = [await read('cert_file'), await read('key_file')];
  if (cert === undefined || key === undefined) return undefined;
  try {
    // What the HTTPS server does with them at start: a bad PEM or a key of another certificate fails here.
    createSecureContext({ cert, key });
  } catch (error) {
    problems.push({ path: 'server.tls', message: `the certificate and key do not load together: ${(error as Error).message}` });
    return undefined;
  }
  return { cert, key };
}
