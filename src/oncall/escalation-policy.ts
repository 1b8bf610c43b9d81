/**
 * An escalation policy as the engine walks it: the config's `escalations.NAME`, durations in ms.
 * The chain is its steps `repeat + 1` times over; a position in it counts on across the repeats.
 */
export interface EscalationPolicy {
  readonly name: string;
  readonly repeat: number;
  readonly steps: readonly EscalationPolicyStep[];
}

export interface EscalationPolicyStep {
  /** Since the previous step ran (the first: since the episode began). */
  readonly after: number;
  readonly actions: readonly string[];
  readonly notify?: { readonly schedule: string } | { readonly people: readonly string[] };
}

/** Steps in the whole chain, repeats included. */
export function chainLength(policy: EscalationPolicy): number {
  return policy.steps.length * (policy.repeat + 1);
}

/** The step at `position` (0-based, across repeats), its 1-based place in the chain and its round; `undefined` past the end. */
export function stepAt(
  policy: EscalationPolicy,
  position: number,
): { readonly step: EscalationPolicyStep; readonly place: number; readonly round: number } | undefined {
  if (position < 0 || position >= chainLength(policy)) return undefined;
  const place = position % policy.steps.length;
  return { step: policy.steps[place] as EscalationPolicyStep, place: place + 1, round: Math.floor(position / policy.steps.length) + 1 };
}

/** When the step at `position` falls due if the one before it ran at `previousAt`; `undefined` past the end. */
export function dueAfter(policy: EscalationPolicy, position: number, previousAt: number): number | undefined {
  const found = stepAt(policy, position);
  return found === undefined ? undefined : previousAt + found.step.after;
}
