import { ConfigError, type ConfigProblem } from '../../lib/config-error.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { EXAMPLE_NOTIFICATIONS } from '../../integrations/chat/example-notifications.js';
import { compileTemplates, type TemplateSources } from '../../integrations/chat/message-templates.js';
import { createTemplateEngine } from '../../integrations/chat/template-engine.js';

/**
 * What `check-config` adds for templates: every action's templates compiled, then rendered
 * against the example notifications (a firing group with enrichment, notes and a resolved alert
 * inside it, and a resolved group), so that a typo in a variable shows now rather than as a note
 * on the first real alert. Every problem names its template, line and column.
 */
export function checkTemplates(loaded: LoadedConfig): void {
  const problems: ConfigProblem[] = [];
  const engine = createTemplateEngine(() => new Date('2026-11-22T12:10:00Z'));
  for (const [name, section] of Object.entries(loaded.config.actions)) {
    const sources = section as TemplateSources;
    if (!sources.template_file && !sources.templates) continue;
    let templates;
    try {
      templates = compileTemplates(name, sources, engine, loaded.baseDir);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      continue;
    }
    for (const example of EXAMPLE_NOTIFICATIONS) {
      templates.render(example, (failure) => {
        problems.push({ path: failure.where, message: `with the ${example.status} example: ${failure.reason}` });
      });
    }
  }
  if (problems.length > 0) throw new ConfigError('templates', dedupe(problems));
}

function dedupe(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
