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
  engine.registerFilter('humanize', humanize);
  engine.registerFilter('humanize1024', humanize1024);
  engine.registerFilter('humanizeDuration', humanizeDuration);
  engine.registerFilter('humanizePercentage', humanizePercentage);
  engine.registerFilter('title', title);
  engine.registerFilter('toUpper', (value: unknown) => String(value).toUpperCase());
  engine.registerFilter('toLower', (value: unknown) => String(value).toLowerCase());
  engine.registerFilter('reReplaceAll', reReplaceAll);
  engine.registerFilter('sortedPairs', sortedPairs);
  engine.registerFilter('since', (value: unknown) => since(value, now()));
  // `join` and `date` are Liquid's own: `{{ labels | sortedPairs | map: "value" | join: ", " }}`,
  // `{{ alert.startsAt | date: "%H:%M" }}`.
  return engine;
}
