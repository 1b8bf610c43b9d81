// The last word of a field's name that says its value is a credential. "secret_name" (a
// Kubernetes Secret's name) and "token_file" (a path) are not: only the name's last word counts.
const SECRET_LAST_WORDS = new Set(['password', 'passwd', 'pwd', 'secret', 'token', 'apikey', 'credential', 'credentials']);
const SECRET_LAST_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'client secret', 'auth token']);

/**
 * Whether a field's name says its value is a credential: `password`, `db_password`, `api_key`,
 * `apiKey`, `GITHUB_TOKEN`, `aws_secret_access_key`. Used for labels and annotations shown by the
 * history API and written to the log, where the sender chose the names.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  return words.length >= 2 && SECRET_LAST_PAIRS.has(`${words.at(-2)} ${last}`);
}
