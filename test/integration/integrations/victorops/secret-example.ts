import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  victorops: (url) => ({ type: 'victorops', api_key: `${MARK}victoropsapikey`, routing_key: `${MARK}routingkey`, api_url: `${url}/` }),
};
