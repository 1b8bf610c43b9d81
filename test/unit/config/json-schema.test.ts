import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../src/config/json-schema.js';

describe('config.schema.json', () => {
  it('is what the config schema generates today (run `npm run schema` after changing it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../config.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(configJsonSchema());
  });

  it('describes every section of the config file', () => {
    const properties = (configJsonSchema().properties ?? {}) as Record<string, unknown>;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['server', 'prometheus', 'enrichers', 'routes', 'actions', 'delivery']));
  });
});
