import type { Person } from './on-call.js';

/**
 * Who holds a schedule over time, as every kind of schedule (a rotation, a restricted layer, a
 * stack of layers, overrides, a calendar) answers it: who at a moment, and the moments around it
 * where that may change. Shifts, gaps and "next" are found by walking those moments.
 */
export interface Timeline {
  holderAt(at: number): Person | undefined;
  /** The first moment after `at` where the holder may change; `undefined` when it never does. */
  nextChange(at: number): number | undefined;
  /** The last moment at or before `at` where the holder may have changed. */
  previousChange(at: number): number | undefined;
}

/** How far a shift's end, its start or the next person is looked for (a year), and in how many steps. */
export const SEARCH_HORIZON_MS = 366 * 24 * 60 * 60_000;
const MAX_STEPS = 5_000;

export interface Held {
  readonly person: Person;
  readonly from?: number;
  readonly until?: number;
}

/** Who holds the timeline at `at`, from when and until when (across consecutive shifts of the same person). */
export function heldAt(timeline: Timeline, at: number): Held | undefined {
  const person = timeline.holderAt(at);
  if (person === undefined) return undefined;
  let until = timeline.nextChange(at);
  for (let step = 0; until !== undefined && step < MAX_STEPS; step++) {
    if (until - at > SEARCH_HORIZON_MS) {
      until = undefined;
      break;
    }
    if (timeline.holderAt(until)?.name !== person.name) break;
    until = timeline.nextChange(until);
  }
  let from = timeline.previousChange(at);
  for (let step = 0; from !== undefined && step < MAX_STEPS; step++) {
    if (at - from > SEARCH_HORIZON_MS) {
      from = undefined;
      break;
    }
    if (timeline.holderAt(from - 1)?.name !== person.name) break;
    from = timeline.previousChange(from - 1);
  }
  return { person, ...(from === undefined ? {} : { from }), ...(until === undefined ? {} : { until }) };
}

/** The next person on call after `at` and when they start, within the search horizon. */
export function nextHolder(timeline: Timeline, at: number): { person: Person; at: number } | undefined {
  let moment = timeline.nextChange(at);
  for (let step = 0; moment !== undefined && step < MAX_STEPS && moment - at <= SEARCH_HORIZON_MS; step++) {
    const person = timeline.holderAt(moment);
    if (person !== undefined) return { person, at: moment };
    moment = timeline.nextChange(moment);
  }
  return undefined;
}

/** The earliest of moments that may be absent. */
export function earliest(...moments: (number | undefined)[]): number | undefined {
  const known = moments.filter((m): m is number => m !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

export function latest(...moments: (number | undefined)[]): number | undefined {
  const known = moments.filter((m): m is number => m !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

/** Layers on top of each other: the last one that has someone at a moment holds it. */
export function stackedTimeline(layers: readonly Timeline[]): Timeline {
  return {
    holderAt: (at) => {
      for (let i = layers.length - 1; i >= 0; i--) {
        const person = (layers[i] as Timeline).holderAt(at);
        if (person !== undefined) return person;
      }
      return undefined;
    },
    nextChange: (at) => earliest(...layers.map((layer) => layer.nextChange(at))),
    previousChange: (at) => latest(...layers.map((layer) => layer.previousChange(at))),
  };
}

/** A timeline of periods `[start, end)`, each held by one person; where periods overlap, the one that began last wins. */
export function periodsTimeline(periods: readonly { start: number; end: number; person: Person }[]): Timeline {
  const edges = [...new Set(periods.flatMap((p) => [p.start, p.end]))].sort((a, b) => a - b);
  return {
    holderAt: (at) => {
      let holder: { start: number; person: Person } | undefined;
      for (const period of periods) {
        if (period.start <= at && at < period.end && (holder === undefined || period.start >= holder.start)) holder = period;
      }
      return holder?.person;
    },
    nextChange: (at) => edges[firstIndexAbove(edges, at)],
    previousChange: (at) => edges[firstIndexAbove(edges, at) - 1],
  };
}

/** The index of the first edge greater than `at` (binary search over sorted edges). */
function firstIndexAbove(edges: readonly number[], at: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((edges[middle] as number) <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}
