import type { z } from 'zod';
import { actionConfigSchema } from '../../integrations/registry.js';
import { isSecretSchema } from '../../lib/secret.js';

/** What the import needs to know of a registered action type's config section. */
export interface ActionFields {
  /** Every field its schema declares. */
  readonly fields: ReadonlySet<string>;
  /** The fields declared `secret(...)`: those the loader also reads from `<field>_file`. */
  readonly secrets: ReadonlySet<string>;
}

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

// Read from the registry's own schemas, so a type added there is imported without a change here.
const BY_TYPE: ReadonlyMap<string, ActionFields> = new Map(
  (actionConfigSchema.options as readonly z.ZodType[]).flatMap((option) => {
    const shape = defOf(option).shape;
    const literal = shape?.type ? (defOf(shape.type) as { values?: readonly unknown[] }).values : undefined;
    const name = literal?.[0];
    if (!shape || typeof name !== 'string') return [];
    const secrets = Object.entries(shape)
      .filter(([, field]) => isSecretSchema(unwrap(field)))
      .map(([key]) => key);
    return [[name, { fields: new Set(Object.keys(shape)), secrets: new Set(secrets) }] as const];
  }),
);

/** The fields of a registered action type; undefined when this build has no such type. */
export function actionFieldsOf(type: string): ActionFields | undefined {
  return BY_TYPE.get(type);
}

// `.optional()` and `.default()` wrap the schema that carries the secret mark.
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 8; depth++) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) current = def.innerType;
    else break;
  }
  return current;
}
