import { readFile } from 'node:fs/promises';
import { buildActions, routesOf } from '../build-pipeline.js';
import { ConfigError } from '../../lib/config-error.js';
import { loadConfig } from '../../config/load-config.js';
import { normalize } from '../../http/ingest/normalize.js';
import { parseJsonBody } from '../../http/parse-json.js';
import { createSilentLogger } from '../../observability/logger.js';
import { createMetrics } from '../../observability/metrics.js';
import type { EnrichedNotification } from '../../model/model.js';
import { previewDeliveries } from '../../pipeline/preview-deliveries.js';
import { unenriched } from '../../model/unenriched.js';
import { createChartRenderer } from '../../charts/render-chart-png.js';

export interface RenderOptions {
  readonly configFile?: string;
  readonly payloadFile: string;
  readonly action?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly write: (text: string) => void;
}

/**
 * `alertpipe render -f CONFIG PAYLOAD.json [--action NAME]`: for each action the payload reaches,
 * the route that took it and the exact body that would be sent, checked against the platform's
 * limits. Nothing is sent and Prometheus is not asked: enrichment is left out. Answers the exit
 * code: 0 when every body keeps to its limits, 1 when one does not (or `--action` is not reached).
 */
export async function renderCommand(options: RenderOptions): Promise<number> {
  const loaded = await loadConfig({ env: options.env, ...(options.configFile ? { file: options.configFile } : {}) });
  let payload: unknown;
  try {
    payload = parseJsonBody(await readFile(options.payloadFile, 'utf8'));
  } catch (error) {
    throw new ConfigError(options.payloadFile, [
      { path: '', message: `cannot read the payload: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` },
    ]);
  }
  const notification = enrichedWithoutEnrichment(payload, options.payloadFile);
  const actions = buildActions(loaded.config, createSilentLogger(), {
    baseDir: loaded.baseDir,
    metrics: createMetrics({ defaultMetrics: false }),
    charts: createChartRenderer(),
  });
  const routes = routesOf(loaded.config, actions);
  if (options.action !== undefined && !actions.has(options.action))
    throw new ConfigError(options.configFile ?? 'environment', [
      { path: '', message: `no action named ${JSON.stringify(options.action)}; defined: ${[...actions.keys()].join(', ')}` },
    ]);
  let status = 0;
  let shown = 0;
  for (const delivery of previewDeliveries(notification, routes, actions).actions) {
    if (options.action !== undefined && delivery.name !== options.action) continue;
    shown += 1;
    options.write(
      `── action ${delivery.name} (${delivery.type}) · route ${delivery.routeIndex}: ${delivery.route} · ${delivery.sent.length} of ${notification.alerts.length} alerts\n`,
    );
    if (delivery.sent.length === 0) {
      options.write('   nothing sent: send_resolved is false and every alert it got is resolved\n\n');
      continue;
    }
    const { preview } = delivery;
    if (!preview) {
      options.write(`   a ${delivery.type} action sends no message to preview\n\n`);
      continue;
    }
    options.write(`Content-Type: ${preview.contentType}\n${JSON.stringify(preview.body, null, 2)}\n`);
    if (preview.problems.length > 0) status = 1;
    options.write(
      preview.problems.length === 0
        ? '   limits: within every limit\n\n'
        : `   limits: ${preview.problems.length} problem(s)\n${preview.problems.map((p) => `     ${p}\n`).join('')}\n`,
    );
  }
  if (shown === 0) {
    options.write(
      options.action !== undefined
        ? `no alert of ${options.payloadFile} reaches action ${options.action}\n`
        : `no alert of ${options.payloadFile} reaches any action\n`,
    );
    return 1;
  }
  options.write('(enrichment left out: render asks no Prometheus)\n');
  return status;
}

function enrichedWithoutEnrichment(payload: unknown, source: string): EnrichedNotification {
  try {
    const notification = normalize(payload);
    return unenriched(notification);
  } catch (error) {
    const issues = (error as { issues?: { path: string; message: string }[] }).issues;
    throw new ConfigError(source, issues?.length ? issues : [{ path: '', message: (error as Error).message }]);
  }
}

/** Reads `render`'s arguments: `-f CONFIG` (or CONFIG_FILE), the payload file, `--action NAME`. */
export function parseRenderArgs(argv: readonly string[], env: NodeJS.ProcessEnv, write: (text: string) => void): RenderOptions {
  let configFile: string | undefined;
  let action: string | undefined;
  let payloadFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new RenderUsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '-f' || arg === '--config') configFile = value();
    else if (arg === '--action' || arg === '-a') action = value();
    else if (arg.startsWith('-')) throw new RenderUsageError(`unknown argument ${arg}`);
    else if (payloadFile === undefined) payloadFile = arg;
    else throw new RenderUsageError(`one payload file only (got ${payloadFile} and ${arg})`);
  }
  if (payloadFile === undefined)
    throw new RenderUsageError('render needs a payload file: alertpipe render -f CONFIG PAYLOAD.json [--action NAME]');
  return { payloadFile, env, write, ...(configFile ? { configFile } : {}), ...(action ? { action } : {}) };
}

export class RenderUsageError extends Error {
  readonly statusCode = 400;
}
