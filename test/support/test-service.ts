import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { collectSecrets } from '../../src/config/collect-secrets.js';
import { loadConfig, parseConfigText } from '../../src/config/load-config.js';
import type { NotificationRecord } from '../../src/store/ports/records.js';
import { startService, type Service, type ServiceOptions } from '../../src/app/main.js';
import { createLogger } from '../../src/observability/logger.js';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

export interface TestService {
  readonly service: Service;
  readonly url: string;
  /** Every JSON log line the service wrote so far. */
  readonly logs: LogLine[];
  /** Resolves with the first log line that satisfies `predicate`, or rejects after `timeoutMs`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  post(
    path: string,
    body: string | object,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  /** The notification's record once every job of it is finished (delivered, failed or skipped). */
  untilDone(id: string, timeoutMs?: number): Promise<NotificationRecord>;
  stop(): Promise<void>;
}

/**
 * Starts the real service on 127.0.0.1 and a free port, with its JSON log captured for assertions:
 * configured by `yaml` parsed as a file would be, or, with `yaml` null, by the environment alone.
 * The default SQLite queue lives in a fresh temporary DATA_DIR unless `env` names one.
 */
export async function startTestService(
  yaml: string | null = '',
  env: NodeJS.ProcessEnv = {},
  options: Omit<ServiceOptions, 'logger' | 'listen'> & { secrets?: string[]; port?: number } = {},
): Promise<TestService> {
  const dataDir = env.DATA_DIR === undefined ? mkdtempSync(path.join(tmpdir(), 'alertpipe-test-')) : undefined;
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  const fullEnv = dataDir ? { ...env, DATA_DIR: dataDir } : env;
  const config = yaml === null ? (await loadConfig({ env: fullEnv })).config : parseConfigText(yaml, 'test config', fullEnv);
  // As in production, the config's own secrets are masked; tests may add more.
  const logger = createLogger({ level: 'debug', format: 'json', stream, secrets: [...collectSecrets(config), ...(options.secrets ?? [])] });
  const service = await startService(
    { config, source: 'file', baseDir: process.cwd() },
    { ...options, logger, listen: `127.0.0.1:${options.port ?? 0}` },
  );
  return {
    service,
    url: service.url,
    logs,
    async waitForLog(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = logs.find(predicate);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no matching log line within ${timeoutMs} ms; last lines: ${JSON.stringify(logs.slice(-5))}`);
    },
    async post(path, body, headers = { 'content-type': 'application/json' }) {
      const response = await fetch(`${service.url}${path}`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
    },
    async untilDone(id, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const record = await service.store.getNotification(id);
        if (record?.state === 'done') return record;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`notification ${id} not done within ${timeoutMs} ms`);
    },
    async stop() {
      await service.stop(2000);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
