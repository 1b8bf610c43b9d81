import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attemptContext, chatAction, enrichedGroup, failureOf, resolvedGroup, resolvedGroupBody } from '../../../support/chat-platforms.js';
import { startFakeDiscord, type FakeDiscord } from '../../../support/fake-discord.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

let discord: FakeDiscord;
beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(() => discord.close());
afterEach(() => {
  discord.failWith(undefined);
  discord.resetBucket();
});

describe('discord action', () => {
  it('posts the group and each alert as embeds, red while firing, with the enrichment and the notes', async () => {
    await chatAction('discord', { webhook_url: discord.url }).handle(enrichedGroup(), attemptContext());
    const post = discord.accepted.at(-1)!;
    expect(post.embeds[0]).toMatchObject({ title: '🔥 FIRING: KubePodCrashLooping (2)', color: 0xe01e5a });
    expect(post.embeds[1]!.fields).toContainEqual({
      name: 'CPU',
      value: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores\n▁▂▃▅▇',
      inline: true,
    });
    expect(post.embeds[2]!.description).toContain('no cAdvisor metrics');
    expect(post.allowedMentions).toEqual({ parse: [] });
  });

  it('keeps 300 alerts inside 10 embeds and 6,000 characters, folding the rest', async () => {
    const n = enrichedGroup();
    const long = 'x'.repeat(3000);
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: long },
    }));
    await chatAction('discord', { webhook_url: discord.url }).handle({ ...n, alerts }, attemptContext());
    const post = discord.accepted.at(-1)!;
    expect(post.embeds.length).toBeLessThanOrEqual(10);
    expect(post.embeds[0]!.description).toMatch(/…and \d+ more alerts/);
  });

  it('is green once resolved', async () => {
    const n = enrichedGroup();
    const alerts = n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: new Date('2026-11-22T12:30:00Z') }));
    await chatAction('discord', { webhook_url: discord.url }).handle({ ...n, status: 'resolved', alerts }, attemptContext());
    expect(discord.accepted.at(-1)!.embeds[0]).toMatchObject({ title: '✅ RESOLVED: KubePodCrashLooping (2)', color: 0x2eb67d });
  });

  it("waits for Discord's Retry-After when the webhook's bucket is empty", async () => {
    const action = chatAction('discord', { webhook_url: discord.url });
    const errors = [];
    for (let i = 0; i < 6; i++)
      errors.push(
        await action.handle(enrichedGroup(), attemptContext()).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
    const limited = errors.at(-1) as { retryable: boolean; retryAfterMs?: number; status?: number };
    expect(limited).toMatchObject({ retryable: true, status: 429 });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
  });

  it('does not retry a webhook that was deleted, and keeps its token out of the error', async () => {
    const deleted = discord.url.replace('/1181818181818181818/', '/1181818181818181819/');
    const error = await failureOf(chatAction('discord', { webhook_url: deleted }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 404 });
    expect(error.message).toBe('Discord answered 404: {"message":"Unknown Webhook","code":10015}');
    discord.failWith({ status: 400, body: { message: `bad ${discord.url}`, code: 50035 } });
    expect((await failureOf(chatAction('discord', { webhook_url: discord.url }), enrichedGroup())).message).not.toContain('dIsCoRdToKeN');
  });

  it('does not retry a wrong token, which Discord answers 401 Invalid Webhook Token', async () => {
    const error = await failureOf(chatAction('discord', { webhook_url: `${discord.url}x` }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(error.message).not.toContain('dIsCoRdToKeN');
  });

  it('retries a 5xx', async () => {
    discord.failWith({ status: 502, body: 'Bad Gateway' });
    expect((await failureOf(chatAction('discord', { webhook_url: discord.url }), enrichedGroup())).retryable).toBe(true);
  });
});

describe('discord edits its message in place', () => {
  it('posts with wait=true, then a later notification of the group PATCHes that message, green once resolved', async () => {
    const action = chatAction('discord', { webhook_url: discord.url });
    const posts = discord.accepted.length;
    const first = await action.handle(enrichedGroup(), attemptContext());
    const id = discord.accepted.at(-1)!.id!;
    expect(first).toMatchObject({ detail: 'posted the message of 2 alerts', data: { message: id } });
    expect(discord.standIn.requests.at(-1)!.url).toMatch(/\?wait=true$/);

    const second = await action.handle(resolvedGroup(), attemptContext());
    expect(second).toMatchObject({ detail: 'edited the message of 2 alerts' });
    expect(discord.accepted.length - posts).toBe(1);
    const edit = discord.standIn.requests.at(-1)!;
    expect(edit.method).toBe('PATCH');
    expect(edit.url.split('?')[0]).toBe(`${new URL(discord.url).pathname}/messages/${id}`);
    expect(discord.messages.get(id)!.embeds[0]).toMatchObject({ title: '✅ RESOLVED: KubePodCrashLooping (2)', color: 0x2eb67d });
  });

  it('posts anew when the message was deleted in the channel (404 Unknown Message)', async () => {
    const action = chatAction('discord', { webhook_url: discord.url });
    await action.handle(enrichedGroup(), attemptContext());
    const id = discord.accepted.at(-1)!.id!;
    discord.deleteMessage(id);
    const result = await action.handle(resolvedGroup(), attemptContext());
    expect(result).toMatchObject({ detail: 'posted anew (Unknown Message) the message of 2 alerts' });
    expect(discord.accepted.at(-1)!.id).not.toBe(id);
    expect(discord.accepted.at(-1)!.embeds[0]!.title).toBe('✅ RESOLVED: KubePodCrashLooping (2)');
  });

  it('starts a new message when the group fires again after it resolved, and leaves an older notification unapplied', async () => {
    const action = chatAction('discord', { webhook_url: discord.url });
    const firing = enrichedGroup();
    await action.handle(firing, attemptContext());
    await action.handle(resolvedGroup(firing), attemptContext());
    const posts = discord.accepted.length;
    const late = await action.handle({ ...firing, id: 'older' }, attemptContext());
    expect(late).toMatchObject({ detail: 'older than what the message shows; not applied' });
    const again = { ...firing, id: 'again', receivedAt: new Date(firing.receivedAt.getTime() + 900_000) };
    expect(await action.handle(again, attemptContext())).toMatchObject({ detail: 'posted the message of 2 alerts' });
    expect(discord.accepted.length - posts).toBe(1);
  });

  it('does not post anew when the edit fails for another reason: a 429 waits for its Retry-After', async () => {
    const action = chatAction('discord', { webhook_url: discord.url });
    await action.handle(enrichedGroup(), attemptContext());
    discord.failWith({
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 1.5, global: false },
      headers: { 'retry-after': '2' },
    });
    const posts = discord.accepted.length;
    const error = await action.handle(resolvedGroup(), attemptContext()).then(
      () => undefined,
      (e: unknown) => e as { retryable: boolean; retryAfterMs?: number },
    );
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    expect(discord.accepted.length).toBe(posts);
  });
});

describe('discord through the service', () => {
  it('edits the firing message when Alertmanager sends the group resolved, through the store', async () => {
    const posts = discord.accepted.length;
    const edits = discord.edits.length;
    const app = await startTestService(null, { DISCORD_WEBHOOK_URL: discord.url });
    try {
      const firing = await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.untilDone(String(firing.body.id));
      const resolved = await app.post('/alert', resolvedGroupBody());
      const record = await app.untilDone(String(resolved.body.id));
      expect(record.jobs.find((j) => j.action === 'discord')?.state).toBe('succeeded');
      expect(discord.accepted.length - posts).toBe(1);
      expect(discord.edits.length - edits).toBe(1);
      expect(discord.edits.at(-1)!.id).toBe(discord.accepted.at(-1)!.id);
      expect(discord.edits.at(-1)!.embeds[0]!.title).toBe('✅ RESOLVED: KubePodCrashLooping (2)');
    } finally {
      await app.stop();
    }
  });

  it('turns an Alertmanager group into one message with DISCORD_WEBHOOK_URL alone', async () => {
    const before = discord.accepted.length;
    const app = await startTestService(null, { DISCORD_WEBHOOK_URL: discord.url });
    try {
      await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.waitForLog((l) => l.message === 'action succeeded' && l.action === 'discord');
      expect(discord.accepted.length - before).toBe(1);
      expect(discord.accepted.at(-1)!.embeds[0]!.title).toBe('🔥 FIRING: KubePodCrashLooping (2)');
      expect(JSON.stringify(app.logs)).not.toContain('dIsCoRdToKeN');
    } finally {
      await app.stop();
    }
  });
});
