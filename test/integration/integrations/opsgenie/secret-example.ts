import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  opsgenie: (url) => ({
    type: 'opsgenie',
    api_key: `${MARK}opsgenieapikey0000`,
    webhook_secret: `${MARK}opsgeniewebhooksecret`,
    api_url: `${url}/`,
  }),
};
