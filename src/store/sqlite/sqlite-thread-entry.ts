import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Logger, LogMeta } from '../../observability/logger.js';
import { SqliteStore } from './sqlite-store.js';
import {
  encodeError,
  type OpenOutcome,
  type StoreAnswer,
  type StoreCall,
  type StoreLog,
  type SqliteThreadOptions,
} from './sqlite-thread-protocol.js';

/**
 * The SQLite store's own thread (threaded-sqlite-store.ts starts it): it opens the file, answers
 * each call in order, and its group commits and statements run here, not on the event loop that
 * answers requests.
 */
const options = workerData as SqliteThreadOptions;
const port = parentPort as MessagePort;

const logger: Logger = {
  error: (message, meta) => log('error', message, meta),
  warn: (message, meta) => log('warn', message, meta),
  info: (message, meta) => log('info', message, meta),
  debug: (message, meta) => log('debug', message, meta),
  child: () => logger,
  isLevelEnabled: () => true,
};

function log(level: StoreLog['level'], message: string, meta: LogMeta | undefined): void {
  port.postMessage({ kind: 'log', level, message, meta } satisfies StoreLog);
}

let store: SqliteStore | undefined;
let outcome: OpenOutcome;
try {
  store = new SqliteStore({ ...options, logger });
  outcome = { ok: true, unfinished: store.unfinishedCount() };
} catch (error) {
  outcome = { ok: false, error: encodeError(error) };
}
// The first message: the opener waits for it before any call.
port.postMessage(outcome);

if (store !== undefined) {
  const open = store;
  const methods = open as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  port.on('message', (call: StoreCall) => {
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(methods[call.method]!.apply(open, [...call.args]));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => port.postMessage({ kind: 'answer', id: call.id, value, unfinished: open.unfinishedCount() } satisfies StoreAnswer),
      (error: unknown) =>
        port.postMessage({
          kind: 'failure',
          id: call.id,
          error: encodeError(error),
          unfinished: open.unfinishedCount(),
        } satisfies StoreAnswer),
    );
  });
}
