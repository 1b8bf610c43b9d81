/**
 * A deadline that fires, whatever the garbage collector does.
 *
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])` looks equivalent but is not: the combined
 * signal holds its sources only weakly, and a timeout signal nobody listens to directly is itself
 * held only weakly by its timer, so after a collection the timeout can vanish and never fire
 * (Node 20: a 1 s timeout still not aborted after 4 s of `gc()`). Here the timer's callback holds
 * the controller, the timer is kept by the event loop until cleared, and each parent holds a plain
 * listener: every link is strong until `clear()`.
 */
export interface Deadline {
  /** Aborts when the time is up (with the `reason` given) or when any parent aborts (with its reason). */
  readonly signal: AbortSignal;
  /** Whether the time ran out (as opposed to a parent aborting, or nothing yet). */
  readonly expired: boolean;
  /** Stops the timer and unhooks from the parents; call it once the work has settled. */
  clear(): void;
  /** Ends it now, as `clear()`, and aborts the signal so that leftover work listening to it stops too. */
  abort(reason?: unknown): void;
}

export interface DeadlineOptions {
  /** Signals whose abort aborts this one too (shutdown, a caller's own signal); undefined ones are skipped. */
  readonly parents?: ReadonlyArray<AbortSignal | undefined>;
  /** The abort reason when the time runs out; a `DeadlineExceededError` when absent. */
  readonly reason?: () => unknown;
}

/** The largest delay `setTimeout` honours; anything longer fires at once (with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Starts a deadline `timeoutMs` from now; `Infinity` gives a signal that only follows its parents. */
export function startDeadline(timeoutMs: number, options: DeadlineOptions = {}): Deadline {
  const controller = new AbortController();
  const parents = (options.parents ?? []).filter((parent): parent is AbortSignal => parent !== undefined);
  const dueAt = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let expired = false;

  const clear = (): void => {
    clearTimeout(timer);
    timer = undefined;
    for (const parent of parents) parent.removeEventListener('abort', onParentAbort);
  };
  const abort = (reason: unknown): void => {
    clear();
    if (!controller.signal.aborted) controller.abort(reason);
  };
  function onParentAbort(this: AbortSignal): void {
    abort(this.reason);
  }
  // Past Node's timer limit a single setTimeout would fire at once: wait in steps instead.
  const arm = (): void => {
    const left = dueAt - Date.now();
    if (left > MAX_TIMER_MS) {
      timer = setTimeout(arm, MAX_TIMER_MS);
      return;
    }
    timer = setTimeout(
      () => {
        expired = true;
        abort(options.reason ? options.reason() : new DeadlineExceededError(timeoutMs));
      },
      Math.max(0, left),
    );
  };

  const aborted = parents.find((parent) => parent.aborted);
  if (aborted !== undefined) {
    controller.abort(aborted.reason);
  } else {
    for (const parent of parents) parent.addEventListener('abort', onParentAbort, { once: true });
    if (Number.isFinite(timeoutMs)) arm();
  }
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    clear,
    abort,
  };
}

/** The reason a deadline aborts with, unless told otherwise. Named like the platform's own timeout. */
export class DeadlineExceededError extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no result within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}
