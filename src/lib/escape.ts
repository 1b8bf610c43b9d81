// RE2's metacharacters (what Prometheus and Alertmanager compile regexes with); both anchor a
// label regex, so nothing else needs escaping.
const RE2_SPECIAL = /[\\.+*?()|[\]{}^$]/g;

/** A value as an RE2 regex that matches exactly it. */
export function escapeRegex(value: string): string {
  return value.replace(RE2_SPECIAL, '\\$&');
}

/**
 * Text for HTML or XML, in an element or a quoted attribute: `&`, `<`, `>` and `"` as entities, so
 * no tag, entity or end of attribute forms from it.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
