import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  pagerduty: (url) => ({
    type: 'pagerduty',
    routing_key: `${MARK}pagerdutyroutingkey0000000000`,
    webhook_secret: `${MARK}pagerdutywebhooksecret`,
    url: `${url}/v2/enqueue`,
  }),
};
