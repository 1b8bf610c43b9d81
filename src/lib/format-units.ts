/** Numbers as an on-call engineer reads them in a chat message. */

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `412 MiB`, `1.2 GiB`: three significant digits at most. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < IEC.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes < 0 ? '-' : ''}${significant(value)} ${IEC[unit]}`;
}

/** `0.42 cores`, `1.5 cores`, `0.005 cores`. */
export function formatCores(cores: number): string {
  if (!Number.isFinite(cores)) return 'n/a';
  return `${significant(cores)} ${cores === 1 ? 'core' : 'cores'}`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  const percent = fraction * 100;
  return `${percent >= 10 || percent === 0 ? Math.round(percent) : percent.toFixed(1)}%`;
}

/** `45 min`, `3.2 h`, `2.5 days`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 48 * 3600) return `${significant(seconds / 3600)} h`;
  return `${significant(seconds / 86400)} days`;
}

function significant(value: number): string {
  if (value === 0) return '0';
  if (value >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(2)));
}
