import { createHash } from 'node:crypto';
import type { EnrichedNotification } from '../../model/model.js';
import type { FieldTemplateFailure, FieldTemplates } from '../chat/field-templates.js';
import type { Message } from '../chat/message-model.js';
import { textBody } from '../chat/text-body.js';

/**
 * SNS's limits (docs.aws.amazon.com/sns/latest/api/API_Publish.html): a message of 256 KiB, an SMS
 * of 1,600 bytes in all (sent as parts of 140), a subject of 100 ASCII characters without line
 * breaks, at most 10 message attributes.
 */
export const SNS_LIMITS = { messageBytes: 262_144, smsBytes: 1_600, subject: 100, attributes: 10 } as const;

export type SnsTemplateField = 'subject' | 'message';

export interface SnsTarget {
  readonly topic_arn?: string | undefined;
  readonly target_arn?: string | undefined;
  readonly phone_number?: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The `Publish` parameters for a notification: to the topic, the endpoint (`target_arn`) or the
 * phone, the message model as text (or the `message` template) within the limit of where it goes,
 * the subject (or the `subject` template) as the ASCII SNS takes, the attributes as strings. A
 * FIFO topic (`.fifo`) needs a group and a deduplication id: the group's key, hashed, and the
 * notification's content, hashed, so a retry is taken once.
 */
export function snsPublish(
  notification: EnrichedNotification,
  message: Message,
  target: SnsTarget,
  templates: FieldTemplates<SnsTemplateField>,
  onFailure: (failure: FieldTemplateFailure) => void,
): URLSearchParams {
  const limit = target.phone_number ? SNS_LIMITS.smsBytes : SNS_LIMITS.messageBytes;
  const own = templates.render('message', notification, onFailure);
  const text = own ? cutBytes(own, limit) : textBody(message, { limit, measure: bytes });
  const params = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31' });
  if (target.topic_arn) params.set('TopicArn', target.topic_arn);
  if (target.target_arn) params.set('TargetArn', target.target_arn);
  if (target.phone_number) params.set('PhoneNumber', target.phone_number);
  params.set('Message', text);
  // An SMS has no subject; an email subscription shows it as its subject line.
  const subject = asciiSubject(templates.render('subject', notification, onFailure) || message.title);
  if (!target.phone_number && subject) params.set('Subject', subject);
  Object.entries(target.attributes).forEach(([name, value], i) => {
    params.set(`MessageAttributes.entry.${i + 1}.Name`, name);
    params.set(`MessageAttributes.entry.${i + 1}.Value.DataType`, 'String');
    params.set(`MessageAttributes.entry.${i + 1}.Value.StringValue`, value);
  });
  if (target.topic_arn?.endsWith('.fifo')) {
    params.set('MessageGroupId', createHash('sha256').update(notification.groupKey).digest('hex').slice(0, 64));
    const content = notification.alerts.map((a) => `${a.fingerprint}:${a.status}`).join(',');
    params.set('MessageDeduplicationId', createHash('sha256').update(`${notification.groupKey}\n${content}`).digest('hex').slice(0, 64));
  }
  return params;
}

/**
 * SNS takes a subject of printable ASCII that begins with a letter, a number or a punctuation mark:
 * `🔥 FIRING: KubePodCrashLooping` goes as `FIRING: KubePodCrashLooping`.
 */
export function asciiSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  return ascii.length <= SNS_LIMITS.subject ? ascii : `${ascii.slice(0, SNS_LIMITS.subject - 3)}...`;
}

function cutBytes(text: string, limit: number): string {
  if (bytes(text) <= limit) return text;
  const points = [...text];
  while (points.length > 0 && bytes(`${points.join('')}…`) > limit) points.splice(Math.max(0, points.length - 64));
  return `${points.join('')}…`;
}

/** The limits a finished Publish breaks (what `alertpipe render` reports). */
export function checkSnsPublish(params: URLSearchParams): string[] {
  const problems: string[] = [];
  const message = params.get('Message') ?? '';
  const limit = params.has('PhoneNumber') ? SNS_LIMITS.smsBytes : SNS_LIMITS.messageBytes;
  if (!message) problems.push('Message: empty, SNS refuses it');
  if (bytes(message) > limit) problems.push(`Message: ${bytes(message)} bytes, SNS takes ${limit}`);
  const subject = params.get('Subject');
  if (subject !== null && (subject.length > SNS_LIMITS.subject || !/^[\x20-\x7e]+$/.test(subject)))
    problems.push('Subject: SNS takes up to 100 printable ASCII characters');
  return problems;
}
