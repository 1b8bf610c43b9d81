import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { getJson } from './api.js';
import { hrefOf } from './router.js';
import { Labels, time } from './views.js';

const html = htm.bind(h);
const TIMELINE_PAGES = 20;

/** Older stretches of the history are read on (a page covers a bounded stretch) and put first. */
function useTimeline(fingerprint) {
  const [state, setState] = useState({ data: null, error: '' });
  useEffect(() => {
    let current = true;
    (async () => {
      const base = `/api/alerts/${encodeURIComponent(fingerprint)}/timeline`;
      let data = await getJson(base);
      let { timeline, verdicts } = data;
      for (let pages = 1; data.nextCursor && pages < TIMELINE_PAGES && current; pages++) {
        const older = await getJson(`${base}?cursor=${encodeURIComponent(data.nextCursor)}`);
        timeline = [...older.timeline, ...timeline];
        verdicts = [...older.verdicts, ...verdicts];
        data = { ...older, labels: data.labels ?? older.labels };
      }
      if (current) setState({ data: { ...data, timeline, verdicts }, error: '' });
    })().catch((e) => current && setState({ data: null, error: e.message }));
    return () => {
      current = false;
    };
  }, [fingerprint]);
  return state;
}

/** Each notification of the alert, newest first, with what became of it in plain words. */
function Verdicts({ verdicts }) {
  return html`<section aria-labelledby="v-title">
    <h2 id="v-title">What became of each notification</h2>
    <ol class="verdicts" reversed>
      ${[...verdicts].reverse().map(
        (n) =>
          html`<li data-notification=${n.notification}>
            <a href=${hrefOf('n', n.notification)}><time datetime=${n.receivedAt}>${time(n.receivedAt)}</time></a
            >${' '}
            <span class=${`status s-${n.status}`}>${n.status}</span>
            <ul>
              ${n.verdicts.map(
                (v) =>
                  html`<li class=${`verdict v-${v.kind}`} data-kind=${v.kind}>
                    ${v.text} ${v.original ? html` <a href=${hrefOf('n', v.original)}>the notification that went out</a>` : ''}
                  </li>`,
              )}
            </ul>
          </li>`,
      )}
    </ol>
  </section>`;
}

export function TimelineView({ fingerprint }) {
  const { data, error } = useTimeline(fingerprint);
  if (error) return html`<p role="alert" class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  return html`<article aria-labelledby="t-title">
    <h1 id="t-title">Timeline of alert ${data.labels?.alertname ?? fingerprint}</h1>
    ${data.labels ? html`<${Labels} labels=${data.labels} />` : html`<p>No notification in the history carries this alert.</p>`}
    ${data.verdicts.length > 0 ? html`<${Verdicts} verdicts=${data.verdicts} />` : ''}
    <h2>Everything that happened, oldest first</h2>
    <ol class="timeline">
      ${data.timeline.map(
        (e) =>
          html`<li class=${`t-${e.kind}`}>
            <time datetime=${e.at}>${time(e.at)}</time>${' '}
            <strong>${e.kind}</strong>${e.action ? html` · ${e.action}` : ''}${e.detail ? html` · ${e.detail}` : ''} ·
            <a href=${hrefOf('n', e.notification)}>notification</a>
          </li>`,
      )}
    </ol>
  </article>`;
}
