import { Router, type Request } from 'express';
import type { Logger } from '../../observability/logger.js';
import { signingSecretOf } from './slack-signature.js';

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
  /** The Slack app actions whose signing secret signed the click: the only ones whose messages it may change. */
  readonly signedFor: readonly string[];
}

export interface SlackInteractionDeps {
  /** Each configured signing secret, and the Slack app actions that use it; none turns the endpoint off (404). */
  readonly signers: ReadonlyMap<string, readonly string[]>;
  /**
   * Whether this signature is seen for the first time (within the five minutes a signature is
   * valid, across every replica sharing the store): a replayed click is answered and does nothing.
   */
  readonly firstSeen: (signature: string) => Promise<boolean>;
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
    if (deps.signers.size === 0) return next();
    const raw = await readRaw(req, MAX_BODY_BYTES);
    if (raw === undefined) {
      res.status(413).json({ status: 'error', error: `body over ${MAX_BODY_BYTES} bytes` });
      return;
    }
    const signature = req.header('x-slack-signature');
    const secret = signingSecretOf([...deps.signers.keys()], { timestamp: req.header('x-slack-request-timestamp'), signature }, raw);
    if (secret === undefined || signature === undefined) {
      deps.logger.warn('Slack interaction refused: missing, wrong or stale signature');
      res.status(401).json({ status: 'error', error: 'not signed by Slack (X-Slack-Signature), or older than 5 minutes' });
      return;
    }
    const interactions = parseInteractions(raw.toString('utf8'), deps.signers.get(secret) ?? []);
    if (interactions === undefined) {
      res.status(400).json({ status: 'error', error: 'expected a form-encoded payload= of type block_actions' });
      return;
    }
    if (!(await deps.firstSeen(signature))) {
      deps.logger.warn('Slack interaction ignored: the same signed request was received before (a replay)');
      res.status(200).end();
      return;
    }
    res.status(200).end();
    // One button is one click: Slack sends one action per block_actions payload, and a payload
    // made to hold 500 must not become 500 edits.
    if (interactions.length > 1)
      deps.logger.warn('Slack interaction held several actions; only the first is handled', { actions: interactions.length });
    const [first] = interactions;
    if (first !== undefined) deps.handle(first);
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

function parseInteractions(body: string, signedFor: readonly string[]): SlackInteraction[] | undefined {
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
        signedFor,
      },
    ];
  });
}
