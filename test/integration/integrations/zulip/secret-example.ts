import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at `url`. */
export const secretExamples: SecretExamples = {
  zulip: (url) => ({
    type: 'zulip',
    url,
    bot_email: 'alertpipe-bot@example.zulipchat.com',
    api_key: `${MARK}zulipapikey01`,
    stream: 'alerts',
  }),
};
