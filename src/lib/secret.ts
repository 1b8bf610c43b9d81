import { z } from 'zod';

/**
 * Declares a config field a secret: its value is masked in every log line, history answer and
 * error, whatever the field is called (`collect-secrets.ts` finds the declaration in the schema).
 * The mark lives in zod's own metadata registry; the JSON Schema shows it as `writeOnly`.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ writeOnly: true, secret: true });
}

/** Whether the schema itself (not a wrapper around it) was declared with `secret(...)`. */
export function isSecretSchema(schema: z.ZodType): boolean {
  return z.globalRegistry.get(schema)?.secret === true;
}
