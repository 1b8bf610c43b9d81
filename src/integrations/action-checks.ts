import type { Action, ActionCheck } from './action.js';
import { startDeadline } from '../lib/deadline.js';
import type { ConfigProblem } from '../lib/config-error.js';

const CHECK_TIMEOUT_MS = 5_000;

/** Where the checks run: at start (and on reload) every check; for `check-config` none that only start makes. */
export type CheckOccasion = 'start' | 'check-config';

/**
 * Runs every action's start-up check (`capabilities.check`, and at start `capabilities.startCheck`)
 * at once, each within 5 s. Definite answers are config problems at the action's path: start-up
 * stops and check-config reports them. A destination that does not answer is only a warning:
 * other actions must not wait for it, and its own jobs wait in the queue and are retried.
 */
export async function checkActions(
  actions: ReadonlyMap<string, Action>,
  occasion: CheckOccasion = 'start',
): Promise<{ problems: ConfigProblem[]; warnings: string[] }> {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const run = async (action: Action, check: (signal: AbortSignal) => Promise<ActionCheck>): Promise<void> => {
    const deadline = startDeadline(CHECK_TIMEOUT_MS);
    try {
      const answer = await check(deadline.signal);
      if (answer.problem !== undefined)
        problems.push({ path: `actions.${action.name}.${answer.problem.field}`, message: answer.problem.message });
      if (answer.warning !== undefined) warnings.push(`actions.${action.name}: ${answer.warning}`);
    } catch (error) {
      // A check is meant to answer, not throw; one that throws says nothing definite.
      warnings.push(`actions.${action.name}: its check failed (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      deadline.clear();
    }
  };
  await Promise.all(
    [...actions.values()].flatMap((action) => {
      const { check, startCheck } = action.capabilities ?? {};
      return [...(check ? [run(action, check)] : []), ...(startCheck && occasion === 'start' ? [run(action, startCheck)] : [])];
    }),
  );
  return { problems, warnings };
}
