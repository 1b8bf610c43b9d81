import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  mattermost: (url) => ({ type: 'mattermost', webhook_url: `${url}/hooks/${MARK}mattermosthook01` }),
  // The bot mode, with a secret of its own.
  'mattermost bot': (url) => ({
    type: 'mattermost',
    bot_token: `${MARK}mattermostbottoken01`,
    api_url: url,
    channel_id: 'kq3ijc8bzpd7mbc5wqtxzn1xya',
  }),
};
