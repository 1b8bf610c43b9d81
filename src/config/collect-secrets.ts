import type { z } from 'zod';
import { configSchema } from './schema.js';
import { isSecretSchema } from '../lib/secret.js';
import { secretParts } from '../lib/secret-parts.js';
import { defOf, isRecord, unionOptionsFor } from './schema-def.js';

// Only for opaque values the schema cannot describe (a custom enricher's `options`): there the
// key's name is all there is to go on.
const OPAQUE_SECRET_KEY = /(^|_)(token|password|secret|routing_key|webhook_url|api_key|key)$/i;

/**
 * Every value in the config that is a credential, because the schema declares its field with
 * `secret(...)` (see config/secret.ts), whatever the field is called; and, for a URL, the parts of
 * it that are the credential on their own (see secret-parts.ts). The logger and the history API
 * mask them wherever they appear.
 */
export function collectSecrets(config: unknown, schema: z.ZodType = configSchema): string[] {
  const found = new Set<string>();
  visit(schema, config, '', found);
  return [...found].flatMap(secretParts).filter((s) => s.length > 0);
}

function visit(schema: z.ZodType, value: unknown, key: string, found: Set<string>): void {
  if (value === undefined || value === null) return;
  if (isSecretSchema(schema)) {
    if (typeof value === 'string') found.add(value);
    else collectStrings(value, found);
    return;
  }
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      if (isRecord(value)) for (const [name, child] of Object.entries(def.shape ?? {})) visit(child, value[name], name, found);
      return;
    case 'record':
      if (isRecord(value) && def.valueType) for (const [name, child] of Object.entries(value)) visit(def.valueType, child, name, found);
      return;
    case 'array':
      if (Array.isArray(value) && def.element) for (const child of value) visit(def.element, child, key, found);
      return;
    // A discriminated union (the actions, by `type`) is checked against the option the value
    // names; any other union against every option, a field secret in any of them counting.
    case 'union':
      for (const option of unionOptionsFor(def, value)) visit(option, value, key, found);
      return;
    case 'intersection':
      for (const side of [def.left, def.right]) if (side) visit(side, value, key, found);
      return;
    case 'pipe':
      for (const side of [def.in, def.out]) if (side) visit(side, value, key, found);
      return;
    case 'lazy':
      if (def.getter) visit(def.getter(), value, key, found);
      return;
    case 'unknown':
    case 'any':
      visitOpaque(value, key, found);
      return;
    default:
      if (def.innerType) visit(def.innerType, value, key, found);
  }
}

function visitOpaque(value: unknown, key: string, found: Set<string>): void {
  if (typeof value === 'string') {
    if (OPAQUE_SECRET_KEY.test(key)) found.add(value);
    return;
  }
  if (Array.isArray(value)) for (const child of value) visitOpaque(child, key, found);
  else if (isRecord(value)) for (const [name, child] of Object.entries(value)) visitOpaque(child, name, found);
}

function collectStrings(value: unknown, found: Set<string>): void {
  if (typeof value === 'string') found.add(value);
  else if (Array.isArray(value)) for (const child of value) collectStrings(child, found);
  else if (isRecord(value)) for (const child of Object.values(value)) collectStrings(child, found);
}
