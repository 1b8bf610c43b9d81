import type { EscalationContact, EscalationStep } from '../../model/escalation-step.js';
import { describeEscalationPage, describeEscalationStep } from '../../model/escalation-step.js';

/**
 * What an escalation step's message says above its alerts, as plain lines: which step it is, whom
 * it notifies (mentioned as the platform mentions people: `mention`, given the literal text of
 * the rest), who was paged before, and what could not be found out. Every chat adapter shows
 * these lines; only how a person is mentioned differs (Slack `<@U…>`, elsewhere the name).
 */
export function escalationLines(
  step: EscalationStep,
  text: (plain: string) => string,
  mention: (contact: EscalationContact) => string = (contact) => text(contact.name),
): string[] {
  const lines = [text(`⏫ ${describeEscalationStep(step)}`)];
  if (step.onCall.length > 0)
    lines.push(`${text('On call: ')}${step.onCall.map((contact) => onCallText(contact, text, mention)).join(', ')}`);
  if (step.pagedBefore.length > 0) lines.push(text(`Paged before: ${step.pagedBefore.map(describeEscalationPage).join('; ')}`));
  for (const note of step.notes) lines.push(text(`⚠ ${note}`));
  return lines;
}

function onCallText(contact: EscalationContact, text: (plain: string) => string, mention: (contact: EscalationContact) => string): string {
  const until = contact.until === undefined ? '' : `, until ${new Date(contact.until).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const schedule = contact.schedule === undefined ? '' : ` (${contact.schedule}${until})`;
  return `${mention(contact)}${text(schedule)}`;
}
