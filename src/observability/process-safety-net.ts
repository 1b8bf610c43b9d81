import type { Logger } from './logger.js';

/**
 * The last line of defence, for the failure nobody foresaw (every known one is handled where it
 * happens). Both are logged loudly, with the stack, as errors that alerting on the log can find.
 *
 * - An unhandled rejection leaves no half-done synchronous state: some promise failed and nobody
 *   was waiting for it. Node's default (exit) would turn it into a restart loop that stops every
 *   delivery; alertpipe keeps running, and if the lost work stalls delivery, the watchdog, the
 *   queue's age and readiness say so.
 * - An uncaught exception unwound a stack halfway through who knows what: Node's documentation
 *   says the process is not safe to resume. alertpipe exits (code 70) after the line is written;
 *   the durable queue makes the restart lose nothing acknowledged, and a job that keeps killing
 *   the process is dead-lettered after three such restarts.
 */
export function installProcessSafetyNet(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onRejection = (reason: unknown): void => {
    logger.error('unhandled promise rejection; alertpipe keeps running', { error: describe(reason) });
  };
  const onException = (error: unknown): void => {
    logger.error('uncaught exception; alertpipe exits and resumes its queue at the next start', { error: describe(error) });
    process.stderr.write(`alertpipe: uncaught exception: ${describe(error)}\n`);
    // A moment for the log line to reach its stream.
    setTimeout(() => exit(70), 100);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
