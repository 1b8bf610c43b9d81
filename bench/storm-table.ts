import { binariesAvailable } from '../test/support/binaries.js';
import { stormScenario, type StormRow } from './storm.js';

/**
 * The storm's rows as a markdown table, Alertmanager alone first. Without Prometheus and
 * Alertmanager installed, one line says so instead of failing the whole bench.
 */
export async function stormTable(log: (line: string) => void): Promise<{ lines: string[]; rows: StormRow[] }> {
  const { available, reason } = binariesAvailable('prometheus', 'prometheus-alertmanager');
  if (!available) return { lines: [`Storm scenario skipped: ${reason}.`], rows: [] };
  const rows = await stormScenario(log);
  const fmt = (n: number, digits = 0): string =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines = [
    '| storm: 10,000 alerts in 1,000 groups | groups delivered | Slack messages (429s) | last message s (× Alertmanager alone) | per group p50 ms | per group p99 ms | added p50 / p99 ms | CPU s (peak RSS MiB) | PromQL queries |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  // Each run through alertpipe beside the Alertmanager-alone run just before it.
  let alone: StormRow | undefined;
  for (const row of rows) {
    if (row.processes.length === 1) alone = row;
    const beside = row === alone || alone === undefined ? undefined : alone;
    const added = beside === undefined ? '' : `${fmt(row.p50Ms - beside.p50Ms)} / ${fmt(row.p99Ms - beside.p99Ms)}`;
    const ratio = beside === undefined ? '' : ` (${fmt(row.lastMessageSeconds / beside.lastMessageSeconds, 1)}×)`;
    const processes = row.processes.map((p) => `${p.name} ${fmt(p.cpuSeconds, 1)} (${fmt(p.peakRssMiB)})`).join(', ');
    lines.push(
      `| ${row.label} | ${fmt(row.groupsDelivered)} of ${fmt(row.groups)} | ${fmt(row.messages)} (${row.rateLimited}) | ${fmt(row.lastMessageSeconds, 1)}${ratio} | ${fmt(row.p50Ms)} | ${fmt(row.p99Ms)} | ${added} | ${processes} | ${fmt(row.promqlQueries)} |`,
    );
  }
  return { lines, rows };
}
