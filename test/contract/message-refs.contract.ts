import { expect, it } from 'vitest';
import { messageRefId } from '../../src/store/ports/message-refs.js';
import { type ContractStores, messageRef } from './store-contract.js';

/** What every adapter does as message references: run on each by delivery-store.contract.ts. */
export function messageRefsContract({ open, successor }: ContractStores): void {
  it('keeps a message reference per (action, channel, group) and replaces it on the next write', async () => {
    const store = await open();
    expect(await store.getMessageRef(messageRefId('oncall', '#alerts', 'g1'))).toBeUndefined();
    await store.putMessageRef(messageRef('g1', '1700000000.000100', { firing: ['a'] }));
    await store.putMessageRef(messageRef('g2', '1700000000.000200'));
    await store.putMessageRef(messageRef('g1', '1700000000.000300', { firing: [] }));
    expect(await store.getMessageRef(messageRefId('oncall', '#alerts', 'g1'))).toMatchObject({
      groupKey: 'g1',
      channelId: 'C0123ABCD',
      ts: '1700000000.000300',
      state: { firing: [] },
    });
    expect((await store.getMessageRef(messageRefId('oncall', '#alerts', 'g2')))?.ts).toBe('1700000000.000200');
    expect(await store.getMessageRef(messageRefId('other', '#alerts', 'g1'))).toBeUndefined();
  });

  if (successor !== undefined)
    it('still finds a message reference after its process went away', async () => {
      const first = await open();
      await first.putMessageRef(messageRef('{}:{alertname="A"}', '1700000000.000100', { startedAt: 1 }));
      const second = await successor!(first);
      expect(await second.getMessageRef(messageRefId('oncall', '#alerts', '{}:{alertname="A"}'))).toMatchObject({
        ts: '1700000000.000100',
        state: { startedAt: 1 },
      });
    });
}
