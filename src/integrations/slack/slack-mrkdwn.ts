/**
 * Slack's mrkdwn reads `&`, `<` and `>` as control characters: `<!channel>` notifies a channel,
 * `<url|text>` is a link, `&lt;` an entity. Everything from an alert or a sender (label names and
 * values, annotations, template output, matchers, error text) goes through here before it joins a
 * mrkdwn text or a message's `text`, so it shows as written and never becomes markup
 * (docs.slack.dev/messaging/formatting-message-text#escaping).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|text>`: the URL already checked and encoded by `safeLink`, the text escaped here. */
export function mrkdwnLink(url: string, text: string): string {
  return `<${url}|${escapeMrkdwn(text)}>`;
}
