import type { LoadedConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../lib/config-error.js';
import type { ReloadAnswer } from '../http/health/reload-routes.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/**
 * Sections a running process cannot change: the listener, its TLS and credentials, the store and
 * delivery's sizing are built once. A reload keeps the ones in force and says which need a restart.
 */
const RESTART_ONLY = ['server', 'delivery'] as const satisfies ReadonlyArray<keyof Config>;

export interface ConfigReloaderDeps<G> {
  /** Reads the config again, as start-up did (the same file, the same environment). */
  load(): Promise<LoadedConfig>;
  /** Everything built from a config, with every check start-up makes; throws `ConfigError` on any problem. */
  build(loaded: LoadedConfig): Promise<G>;
  /** Puts a built generation in force; work already running keeps the one it started with. */
  swap(generation: G): void;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * A reload (SIGHUP, `POST /-/reload`) as Alertmanager does it: the new file validated with every
 * check start-up makes, swapped whole, or, on any problem, the old config kept, the problem logged,
 * answered and counted in `alertpipe_config_last_reload_successful`. One reload at a time; a second
 * asked for meanwhile runs after it, on the file as it is then.
 */
export function createConfigReloader<G>(initial: LoadedConfig, deps: ConfigReloaderDeps<G>): () => Promise<ReloadAnswer> {
  let current = initial;
  let queue: Promise<unknown> = Promise.resolve();
  deps.metrics.configReloadSuccessful.set(1);
  deps.metrics.configReloadSuccessTimestamp.set(Date.now() / 1000);

  async function reload(): Promise<ReloadAnswer> {
    try {
      const read = await deps.load();
      const restartNeeded = RESTART_ONLY.filter(
        (section) => JSON.stringify(read.config[section]) !== JSON.stringify(current.config[section]),
      );
      const kept = Object.fromEntries(RESTART_ONLY.map((section) => [section, current.config[section]]));
      const next: LoadedConfig = { ...read, config: { ...read.config, ...kept } };
      const generation = await deps.build(next);
      deps.swap(generation);
      current = next;
      deps.metrics.configReloadSuccessful.set(1);
      deps.metrics.configReloadSuccessTimestamp.set(Date.now() / 1000);
      deps.logger.info('config reloaded', { config: next.file ?? next.source });
      if (restartNeeded.length > 0)
        deps.logger.warn('config reloaded, but these sections changed and take effect only at the next restart', {
          sections: restartNeeded,
        });
      return { ok: true, restartNeeded };
    } catch (error) {
      deps.metrics.configReloadSuccessful.set(0);
      const problems = error instanceof ConfigError ? error.problems : [];
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error('config reload failed; the previous config stays in force', { error: message });
      return { ok: false, error: `failed to reload config: ${message}`, problems };
    }
  }

  return () => {
    const outcome = queue.then(reload);
    queue = outcome;
    return outcome;
  };
}
