import type { ChildProcess } from 'node:child_process';

/**
 * The instances of one command still running, by the fingerprint of the alert they run for: what
 * `max` counts, and what a resolved notification signals.
 */
export class RunningCommands {
  private readonly byFingerprint = new Map<string, Set<ChildProcess>>();
  private readonly signalled = new WeakSet<ChildProcess>();

  count(fingerprint: string): number {
    return this.byFingerprint.get(fingerprint)?.size ?? 0;
  }

  add(fingerprint: string, child: ChildProcess): void {
    const set = this.byFingerprint.get(fingerprint) ?? new Set();
    set.add(child);
    this.byFingerprint.set(fingerprint, set);
  }

  remove(fingerprint: string, child: ChildProcess): void {
    const set = this.byFingerprint.get(fingerprint);
    set?.delete(child);
    if (set?.size === 0) this.byFingerprint.delete(fingerprint);
  }

  /**
   * Sends `signal` to the process group of every instance running for the fingerprint; returns how
   * many got it and how many could not be signalled (an instance that has just exited is neither).
   */
  signal(fingerprint: string, signal: NodeJS.Signals | number): { sent: number; failed: number } {
    let sent = 0;
    let failed = 0;
    for (const child of this.byFingerprint.get(fingerprint) ?? []) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      if (!signalGroup(child, signal)) {
        failed++;
        continue;
      }
      this.signalled.add(child);
      sent++;
    }
    return { sent, failed };
  }

  /** Whether this instance was told to stop because its alert resolved. */
  wasSignalled(child: ChildProcess): boolean {
    return this.signalled.has(child);
  }
}

/**
 * Signals the child's whole process group (it was started as a group leader), so a script's own
 * children stop with it; falls back to the child alone.
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals | number): boolean {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    // An out-of-range signal number throws here too; it reaches no one, which is what false says.
    try {
      return child.kill(signal);
    } catch {
      return false;
    }
  }
}
