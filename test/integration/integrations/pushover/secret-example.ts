import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  pushover: (url) => ({
    type: 'pushover',
    user_key: `${MARK}pushoveruserkey0000000000`,
    token: `${MARK}pushoverapptoken000000000`,
    api_url: `${url}/1/`,
  }),
};
