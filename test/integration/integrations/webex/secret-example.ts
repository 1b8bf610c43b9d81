import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at `url`. */
export const secretExamples: SecretExamples = {
  webex: (url) => ({
    type: 'webex',
    api_url: `${url}/v1/messages`,
    room_id: 'Y2lzY29zcGFyazovL3VzL1JPT00vYWxlcnRz',
    bot_token: `${MARK}webexbottoken01`,
  }),
};
