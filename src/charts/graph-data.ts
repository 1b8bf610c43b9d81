import { z } from 'zod';

/**
 * What a graph is drawn from, as the `graph` enricher stores it with the alert: a few dozen points
 * per panel, so the history keeps it and the PNG is drawn when someone opens the link.
 */
const panelSchema = z.object({
  title: z.string(),
  unit: z.enum(['cores', 'bytes']),
  points: z.array(z.tuple([z.number(), z.number().nullable()])).max(2000),
  request: z.number().optional(),
  limit: z.number().optional(),
  /** What the limit line stands for: a pod's limit, or a node's capacity. */
  limitLabel: z.string().optional(),
});

export const graphDataSchema = z.object({
  subject: z.string(),
  /** Epoch seconds the x axis spans. */
  start: z.number(),
  end: z.number(),
  panels: z.array(panelSchema).min(1).max(4),
});

export type GraphPanel = z.infer<typeof panelSchema>;
export type GraphData = z.infer<typeof graphDataSchema>;

/** Points as stored: JSON has no NaN, so gaps are `null`. */
export function storablePoints(points: ReadonlyArray<readonly [number, number]>): [number, number | null][] {
  return points.map(([t, v]) => [t, Number.isFinite(v) ? v : null]);
}
