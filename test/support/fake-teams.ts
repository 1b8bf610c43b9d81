import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

type CardElement = Record<string, unknown>;

export interface TeamsPost {
  /** The Adaptive Card the workflow would post to the channel. */
  readonly card: CardElement;
  readonly at: number;
}

export interface FakeTeams {
  /** A workflow trigger URL, signed as Power Automate signs it (`sig=`). */
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Cards the workflow posted to the channel. */
  readonly accepted: TeamsPost[];
  /** Requests the trigger took (202) whose card the "post card" step would refuse, with why. */
  readonly refusedCards: string[];
  failWith(answer: StandInAnswer | undefined): void;
  close(): Promise<void>;
}

const SIGNATURE = 'tEaMsSiGnAtUrE-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const KNOWN_ELEMENTS = new Set(['TextBlock', 'FactSet', 'Container', 'ColumnSet', 'Column', 'Image', 'ActionSet', 'RichTextBlock']);

/**
 * A Teams Workflows webhook ("When a Teams webhook request is received", a Power Automate
 * trigger): 401 without the right signature, 400 `InvalidRequestContent` for a body that is not
 * JSON, else 202 Accepted at once, as the real trigger does; the card is then posted by the flow,
 * which only takes a `message` whose attachments are Adaptive Cards within about 28 KB. A card it
 * would not post is listed in `refusedCards` (the real flow run fails silently: the HTTP answer
 * was already 202).
 */
export async function startFakeTeams(): Promise<FakeTeams> {
  const accepted: TeamsPost[] = [];
  const refusedCards: string[] = [];
  let failure: StandInAnswer | undefined;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    const url = new URL(request.url, 'http://x');
    if (request.method !== 'POST')
      return {
        status: 404,
        body: {
          error: {
            code: 'TriggerRequestMethodNotValid',
            message: `The HTTP method for this request is not valid: expected 'Post' and actual '${request.method}'.`,
          },
        },
      };
    if (url.searchParams.get('sig') !== SIGNATURE)
      return {
        status: 401,
        body: { error: { code: 'DirectApiInvalidAuthorizationScheme', message: 'The provided authorization token is not valid.' } },
      };
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return {
        status: 400,
        body: {
          error: {
            code: 'InvalidRequestContent',
            message:
              "The input body for trigger 'manual' of type 'Request' must be of type JSON, but was of type 'application/octet-stream'.",
          },
        },
      };
    }
    let payload: unknown;
    try {
      payload = JSON.parse(request.body);
    } catch {
      return {
        status: 400,
        body: {
          error: { code: 'InvalidRequestContent', message: "The input body for trigger 'manual' of type 'Request' must be of type JSON." },
        },
      };
    }
    const problem = checkTeamsMessage(payload, request);
    if (problem) refusedCards.push(problem);
    else accepted.push({ card: (payload as { attachments: [{ content: CardElement }] }).attachments[0].content, at: request.at });
    return { status: 202 };
  });
  return {
    url: `${standIn.url}/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIGNATURE}`,
    standIn,
    accepted,
    refusedCards,
    failWith(answer) {
      failure = answer;
    },
    close: () => standIn.close(),
  };
}

/** What the flow's "post card in a chat or channel" step checks; the first problem. */
export function checkTeamsMessage(payload: unknown, request?: RecordedRequest): string | undefined {
  if (request && Buffer.byteLength(request.body) > 28_000) return 'message over 28 KB';
  const message = payload as { type?: unknown; attachments?: Array<{ contentType?: unknown; content?: CardElement }> };
  if (message?.type !== 'message' || !Array.isArray(message.attachments) || message.attachments.length === 0)
    return 'not a message with attachments';
  for (const attachment of message.attachments) {
    if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive')
      return `attachment of type ${String(attachment.contentType)} (Workflows take Adaptive Cards only)`;
    const card = attachment.content;
    if (card?.type !== 'AdaptiveCard' || typeof card.version !== 'string' || !Array.isArray(card.body))
      return 'not an AdaptiveCard with a version and a body';
    const problem = checkElements(card.body as CardElement[], 'body');
    if (problem) return problem;
  }
  return undefined;
}

function checkElements(elements: CardElement[], where: string): string | undefined {
  for (const [index, element] of elements.entries()) {
    const at = `${where}[${index}]`;
    if (!KNOWN_ELEMENTS.has(String(element.type))) return `${at}: unknown element ${String(element.type)}`;
    if (element.type === 'TextBlock' && (typeof element.text !== 'string' || element.text === '')) return `${at}: TextBlock without text`;
    if (
      element.type === 'FactSet' &&
      (!Array.isArray(element.facts) ||
        (element.facts as Array<Record<string, unknown>>).some((f) => typeof f.title !== 'string' || typeof f.value !== 'string'))
    )
      return `${at}: FactSet facts need a title and a value`;
    if (element.type === 'Container') {
      if (!Array.isArray(element.items)) return `${at}: Container without items`;
      const inner = checkElements(element.items as CardElement[], `${at}.items`);
      if (inner) return inner;
    }
  }
  return undefined;
}
