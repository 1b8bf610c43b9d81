import { Document, isMap, isScalar, stringify } from 'yaml';
import type { ImportedConfig } from './import-alertmanager.js';

/** The line that opens the commented Alertmanager config at the end of the output. */
export const ALERTMANAGER_MARKER = '---- alertmanager.yml: point Alertmanager at alertpipe ----';

const comment = (lines: readonly string[]): string => lines.map((line) => ` ${line}`).join('\n');
const commentedYaml = (value: unknown): string[] => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd().split('\n');

/**
 * The imported config as YAML with its comments: what did not carry over at the top, each
 * action's notes above it, the actions of types this build lacks commented out, each route's
 * Alertmanager origin above it, and, in a trailing commented block, the alertmanager.yml that
 * sends to alertpipe (uncomment it, or cut it out, to use it).
 */
export function writeImportedConfig(imported: ImportedConfig, file: string): string {
  // No anchors: a reader compares routes by eye, and an alias hides what a route sends to.
  const doc = new Document({ actions: imported.actions, routes: imported.routes }, { aliasDuplicateObjects: false });
  doc.commentBefore = comment([
    `alertpipe config imported from ${file} by \`alertpipe import\`.`,
    'Alertmanager field names are kept where alertpipe has them; what did not carry over:',
    ...imported.notes.map((note) => `- ${note}`),
  ]);
  const actions = doc.get('actions', true);
  if (isMap(actions)) {
    for (const pair of actions.items) {
      if (!isScalar(pair.key)) continue;
      const notes = imported.actionNotes.get(String(pair.key.value)) ?? [];
      pair.key.commentBefore = comment(notes);
    }
  }
  if (imported.unavailable.size > 0) {
    const lines: string[] = ['Not in this alertpipe build yet (the routes leave them out); as they will read:'];
    for (const [name, { section, notes }] of imported.unavailable) {
      lines.push(...notes.map((note) => `  ${note}`), ...commentedYaml({ [name]: section }).map((line) => `  ${line}`));
    }
    const key = doc.contents && isMap(doc.contents) ? doc.contents.items[0]?.key : undefined;
    if (isScalar(key)) key.commentBefore = comment(lines);
  }
  imported.routeNotes.forEach((note, index) => {
    const node = doc.getIn(['routes', index], true) as { commentBefore?: string } | undefined;
    if (node) node.commentBefore = comment([note]);
  });
  doc.comment = comment([ALERTMANAGER_MARKER, ...commentedYaml(imported.alertmanager)]);
  return doc.toString({ lineWidth: 0 });
}

/** The Alertmanager config of the trailing block, read back out of the output. */
export function alertmanagerBlockOf(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.includes(ALERTMANAGER_MARKER));
  if (start === -1) return '';
  return lines
    .slice(start + 1)
    .filter((line) => line.startsWith('#'))
    .map((line) => line.replace(/^# ?/, ''))
    .join('\n');
}
