// The console's one way to the API: same origin, the browser's own credentials, and the header
// that the API requires on every change (a page on another site cannot send it).
const CONSOLE_HEADER = { 'x-alertpipe-console': '1' };

async function answer(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

export function getJson(url) {
  return fetch(url, { headers: CONSOLE_HEADER, credentials: 'same-origin' }).then(answer);
}

export function postJson(url, data) {
  return fetch(url, {
    method: 'POST',
    headers: { ...CONSOLE_HEADER, 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(data ?? {}),
  }).then(answer);
}

/** A query string of the non-empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  return search.toString();
}

/** What an action's job came to, in the words the console shows. */
export function outcomeOf(action, events) {
  if (action.state === 'succeeded') return 'delivered';
  if (action.state === 'dead') return 'dead-lettered';
  if (action.state === 'failed') return 'failed';
  if (events.some((e) => e.kind === 'rate-limited' && e.action === action.action) && action.attempts.length === 0) return 'rate-limited';
  if (action.attempts.length > 0) return 'retrying';
  return action.state;
}
