import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../observability/logger.js';
import { ActionError, ActionInputError } from '../action-error.js';
import { commandEnvironment } from './command-environment.js';
import { captureStream } from './exec-output.js';
import { signalGroup } from './running-commands.js';

// After SIGTERM, a command's group gets this long to clean up before SIGKILL.
const KILL_GRACE_MS = 2_000;
// Once the command itself has exited, how long its output may still take to arrive. A child it
// left running in the background can hold the pipes open forever; we do not wait for it.
const OUTPUT_DRAIN_MS = 1_000;

export interface CommandSpec {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborting it ends the command's whole process group: SIGTERM, then SIGKILL after a grace. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Called once the process exists (to count it, to signal it later). */
  readonly onStart?: (child: ChildProcess) => void;
}

export interface CommandExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  /** Output bytes neither logged nor kept (see exec-output.ts), stdout and stderr together. */
  readonly droppedBytes: number;
  /** Entries of the environment that had to be changed to be representable (see command-environment.ts). */
  readonly replacedVariables: number;
}

/**
 * Starts a command in a process group of its own, never through a shell, logs its output within a
 * fixed budget, and resolves when it has exited, however it exited. Rejects only when it could not
 * start: an `ActionInputError` when the notification itself makes that impossible (an environment
 * past the system's limit), an `ActionError` otherwise.
 */
export function runCommand(spec: CommandSpec): Promise<CommandExit> {
  const { env, replaced, bytes } = commandEnvironment(spec.env);
  const started = Date.now();
  let child: ChildProcess;
  try {
    // A group of its own (detached), so that a signal reaches the script's children too.
    child = spawn(spec.cmd, [...spec.args], { shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  } catch (error) {
    return Promise.reject(startFailure(spec.cmd, error, Object.keys(env).length, bytes));
  }
  spec.onStart?.(child);
  const logger = spec.logger.child({ pid: child.pid });
  if (replaced > 0) logger.warn('command environment changed to be representable', { replacedVariables: replaced });
  const outputs = [child.stdout, child.stderr].map((stream, index) =>
    stream === null ? Promise.resolve({ bytes: 0, droppedBytes: 0 }) : captureStream(stream, index === 0 ? 'stdout' : 'stderr', logger),
  );

  // The SIGKILL stays scheduled even if the leader exits first: what it left must stop too.
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    terminate(child);
    killTimer = setTimeout(() => terminate(child, 'SIGKILL'), KILL_GRACE_MS);
  };
  if (spec.signal.aborted) stop();
  else spec.signal.addEventListener('abort', stop, { once: true });

  return new Promise<CommandExit>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      spec.signal.removeEventListener('abort', stop);
      reject(new ActionError(`cannot run ${spec.cmd}: ${error.code ?? error.message}`, { retryable: false }));
    });
    child.once('exit', (code, signal) => {
      spec.signal.removeEventListener('abort', stop);
      // The group may outlive its leader (a child it left behind, or one ignoring SIGTERM): a
      // pending SIGKILL still goes to the group, and output is read only a little longer.
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, OUTPUT_DRAIN_MS);
      void Promise.all(outputs).then((summaries) => {
        clearTimeout(drain);
        // Nothing of the group left: no SIGKILL to send, and nothing to keep the process up for.
        if (!groupAlive(child)) clearTimeout(killTimer);
        const droppedBytes = summaries.reduce((sum, s) => sum + s.droppedBytes, 0);
        resolve({ code, signal, durationMs: Date.now() - started, droppedBytes, replacedVariables: replaced });
      });
    });
  });
}

/** Signals the whole group, even after its leader exited: what it started must stop with it. */
function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    signalGroup(child, signal);
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startFailure(cmd: string, error: unknown, variables: number, bytes: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'E2BIG') {
    return new ActionInputError(
      `cannot run ${cmd}: its environment (${variables} variables, ${bytes} bytes, from the notification's alerts) is more than the system lets a command have (E2BIG); no retry can change that`,
    );
  }
  return new ActionError(`cannot run ${cmd}: ${code ?? (error instanceof Error ? error.message : String(error))}`, {
    retryable: false,
    cause: error,
  });
}
