import type { Alert } from '../../model/model.js';

export interface Link {
  readonly text: string;
  readonly url: string;
}

/**
 * The links an on-call engineer wants next to an alert: the expression that fired (generatorURL),
 * the runbook and dashboard annotations, and a silence prefilled with the alert's labels in the
 * Alertmanager that sent it. Shared by every action that shows links (Slack, PagerDuty). Each URL
 * is checked and encoded by `safeLink`; one that is not a plain http(s) URL is left out.
 */
export function alertLinks(alert: Alert, externalURL: string): Link[] {
  const candidates: [string, string | undefined][] = [
    ['Source', safeLink(alert.generatorURL)],
    ['Runbook', safeLink(alert.annotations.runbook_url)],
    ['Dashboard', safeLink(alert.annotations.dashboard_url)],
    ['Silence', silenceUrl(alert, externalURL)],
  ];
  const links: Link[] = [];
  for (const [text, url] of candidates) if (url !== undefined) links.push({ text, url });
  return links;
}

/** Alertmanager's UI opens a new silence prefilled from `filter`: `{name="value",...}`. */
export function silenceUrl(alert: Alert, externalURL: string): string | undefined {
  const base = safeLink(externalURL);
  if (base === undefined) return undefined;
  const matchers = Object.keys(alert.labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(alert.labels[name])}`)
    .join(',');
  // encodeURIComponent leaves ' ( ) as they are: safeLink encodes them too.
  return safeLink(`${base.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers}}`)}`);
}

// A host name as DNS has it (IDNs arrive as punycode), or an IPv6 literal.
const HOST = /^(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])$/i;
// What one chat markup or another reads inside or around a link: Slack's <url|text>, markdown's
// [text](url) and <url>, an HTML attribute; a backslash escapes in markdown, whitespace ends a URL.
const MARKUP = /[<>|()[\]"'`\\\s]/g;

/**
 * A URL from an alert or a sender, fit to be put in any platform's link markup: parsed, accepted
 * only as http(s) with a host, and serialised with every character a markup reads percent-encoded,
 * so it can neither end the link early nor carry text of its own. Anything else gives undefined:
 * no link, never the text passed through.
 */
export function safeLink(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !HOST.test(url.hostname)) return undefined;
  const user = url.username ? `${encode(url.username)}${url.password ? `:${encode(url.password)}` : ''}@` : '';
  // `http://am:9093` stays as written rather than gaining the root path's slash.
  const bare = url.pathname === '/' && !url.search && !url.hash && !raw.trim().endsWith('/');
  return `${url.protocol}//${user}${url.host}${bare ? '' : encode(url.pathname)}${encode(url.search)}${encode(url.hash)}`;
}

function encode(part: string): string {
  return part.replace(MARKUP, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
