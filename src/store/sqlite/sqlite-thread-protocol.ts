import { QueueFullError, StoreUnavailableError } from '../ports/errors.js';
import { StoreCorruptError } from './sqlite-open.js';

/** What opens the store on its thread: the options `SqliteStore` takes, less the logger. */
export interface SqliteThreadOptions {
  readonly dataDir: string;
  readonly synchronous: 'normal' | 'full';
  readonly maxPending: number;
  readonly historyLimit: number;
}

/** One store call, by the name of its method on `DeliveryStore`. */
export interface StoreCall {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** The answer to one call, with the queue's unfinished count as the call left it. */
export type StoreAnswer =
  | { readonly kind: 'answer'; readonly id: number; readonly value: unknown; readonly unfinished: number }
  | { readonly kind: 'failure'; readonly id: number; readonly error: EncodedError; readonly unfinished: number };

/** A line the store logs on its thread, written by the process's logger. */
export interface StoreLog {
  readonly kind: 'log';
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly message: string;
  readonly meta: Record<string, unknown> | undefined;
}

/** The first message from the thread: the store opened (its unfinished count), or why not. */
export type OpenOutcome = { readonly ok: true; readonly unfinished: number } | { readonly ok: false; readonly error: EncodedError };

/**
 * An error as it crosses the thread: structured cloning keeps an Error's message but not its
 * class, and callers tell a full queue (503 with its `Retry-After`), a lasting failure and a
 * damaged file apart by class.
 */
export interface EncodedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly retryAfterSeconds?: number | undefined;
  readonly lasting?: boolean | undefined;
}

export function encodeError(error: unknown): EncodedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error instanceof QueueFullError ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    ...(error instanceof StoreUnavailableError ? { lasting: error.lasting } : {}),
  };
}

export function decodeError(encoded: EncodedError): Error {
  if (encoded.name === 'QueueFullError')
    return Object.assign(new QueueFullError(0, encoded.retryAfterSeconds ?? 1), { message: encoded.message });
  if (encoded.name === 'StoreUnavailableError') return new StoreUnavailableError(encoded.message, { lasting: encoded.lasting ?? false });
  if (encoded.name === 'StoreCorruptError') return Object.assign(new StoreCorruptError('', ''), { message: encoded.message });
  const error = new Error(encoded.message);
  error.name = encoded.name;
  if (encoded.code !== undefined) Object.assign(error, { code: encoded.code });
  return error;
}
