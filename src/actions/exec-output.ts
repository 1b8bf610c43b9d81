import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../observability/logger.js';

// A chatty script must not flood the log: the first lines of each stream are kept, the rest counted.
const MAX_LINES = 200;
const MAX_LINE_LENGTH = 2000;

/** Sends a command's stdout and stderr to the log, line by line, with the notification's context. */
export function logOutput(child: ChildProcess, logger: Logger): void {
  for (const [stream, name] of [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ] as const) {
    if (stream === null) continue;
    let lines = 0;
    const reader = createInterface({ input: stream });
    reader.on('line', (line) => {
      lines++;
      if (lines <= MAX_LINES) logger.info('command output', { stream: name, line: line.slice(0, MAX_LINE_LENGTH) });
    });
    reader.on('close', () => {
      if (lines > MAX_LINES) logger.warn('command output truncated', { stream: name, droppedLines: lines - MAX_LINES });
    });
  }
}
