/** One thing wrong with a config, at a dotted path such as `actions.oncall.webhook_url`. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** A config that cannot be used, with every problem found (not just the first). */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(source: string, problems: readonly ConfigProblem[]) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path || '(top level)'}: ${p.message}`).join('\n');
}
