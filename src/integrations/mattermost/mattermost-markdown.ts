/**
 * Mattermost renders markdown in a post's message and in an attachment's pretext, text and field
 * values, and reads mentions there: `@channel`, `@all` and `@here` notify everyone in the channel,
 * `@name` a person, `~town-square` links a channel. What an alert or its sender wrote (labels,
 * annotations, template output, notes) goes through here so it shows as written: each markdown
 * character gets a backslash (Mattermost's markdown, like CommonMark, shows `\*` as `*`), and an
 * invisible word joiner (U+2060) follows every `@`, which no mention can start with, so no alert
 * text notifies anyone (a backslash does not stop a mention there).
 */
export function escapeMattermost(text: string): string {
  return (
    text
      .replace(/[\\`*_~[\]()#<>|!{}]/g, '\\$&')
      .replace(/^(\s*)([-+=])/gm, '$1\\$2')
      // `1. ` starts a list: the dot gets the backslash (a backslash before a digit would show).
      .replace(/^(\s*)(\d+)([.)])(?=\s|$)/gm, '$1$2\\$3')
      .replace(/@/g, '@\u2060')
  );
}

/**
 * Plain-text places (an attachment's title, the fallback shown in notifications, a field's title)
 * show markdown characters as they are, but the title and the fallback still reach mention
 * parsing in some clients: only the mentions are broken there.
 */
export function noMentions(text: string): string {
  return text.replace(/@/g, '@\u2060');
}

/** `[text](url)`: the URL already checked and encoded by `safeLink`, the text escaped here. */
export function markdownLink(url: string, text: string): string {
  return `[${escapeMattermost(text)}](${url})`;
}
