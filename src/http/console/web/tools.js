import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { getJson, postJson } from './api.js';
import { RetryButton } from './views.js';
import { alertNamesOf, groupName } from './names.js';
import { hrefOf, rowLink } from './router.js';

const html = htm.bind(h);

/** Dead-lettered and failed jobs, newest first, each with its last error and a retry. */
export function DeadLettersView() {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState('');
  const [refresh, setRefresh] = useState(0);
  useEffect(() => {
    Promise.all(['dead', 'failed'].map((outcome) => getJson(`/api/notifications?limit=100&outcome=${outcome}`)))
      .then((pages) => {
        const seen = new Map();
        for (const n of pages.flatMap((p) => p.notifications)) seen.set(n.id, n);
        const jobs = [...seen.values()].flatMap((n) =>
          n.actions.filter((a) => a.state === 'dead' || a.state === 'failed').map((a) => ({ n, a })),
        );
        setRows(jobs.sort((x, y) => y.n.receivedAt.localeCompare(x.n.receivedAt)));
      })
      .catch((e) => setError(e.message));
  }, [refresh]);
  if (error) return html`<p role="alert" class="error">${error}</p>`;
  if (!rows) return html`<p>Loading…</p>`;
  return html`<section aria-labelledby="d-title">
    <h1 id="d-title">Dead letters</h1>
    ${rows.length === 0 ? html`<p>No dead-lettered or failed job.</p>` : ''}
    <table class="list">
      <thead>
        <tr>
          <th scope="col">Received</th>
          <th scope="col">Alerts</th>
          <th scope="col">Group</th>
          <th scope="col">Action</th>
          <th scope="col">State</th>
          <th scope="col">Last error</th>
          <th scope="col">Retry</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          ({ n, a }) =>
            html`<tr key=${a.id} data-job=${a.id} ...${rowLink(hrefOf('n', n.id), `${a.action} ${a.state}: ${groupName(n)}`)}>
              <td data-label="Received"><a href=${hrefOf('n', n.id)} tabindex="-1">${new Date(n.receivedAt).toLocaleString()}</a></td>
              <td data-label="Alerts">${alertNamesOf(n, a.alerts).join(', ')} (${a.alerts.length})</td>
              <td data-label="Group" title=${`group key ${n.groupKey}`}>${groupName(n)}</td>
              <td data-label="Action">${a.action}</td>
              <td data-label="State">${a.state}</td>
              <td data-label="Last error">${a.attempts.at(-1)?.error ?? ''}</td>
              <td data-label="Retry"><${RetryButton} job=${a.id} onDone=${() => setTimeout(() => setRefresh((r) => r + 1), 1500)} /></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** Paste a payload or name a stored notification; see the routes and the bodies, nothing sent. */
export function RouteTesterView() {
  const [payload, setPayload] = useState('');
  const [stored, setStored] = useState('');
  const [result, setResult] = useState(null);
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    setError('');
    setResult(null);
    try {
      const body = stored.trim() ? { notification: stored.trim() } : { payload: JSON.parse(payload) };
      setResult(await postJson('/api/route-test', body));
    } catch (err) {
      setError(err.message);
    }
  };
  const name = (fp) => result.alerts.find((a) => a.fingerprint === fp)?.labels.alertname ?? fp;
  return html`<section aria-labelledby="r-title">
    <h1 id="r-title">Route tester</h1>
    <form onSubmit=${submit} class="tester">
      <label for="r-payload">Payload (JSON, any shape alertpipe takes)</label>
      <textarea id="r-payload" rows="10" value=${payload} onInput=${(e) => setPayload(e.currentTarget.value)}></textarea>
      <label for="r-stored">or a stored notification's id</label>
      <input id="r-stored" value=${stored} onInput=${(e) => setStored(e.currentTarget.value)} size="40" />
      <button type="submit">Test routes</button>
    </form>
    ${error ? html`<p role="alert" class="error">${error}</p>` : ''}
    ${
      result
        ? html`<div role="region" aria-label="Route test result">
            <p class="muted">Nothing was sent.</p>
            <h2>Routes</h2>
            <ul>
              ${result.routes.map((r) => html`<li>route ${r.index}: ${r.description}: ${r.fingerprints.map(name).join(', ')}</li>`)}
              ${result.unrouted.length ? html`<li>no route: ${result.unrouted.map(name).join(', ')}</li>` : ''}
            </ul>
            <h2>Actions</h2>
            ${result.actions.length === 0 ? html`<p>No action is reached.</p>` : ''}
            ${result.actions.map(
              (a) =>
                html`<section class="job">
                  <h3>${a.name} (${a.type}) · route ${a.routeIndex}: ${a.route}</h3>
                  <p>
                    ${a.sent.length} of ${a.fingerprints.length} alerts
                    sent${a.sent.length < a.fingerprints.length ? ' (send_resolved is false)' : ''}
                  </p>
                  ${
                    a.preview
                      ? html`<p class="muted">
                            ${a.preview.contentType}${a.preview.problems.length ? ` · ${a.preview.problems.join('; ')}` : ' · within every limit'}
                          </p>
                          <pre>${JSON.stringify(a.preview.body, null, 2)}</pre>`
                      : html`<p class="muted">No message body to show.</p>`
                  }
                </section>`,
            )}
          </div>`
        : ''
    }
  </section>`;
}
