import { describe, expect, it } from 'vitest';
import { createTemplateEngine } from '../../../../src/integrations/chat/template-engine.js';

describe('template limits', () => {
  it("charge alertpipe's own filters against the memory limit, as Liquid charges its own", async () => {
    const engine = createTemplateEngine();
    // 6 million characters read and 6 million written: past the 10 million a render may allocate.
    const big = { description: 'x'.repeat(6_000_000) };
    await expect(engine.render(engine.parse('{{ description | toUpper | size }}'), big)).rejects.toThrow(/memory alloc limit exceeded/);
    await expect(engine.render(engine.parse('{{ description | reReplaceAll: "^x", "y" | size }}'), big)).rejects.toThrow(
      /memory alloc limit exceeded/,
    );
  });

  it('stop a string doubled in a loop by reReplaceAll at a limit', async () => {
    const engine = createTemplateEngine();
    // 24 doublings of "ab" would be 33 million characters.
    const growing = engine.parse(
      '{% assign s = "ab" %}{% for i in (1..24) %}{% assign s = s | reReplaceAll: "(.)", "$1$1" %}{% endfor %}{{ s | size }}',
    );
    await expect(engine.render(growing, {})).rejects.toThrow(/(memory alloc|render) limit exceeded/);
  });

  it('leave ordinary templates alone', async () => {
    const engine = createTemplateEngine();
    const template = engine.parse('{{ "db-1:9100" | reReplaceAll: ":.*", "" | toUpper }} {{ 0.8423 | humanizePercentage }}');
    expect(await engine.render(template, {})).toBe('DB-1 84.23%');
  });
});
