import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alertArraySchema, alertSchema, webhookSchema } from '../../../../src/http/ingest/input-schemas.js';
import { normalize } from '../../../../src/http/ingest/normalize.js';
import { parseJsonBody } from '../../../../src/http/parse-json.js';
import { readAlert, readAlerts, readWebhook } from '../../../../src/http/ingest/read-hot-shapes.js';
import { fixtureText } from '../../../support/fixtures.js';
import { malformedRequests } from '../../../support/malformed-bodies.js';

const jsonFixtures = readdirSync(new URL('../../../fixtures/', import.meta.url)).filter((file) => file.endsWith('.json'));

/** The fast reader's answer and zod's for one parsed body, each as "took it" or not. */
function bothReadings(body: unknown): { fast: boolean; zod: boolean } {
  if (Array.isArray(body)) return { fast: readAlerts(body) !== undefined, zod: alertArraySchema.safeParse(body).success };
  if (body !== null && typeof body === 'object') {
    if ('alerts' in body) return { fast: readWebhook(body) !== undefined, zod: webhookSchema.safeParse(body).success };
    return { fast: readAlert(body) !== undefined, zod: alertSchema.safeParse(body).success };
  }
  return { fast: false, zod: false };
}

describe('the fast reader of the hot input shapes', () => {
  it('takes every real sender payload zod takes, so that they skip zod', () => {
    for (const file of jsonFixtures) {
      const readings = bothReadings(parseJsonBody(fixtureText(file)));
      if (readings.zod) expect(readings.fast, file).toBe(true);
    }
  });

  it('never takes a body zod refuses, so that every 400 and its issues still come from zod', () => {
    let refused = 0;
    for (const request of malformedRequests(2_000)) {
      let body: unknown;
      try {
        body = JSON.parse(request.body);
      } catch {
        continue;
      }
      const readings = bothReadings(body);
      if (!readings.zod) {
        refused++;
        expect(readings.fast, `${request.kind}: ${request.body.slice(0, 200)}`).toBe(false);
      }
    }
    expect(refused).toBeGreaterThan(500);
  });

  it('hands normalize the same alerts zod would: a body read either way normalizes alike', () => {
    const now = new Date('2026-11-22T13:00:00Z');
    for (const file of jsonFixtures) {
      const body = parseJsonBody(fixtureText(file));
      if (!bothReadings(body).zod) continue;
      const read = (input: unknown): unknown => {
        try {
          return normalize(input, { now, id: 'n1', originalBody: '' });
        } catch (error) {
          return { refused: String(error) };
        }
      };
      // zod's output: unknown fields dropped, null maps made undefined, every object a copy.
      expect(read(zodOnly(body)), file).toEqual(read(body));
    }
  });
});

/** The body as zod outputs it: what normalize read before the fast path existed. */
function zodOnly(body: unknown): unknown {
  if (Array.isArray(body)) return alertArraySchema.parse(body);
  if ('alerts' in (body as object)) return webhookSchema.parse(body);
  return alertSchema.parse(body);
}
