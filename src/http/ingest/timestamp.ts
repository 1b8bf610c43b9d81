const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

// 0002-01-01T00:00:00Z: anything before it is Go's zero time (year 1), which means "not set".
const YEAR_TWO_MS = -62104060800000;
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp as Alertmanager and Prometheus write it
 * (any number of fractional digits, cut to milliseconds), or NaN when it is not one.
 *
 * Every alert carries two, and `Date.parse` is slow on Go's nanosecond fractions, so the common
 * form (`T`, `Z` or an offset, a date that exists) is read digit by digit. Anything else (lower-case
 * `t`, a space, 31 April, hour 24) takes the regular expression and
 * `Date.parse`, whose answer is the reference: the fast path gives the same number or none.
 */
export function parseTimestamp(value: string): number {
  const fast = readCommonForm(value);
  if (fast !== undefined) return fast;
  return RFC3339.test(value) ? Date.parse(value) : Number.NaN;
}

/** A date and time with no zone, as Python's `datetime.isoformat()` writes a naive datetime. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** Whether the timestamp has no zone (and so is read as UTC by `parseAlertTimestamp`). */
export function isZoneless(value: string): boolean {
  return ZONELESS.test(value);
}

/**
 * An alert's timestamp: RFC 3339, or one without a zone read as UTC. Senders written in Python
 * send naive datetimes (`2026-12-02T06:31:04.448123`); refusing them would cost the whole group,
 * and UTC is what a server's clock almost always is. The alert says so (see `toAlert`).
 */
export function parseAlertTimestamp(value: string): number {
  const ms = parseTimestamp(value);
  return Number.isNaN(ms) && ZONELESS.test(value) ? parseTimestamp(`${value}Z`) : ms;
}

/** `parseAlertTimestamp` for an alert's times: `null` for Go's zero time and for absent values. */
export function alertTime(value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null;
  const ms = parseAlertTimestamp(value);
  return ms < YEAR_TWO_MS ? null : new Date(ms);
}

function readCommonForm(s: string): number | undefined {
  const n = s.length;
  if (n < 20 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || s.charCodeAt(10) !== 0x54) return undefined;
  if (s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 0x2e) {
    const start = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return undefined;
    // Cut, not rounded, as Date.parse does: .9999 is 999 ms.
    for (let k = start; k < start + 3; k++) ms = ms * 10 + (k < i ? s.charCodeAt(k) - 0x30 : 0);
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(i);
  if (zone === 0x5a && i + 1 === n) {
    // Z
  } else if ((zone === 0x2b || zone === 0x2d) && i + 6 === n && s.charCodeAt(i + 3) === 0x3a) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone === 0x2b ? 1 : -1) * (oh * 60 + om);
  } else {
    return undefined;
  }
  if (Number.isNaN(year + month + day + hour + minute + second + ms + offsetMinutes)) return undefined;
  // Date.UTC reads years 0 to 99 as 1900 to 1999; 400 years later is the same calendar, shifted
  // by a whole number of days. Go's zero time, year 1, is what every firing alert's endsAt holds.
  const utc =
    year < 100
      ? Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - FOUR_CENTURIES_MS
      : Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return utc - offsetMinutes * 60_000;
}

/** The number written by `count` ASCII digits at `start`; NaN if any is not a digit. */
function digits(s: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = s.charCodeAt(i);
    if (!isDigit(code)) return Number.NaN;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
