import { appendFileSync } from 'node:fs';

/**
 * Prints a figure a fault test or benchmark measured, as one line of JSON, so a run's figures can
 * be read from its output (and copied into the README). With FIGURES_FILE set, also appends it there.
 */
export function reportFigure(name: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ figure: name, ...figures });
  console.log(line);
  if (process.env.FIGURES_FILE) appendFileSync(process.env.FIGURES_FILE, `${line}\n`);
}
