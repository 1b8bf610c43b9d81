import { graphDataSchema } from '../../charts/graph-data.js';
import type { ChartRenderer } from '../../charts/render-chart-png.js';
import type { EnrichedNotification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';
import { cut } from '../chat/message-model.js';
import type { TelegramApi } from './telegram-api.js';

/** A photo's caption: 0-1024 characters after entities are parsed (core.telegram.org/bots/api#sendphoto). */
export const TELEGRAM_CAPTION_LIMIT = 1_024;
// Pictures per episode at most: a group of thirty pods must not post thirty photos.
const MAX_GRAPHS = 2;

export interface TelegramGraph {
  readonly fingerprint: string;
  readonly caption: string;
  readonly png: Buffer;
}

/**
 * The graphs the `graph` enricher kept with the firing alerts, drawn as PNG to go under the
 * group's message as photos: seen in the chat without opening a link. A graph that cannot be
 * drawn is logged and left out; the message matters more than the picture.
 */
export async function telegramGraphs(notification: EnrichedNotification, charts: ChartRenderer, logger: Logger): Promise<TelegramGraph[]> {
  const graphs: TelegramGraph[] = [];
  for (const alert of notification.alerts) {
    if (graphs.length >= MAX_GRAPHS) break;
    const parsed = graphDataSchema.safeParse(alert.enrichment?.graph?.data?.graph);
    if (alert.status !== 'firing' || !parsed.success) continue;
    const { subject, panels } = parsed.data;
    const caption = cut(`📈 ${subject}: ${panels.map((p) => p.title).join(', ')}, the last hour`, TELEGRAM_CAPTION_LIMIT);
    try {
      graphs.push({ fingerprint: alert.fingerprint, caption, png: await charts.render(parsed.data) });
    } catch (error) {
      logger.warn('graph left out of the Telegram message', { fingerprint: alert.fingerprint, reason: (error as Error).message });
    }
  }
  return graphs;
}

/**
 * Posts each graph as a photo replying to the group's message (`sendPhoto`, multipart). A photo
 * Telegram refuses, or that cannot be sent, falls back to its caption as a text reply saying so:
 * the chat still learns the graph exists. Neither fails the delivery, which already posted the
 * message; what happened is in the returned line.
 */
export async function postGraphs(
  api: TelegramApi,
  where: { readonly chatId: number | string; readonly threadId?: number | undefined; readonly messageId: number; readonly silent: boolean },
  graphs: readonly TelegramGraph[],
  signal: AbortSignal,
  logger: Logger,
): Promise<string> {
  const common = {
    chat_id: where.chatId,
    ...(where.threadId === undefined ? {} : { message_thread_id: where.threadId }),
    // A photo under the message need not ring a second time.
    disable_notification: true,
    reply_parameters: { message_id: where.messageId, allow_sending_without_reply: true },
  };
  let photos = 0;
  const fallbacks: string[] = [];
  for (const graph of graphs) {
    try {
      const file = { field: 'photo', filename: `${graph.fingerprint}.png`, contentType: 'image/png', content: graph.png };
      await api.upload('sendPhoto', { ...common, caption: graph.caption }, file, signal);
      photos += 1;
    } catch (error) {
      if (signal.aborted) throw error;
      const reason = (error as Error).message;
      logger.warn('Telegram sendPhoto failed; the graph goes as text', { fingerprint: graph.fingerprint, reason });
      try {
        await api.call('sendMessage', { ...common, text: `${graph.caption} (the picture could not be sent: ${cut(reason, 200)})` }, signal);
        fallbacks.push(reason);
      } catch (fallback) {
        if (signal.aborted) throw fallback;
        logger.warn('Telegram graph text not sent either', { fingerprint: graph.fingerprint, reason: (fallback as Error).message });
        fallbacks.push(`not sent: ${(fallback as Error).message}`);
      }
    }
  }
  const parts = [
    photos > 0 ? `${photos} graph${photos === 1 ? '' : 's'} as photos` : '',
    ...fallbacks.map((r) => `a graph as text (${r})`),
  ];
  return parts.filter(Boolean).join(', ');
}
