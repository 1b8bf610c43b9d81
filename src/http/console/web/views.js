import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { getJson, outcomeOf, postJson } from './api.js';
import { Sparkline, sparklinesIn } from './sparkline.js';
import { groupName, receiverName } from './names.js';

const html = htm.bind(h);
export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');

function useJson(url, refresh) {
  const [state, setState] = useState({ data: null, error: '' });
  useEffect(() => {
    let current = true;
    getJson(url).then(
      (data) => current && setState({ data, error: '' }),
      (e) => current && setState({ data: null, error: e.message }),
    );
    return () => {
      current = false;
    };
  }, [url, refresh]);
  return state;
}

export function Labels({ labels }) {
  return html`<ul class="labels">
    ${Object.entries(labels).map(([k, v]) => html`<li><span class="k">${k}</span>=<span class="v">${v}</span></li>`)}
  </ul>`;
}

function Enrichment({ enrichment }) {
  const entries = Object.entries(enrichment ?? {});
  if (entries.length === 0) return html`<p class="muted">No enrichment.</p>`;
  return entries.map(
    ([name, e]) =>
      html`<div class="enrichment">
        <h4>${name}</h4>
        <dl>
          ${(e.fields ?? []).map(
            (f) =>
              html`<dt>${f.label}</dt>
                <dd>${f.value}</dd>`,
          )}
        </dl>
        ${sparklinesIn(e.data).map(
          (s) =>
            html`<figure class="sparkfig">
              <${Sparkline} text=${s.text} label=${s.label} />
              <figcaption>${s.label}</figcaption>
            </figure>`,
        )}
        ${(e.notes ?? []).map((note) => html`<p class="note">${note}</p>`)}
      </div>`,
  );
}

function routeOf(fingerprint, events) {
  const routed = events.filter((e) => e.kind === 'routed' && e.fingerprints.includes(fingerprint));
  if (routed.length > 0)
    return routed.map((e) => `route ${e.route.index}: ${e.route.description} → ${e.route.actions.join(', ')}`).join('; ');
  if (events.some((e) => e.kind === 'unrouted' && e.fingerprints.includes(fingerprint))) return 'no route matched';
  return 'not routed yet';
}

export function RetryButton({ job, onDone }) {
  const [state, setState] = useState('');
  const retry = async () => {
    setState('retrying…');
    try {
      await postJson(`/api/jobs/${encodeURIComponent(job)}/retry`);
      setState('queued again');
      onDone?.();
    } catch (e) {
      setState(e.message);
    }
  };
  return html`<button type="button" onClick=${retry} aria-label=${`Retry ${job}`}>Retry</button> <span role="status">${state}</span>`;
}

function bodyText(body) {
  return typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

/**
 * What went out, as it went out (each attempt's, the last one open), and beside it the message
 * rendered again now from the stored notification, marked as a preview: the two differ when the
 * config or templates changed since, or when the action does not tell what it sends.
 */
function Messages({ action, message }) {
  if (!message) return html`<p class="muted">Loading the message…</p>`;
  const { sent, preview } = message;
  if (sent.length === 0 && !preview) return html`<p class="muted">This action sends no message body (a command, a scale, the log).</p>`;
  return html`<details class="messages-box">
    <summary>Message to ${action}</summary>
    <div class="messages">
      <section aria-label=${`sent to ${action}`}>
        <h4>As sent</h4>
        ${sent.length === 0 ? html`<p class="muted">Not recorded: this action does not tell what it sent, or it has not tried yet.</p>` : ''}
        ${sent.map(
          (m, i) =>
            html`<details open=${i === sent.length - 1}>
              <summary>attempt ${m.attempt} · ${time(m.at)} · ${m.outcome} · ${m.contentType}</summary>
              ${m.truncatedFromBytes ? html`<p class="note">Cut at 64 KiB of ${m.truncatedFromBytes} bytes.</p>` : ''}
              <pre class="sent">${m.body}</pre>
            </details>`,
        )}
      </section>
      ${
        preview
          ? html`<section aria-label=${`preview for ${action}`} class="preview">
              <h4>Preview <span class="chip">rendered again now, not what was sent</span></h4>
              <p class="muted">${preview.contentType}${preview.problems.length ? ` · ${preview.problems.join('; ')}` : ''}</p>
              <pre>${bodyText(preview.body)}</pre>
            </section>`
          : ''
      }
    </div>
  </details>`;
}

function Job({ job, events, message, onRetried }) {
  const outcome = outcomeOf(job, events);
  return html`<section class="job" aria-label=${`action ${job.action}`}>
    <h3>
      ${job.action}
      <span class=${`chip o-${outcome}`}>${outcome}</span>
      ${job.state === 'dead' || job.state === 'failed' ? html` <${RetryButton} job=${job.id} onDone=${onRetried} />` : ''}
    </h3>
    ${job.nextAttemptAt ? html`<p>Next attempt: ${time(job.nextAttemptAt)}</p>` : ''}
    <table>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Time</th>
          <th scope="col">Outcome</th>
          <th scope="col">Status code, error</th>
          <th scope="col">Took</th>
        </tr>
      </thead>
      <tbody>
        ${job.attempts.map(
          (a, i) =>
            html`<tr>
              <td>${i + 1}</td>
              <td>${time(a.at)}</td>
              <td>${a.outcome}</td>
              <td>${[a.error, a.detail].filter(Boolean).join(' · ')}</td>
              <td>${a.durationMs} ms</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${job.attempts.length === 0 ? html`<p class="muted">No attempt yet.</p>` : ''}
    <${Messages} action=${job.action} message=${message} />
  </section>`;
}

export function NotificationView({ id }) {
  const [refresh, setRefresh] = useState(0);
  const { data, error } = useJson(`/api/notifications/${encodeURIComponent(id)}`, refresh);
  const messages = useJson(`/api/notifications/${encodeURIComponent(id)}/messages`, refresh).data;
  if (error) return html`<p role="alert" class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const n = data.notification;
  const events = n.events ?? [];
  return html`<article aria-labelledby="n-title">
    <h1 id="n-title">Notification <span class=${`status s-${n.status}`}>${n.status}</span></h1>
    <p>
      ${time(n.receivedAt)} · group <strong>${groupName(n)}</strong> (key <code>${n.groupKey}</code>) · receiver ${receiverName(n)} ·
      ${n.state}
    </p>
    <h2>Alerts (${n.alerts.length})</h2>
    ${n.alerts.map(
      (a) =>
        html`<section class="alert" aria-label=${`alert ${a.labels.alertname ?? a.fingerprint}`}>
          <h3>
            ${a.labels.alertname ?? a.fingerprint} <span class=${`status s-${a.status}`}>${a.status}</span>${' '}
            <a href=${`#/alert/${encodeURIComponent(a.fingerprint)}`}>timeline</a>
          </h3>
          <${Labels} labels=${a.labels} />
          <dl>
            ${Object.entries(a.annotations).map(
              ([k, v]) =>
                html`<dt>${k}</dt>
                  <dd>${v}</dd>`,
            )}
          </dl>
          <p><strong>Route:</strong> ${routeOf(a.fingerprint, events)}</p>
          <${Enrichment} enrichment=${a.enrichment} />
          ${(a.notes ?? []).map((note) => html`<p class="note">${note}</p>`)}
        </section>`,
    )}
    <h2>Actions</h2>
    ${n.actions.length === 0 ? html`<p class="muted">No action received this notification.</p>` : ''}
    ${n.actions.map((job) => html`<${Job} job=${job} events=${events} message=${messages?.messages.find((m) => m.job === job.id)} onRetried=${() => setRefresh(refresh + 1)} />`)}
    ${events.filter((e) => e.kind === 'deduplicated').map((e) => html`<p>${e.action}: ${e.fingerprints.length} alert(s) skipped as duplicates</p>`)}
    ${events
      .filter((e) => e.kind === 'acknowledged')
      .map(
        (e) =>
          html`<p class="acknowledged">
            ${e.fingerprints.length} alert(s) acknowledged${e.by ? ` in ${e.by.via} by ${e.by.name} (${e.by.id})` : ''} at
            <time datetime=${e.at}>${time(e.at)}</time>
          </p>`,
      )}
  </article>`;
}
