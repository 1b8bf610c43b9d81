import type { Logger } from '../../observability/logger.js';
import { messageRefId, type MessageRefStore } from '../../store/ports/message-refs.js';

// What the delivery store keeps for one alert: which Opsgenie alert (alias) it went into.
const CHANNEL = 'opsgenie-alias';
// Fingerprints kept in memory; past it the oldest go (the store still has them).
const MEMORY = 10_000;
// Alerts of one group written to the store: an Acknowledge click names the alerts a message shows.
const STORED_PER_GROUP = 100;

/**
 * Which Opsgenie alert each alert went into. An Acknowledge click elsewhere (a Slack button) names
 * alerts by fingerprint, while Opsgenie knows the group's alias: the pairs are kept in memory and
 * in the delivery store's message references, so that a click after a restart, or on another
 * replica, still finds the alert. The store arrives with each attempt; the last one seen serves
 * the clicks.
 */
export class OpsgenieAliases {
  private readonly known = new Map<string, string>();
  private store: MessageRefStore | undefined;

  constructor(private readonly action: string) {}

  async remember(
    groupKey: string,
    fingerprints: readonly string[],
    alias: string,
    store: MessageRefStore | undefined,
    logger: Logger,
  ): Promise<void> {
    if (store) this.store = store;
    const changed = fingerprints.filter((fp) => this.known.get(fp) !== alias);
    for (const fp of changed) {
      this.known.delete(fp);
      this.known.set(fp, alias);
    }
    for (const oldest of this.known.keys()) {
      if (this.known.size <= MEMORY) break;
      this.known.delete(oldest);
    }
    if (!store) return;
    try {
      for (const fp of changed.slice(0, STORED_PER_GROUP)) {
        const id = messageRefId(this.action, CHANNEL, fp);
        await store.putMessageRef({
          id,
          action: this.action,
          channel: CHANNEL,
          groupKey,
          channelId: fp,
          ts: alias,
          state: {},
          updatedAt: Date.now(),
        });
      }
    } catch (error) {
      // The alert is created; only a later Acknowledge click after a restart would miss it.
      logger.warn('could not keep the Opsgenie alias of the alerts', { action: this.action, reason: (error as Error).message });
    }
  }

  /** The aliases of these alerts, and how many alerts were not found. */
  async aliasesOf(fingerprints: readonly string[]): Promise<{ readonly aliases: readonly string[]; readonly unknown: number }> {
    const aliases = new Set<string>();
    let unknown = 0;
    for (const fp of fingerprints) {
      const alias = this.known.get(fp) ?? (await this.store?.getMessageRef(messageRefId(this.action, CHANNEL, fp)))?.ts;
      if (alias === undefined) unknown += 1;
      else aliases.add(alias);
    }
    return { aliases: [...aliases], unknown };
  }
}
