import { loadConfig } from '../../config/load-config.js';
import { createSilentLogger } from '../../observability/logger.js';
import { createOnCallLookup, UnknownScheduleError, type OnCallAnswer } from '../../oncall/create-on-call-lookup.js';
import type { Person } from '../../oncall/on-call.js';
import { formatInZone } from '../../oncall/wall-clock.js';

export interface OnCallOptions {
  readonly configFile?: string;
  readonly schedule?: string;
  readonly at?: Date;
  readonly env: NodeJS.ProcessEnv;
  readonly write: (text: string) => void;
}

export class OnCallUsageError extends Error {}

/**
 * `alertpipe oncall -f CONFIG [SCHEDULE] [--at RFC3339]`: one line per schedule, who is on call
 * and until when (in the schedule's time zone), or in a gap who comes next. Answers the exit code:
 * 0, or 1 when a schedule could not answer (its calendar's URL down).
 */
export async function oncallCommand(options: OnCallOptions): Promise<number> {
  const loaded = await loadConfig({ env: options.env, ...(options.configFile ? { file: options.configFile } : {}) });
  const lookup = await createOnCallLookup(loaded.config, { baseDir: loaded.baseDir, logger: createSilentLogger() });
  if (options.schedule !== undefined && !lookup.schedules.includes(options.schedule))
    throw new UnknownScheduleError(
      `no schedule named ${JSON.stringify(options.schedule)}; defined: ${lookup.schedules.join(', ') || 'none (add schedules: to the config)'}`,
    );
  if (lookup.schedules.length === 0) {
    options.write('no schedules in the config\n');
    return 0;
  }
  const at = options.at ?? new Date();
  let status = 0;
  for (const schedule of options.schedule === undefined ? lookup.schedules : [options.schedule]) {
    try {
      options.write(`${schedule}: ${describe(await lookup.answerAt(schedule, at))}\n`);
    } catch (error) {
      status = 1;
      options.write(`${schedule}: cannot tell (${(error as Error).message.replace(/^schedule \S+: /, '')})\n`);
    }
  }
  return status;
}

function describe(answer: OnCallAnswer): string {
  const when = (date: Date): string => formatInZone(date.getTime(), answer.timeZone);
  const note = answer.note === undefined ? '' : ` [${answer.note}]`;
  if (answer.shift !== undefined) {
    const until = answer.shift.until === undefined ? '' : ` (until ${when(answer.shift.until)})`;
    return `${nameOf(answer.shift.person)}${until}${note}`;
  }
  const next = answer.next === undefined ? '' : ` (next: ${nameOf(answer.next.person)} at ${when(answer.next.at)})`;
  return `nobody on call${next}${note}`;
}

function nameOf(person: Person): string {
  return person.name;
}

/** Reads `oncall`'s arguments: `-f CONFIG` (or CONFIG_FILE), an optional schedule, `--at RFC3339`. */
export function parseOnCallArgs(argv: readonly string[], env: NodeJS.ProcessEnv, write: (text: string) => void): OnCallOptions {
  let configFile: string | undefined;
  let schedule: string | undefined;
  let at: Date | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new OnCallUsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '-f' || arg === '--config') configFile = value();
    else if (arg === '--at') at = parseMoment(value());
    else if (arg.startsWith('--at=')) at = parseMoment(arg.slice('--at='.length));
    else if (arg.startsWith('-')) throw new OnCallUsageError(`unknown argument ${arg}`);
    else if (schedule === undefined) schedule = arg;
    else throw new OnCallUsageError(`one schedule only (got ${schedule} and ${arg})`);
  }
  return { env, write, ...(configFile ? { configFile } : {}), ...(schedule ? { schedule } : {}), ...(at ? { at } : {}) };
}

/** RFC 3339 with its offset: a moment without one would mean a different instant on every machine. */
function parseMoment(text: string): Date {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new OnCallUsageError('--at needs an RFC 3339 date and time with its offset, such as 2026-12-07T09:00:00+01:00');
  return new Date(ms);
}
