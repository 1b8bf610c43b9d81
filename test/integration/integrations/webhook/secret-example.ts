import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  webhook: (url) => ({
    type: 'webhook',
    url: `${url}/hook/${MARK}webhookpath00001`,
    headers: { 'X-Api-Key': `${MARK}webhookheader01` },
    auth: { bearer_token: `${MARK}webhookbearer01` },
  }),
};
