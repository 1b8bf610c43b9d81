import { Router, type RequestHandler } from 'express';
import type { OnCallAnswer, ScheduleLookup } from '../../oncall/create-on-call-lookup.js';
import type { Person } from '../../oncall/on-call.js';

export interface OnCallRoutesDeps {
  /** The schedules of the config in force (a reload swaps them). */
  readonly onCall: () => ScheduleLookup;
  readonly auth: RequestHandler;
  readonly now?: () => number;
}

const iso = (at: Date | undefined): string | null => (at === undefined ? null : at.toISOString());
const who = (person: Person) => ({ name: person.name, ...(person.displayName ? { displayName: person.displayName } : {}) });

/**
 * `GET /api/oncall`: each schedule, in config order, with who is on call now and until when, and
 * who comes next. A schedule that cannot answer (its calendar URL down, never read) says why in
 * its `error`; the others answer all the same.
 */
export function createOnCallRouter(deps: OnCallRoutesDeps): Router {
  const now = deps.now ?? Date.now;
  const router = Router();
  router.get('/api/oncall', deps.auth, async (_req, res) => {
    const lookup = deps.onCall();
    const at = new Date(now());
    const schedules = await Promise.all(lookup.schedules.map((name) => scheduleAt(lookup, name, at)));
    res.json({ status: 'success', at: at.toISOString(), schedules });
  });
  return router;
}

async function scheduleAt(lookup: ScheduleLookup, name: string, at: Date) {
  try {
    const answer = await lookup.answerAt(name, at);
    return {
      name,
      timeZone: answer.timeZone,
      ...nowAndNext(answer),
      ...(await following(lookup, name, answer)),
      note: answer.note ?? null,
    };
  } catch (error) {
    return { name, now: null, next: null, error: error instanceof Error ? error.message : String(error) };
  }
}

function nowAndNext(answer: OnCallAnswer) {
  const { shift } = answer;
  return {
    now: shift === undefined ? null : { ...who(shift.person), from: iso(shift.from), until: iso(shift.until) },
    // In a gap the schedule itself knows who comes next.
    next: answer.next === undefined ? null : { ...who(answer.next.person), from: answer.next.at.toISOString() },
  };
}

/** While someone is on call, who comes next is who holds the schedule when their shift ends. */
async function following(lookup: ScheduleLookup, name: string, answer: OnCallAnswer) {
  const until = answer.shift?.until;
  if (until === undefined) return {};
  const after = await lookup.answerAt(name, until);
  const person = after.shift?.person ?? after.next?.person;
  if (person === undefined) return { next: null };
  return { next: { ...who(person), from: (after.shift ? until : (after.next?.at ?? until)).toISOString() } };
}
