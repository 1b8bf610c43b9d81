import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { outboundRequest } from '../outbound/outbound-request.js';
import type { Logger } from '../observability/logger.js';
import { parseCalendar, type Calendar } from './ical-calendar.js';

/** A calendar export is a few hundred kilobytes for years of shifts; more is not a calendar. */
const MAX_CALENDAR_BYTES = 10 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

export interface CalendarCopy {
  readonly calendar: Calendar;
  /** Set when the last read failed and this is the last good copy. */
  readonly note?: string;
}

/**
 * An `ical:` schedule's calendar, a file or an http(s) URL, read again once `refreshMs` has passed
 * since the last attempt (a failed attempt waits as long, so a calendar that is down costs one
 * timeout per interval). A failed read keeps the last good copy and says so; with no good copy
 * yet, `current` rejects with what went wrong.
 */
export class CalendarSource {
  private copy: Calendar | undefined;
  private readAt = 0;
  private lastError: string | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly schedule: string,
    private readonly location: string,
    private readonly options: {
      readonly baseDir: string;
      readonly refreshMs: number;
      readonly logger: Logger;
      readonly now?: () => number;
    },
  ) {}

  get isUrl(): boolean {
    return /^https?:\/\//i.test(this.location);
  }

  async current(): Promise<CalendarCopy> {
    const now = (this.options.now ?? Date.now)();
    if (this.copy === undefined || now - this.readAt >= this.options.refreshMs) {
      this.reading ??= this.read(now).finally(() => (this.reading = undefined));
      await this.reading;
    }
    if (this.copy === undefined)
      throw new Error(`schedule ${this.schedule}: cannot read its calendar: ${this.lastError ?? 'not read yet'}`);
    return this.lastError === undefined
      ? { calendar: this.copy }
      : { calendar: this.copy, note: `the calendar could not be read again (${this.lastError}); answered from the last good copy` };
  }

  private async read(now: number): Promise<void> {
    this.readAt = now;
    try {
      this.copy = parseCalendar(await this.fetchText());
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.options.logger.warn('calendar read failed', {
        schedule: this.schedule,
        error: this.lastError,
        lastGoodCopy: this.copy !== undefined,
      });
    }
  }

  private async fetchText(): Promise<string> {
    if (!this.isUrl) {
      try {
        return await readFile(path.resolve(this.options.baseDir, this.location), 'utf8');
      } catch (error) {
        throw new Error(`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
      }
    }
    const response = await outboundRequest({
      url: this.location,
      destination: `the calendar of schedule ${this.schedule}`,
      timeoutMs: FETCH_TIMEOUT_MS,
      maxResponseBytes: MAX_CALENDAR_BYTES,
      maxRedirects: 5,
      headers: { Accept: 'text/calendar' },
    });
    if (response.status !== 200) throw new Error(`the calendar's URL answered HTTP ${response.status}`);
    return response.body;
  }
}
