import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Every secret value in an example contains this marker, and nothing else in the test does.
export const MARK = 'SeCrEt';

/**
 * Configs by action type (or by "type mode" for a second mode with secrets of its own), each with
 * every secret field set to a marked value and aimed at the echo server's `url`.
 */
export type SecretExamples = Record<string, (url: string) => Record<string, unknown>>;

const INTEGRATION_TESTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../integration/integrations');

/**
 * Every integration's `secret-example.ts` (test/integration/integrations/<folder>/), merged: a new
 * integration brings its own file, and the secret-fields test edits nothing to cover it.
 */
export async function loadSecretExamples(): Promise<SecretExamples> {
  const examples: SecretExamples = {};
  for (const folder of readdirSync(INTEGRATION_TESTS, { withFileTypes: true })) {
    const file = path.join(INTEGRATION_TESTS, folder.name, 'secret-example.ts');
    if (!folder.isDirectory() || !existsSync(file)) continue;
    const loaded = (await import(pathToFileURL(file).href)) as { secretExamples: SecretExamples };
    Object.assign(examples, loaded.secretExamples);
  }
  return examples;
}
