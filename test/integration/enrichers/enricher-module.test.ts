import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnricherModule } from '../../../src/enrichers/load-enricher-module.js';
import { parseConfigText } from '../../../src/config/load-config.js';
import { fixtureText } from '../../support/fixtures.js';
import { startTestService } from '../../support/test-service.js';

const examples = path.resolve(import.meta.dirname, '../../../examples');

describe('enrichers of your own', () => {
  it('loads the example module with its options and runs it', async () => {
    const enricher = await loadEnricherModule('./enrichers/team-owner-enricher.mjs', examples, {
      owners: { shop: { team: 'Checkout', channel: '#checkout' } },
    });
    expect(enricher.name).toBe('team-owner');
    const results = (await enricher.enrich(
      [
        { fingerprint: 'f1', labels: { namespace: 'shop' } },
        { fingerprint: 'f2', labels: { namespace: 'other' } },
      ] as never,
      {} as never,
    )) as Record<string, { fields: unknown[]; notes?: string[] }>;
    expect(results.f1!.fields).toEqual([{ label: 'Owner', value: 'Checkout (#checkout)' }]);
    expect(results.f2!.notes).toEqual(['no owner known for namespace other']);
  });

  it('says which module is wrong and why', async () => {
    await expect(loadEnricherModule('./missing.mjs', examples, {})).rejects.toThrow(/enricher module \.\/missing\.mjs: cannot load it/);
    await expect(loadEnricherModule('./alertmanager.yml', examples, {})).rejects.toThrow(/enricher module/);
  });

  it('runs inside the service, configured from a file, and its fields reach the actions', async () => {
    const yaml = `enrichers:\n  - module: ${examples}/enrichers/team-owner-enricher.mjs\n    options:\n      owners:\n        shop: { team: Checkout }\n`;
    expect(parseConfigText(yaml, 't', {}).enrichers).toHaveLength(1);
    const app = await startTestService(yaml);
    try {
      await app.post('/alert', fixtureText('alertmanagerGroup'));
      const line = await app.waitForLog((l) => l.message === 'alert notification');
      const alerts = line.alerts as Array<{ enrichment?: Record<string, string> }>;
      expect(alerts[0]!.enrichment).toEqual({ Owner: 'Checkout' });
    } finally {
      await app.stop();
    }
  });
});
