import { describe, expect, it } from 'vitest';
import { urlScrubber } from '../../../src/integrations/url-scrubber.js';
import { collectSecrets } from '../../../src/config/collect-secrets.js';
import { parseConfigText } from '../../../src/config/load-config.js';

const secretsOf = (yaml: string) => collectSecrets(parseConfigText(yaml, 'test', {}));

describe('collectSecrets', () => {
  it('finds a secret because the schema declares it, whatever its field is called', () => {
    const secrets = secretsOf(
      'actions:\n  hook: { type: webhook, url: "https://ci.example/hooks/0123456789abcdef0123", headers: { X-Custom: abcdefgh } }\n',
    );
    expect(secrets).toContain('https://ci.example/hooks/0123456789abcdef0123');
    expect(secrets).toContain('0123456789abcdef0123');
    expect(secrets).toContain('abcdefgh');
  });

  it('does not take a field for a secret because of its name alone', () => {
    const secrets = secretsOf(
      'actions:\n  pd: { type: pagerduty, routing_key: R0123456789, severity_label: secret_token, client: my-password }\n',
    );
    expect(secrets).toEqual(['R0123456789']);
  });

  it("falls back to key names only inside opaque values, such as a module's options", () => {
    const secrets = secretsOf('enrichers:\n  - module: ./x.mjs\n    options: { api_key: k-123456, team: shop }\n');
    expect(secrets).toEqual(['k-123456']);
  });

  it('collects the key and token of a Google Chat URL and the signature of a Teams one', () => {
    const secrets = secretsOf(`actions:
  g: { type: google_chat, webhook_url: "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=AIzaSyKEYKEYKEYKEY&token=TOKENTOKENTOKENTOKEN" }
  t: { type: teams, webhook_url: "https://x.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SIGNATURESIGNATURE" }
`);
    expect(secrets).toEqual(expect.arrayContaining(['AIzaSyKEYKEYKEYKEY', 'TOKENTOKENTOKENTOKEN', 'SIGNATURESIGNATURE']));
    expect(secrets).not.toContain('2016-06-01');
  });
});

describe('urlScrubber', () => {
  it('removes a webhook URL whole, in parts, and when an error cut it in the middle', () => {
    const scrub = urlScrubber('https://discord.example/api/webhooks/1181818181818181818/TOKENTOKENTOKENTOKEN');
    expect(scrub('posting to /api/webhooks/1181818181818181818/TOKENTOKENTOKENTOKEN failed')).toBe(
      'posting to /api/webhooks/<webhook>/<webhook> failed',
    );
    expect(scrub('answered 400: {"url":"/api/webhooks/1181818181818181818/TOKENTOK…')).toBe(
      'answered 400: {"url":"/api/webhooks/<webhook>/<webhook>…',
    );
  });
});
