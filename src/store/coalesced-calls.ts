/** The most calls one batch takes; more wait for the next. Bounds a statement's size, not a round's. */
const MAX_BATCH = 256;

/**
 * One call per item made into one call per batch: the items asked for within one turn of the
 * event loop are handed to `batch` together, after the turn (`setImmediate`), and each caller
 * gets its own result. The notifications of an enrichment round are planned side by side, so
 * their dedup claims, and later their saves, arrive in the same turn: one statement each for the
 * round instead of one per notification.
 *
 * A batch that fails is tried again item by item, so that one item the store refuses (a body it
 * cannot keep) fails alone, not every plan of its round with it: each caller then sees exactly
 * what its own call would have met.
 */
export function coalescedCalls<I, O>(batch: (items: readonly I[]) => Promise<readonly O[]>): (item: I) => Promise<O> {
  const waiting: Array<{ item: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];

  async function flush(): Promise<void> {
    const members = waiting.splice(0, MAX_BATCH);
    if (waiting.length > 0) setImmediate(() => void flush());
    try {
      const results = await batch(members.map((member) => member.item));
      members.forEach((member, index) => member.resolve(results[index] as O));
    } catch (error) {
      if (members.length === 1) {
        members[0]?.reject(error);
        return;
      }
      for (const member of members) {
        batch([member.item]).then(
          (results) => member.resolve(results[0] as O),
          (alone: unknown) => member.reject(alone),
        );
      }
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (waiting.length === 1) setImmediate(() => void flush());
    });
}
