import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Enricher, EnricherFactory } from './enricher.js';

/**
 * Loads an enricher of your own from the module a config entry names (`module: ./team-owner.mjs`),
 * relative to the config file, absolute, or a package name. The module's default export (or its
 * `enricher` export) is an `Enricher`, or a factory that receives the entry's `options`.
 */
export async function loadEnricherModule(
  specifier: string,
  baseDir: string,
  options: Readonly<Record<string, unknown>>,
): Promise<Enricher> {
  const isPath = specifier.startsWith('.') || path.isAbsolute(specifier);
  const target = isPath ? pathToFileURL(path.resolve(baseDir, specifier)).href : specifier;
  let module: Record<string, unknown>;
  try {
    module = (await import(target)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`enricher module ${specifier}: cannot load it: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const exported = module.default ?? module.enricher;
  const candidate: unknown = typeof exported === 'function' ? await (exported as EnricherFactory)(options) : exported;
  if (!isEnricher(candidate)) {
    throw new Error(
      `enricher module ${specifier}: its default export must be an enricher ({ name, enrich(alerts, ctx) }) or a function returning one`,
    );
  }
  return candidate;
}

function isEnricher(value: unknown): value is Enricher {
  if (value === null || typeof value !== 'object') return false;
  const { name, enrich, appliesTo } = value as Record<string, unknown>;
  return (
    typeof name === 'string' && name !== '' && typeof enrich === 'function' && (appliesTo === undefined || typeof appliesTo === 'function')
  );
}
