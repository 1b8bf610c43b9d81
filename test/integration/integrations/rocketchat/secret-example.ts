import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  rocketchat: (url) => ({
    type: 'rocketchat',
    api_url: url,
    token: `${MARK}rocketchattoken01`,
    token_id: `${MARK}rocketuserid01`,
    channel: '#alerts',
  }),
};
