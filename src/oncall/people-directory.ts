import type { Person } from './on-call.js';
import type { PeopleConfig } from './schedules-schema.js';

/** The config's `people:`, as `Person`s by key, and how a calendar's words are matched to them. */
export interface PeopleDirectory {
  readonly byKey: ReadonlyMap<string, Person>;
  /**
   * Who a calendar event names: its SUMMARY written as a key, a name or an email; else an
   * attendee's or the organizer's email; else a key or name standing as whole words in the
   * SUMMARY ("On call - Alice Smith - Primary", as PagerDuty writes it). Someone in none of them
   * is still a person, with the SUMMARY as their name.
   */
  match(event: { summary: string; attendees: readonly string[]; organizer?: string }): Person | undefined;
}

export function createPeopleDirectory(people: PeopleConfig = {}): PeopleDirectory {
  const byKey = new Map<string, Person>(
    Object.entries(people).map(([key, person]) => {
      const { name, ...contacts } = person;
      return [key, { name: key, ...(name === undefined ? {} : { displayName: name }), ...contacts }];
    }),
  );
  const fold = (text: string): string => text.trim().replace(/\s+/g, ' ').toLowerCase();
  const byWord = new Map<string, Person>();
  const byEmail = new Map<string, Person>();
  for (const person of byKey.values()) {
    byWord.set(fold(person.name), person);
    if (person.displayName !== undefined) byWord.set(fold(person.displayName), person);
    if (person.email !== undefined) byEmail.set(fold(person.email), person);
  }
  // Longest first, so "Alice Smith" wins over "alice" in a summary that holds both.
  const words = [...byWord.keys()].sort((a, b) => b.length - a.length);
  return {
    byKey,
    match({ summary, attendees, organizer }) {
      const folded = fold(summary);
      const exact = byWord.get(folded) ?? byEmail.get(folded);
      if (exact !== undefined) return exact;
      for (const email of [...attendees, ...(organizer === undefined ? [] : [organizer])]) {
        const found = byEmail.get(fold(email));
        if (found !== undefined) return found;
      }
      const padded = ` ${folded.replace(/[^\p{L}\p{N}@._+-]+/gu, ' ')} `;
      const word = words.find((w) => padded.includes(` ${w} `));
      if (word !== undefined) return byWord.get(word);
      return folded === '' ? undefined : { name: summary.trim() };
    },
  };
}
