import { Router, type Request } from 'express';
import type { Logger } from '../../observability/logger.js';
import { signingSecretOf } from './slack-signature.js';
import { clickOf, type SlackInteraction } from './slack-interaction-payload.js';

export type { SlackInteraction } from './slack-interaction-payload.js';

/** An app-level token's Socket Mode: how to open its connection, and the Slack app actions it receives clicks for. */
export interface SocketModeApp {
  /** The app-level token: what a reload that keeps it keeps the connection by. */
  readonly appToken: string;
  /** `apps.connections.open`: a fresh `wss://` URL. */
  readonly open: (signal: AbortSignal) => Promise<string>;
  readonly actions: readonly string[];
}

export interface SlackInteractionDeps {
  /** Each configured signing secret, and the Slack app actions that use it; none turns the endpoint off (404). */
  readonly signers: ReadonlyMap<string, readonly string[]>;
  /** One per app-level token: clicks that arrive over Socket Mode (slack-socket-clicks.ts), with no inbound route. */
  readonly sockets: readonly SocketModeApp[];
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
    const received = clickOf(formPayload(raw.toString('utf8')), deps.signers.get(secret) ?? [], deps.logger);
    if (received === undefined) {
      res.status(400).json({ status: 'error', error: 'expected a form-encoded payload= of type block_actions' });
      return;
    }
    if (!(await deps.firstSeen(signature))) {
      deps.logger.warn('Slack interaction ignored: the same signed request was received before (a replay)');
      res.status(200).end();
      return;
    }
    res.status(200).end();
    if (received.click !== undefined) deps.handle(received.click);
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

/** The JSON of a form-encoded `payload=`; `undefined` when there is none or it is not JSON. */
function formPayload(body: string): unknown {
  try {
    return JSON.parse(new URLSearchParams(body).get('payload') ?? '') as unknown;
  } catch {
    return undefined;
  }
}
