import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  google_chat: (url) => ({
    type: 'google_chat',
    webhook_url: `${url}/v1/spaces/AAAA/messages?key=${MARK}googlekey000001&token=${MARK}googletoken0001`,
  }),
};
