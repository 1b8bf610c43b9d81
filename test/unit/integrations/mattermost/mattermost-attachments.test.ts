import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { checkMattermostMessage, mattermostAttachments } from '../../../../src/integrations/mattermost/mattermost-attachments.js';
import { escapeMattermost } from '../../../../src/integrations/mattermost/mattermost-markdown.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';
import { invalidPost } from '../../../support/fake-mattermost.js';
import { hugeChatGroup } from '../../../support/huge-chat-group.js';

describe('mattermost attachments', () => {
  it('keep a huge group within its own check and the server’s, cutting and folding', () => {
    const body = mattermostAttachments(buildMessage(hugeChatGroup(), { maxAlerts: 15 }));
    expect(checkMattermostMessage(body)).toEqual([]);
    expect(invalidPost('', { attachments: body.attachments })).toBeUndefined();
    expect(body.attachments).toHaveLength(16);
    expect(body.attachments[0]!.text).toContain('…and 292 more alerts');
    expect(body.attachments[1]!.text!.length).toBeLessThan(2_600);
  });

  it('show an ordinary group with every alert, its fields and its time', () => {
    const body = mattermostAttachments(buildMessage(enrichedGroup(), { maxAlerts: 10 }));
    expect(body.attachments).toHaveLength(3);
    expect(body.attachments[1]).toMatchObject({ color: '#E01E5A', footer: 'since 2026-11-22 12:04 UTC' });
    expect(body.attachments[1]!.fields).toHaveLength(2);
  });

  it('escape markdown and break every mention in what alerts carry', () => {
    expect(escapeMattermost('@here *x* _y_ `z` [a](b) #h ~c <d> 1. e')).toBe(
      '@\u2060here \\*x\\* \\_y\\_ \\`z\\` \\[a\\]\\(b\\) \\#h \\~c \\<d\\> 1. e',
    );
    expect(escapeMattermost('- item\n2. step\n> quote')).toBe('\\- item\n2\\. step\n\\> quote');
  });
});
