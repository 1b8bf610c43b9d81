import { createHash } from 'node:crypto';

/**
 * A group's key as Alertmanager's `key.Hash()` writes it (the SHA-256 of the key, in hex): the
 * Opsgenie alias, the Splunk On-Call entity_id, the incident.io deduplication_key. The same group
 * gives the same value after a restart, on every replica, and as Alertmanager itself sent it, so
 * a receiver moved from Alertmanager to alertpipe keeps deduplicating onto its open alerts.
 */
export function groupKeyHash(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}
