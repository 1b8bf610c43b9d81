import { z } from 'zod';
import { configSchema } from './schema.js';

/**
 * The config's JSON Schema, for editor completion (`# yaml-language-server: $schema=...`). It
 * describes what may be written (the input side: `3s` as well as numbers), not the parsed result.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }),
    title: 'alertpipe configuration',
  };
}
