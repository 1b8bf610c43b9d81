import { Router, type Request } from 'express';
import type { Logger } from '../../observability/logger.js';
import { isSignedBySlack } from './slack-signature.js';

/** A button click, as much of Slack's `block_actions` payload as alertpipe reads. */
export interface SlackInteraction {
  readonly actionId: string;
  /** The button's value: the message reference's id. */
  readonly value: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly teamDomain?: string;
  readonly channelId?: string;
  readonly messageTs?: string;
  /** Where to tell the clicker privately that something went wrong. */
  readonly responseUrl?: string;
}

export interface SlackInteractionDeps {
  /** The signing secrets of the configured Slack apps; none turns the endpoint off (404). */
  readonly signingSecrets: readonly string[];
  /** Does the work behind the answer; must never throw (it logs and counts its own failures). */
  readonly handle: (interaction: SlackInteraction) => void;
  readonly logger: Logger;
}

// A block_actions payload carries the whole message (up to 50 blocks of 3000 characters).
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * `POST /slack/interactions`, the app's Interactivity Request URL. The raw body is read here, before
 * anything parses it, because the signature covers the bytes as sent; an unsigned, badly signed or
 * stale request is answered 401 and nothing is done. A signed click is answered 200 at once (Slack
 * gives up after 3 seconds) and handled behind the answer.
 */
export function createSlackInteractionsRouter(current: () => SlackInteractionDeps): Router {
  const router = Router();
  router.post('/slack/interactions', async (req, res, next) => {
    // The Slack apps in force now: a config reload may add or remove them.
    const deps = current();
    if (deps.signingSecrets.length === 0) return next();
    const raw = await readRaw(req, MAX_BODY_BYTES);
    if (raw === undefined) {
      res.status(413).json({ status: 'error', error: `body over ${MAX_BODY_BYTES} bytes` });
      return;
    }
    const signed = isSignedBySlack(
      deps.signingSecrets,
      { timestamp: req.header('x-slack-request-timestamp'), signature: req.header('x-slack-signature') },
      raw,
    );
    if (!signed) {
      deps.logger.warn('Slack interaction refused: missing, wrong or stale signature');
      res.status(401).json({ status: 'error', error: 'not signed by Slack (X-Slack-Signature), or older than 5 minutes' });
      return;
    }
    const interactions = parseInteractions(raw.toString('utf8'));
    if (interactions === undefined) {
      res.status(400).json({ status: 'error', error: 'expected a form-encoded payload= of type block_actions' });
      return;
    }
    res.status(200).end();
    for (const interaction of interactions) deps.handle(interaction);
  });
  return router;
}

function readRaw(req: Request, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseInteractions(body: string): SlackInteraction[] | undefined {
  let payload: {
    type?: unknown;
    user?: { id?: unknown; username?: unknown; name?: unknown };
    team?: { domain?: unknown };
    container?: { channel_id?: unknown; message_ts?: unknown };
    response_url?: unknown;
    actions?: Array<{ action_id?: unknown; value?: unknown }>;
  };
  try {
    payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '') as typeof payload;
  } catch {
    return undefined;
  }
  if (payload === null || typeof payload !== 'object' || payload.type !== 'block_actions' || !Array.isArray(payload.actions))
    return undefined;
  const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const userId = str(payload.user?.id);
  if (userId === undefined) return undefined;
  return payload.actions.flatMap((action) => {
    const actionId = str(action?.action_id);
    const value = str(action?.value);
    if (actionId === undefined || value === undefined) return [];
    const teamDomain = str(payload.team?.domain);
    const channelId = str(payload.container?.channel_id);
    const messageTs = str(payload.container?.message_ts);
    const responseUrl = str(payload.response_url);
    return [
      {
        actionId,
        value,
        user: { id: userId, name: str(payload.user?.username) ?? str(payload.user?.name) ?? userId },
        ...(teamDomain ? { teamDomain } : {}),
        ...(channelId ? { channelId } : {}),
        ...(messageTs ? { messageTs } : {}),
        ...(responseUrl ? { responseUrl } : {}),
      },
    ];
  });
}
