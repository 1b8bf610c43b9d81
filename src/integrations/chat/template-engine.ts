import { Liquid } from 'liquidjs';
import {
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  reReplaceAll,
  since,
  sortedPairs,
  title,
} from './template-filters.js';

/**
 * The Liquid engine every message template runs on. Liquid has no `eval` and no access to
 * JavaScript; on top of that: strict variables and filters (a typo is an error, not an empty
 * string), own properties only, no partials from the file system, and limits on parsing and
 * rendering time and memory so that no template stalls delivery.
 */
export function createTemplateEngine(now: () => Date = () => new Date()): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    // `{% if alert.annotations.runbook_url %}` and `| default:` work on what an alert lacks.
    lenientIf: true,
    ownPropertyOnly: true,
    // Templates come from the config; `{% include %}` and `{% render %}` read nothing from disk.
    templates: {},
    dynamicPartials: false,
    // One clock for everyone on the channel, as the default messages use.
    timezoneOffset: 0,
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
  });
  const filters: Record<string, (value: unknown, ...args: unknown[]) => unknown> = {
    humanize,
    humanize1024,
    humanizeDuration,
    humanizePercentage,
    title,
    toUpper: (value) => String(value).toUpperCase(),
    toLower: (value) => String(value).toLowerCase(),
    reReplaceAll,
    sortedPairs,
    since: (value) => since(value, now()),
  };
  for (const [name, filter] of Object.entries(filters)) engine.registerFilter(name, charged(filter));
  // `join` and `date` are Liquid's own: `{{ labels | sortedPairs | map: "value" | join: ", " }}`,
  // `{{ alert.startsAt | date: "%H:%M" }}`.
  return engine;
}

/** The part of a Liquid filter's `this` that holds the render's memory budget (`memoryLimit`). */
interface FilterThis {
  readonly context: { readonly memoryLimit: { use(count: number): void } };
}

/**
 * Liquid charges its own filters' output against `memoryLimit`; ours are charged the same way, for
 * what they read and what they write, so a template that doubles a string in a loop fails at the
 * limit (one step past it at most) instead of allocating gigabytes.
 */
function charged(filter: (value: unknown, ...args: unknown[]) => unknown) {
  return function (this: FilterThis, value: unknown, ...args: unknown[]): unknown {
    const limit = this.context.memoryLimit;
    if (typeof value === 'string') limit.use(value.length);
    const output = filter(value, ...args);
    if (typeof output === 'string') limit.use(output.length);
    return output;
  };
}
