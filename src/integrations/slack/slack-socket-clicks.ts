import { clickOf } from './slack-interaction-payload.js';
import type { SlackInteractionDeps } from './slack-interactions-routes.js';
import type { SocketEnvelope } from './slack-socket-mode.js';

/**
 * A Socket Mode envelope (already acknowledged) handed to the same click handler as a signed HTTP
 * click. Slack delivers an envelope to one of the app's connections, but one whose ack was lost comes
 * again (`retry_attempt` > 0), maybe to another replica: its id is claimed in the store (shared by
 * replicas) like a signed request's signature, so it is handled once. Events other than
 * interactions (the app subscribes to none) are acknowledged and let go. A store that cannot say
 * whether the id was seen does not lose the click: it is acknowledged already, so it is handled.
 */
export async function receiveSocketEnvelope(
  deps: SlackInteractionDeps,
  envelope: SocketEnvelope,
  receivedFor: readonly string[],
): Promise<void> {
  if (envelope.type !== 'interactive') {
    deps.logger.debug('Slack Socket Mode envelope of another kind than a click; acknowledged and ignored', { type: envelope.type });
    return;
  }
  const received = clickOf(envelope.payload, receivedFor, deps.logger);
  if (received === undefined) {
    deps.logger.warn('Slack Socket Mode interaction ignored: not a block_actions payload');
    return;
  }
  if (!(await firstSeenOrUnknown(deps, envelope.envelopeId))) {
    deps.logger.info('Slack Socket Mode envelope received again (its ack was lost); handled once already', {
      retryAttempt: envelope.retryAttempt,
      retryReason: envelope.retryReason,
    });
    return;
  }
  if (received.click !== undefined) deps.handle(received.click);
}

/** Whether the envelope is new; `true` when the store cannot tell (a click twice beats a click lost). */
async function firstSeenOrUnknown(deps: SlackInteractionDeps, envelopeId: string): Promise<boolean> {
  try {
    return await deps.firstSeen(`envelope:${envelopeId}`);
  } catch (error) {
    deps.logger.warn('Slack Socket Mode envelope not checked against the store; handled, since its ack went out already', {
      error: error instanceof Error ? error.message : String(error),
    });
    return true;
  }
}
