import type { z } from 'zod';

/** The parts of a zod schema's definition that walking a config against its schema reads. */
export interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly options?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

export function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/**
 * The options of a union that a value can be checked against: for a discriminated union (the
 * actions, by `type`) the one the value names, else every option.
 */
export function unionOptionsFor(def: SchemaDef, value: unknown): readonly z.ZodType[] {
  const options = def.options ?? [];
  if (def.discriminator === undefined || !isRecord(value)) return options;
  const tag = value[def.discriminator];
  const chosen = options.filter((option) => {
    const field = defOf(option).shape?.[def.discriminator as string];
    return field !== undefined && (defOf(field).values ?? []).includes(tag);
  });
  return chosen.length > 0 ? chosen : options;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
