import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  scale: (url) => ({
    type: 'scale',
    api_url: url,
    token: `${MARK}scaletoken00001`,
    namespace: 'shop',
    name: 'cart',
    replicas: '+1',
    max: 5,
  }),
};
