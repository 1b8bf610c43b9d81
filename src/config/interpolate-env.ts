import type { ConfigProblem } from '../lib/config-error.js';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** A field written only as references that all came out empty: `${TOKEN:-}` with TOKEN unset. */
const NOT_SET = Symbol('not set');

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree; `$$` is a literal
 * `$`. Done on the parsed values, not the raw text, so a value containing YAML syntax cannot change
 * the file's structure. A variable that is unset and has no default is a problem at its path.
 * A field whose whole value is references that come out empty (`token: ${TOKEN:-}`) is left out,
 * as if not written: an optional secret that is not set is absent, not an empty string that then
 * fails validation. In a list the empty string stays, so positions do not move.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): unknown {
  const result = interpolate(value, env, problems, []);
  return result === NOT_SET ? '' : result;
}

function interpolate(value: unknown, env: NodeJS.ProcessEnv, problems: ConfigProblem[], path: readonly (string | number)[]): unknown {
  if (typeof value === 'string') return interpolateString(value, env, problems, path);
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const result = interpolate(item, env, problems, [...path, index]);
      return result === NOT_SET ? '' : result;
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, interpolate(item, env, problems, [...path, key])] as const)
        .filter(([, item]) => item !== NOT_SET),
    );
  }
  return value;
}

function interpolateString(
  value: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: readonly (string | number)[],
): string | typeof NOT_SET {
  const replaced = value.replace(REFERENCE, (whole: string, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const found = env[name as string];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    problems.push({ path: path.join('.'), message: `environment variable ${name} is not set (write \${${name}:-default} for a default)` });
    return '';
  });
  const onlyReferences = value !== '' && value.replace(REFERENCE, (whole) => (whole === '$$' ? '$' : '')) === '';
  return replaced === '' && onlyReferences ? NOT_SET : replaced;
}
