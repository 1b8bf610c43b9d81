import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './child-service.js';
import { startManagedProcess, type ManagedProcess } from './managed-process.js';

export interface RealPrometheus extends ManagedProcess {
  readonly url: string;
  /** Prometheus's own count of HTTP API requests to one handler (from its /metrics). */
  apiRequests(handler: '/api/v1/query' | '/api/v1/query_range' | '/api/v1/alerts'): Promise<number>;
  /** Waits until `promql` returns at least `count` series (a bounded wait). */
  waitForSeries(promql: string, count: number, timeoutMs?: number): Promise<void>;
}

export interface PrometheusScene {
  /** `host:port` targets to scrape every second, labels kept as exported (honor_labels). */
  readonly targets: readonly string[];
  /** Rule groups YAML (the contents of a rule file), evaluated every second. */
  readonly rules?: string;
  /** Where to send alerts: an Alertmanager's `host:port`. */
  readonly alertmanager?: string;
}

/**
 * Debian's `prometheus` on a free loopback port, scraping the given targets every second, with
 * optional rules and Alertmanager. Stopped by its own pid; its directory removed.
 */
export async function startPrometheus(scene: PrometheusScene): Promise<RealPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    ...(scene.rules ? ['rule_files: [rules.yml]'] : []),
    ...(scene.alertmanager
      ? ['alerting:', '  alertmanagers:', '    - static_configs:', `        - targets: [${JSON.stringify(scene.alertmanager)}]`]
      : []),
    'scrape_configs:',
    '  - job_name: scene',
    '    honor_labels: true',
    '    static_configs:',
    `      - targets: [${scene.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  const managed = await startManagedProcess({
    binary: 'prometheus',
    prepare: (dir) => {
      writeFileSync(path.join(dir, 'prometheus.yml'), config);
      if (scene.rules) writeFileSync(path.join(dir, 'rules.yml'), scene.rules);
    },
    args: (dir) => [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    readyUrl: `${url}/-/ready`,
  });
  return {
    ...managed,
    url,
    async apiRequests(handler) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const pattern = new RegExp(
        `^prometheus_http_requests_total\\{code="(\\d+)",handler="${handler.replace(/\//g, '\\/')}"\\} (\\d+)`,
        'gm',
      );
      return [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[2]), 0);
    },
    async waitForSeries(promql, count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
        const body = (await response.json()) as { data?: { result?: unknown[] } };
        if ((body.data?.result?.length ?? 0) >= count) return;
        if (Date.now() > deadline) throw new Error(`${promql} did not return ${count} series within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  };
}
