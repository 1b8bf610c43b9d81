import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  telegram: (url) => ({
    type: 'telegram',
    bot_token: `7012345678:${MARK}telegrambottoken01`,
    chat_id: -1001234567890,
    api_url: url,
    webhook_secret: `${MARK}telegramwebhooksecret`,
  }),
};
