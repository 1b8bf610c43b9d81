import { startHttpStandIn, type HttpStandIn, type StandInAnswer } from './http-stand-in.js';

interface Block {
  type?: string;
  text?: { type?: string; text?: string };
  fields?: Array<{ text?: string }>;
  elements?: Array<{ type?: string; text?: string }>;
}

export interface SlackPost {
  readonly text: string;
  readonly blocks: Block[];
  readonly at: number;
}

export interface FakeSlack {
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Messages accepted (answered `ok`), in arrival order. */
  readonly accepted: SlackPost[];
  /** From now on, answer every request with this instead of checking it (an outage, a 429). */
  failWith(answer: StandInAnswer | undefined): void;
  close(): Promise<void>;
}

const KNOWN_BLOCKS = new Set(['header', 'section', 'context', 'divider', 'actions', 'image', 'rich_text']);

/**
 * An incoming-webhook stand-in that checks a message the way Slack does and answers as Slack
 * does: `ok` as text/plain, or a 400 whose plain-text body names the problem (`invalid_payload`,
 * `no_text`, `invalid_blocks`).
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const accepted: SlackPost[] = [];
  let failure: StandInAnswer | undefined;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    if (request.method !== 'POST') return { status: 405, body: 'invalid_method' };
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return { status: 400, body: 'invalid_payload' };
    let payload: { text?: unknown; blocks?: unknown };
    try {
      payload = JSON.parse(request.body) as typeof payload;
    } catch {
      return { status: 400, body: 'invalid_payload' };
    }
    if (typeof payload.text !== 'string' && !Array.isArray(payload.blocks)) return { status: 400, body: 'no_text' };
    const blocks = (payload.blocks ?? []) as Block[];
    const problem = checkBlocks(blocks);
    if (problem) return { status: 400, body: 'invalid_blocks', headers: { 'x-problem': problem } };
    accepted.push({ text: String(payload.text ?? ''), blocks, at: request.at });
    return { status: 200, body: 'ok' };
  });
  return {
    url: `${standIn.url}/services/T000/B000/XXXXXXXX`,
    standIn,
    accepted,
    failWith(answer) {
      failure = answer;
    },
    close: () => standIn.close(),
  };
}

/** Slack's Block Kit limits; the first one broken, or undefined. */
export function checkBlocks(blocks: readonly Block[]): string | undefined {
  if (blocks.length > 50) return `${blocks.length} blocks (at most 50)`;
  for (const [index, block] of blocks.entries()) {
    if (!KNOWN_BLOCKS.has(block.type ?? '')) return `block ${index}: unknown type ${block.type}`;
    if (block.type === 'header' && (block.text?.type !== 'plain_text' || (block.text.text ?? '').length > 150))
      return `block ${index}: header must be plain_text of at most 150`;
    if (block.type === 'section') {
      if (!block.text && !block.fields) return `block ${index}: section without text or fields`;
      if ((block.text?.text ?? '').length > 3000) return `block ${index}: section text over 3000`;
      if ((block.text?.text ?? 'x').length === 0) return `block ${index}: empty section text`;
      if ((block.fields ?? []).length > 10 || (block.fields ?? []).some((f) => (f.text ?? '').length > 2000))
        return `block ${index}: fields`;
    }
    if (block.type === 'context' && ((block.elements ?? []).length === 0 || (block.elements ?? []).length > 10))
      return `block ${index}: context elements`;
  }
  return undefined;
}
