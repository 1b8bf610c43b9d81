import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { getJson, postJson } from './api.js';

const html = htm.bind(h);
const POLL_MS = 2000;
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
// The name a person gives is kept in this browser only, so each click need not ask for it again.
const NAME_KEY = 'alertpipe.incidents.by';

// The existing state colours: triggered as a firing alert, acknowledged as a wait, resolved as resolved.
const STATE_CLASS = { triggered: 'status s-firing', acknowledged: 'status o-retrying', resolved: 'status s-resolved' };

/** Reads `url` now and every POLL_MS, and again when `refresh` changes. */
function usePolled(url, refresh) {
  const [state, setState] = useState({ data: null, error: '' });
  useEffect(() => {
    let live = true;
    let timer;
    const poll = async () => {
      try {
        const data = await getJson(url);
        if (live) setState({ data, error: '' });
      } catch (e) {
        if (live) setState((old) => ({ data: old.data, error: e.message }));
      }
      if (live) timer = setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [url, refresh]);
  return state;
}

function StateOf({ incident }) {
  const by = incident.acknowledgedBy;
  const resolvedBy = incident.resolvedBy;
  let detail = '';
  if (incident.state === 'acknowledged' && by) detail = ` by ${by.name} (${by.via}) at ${time(incident.acknowledgedAt)}`;
  if (incident.state === 'resolved')
    detail = resolvedBy
      ? ` by ${resolvedBy.name} (${resolvedBy.via}) at ${time(incident.resolvedAt)}`
      : ` (the group resolved) at ${time(incident.resolvedAt)}`;
  return html`<span class=${STATE_CLASS[incident.state] ?? 'status'}>${incident.state}</span>${detail}`;
}

function StepOf({ incident }) {
  const reached = incident.step === 0 ? 'no step yet' : `step ${incident.step}`;
  if (incident.nextStepAt === null)
    return html`${reached}<br /><span class="muted">${incident.state === 'triggered' ? 'no step left' : 'no step due'}</span>`;
  return html`${reached}<br /><span class="muted">step ${incident.nextStep} due ${time(incident.nextStepAt)}</span>`;
}

/** Who the steps paged, each once, in the order they were first paged. */
function Paged({ runs }) {
  const people = [...new Set(runs.flatMap((run) => run.notified))];
  if (people.length === 0) return html`<span class="muted">nobody yet</span>`;
  return html`<ul class="chips">
    ${people.map((person) => html`<li class="chip">${person}</li>`)}
  </ul>`;
}

const COMMANDS = [
  { command: 'acknowledge', label: 'Acknowledge', from: ['triggered'] },
  { command: 'unacknowledge', label: 'Unacknowledge', from: ['acknowledged'] },
  { command: 'resolve', label: 'Resolve', from: ['triggered', 'acknowledged'] },
];

function Commands({ incident, by, onDone }) {
  const [status, setStatus] = useState('');
  const run = async (command) => {
    setStatus(`${command}…`);
    try {
      const answer = await postJson(`/api/incidents/${encodeURIComponent(incident.id)}/${command}`, by ? { by } : {});
      setStatus(`now ${answer.incident.state}`);
    } catch (e) {
      setStatus(e.message);
    }
    onDone();
  };
  return html`${COMMANDS.filter((c) => c.from.includes(incident.state)).map(
      (c) =>
        html`<button type="button" onClick=${() => run(c.command)} aria-label=${`${c.label} ${incident.groupKey}`}>${c.label}</button> `,
    )} <span role="status">${status}</span>`;
}

function OnCallPanel() {
  const { data, error } = usePolled('/api/oncall', 0);
  return html`<section aria-labelledby="oncall-title">
    <h2 id="oncall-title">On call</h2>
    ${error ? html`<p role="alert" class="error">${error}</p>` : ''}
    ${data && data.schedules.length === 0 ? html`<p class="muted">No schedules configured.</p>` : ''}
    ${
      data && data.schedules.length > 0
        ? html`<table class="list oncall">
            <thead>
              <tr>
                <th scope="col">Schedule</th>
                <th scope="col">Now</th>
                <th scope="col">Until</th>
                <th scope="col">Next</th>
              </tr>
            </thead>
            <tbody>
              ${data.schedules.map(
                (s) =>
                  html`<tr key=${s.name} data-schedule=${s.name}>
                    <th scope="row">${s.name}</th>
                    <td>
                      ${s.error ? html`<span class="error">${s.error}</span>` : (s.now?.displayName ?? s.now?.name ?? html`<span class="muted">nobody</span>`)}
                    </td>
                    <td>${time(s.now?.until)}</td>
                    <td>${s.next ? `${s.next.displayName ?? s.next.name} from ${time(s.next.from)}` : ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
  </section>`;
}

/** The episodes under escalation, their state and steps, with the buttons that move them; and who is on call. */
export function IncidentsView() {
  const [filter, setFilter] = useState('open');
  const [by, setBy] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  const [refresh, setRefresh] = useState(0);
  const { data, error } = usePolled(`/api/incidents?state=${filter}`, refresh);
  const rename = (e) => {
    setBy(e.currentTarget.value);
    localStorage.setItem(NAME_KEY, e.currentTarget.value);
  };
  return html`<section aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="Incidents">
        <label for="i-state"
          >Show<select id="i-state" value=${filter} onChange=${(e) => setFilter(e.currentTarget.value)}>
            <option value="open">open</option>
            <option value="acknowledged">acknowledged</option>
            <option value="resolved">resolved</option>
            <option value="all">all</option>
          </select></label
        >
        <label for="i-by">Your name<input id="i-by" value=${by} onInput=${rename} placeholder="who acknowledges" size="16" /></label>
      </form>
      <p role="status" class=${error ? 'error' : 'muted'}>${error || (data ? `${data.incidents.length} shown · live` : 'Loading…')}</p>
      <table class="list incidents">
        <thead>
          <tr>
            <th scope="col">Began</th>
            <th scope="col">Group</th>
            <th scope="col">Policy</th>
            <th scope="col">State</th>
            <th scope="col">Step</th>
            <th scope="col">Paged</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          ${(data?.incidents ?? []).map(
            (incident) =>
              html`<tr key=${incident.id} data-incident=${incident.id}>
                <td>${time(incident.startedAt)}</td>
                <td class="group">${incident.groupKey}</td>
                <td>${incident.policy}</td>
                <td class="state"><${StateOf} incident=${incident} /></td>
                <td><${StepOf} incident=${incident} /></td>
                <td><${Paged} runs=${incident.runs} /></td>
                <td><${Commands} incident=${incident} by=${by.trim()} onDone=${() => setRefresh((n) => n + 1)} /></td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${data && data.incidents.length === 0 ? html`<p>No ${filter === 'all' ? '' : `${filter} `}episode.</p>` : ''}
    </section>
    <${OnCallPanel} />`;
}
