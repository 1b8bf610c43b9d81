import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseConfigText } from '../../src/config/load-config.js';
import { startService, type Service, type ServiceOptions } from '../../src/main.js';
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
  post(path: string, body: string | object, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  stop(): Promise<void>;
}

/**
 * Starts the real service (config parsed as a file would be; the default SQLite queue in a fresh
 * temporary DATA_DIR unless `env` names one) on 127.0.0.1 and a free port, with its JSON log
 * captured for assertions.
 */
export async function startTestService(
  yaml = '',
  env: NodeJS.ProcessEnv = {},
  options: Omit<ServiceOptions, 'logger' | 'listen'> & { secrets?: string[] } = {},
): Promise<TestService> {
  const dataDir = env.DATA_DIR === undefined ? mkdtempSync(path.join(tmpdir(), 'alertpipe-test-')) : undefined;
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  const config = parseConfigText(yaml, 'test config', dataDir ? { ...env, DATA_DIR: dataDir } : env);
  const logger = createLogger({ level: 'debug', format: 'json', stream, secrets: options.secrets ?? [] });
  const service = await startService({ config, source: 'file', baseDir: process.cwd() }, { ...options, logger, listen: '127.0.0.1:0' });
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
    async stop() {
      await service.stop(2000);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
