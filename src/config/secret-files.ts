import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ConfigProblem } from '../lib/config-error.js';
import { isSecretSchema } from '../lib/secret.js';
import { defOf, isRecord, unionOptionsFor } from './schema-def.js';

/**
 * Alertmanager's `<field>_file`: for every field declared `secret(...)`, a sibling key with
 * `_file` added names a file (relative to the config file) whose content is the value, so a
 * Kubernetes Secret mounted as a file never appears in the config. The file's content replaces
 * the key before validation, and is then masked like any secret. Returns the input with every
 * such key replaced; problems (an unreadable file, both keys given) are added to `problems`.
 */
export function readSecretFiles(schema: z.ZodType, input: unknown, baseDir: string, problems: ConfigProblem[]): unknown {
  return walk(schema, input, '', { baseDir, problems });
}

interface Walk {
  readonly baseDir: string;
  readonly problems: ConfigProblem[];
}

function walk(schema: z.ZodType, value: unknown, at: string, w: Walk): unknown {
  if (value === undefined || value === null) return value;
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return isRecord(value) && def.shape ? objectWithFiles(def.shape, value, at, w) : value;
    case 'record':
      if (!isRecord(value) || !def.valueType) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(def.valueType as z.ZodType, v, join(at, k), w)]));
    case 'array':
      return Array.isArray(value) && def.element ? value.map((v, i) => walk(def.element as z.ZodType, v, join(at, String(i)), w)) : value;
    case 'union': {
      // The option the value names (the actions, by `type`), or the one object whose fields hold
      // all of the value's keys (a webhook's `auth`); with several candidates, which one a `_file`
      // key belongs to would be a guess, and validation reports the value as it is.
      const named = unionOptionsFor(def, value);
      const options = def.discriminator === undefined ? named.filter((o) => holdsKeys(o, value)) : named;
      return options.length === 1 && options[0] ? walk(options[0], value, at, w) : value;
    }
    case 'pipe':
      return def.in ? walk(def.in, value, at, w) : value;
    case 'lazy':
      return def.getter ? walk(def.getter(), value, at, w) : value;
    default:
      return def.innerType ? walk(def.innerType, value, at, w) : value;
  }
}

function objectWithFiles(shape: Record<string, z.ZodType>, value: Record<string, unknown>, at: string, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const [key, child] of Object.entries(shape)) {
    const fileKey = `${key}_file`;
    if (isSecretField(child) && fileKey in value && !(fileKey in shape)) {
      delete out[fileKey];
      if (key in value) {
        w.problems.push({ path: join(at, fileKey), message: `give ${key} or ${fileKey}, not both` });
        continue;
      }
      const content = readSecret(value[fileKey], join(at, fileKey), w);
      if (content !== undefined) out[key] = content;
    } else if (key in value) {
      out[key] = walk(child, value[key], join(at, key), w);
    }
  }
  return out;
}

function readSecret(file: unknown, at: string, w: Walk): string | undefined {
  if (typeof file !== 'string' || file.trim() === '') {
    w.problems.push({ path: at, message: 'expected the path of a file holding the secret' });
    return undefined;
  }
  try {
    // A file written by `echo` or a Secret's editor ends with a newline that is not the secret's.
    const content = readFileSync(path.resolve(w.baseDir, file), 'utf8').replace(/\r?\n$/, '');
    if (content === '') w.problems.push({ path: at, message: `${file} is empty` });
    return content === '' ? undefined : content;
  } catch (error) {
    w.problems.push({ path: at, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    return undefined;
  }
}

function holdsKeys(option: z.ZodType, value: unknown): boolean {
  const shape = defOf(option).shape;
  if (!shape || !isRecord(value)) return false;
  return Object.keys(value).every((key) => key in shape || (key.endsWith('_file') && key.slice(0, -'_file'.length) in shape));
}

/** Whether the field is a secret, through the optional/default wrappers around it. */
function isSecretField(schema: z.ZodType): boolean {
  for (let s: z.ZodType | undefined = schema; s; s = defOf(s).innerType) if (isSecretSchema(s)) return true;
  return false;
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}
