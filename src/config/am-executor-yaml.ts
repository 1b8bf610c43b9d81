import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';

const STRING_SETTINGS = ['listen_address', 'tls_key', 'tls_crt'];
const STRING_COMMAND_SETTINGS = ['cmd', 'resolved_signal'];

/** Whether a parsed document is a prometheus-am-executor `executor.yml` (a top-level `commands:` list). */
export function looksLikeAmExecutor(document: Document): boolean {
  return isMap(document.contents) && isSeq(document.get('commands'));
}

/**
 * Reads an `executor.yml` as prometheus-am-executor's YAML library (yaml.v2) did: YAML 1.1
 * (`yes`/`no`/`on`/`off` are booleans), and every scalar that lands in one of its Go string
 * fields kept as the text written, whatever YAML makes of it. So `resolved_signal: 10`,
 * `args: [5, 1.50]` and `match_labels: {code: 500, canary: true}` mean "10", "5", "1.50", "500"
 * and "true", as they did there, instead of numbers and booleans that fail validation.
 */
export function parseAsYamlV2(text: string): Document {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, version: '1.1' });
  if (document.errors.length > 0 || !looksLikeAmExecutor(document)) return document;
  for (const key of STRING_SETTINGS) asGoString(document.get(key, true));
  const commands = document.get('commands');
  if (!isSeq(commands)) return document;
  for (const command of commands.items) {
    if (!isMap(command)) continue;
    for (const key of STRING_COMMAND_SETTINGS) asGoString(command.get(key, true));
    const args = command.get('args');
    if (isSeq(args)) args.items.forEach(asGoString);
    const labels = command.get('match_labels');
    if (isMap(labels)) {
      for (const pair of labels.items) {
        asGoString(pair.key);
        asGoString(pair.value);
      }
    }
  }
  return document;
}

// yaml.v2 puts a scalar's own text into a string field, and "" for a null.
function asGoString(node: unknown): void {
  if (!isScalar(node) || typeof node.value === 'string') return;
  node.value = node.value === null ? '' : (node.source ?? String(node.value));
}
