// U+2060, the word joiner: invisible, and no markup or mention can start with it.
const JOINER = '\u2060';

/**
 * Rocket.Chat reads mentions in a message's text (`@all` and `@here` notify the room, `@name` a
 * person, `#room` links a room) and link markup in its text and its attachments' (`[text](url)`,
 * `<url|text>`). Its message parser documents no escape character, so what an alert or its sender
 * wrote gets a word joiner after every `@`, `#`, `]` and `<`: it shows as written, and can neither
 * mention anyone nor link anywhere. Emphasis (`*bold*`) may still show as emphasis.
 */
export function plainRocketText(text: string): string {
  return text.replace(/[@#\]<]/g, `$&${JOINER}`);
}

/** `[text](url)`: the URL already checked and encoded by `safeLink`, the text made plain here. */
export function rocketLink(url: string, text: string): string {
  return `[${plainRocketText(text)}](${url})`;
}
