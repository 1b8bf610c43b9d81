import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';

// Regenerates config.schema.json; test/unit/config/json-schema.test.ts fails when it is stale.
writeFileSync(new URL('../config.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
