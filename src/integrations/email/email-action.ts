import type { Transporter } from 'nodemailer';
import type { Action, ActionContext, ActionResult } from '../action.js';
import { defineActionType, type ActionDeps } from '../action-type.js';
import { chatMessageBuilder } from '../chat/chat-message.js';
import type { EnrichedNotification } from '../../model/model.js';
import { messageRefId, type MessageRef, type MessageRefStore } from '../../store/ports/message-refs.js';
import { applyOncePerEpisode } from '../chat/first-post.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { checkEmail, emailBody } from './email-body.js';
import { inlineGraphs, type InlineGraph } from './email-graphs.js';
import { emailSchema, type EmailConfig } from './email-schema.js';
import { compileEmailTemplates } from './email-templates.js';
import { mailThread, senderDomain, type MailThread } from './email-thread.js';
import { smtpError } from './smtp-error.js';
import { createSmtpTransport } from './smtp-transport.js';
import { checkSmtp } from './check-smtp.js';

// No SMTP server documents a pace for one sender; relays throttle with 421/451/452 past a few
// mails a second. One a second, bursts of five, keeps a storm of groups from being throttled.
const EMAIL_RATE = { perSecond: 1, burst: 5 };

/**
 * Mails one message per group through an SMTP server (nodemailer), as Alertmanager's email
 * receiver: a text part and an HTML part from the shared message, the graphs inline, and one
 * thread per group episode (`email-thread.ts`).
 */
export const emailActionType = defineActionType({
  schema: emailSchema,
  create: (name, config, deps) => createEmailAction(name, config, deps),
});

function createEmailAction(name: string, config: EmailConfig, deps: ActionDeps): Action {
  const messageOf = chatMessageBuilder(name, config, deps);
  const templates = compileEmailTemplates(name, config);
  const transport: Transporter = createSmtpTransport(name, config, deps.baseDir ?? process.cwd(), config.timeout);
  const scrub = secretsScrubber([config.auth_password, config.auth_secret]);
  const domain = senderDomain(config.from);
  // Without the store (a test, `alertpipe render`), threads live as long as the action.
  const fallbackRefs = new Map<string, MessageRef>();
  const localRefs: MessageRefStore = {
    getMessageRef: async (id) => fallbackRefs.get(id),
    putMessageRef: async (ref) => void fallbackRefs.set(ref.id, ref),
  };
  // Two notifications of one group must not both find no thread and both start one: one at a time per group.
  const queues = new Map<string, Promise<unknown>>();
  async function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (queues.get(key) ?? Promise.resolve()).catch(() => {}).then(work);
    queues.set(key, run);
    try {
      return await run;
    } finally {
      if (queues.get(key) === run) queues.delete(key);
    }
  }

  /** The mail's headers and parts, before threading; `graphs` are those drawn for it. */
  function compose(notification: EnrichedNotification, logger = deps.logger, graphs: readonly InlineGraph[] = []) {
    const rendered = templates(notification, (template, reason) => {
      deps.metrics?.templateErrors.inc({ action: name, template });
      logger.warn('template failed; the default text is sent', { action: name, template, reason });
    });
    const base = messageOf(notification, logger);
    const message = { ...base, notes: [...base.notes, ...rendered.notes] };
    const body = emailBody(message, new Map(graphs.map((g) => [g.fingerprint, g.cid])));
    const lower = Object.fromEntries(Object.entries(rendered.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const extra = Object.fromEntries(
      Object.entries(rendered.headers).filter(([k]) => !['subject', 'to', 'from'].includes(k.toLowerCase())),
    );
    return {
      message,
      from: lower.from ?? config.from,
      to: lower.to ?? config.to,
      subject: lower.subject ?? body.subject,
      text: rendered.text ?? body.text,
      html: rendered.html ?? body.html,
      headers: extra,
    };
  }

  async function deliver(notification: EnrichedNotification, ctx: ActionContext): Promise<ActionResult> {
    // With several replicas, the mail that starts an episode's thread is sent by the one delivery
    // that takes the store's first-post claim; the others, once its Message-ID is kept, reply in it.
    return applyOncePerEpisode(
      {
        claims: ctx.firstPostClaims,
        id: messageRefId(name, config.to, notification.groupKey),
        timeoutMs: config.timeout,
        signal: ctx.signal,
        logger: ctx.logger,
      },
      () => mailThread(ctx.messageRefs ?? localRefs, { action: name, to: config.to, domain }, notification),
      (thread) => thread.inReplyTo === undefined,
      (thread) => send(notification, ctx, thread),
    );
  }

  async function send(notification: EnrichedNotification, ctx: ActionContext, thread: MailThread): Promise<ActionResult> {
    const shown = new Set(messageOf(notification, ctx.logger).alerts.map((a) => a.fingerprint));
    const graphs = await inlineGraphs(notification, shown, deps.charts, ctx.logger);
    const mail = compose(notification, ctx.logger, graphs);
    let accepted: readonly unknown[];
    try {
      const info = await transport.sendMail({
        // The envelope is the config's: a `From` or `To` header template changes what is shown, not where it goes.
        envelope: { from: config.from, to: config.to },
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        messageId: thread.messageId,
        ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo, references: [...(thread.references ?? [])] } : {}),
        attachments: graphs.map((g) => ({
          filename: g.filename,
          content: g.content,
          cid: g.cid,
          contentType: 'image/png',
          contentDisposition: 'inline' as const,
        })),
        signal: ctx.signal,
      });
      accepted = info.accepted ?? [];
    } catch (error) {
      throw smtpError(error, config.smarthost);
    }
    if (thread.next) await (ctx.messageRefs ?? localRefs).putMessageRef(thread.next);
    const count = notification.alerts.length;
    return {
      detail: `mailed ${count} alert${count === 1 ? '' : 's'} to ${accepted.length} recipient${accepted.length === 1 ? '' : 's'}${thread.inReplyTo ? " in the group's thread" : ''}${graphs.length > 0 ? `, ${graphs.length} graph${graphs.length === 1 ? '' : 's'} inline` : ''}`,
      data: { messageId: thread.messageId, inReplyTo: thread.inReplyTo ?? null, graphs: graphs.length, shown: mail.message.alerts.length },
    };
  }

  return {
    name,
    type: 'email',
    sendResolved: config.send_resolved,
    timeoutMs: config.timeout,
    rateLimit: { key: `email:${config.smarthost}:${config.auth_username ?? ''}`, ...EMAIL_RATE },
    async handle(notification, ctx) {
      try {
        return await exclusive(notification.groupKey, () => deliver(notification, ctx));
      } catch (error) {
        // An SMTP server may quote the AUTH exchange back; no credential leaves in an error.
        throw scrubbedError(error, scrub);
      }
    },
    preview(notification) {
      const mail = compose(notification);
      const bytes = Buffer.byteLength(mail.text) + Buffer.byteLength(mail.html);
      return {
        contentType: 'multipart/alternative',
        body: { headers: { From: mail.from, To: mail.to, Subject: mail.subject, ...mail.headers }, text: mail.text, html: mail.html },
        problems: checkEmail({ subject: mail.subject, bytes }),
      };
    },
    capabilities: { startCheck: (signal) => checkSmtp(transport, config.smarthost, scrub, signal) },
  };
}
