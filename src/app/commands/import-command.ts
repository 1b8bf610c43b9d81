import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../lib/config-error.js';
import { importAlertmanager } from '../../config/import/import-alertmanager.js';
import { writeImportedConfig } from '../../config/import/write-imported-config.js';

/** Where Alertmanager reaches alertpipe, unless `--url` says otherwise. */
export const DEFAULT_INGEST_URL = 'http://alertpipe:8080/alert';

export interface ImportOptions {
  readonly file: string;
  readonly ingestUrl: string;
  readonly write: (text: string) => void;
}

export class ImportUsageError extends Error {}

/**
 * `alertpipe import alertmanager.yml [--url URL]`: prints the alertpipe config its receivers and
 * routes become, with the Alertmanager config that sends to alertpipe as a trailing commented
 * block. Reads the file only; nothing is written or sent.
 */
export async function importCommand(options: ImportOptions): Promise<number> {
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    throw new ConfigError(options.file, [
      { path: '', message: `cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` },
    ]);
  }
  options.write(writeImportedConfig(importAlertmanager(text, options.file, options.ingestUrl), options.file));
  return 0;
}

/** Reads `import`'s arguments: the Alertmanager config file and `--url URL` (alertpipe's ingest URL). */
export function parseImportArgs(argv: readonly string[], write: (text: string) => void): ImportOptions {
  let file: string | undefined;
  let ingestUrl = DEFAULT_INGEST_URL;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--url') {
      const next = argv[++i];
      if (next === undefined || !/^https?:\/\//.test(next))
        throw new ImportUsageError("--url needs alertpipe's ingest URL (http:// or https://)");
      ingestUrl = next;
    } else if (arg.startsWith('-')) throw new ImportUsageError(`unknown argument ${arg}`);
    else if (file === undefined) file = arg;
    else throw new ImportUsageError(`one Alertmanager config only (got ${file} and ${arg})`);
  }
  if (file === undefined) throw new ImportUsageError('import needs a file: alertpipe import alertmanager.yml [--url URL]');
  return { file, ingestUrl, write };
}
