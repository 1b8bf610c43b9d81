import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, startDeadline } from '../../../src/lib/deadline.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Generous against a loaded machine; the construction this replaces never fired at all.
const GIVE_UP_S = 15;

/** Runs the probe under constant garbage collection and returns what it printed. */
function underGc(
  subject: 'deadline' | 'run-job',
): Promise<{ fired: boolean; afterMs: number; expired?: boolean; state?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'test/support/scripts/deadline-under-gc.ts', subject, String(GIVE_UP_S)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
      } catch {
        reject(new Error(`probe printed no result: ${out}${err}`));
      }
    });
  });
}

describe('deadline', () => {
  it('fires a 1 s deadline while the garbage collector runs every 20 ms', { timeout: 30_000 }, async () => {
    const result = await underGc('deadline');
    expect(result).toMatchObject({ fired: true, expired: true });
  });

  it('ends a runJob attempt whose action never settles, while the garbage collector runs', { timeout: 30_000 }, async () => {
    const result = await underGc('run-job');
    expect(result).toMatchObject({ fired: true, state: 'failed', error: 'no result within 1000 ms' });
  });

  it('aborts with the parent’s reason when the parent aborts first, and stops listening once cleared', () => {
    const parent = new AbortController();
    const deadline = startDeadline(60_000, { parents: [parent.signal] });
    parent.abort(new Error('shutting down'));
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe('shutting down');
    expect(deadline.expired).toBe(false);

    const other = new AbortController();
    const cleared = startDeadline(60_000, { parents: [other.signal] });
    cleared.clear();
    other.abort();
    expect(cleared.signal.aborted).toBe(false);
  });

  it('starts aborted when a parent already is', () => {
    const parent = new AbortController();
    parent.abort(new Error('gone'));
    expect(startDeadline(1000, { parents: [parent.signal, undefined] }).signal.aborted).toBe(true);
  });

  it('waits past the timer limit of about 24.8 days instead of firing at once', async () => {
    const deadline = startDeadline(25 * 24 * 3600 * 1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(deadline.signal.aborted).toBe(false);
    deadline.clear();
  });

  it('aborts with a DeadlineExceededError naming the time, or the reason it was given', async () => {
    const plain = startDeadline(1);
    const custom = startDeadline(1, { reason: () => new Error('enricher too slow') });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(plain.signal.reason).toBeInstanceOf(DeadlineExceededError);
    expect(plain.expired).toBe(true);
    expect((custom.signal.reason as Error).message).toBe('enricher too slow');
  });
});
