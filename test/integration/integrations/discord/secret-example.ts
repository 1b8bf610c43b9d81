import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  discord: (url) => ({ type: 'discord', webhook_url: `${url}/api/webhooks/1181818181818181818/${MARK}discorddiscord01` }),
};
