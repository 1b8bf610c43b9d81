import type { DeliveryStore, StoreLimits } from '../../src/store/ports/delivery-store.js';
import { messageRefId, type MessageRef } from '../../src/store/ports/message-refs.js';
import { alertWith, enriched, notificationOf } from '../support/alerts.js';

/** How the contract opens stores of one adapter. */
export interface StoreAdapter {
  open(limits?: Partial<StoreLimits>): Promise<DeliveryStore>;
  /**
   * Durable adapters: a store that carries on after `previous` went away in the middle of its
   * work (a kill, a restart). `previous` is closed first; nothing it claimed was finished.
   */
  successor?(previous: DeliveryStore): Promise<DeliveryStore>;
  /** Adapters shared by processes: another store on the same storage, opened beside `first` (a second replica). */
  sibling?(first: DeliveryStore): Promise<DeliveryStore>;
}

/** What each port's contract is handed: stores to open, closed for it after each test. */
export interface ContractStores {
  readonly kind: string;
  open(limits?: Partial<StoreLimits>): Promise<DeliveryStore>;
  readonly successor?: (previous: DeliveryStore) => Promise<DeliveryStore>;
  readonly sibling?: (first: DeliveryStore) => Promise<DeliveryStore>;
}

export const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);

export const messageRef = (groupKey: string, ts: string, state: Record<string, unknown> = {}): MessageRef => ({
  id: messageRefId('oncall', '#alerts', groupKey),
  action: 'oncall',
  channel: '#alerts',
  groupKey,
  channelId: 'C0123ABCD',
  ts,
  state,
  updatedAt: Date.now(),
});

/** Claims with `claim` until `count` items came back (some only once a lease runs out), within a bounded time. */
export async function claimUntil<T>(claim: () => Promise<T[]>, count: number, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  const claimed: T[] = [];
  while (claimed.length < count && Date.now() < deadline) {
    claimed.push(...(await claim()));
    if (claimed.length < count) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return claimed;
}

/** A notification `id` queued, claimed and routed to these actions (each with the alert `f1`). */
export async function routedTo(store: DeliveryStore, id: string, actions: readonly string[]): Promise<void> {
  await store.add(note(id));
  await store.claimNotifications(1);
  await store.saveRouted(
    enriched(note(id)),
    actions.map((action) => ({ action, fingerprints: ['f1'] })),
  );
}
