import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  slack: (url) => ({ type: 'slack', webhook_url: `${url}/services/T0123ABCD/B0123ABCD/${MARK}slackslackslack1` }),
  // The app mode, with secrets of its own.
  'slack app': (url) => ({
    type: 'slack',
    bot_token: `xoxb-${MARK}slackbottoken01`,
    channel: 'C0ALERTS1',
    signing_secret: `${MARK}signingsecret01`,
    api_url: `${url}/api/`,
  }),
};
